"""Turns every failure into the API.md error body, in one place."""
from __future__ import annotations

import json
from typing import Any

from chalice import Response

from ..domain.errors import AppError
from .http import error_response

# Chalice's own error replies ({"Code", "Message"}) mapped to the contract's codes.
_CHALICE_CODES = {
    400: "validation_error", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "not_found", 409: "conflict", 413: "payload_too_large", 415: "validation_error",
    429: "rate_limited",
}


def handle_errors(event: Any, get_response: Any) -> Response:
    """Chalice HTTP middleware: Chalice's own error replies ({"Code", "Message"}: 415, a
    missing route, ...) rewritten into the contract's body. Views are `guarded` below."""
    return _normalise(get_response(event))


def _normalise(response: Response) -> Response:
    if response.status_code < 400:
        return response
    body = response.body
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if isinstance(body, dict) and "Code" in body and "error" not in body:
        status = response.status_code
        code = _CHALICE_CODES.get(status, "internal_error")
        message = str(body.get("Message") or "The request could not be handled.")
        if status == 415:
            status, message = 400, "Send the body as JSON with Content-Type: application/json."
        elif status >= 500:
            message = "Something went wrong on our side."
        out: dict[str, Any] = {"error": code, "message": message}
        if code == "validation_error":
            out["fields"] = {}
        headers = {**(response.headers or {}), "Content-Type": "application/json"}
        return Response(body=out, status_code=status, headers=headers)
    return response


def guarded(view: Any) -> Any:
    """Wrap a view so that a domain error becomes its status and body, and anything else a
    500 with the contract's body (Chalice would otherwise answer {"Code", "Message"})."""
    import functools

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except AppError as err:
            return error_response(err)
        except Exception:  # noqa: BLE001 - the one place every unexpected failure ends up
            from ..observability import logger

            logger().exception("unhandled error", extra={"view": view.__name__})
            return Response(body={"error": "internal_error", "message": "Something went wrong on our side."},
                            status_code=500, headers={"Content-Type": "application/json"})

    return wrapped


class Routes:
    """`bp = Routes(__name__)`: a Chalice Blueprint whose views are `guarded`, and whose
    `@operation` (api/docs.py) is filed under the route's methods and path."""

    def __new__(cls, import_name: str) -> Any:
        from chalice import Blueprint

        from . import docs

        class _Blueprint(Blueprint):
            def route(self, path: str, **kwargs: Any) -> Any:
                register = super().route(path, **kwargs)

                def add(view: Any) -> Any:
                    docs.register(view, path, kwargs.get("methods", ["GET"]))  # its OpenAPI operation
                    return register(guarded(view))

                return add

        return _Blueprint(import_name)
