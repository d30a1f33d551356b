"""A path no route matches. On AWS, API Gateway answers it before the app (infra/ maps its
MISSING_AUTHENTICATION_TOKEN reply to the same bodies); here the local gateway of chalice
(`make run`, chalice.test.Client) is taught the same: a 404 page for a browser, the JSON error
body for an API client.

    from chalicelib.web.gateway import install_local_not_found
    install_local_not_found()      # once, before serving (the local stack, test fixtures)
"""
from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

NOT_FOUND = {"error": "not_found", "message": "There is nothing at this path."}


def not_found_reply(path: str, headers: dict[str, str]) -> dict:
    """A Lambda proxy reply (what the app returns) for an unknown path."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    from .routes import not_found_page, wants_html

    if wants_html(lowered):
        from .core import Ctx

        request = SimpleNamespace(headers=lowered, raw_body=b"", query_params=None, context={"path": path})
        response = not_found_page(Ctx(request))
        out = response.to_dict()
        return {"statusCode": out["statusCode"], "headers": out.get("headers", {}),
                "multiValueHeaders": out.get("multiValueHeaders", {}), "body": out["body"]}
    return {"statusCode": 404, "headers": {"Content-Type": "application/json"}, "multiValueHeaders": {},
            "body": json.dumps(NOT_FOUND)}


def install_local_not_found() -> None:
    from chalice.local import LocalGateway

    original = LocalGateway.handle_request
    if getattr(original, "_not_found_installed", False):
        return

    def handle_request(self: Any, method: str, path: str, headers: Any, body: Any) -> Any:
        try:
            self.event_converter.create_lambda_event(method=method, path=path, headers=headers, body=body)
        except ValueError:  # no route matches the path
            return not_found_reply(path.split("?", 1)[0], dict(headers))
        return original(self, method, path, headers, body)

    handle_request._not_found_installed = True  # type: ignore[attr-defined]
    LocalGateway.handle_request = handle_request  # type: ignore[method-assign]
