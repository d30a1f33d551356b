"""Chalice's local gateway taught what API Gateway is configured to do on AWS for a path no route
matches: the service's own 404 (chalicelib/web/gateway.py), a page for a browser and the JSON
error body for an API client.

    from devstack.gateway import install_local_not_found
    install_local_not_found()      # once, before serving (the local stack, test fixtures)
"""
from __future__ import annotations

from typing import Any

from chalicelib.web.gateway import not_found_reply


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
