"""Domain errors. Raised deep, turned into the API.md error body in one place (app.py)."""
from __future__ import annotations


class AppError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.headers = headers or {}

    def body(self) -> dict:
        out: dict = {"error": self.code, "message": self.message}
        if self.fields is not None:
            out["fields"] = self.fields
        return out


class ValidationError(AppError):
    status = 400
    code = "validation_error"

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or "Some fields are not valid.", fields=fields)


class Unauthenticated(AppError):
    status = 401
    code = "unauthenticated"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class RateLimited(AppError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        retry_after = max(1, int(retry_after))
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
