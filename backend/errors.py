"""Domain errors and the one table that maps them to HTTP statuses.

Every error body is {"error": code, "message": human sentence, "detail": ...}.
"""

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger("weibao")


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, detail: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        if code:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class Invalid(DomainError):
    code = "invalid"


class Conflict(DomainError):
    code = "conflict"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after


class TooLarge(DomainError):
    code = "too_large"


class UnsupportedMedia(DomainError):
    code = "unsupported_media_type"


class ChecksumMismatch(DomainError):
    """tus 1.0 "Checksum Mismatch": the chunk was discarded, send it again."""

    code = "checksum_mismatch"


class ServiceUnavailable(DomainError):
    """Something the server needs is missing (e.g. the CJK font); not the caller's fault."""

    code = "unavailable"


STATUS: dict[type[DomainError], int] = {
    Invalid: 422,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    TooLarge: 413,
    UnsupportedMedia: 415,
    ChecksumMismatch: 460,
    ServiceUnavailable: 503,
}

# Litestar's own exceptions keep their status; these give them stable codes and sentences.
HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("invalid_request", "The request could not be read."),
    401: ("not_authenticated", "Please log in first."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Nothing was found at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "This type of content is not accepted."),
    429: ("rate_limited", "Too many requests; please wait and try again."),
}


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": code, "message": message, "detail": detail}


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def domain_error_handler(_request: Request, exc: DomainError) -> Response:
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    return Response(
        error_body(exc.code, exc.message, exc.detail),
        status_code=status_of(exc),
        headers=headers,
        media_type=MediaType.JSON,
    )


def validation_summary(exc: ValidationException) -> str:
    problems = exc.extra if isinstance(exc.extra, list) else []
    parts = [
        f"{p.get('key')}: {p.get('message')}" if p.get("key") else str(p.get("message"))
        for p in problems
        if isinstance(p, dict)
    ]
    return "; ".join(parts) or str(exc.detail)


def http_error_handler(_request: Request, exc: HTTPException) -> Response:
    code, sentence = HTTP_CODES.get(exc.status_code, ("error", "The request failed."))
    detail: Any = None
    message = sentence
    if isinstance(exc, ValidationException):
        # msgspec says exactly which field is wrong, e.g. "Object contains unknown field `x`".
        detail = exc.extra
        message = f"{sentence} {validation_summary(exc)}".strip()
    elif exc.detail and exc.detail != sentence and exc.status_code < 500:
        detail = exc.detail
    return Response(
        error_body(code, message, detail),
        status_code=exc.status_code,
        headers=exc.headers,
        media_type=MediaType.JSON,
    )


def unexpected_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response(
        error_body("internal", "Something went wrong on the server; nothing was changed."),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}
