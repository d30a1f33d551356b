"""An organisation's webhooks (Primary User only): register, list with delivery status, delete."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .auth import principal
from .body import body, parse_as, spec
from .docs import NO_CONTENT, list_of, ok, operation, path_param, ref, reply
from .errors import Routes
from .http import Field, json_response, no_content

bp = Routes(__name__)



@body
class Webhook:
    url: str = spec(Field(str, max_len=2000))


def _primary() -> Any:
    from ..services.actor import actor

    who = actor(principal(bp.current_request, "verifier"))
    who.require_primary()
    return who


@bp.route("/organisation/webhooks", methods=["POST"])
@operation("webhooks", "Register a webhook for share.created (Primary User only)",
           {"201": reply(ref("WebhookCreated"), "Registered; `secret` signs the deliveries")}, body=Webhook)
def create() -> Response:
    from ..services import webhooks

    who = _primary()
    data = parse_as(bp.current_request, Webhook)
    return json_response(webhooks.create(who.org_id, who.user_id, data.url), 201)


@bp.route("/organisation/webhooks", methods=["GET"])
@operation("webhooks", "Webhooks with delivery status (Primary User only)",
           {"200": ok(list_of("webhooks", ref("Webhook")))})
def list_webhooks() -> dict:
    from ..services import webhooks

    who = _primary()
    return {"webhooks": [webhooks.view(w) for w in webhooks.org_webhooks(who.org_id)]}


@bp.route("/organisation/webhooks/{webhook_id}", methods=["DELETE"])
@operation("webhooks", "Delete a webhook (Primary User only)", NO_CONTENT,
           params=[path_param("webhook_id")])
def delete(webhook_id: str) -> Response:
    from ..services import webhooks

    who = _primary()
    webhooks.delete(who.org_id, webhook_id)
    return no_content()
