"""A path no route matches: a 404 page for a browser, the JSON error body for an API client.
On AWS, API Gateway answers it before the app; locally, devstack/gateway.py teaches chalice's
local gateway (`make run`, chalice.test.Client) to answer with `not_found_reply`."""
from __future__ import annotations

import json
from types import SimpleNamespace

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
