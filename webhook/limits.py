"""Limits on a request's URL and headers, answered in the service's one error shape.

gunicorn refuses an over-long request line (414) or header (431) itself, in
text/html (issue #11). Its limits are set above these (`server.py`), so
the app meets every request that is merely too long first and answers it as
problem+json; only a request past gunicorn's own limits (8,190 bytes of
request line, 16,380 of one header) still gets gunicorn's page.
"""

from __future__ import annotations

from flask import Flask, request

from .errors import ProblemError

# A comment id is at most 200 characters; no honest URL of this service is near this.
MAX_URL = 2048
# Per header; a signature header with a few rotated secrets is a few hundred bytes.
MAX_HEADER = 8192
# gunicorn's own limits, above the app's (see the module docstring).
GUNICORN_LIMIT_REQUEST_LINE = 8190
GUNICORN_LIMIT_FIELD_SIZE = 16380


class UriTooLongError(ProblemError):
    status, title = 414, "URI too long"


class HeadersTooLargeError(ProblemError):
    status, title = 431, "Request header fields too large"


def check_request_size() -> None:
    """Refuse an over-long URL (414) or header (431) before any work is done."""
    environ = request.environ
    length = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
    if length > MAX_URL:
        raise UriTooLongError(f"the URL has {length} characters; at most {MAX_URL} are read")
    for name, value in request.headers.items():
        if len(name) + len(value) > MAX_HEADER:
            raise HeadersTooLargeError(f"the {name} header is longer than {MAX_HEADER} bytes")


def init_app(app: Flask) -> None:
    """Check every request's size first."""
    app.before_request(check_request_size)
