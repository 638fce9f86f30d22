"""HTTP errors as small named classes, each with its status, rendered as application/problem+json."""

from __future__ import annotations

from flask import Flask, Response, current_app, json
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from .store import unavailable


class ProblemError(Exception):
    """Base of every error the service answers with (RFC 9457 problem details)."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, field: str | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.headers = headers or {}

    def response(self) -> Response:
        """The error as a problem+json response."""
        body = {"type": "about:blank", "title": self.title, "status": self.status, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        return problem_response(body, self.status, self.headers)


class MalformedError(ProblemError):
    status, title = 400, "Malformed request"


class SignatureError(ProblemError):
    status, title = 401, "Bad or missing signature"


class UnauthorizedError(ProblemError):
    status, title = 401, "Sign-in required"


class CsrfError(ProblemError):
    status, title = 400, "Stale form"


class NotFoundError(ProblemError):
    status, title = 404, "Not found"


class ConflictError(ProblemError):
    status, title = 409, "Conflict"


class TooLargeError(ProblemError):
    status, title = 413, "Request too large"


class UnsupportedMediaError(ProblemError):
    status, title = 415, "Unsupported media type"


class FieldError(ProblemError):
    status, title = 422, "Invalid field"


class RateLimitedError(ProblemError):
    status, title = 429, "Too many requests"


class UnavailableError(ProblemError):
    status, title = 503, "Storage unavailable"


# How long a platform should wait before it sends again when storage is unavailable.
RETRY_AFTER_UNAVAILABLE = 30


def problem_response(body: dict, status: int, headers: dict | None = None) -> Response:
    """A response with the one JSON error shape of the service."""
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json", headers={"X-Content-Type-Options": "nosniff"})
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    """Answer every error, ours and Werkzeug's, in the problem+json shape."""

    @app.errorhandler(ProblemError)
    def _problem(error: ProblemError):
        return error.response()

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge):
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return TooLargeError(f"the body is larger than {limit:,} bytes" if limit else "the body is too large").response()

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        body = {"type": "about:blank", "title": error.name, "status": error.code, "detail": error.description}
        # Keep what the status needs (Allow on a 405, WWW-Authenticate on a 401).
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return problem_response(body, error.code or 500, headers)

    @app.errorhandler(Exception)
    def _bug(error: Exception):
        # Our bug, never the client's: logged in full, answered in the same shape without details.
        if isinstance(error, HTTPException):
            return _http(error)
        why = unavailable(error)
        if why:
            # Nothing was committed (the error came before or at COMMIT), so the
            # platform must send again: 503 with Retry-After, never a 500 or a 200 (issue #11).
            current_app.logger.error("storage unavailable: %s (%s)", why, error)
            return UnavailableError(f"{why}; nothing was stored, send again later",
                                    headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)}).response()
        current_app.logger.exception("unhandled error")
        return _http(InternalServerError("the service failed on this request; it is logged"))
