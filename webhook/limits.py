"""Limits on a request's URL and headers, answered in the service's one error shape.

gunicorn refuses an over-long request line (414) or header (431) itself, in
text/html (issue #11). Its limits are set above these (`server.py`), so
the app meets every request that is merely too long first and answers it as
problem+json; only a request past gunicorn's own limits (8,190 bytes of
request line, 16,380 of one header) still gets gunicorn's page.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from .errors import ProblemError, TooLargeError

# A comment id is at most 200 characters; no honest URL of this service is near this.
MAX_URL = 2048
# Per header; a signature header with a few rotated secrets is a few hundred bytes.
MAX_HEADER = 8192
# gunicorn's own limits, above the app's (see the module docstring).
GUNICORN_LIMIT_REQUEST_LINE = 8190
GUNICORN_LIMIT_FIELD_SIZE = 16380
# A body over MAX_CONTENT_LENGTH is read to its end and dropped before the 413
# when it is at most this long (issue #11): refused unread, the socket closed on
# a client still sending, which saw a broken pipe and never the 413, so a platform
# would send it again and again. A longer one is refused unread (a worker is not
# held reading a gigabyte); ~40 ms a 10 MB body on loopback.
MAX_DRAINED = 32 * 1024 * 1024


class UriTooLongError(ProblemError):
    status, title = 414, "URI too long"


class HeadersTooLargeError(ProblemError):
    status, title = 431, "Request header fields too large"


def check_request_size() -> None:
    """Refuse an over-long URL (414), header (431) or body (413) before any work is done."""
    environ = request.environ
    length = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
    if length > MAX_URL:
        raise UriTooLongError(f"the URL has {length} characters; at most {MAX_URL} are read")
    for name, value in request.headers.items():
        if len(name) + len(value) > MAX_HEADER:
            raise HeadersTooLargeError(f"the {name} header is longer than {MAX_HEADER} bytes")
    limit, length = current_app.config.get("MAX_CONTENT_LENGTH"), request.content_length
    if limit is not None and length is not None and length > limit:
        if length <= MAX_DRAINED:
            _drain(environ["wsgi.input"], length)
        raise TooLargeError(f"the body has {length} bytes; at most {limit} are read")


def _drain(stream, length: int) -> None:
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(65536, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


def init_app(app: Flask) -> None:
    """Check every request's size first."""
    app.before_request(check_request_size)
