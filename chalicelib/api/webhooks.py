"""An organisation's webhooks (Primary User only): register, list with delivery status, delete."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .auth import principal
from .errors import Routes
from .http import Field, json_response, no_content, parse_body

bp = Routes(__name__)

WEBHOOK = {"url": Field(str, max_len=2000)}


def _primary() -> Any:
    from ..services.actor import actor

    who = actor(principal(bp.current_request, "verifier"))
    who.require_primary()
    return who


@bp.route("/organisation/webhooks", methods=["POST"])
def create() -> Response:
    from ..services import webhooks

    who = _primary()
    data = parse_body(bp.current_request, WEBHOOK)
    return json_response(webhooks.create(who.org_id, who.user_id, data["url"]), 201)


@bp.route("/organisation/webhooks", methods=["GET"])
def list_webhooks() -> dict:
    from ..services import webhooks

    who = _primary()
    return {"webhooks": [webhooks.view(w) for w in webhooks.org_webhooks(who.org_id)]}


@bp.route("/organisation/webhooks/{webhook_id}", methods=["DELETE"])
def delete(webhook_id: str) -> Response:
    from ..services import webhooks

    who = _primary()
    webhooks.delete(who.org_id, webhook_id)
    return no_content()
