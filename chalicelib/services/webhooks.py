"""Webhooks: an organisation's Primary User registers an HTTPS URL; when a candidate shares a
result with the organisation, the service POSTs a signed JSON event to it.

Signing (documented for receivers in docs/webhooks.md):
    X-Results-Webhook-Id:        the event id (the same on every retry: use it to de-duplicate)
    X-Results-Webhook-Timestamp: Unix seconds when this attempt was sent
    X-Results-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
The secret (`whsec_...`) is shown once, when the webhook is created. It is not stored: it is
derived from the service key and the webhook id, so a copy of the table cannot forge events.

Delivery goes through the SQS webhook queue. A failed attempt (network error, timeout, any
non-2xx) is sent again with exponential backoff (30 s doubling, at most 1 h apart; SQS delays
are at most 15 minutes, so longer waits hop) for 24 hours; then the event is parked in the
dead-letter queue and the webhook is shown as `failing` until a delivery succeeds again.

Events carry no candidate data: `share.created` names the share, and the receiver reads it
through the machine API, where the read is authorised and audited like any other.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import PutError

from .. import config, resources
from ..adapters import clock, queue
from ..db import models as m
from ..db.repo import condition_failed, get_or_none
from ..domain.errors import Conflict, NotFound, ValidationError
from ..observability import logger
from . import security as sec

MAX_WEBHOOKS_PER_ORG = 5
RETRY_FOR_S = 24 * 3600
FIRST_BACKOFF_S = 30
MAX_BACKOFF_S = 3600
SQS_MAX_DELAY_S = 900
TIMEOUT_S = 10
USER_AGENT = "ExamResults-Webhooks/1"


# ---------------------------------------------------------------- secrets and signatures
def secret_for(webhook_id: str) -> str:
    return "whsec_" + sec.keyed_hash("webhook-secret", webhook_id)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, header: str, *, now: float,
                     tolerance_s: int = 300) -> bool:
    """What a receiver does (also the reference for docs/webhooks.md)."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs(now - ts) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, ts, body), header)


# ---------------------------------------------------------------- URL rules
def _local_allowed() -> bool:
    return config.settings().is_local


def check_url(url: str) -> str | None:
    """A problem with a webhook URL, or None. HTTPS only (plain http to 127.0.0.1/localhost is
    allowed on the local stack, for trying it out); never an address inside our network."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "must be a web address like https://example.org/hooks/results"
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return "must be a web address like https://example.org/hooks/results"
    loopback = host in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback and _local_allowed()):
        return "must use https"
    if loopback and not _local_allowed():
        return "must be a public address"
    if not loopback and _is_private_literal(host):
        return "must be a public address"
    return None


def _is_private_literal(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not ip.is_global


def _resolves_private(host: str) -> bool:
    """At delivery time too: a public name may resolve to a private address (DNS rebinding)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # the POST will fail and be retried
    return any(not ipaddress.ip_address(i[4][0]).is_global for i in infos)


# ---------------------------------------------------------------- management
def view(w: m.Webhook) -> dict:
    return {
        "webhook_id": w.webhook_id, "url": w.url, "status": w.status, "created_at": w.created_at,
        "last_success_at": w.last_success_at, "last_failure_at": w.last_failure_at,
        "last_error": w.last_error, "deliveries_ok": w.deliveries_ok,
        "deliveries_parked": w.deliveries_parked, "events": ["share.created"],
    }


def org_webhooks(org_id: str) -> list[m.Webhook]:
    return list(m.Webhook.query(m.ORG + org_id, m.Webhook.sk.startswith(m.WEBHOOK)))


def create(org_id: str, user_id: str, url: str) -> dict:
    problem = check_url(url)
    if problem:
        raise ValidationError({"url": problem})
    existing = org_webhooks(org_id)
    if any(w.url == url.strip() for w in existing):
        raise Conflict("This URL is registered already.")
    if len(existing) >= MAX_WEBHOOKS_PER_ORG:
        raise ValidationError({"url": f"an organisation can have at most {MAX_WEBHOOKS_PER_ORG} webhooks"})
    webhook_id = "wh_" + secrets.token_hex(8)
    item = m.Webhook(*m.Webhook.keys(org_id, webhook_id), webhook_id=webhook_id, org_id=org_id,
                     url=url.strip(), created_at=clock.iso(), created_by=user_id)
    try:
        item.save(condition=m.Webhook.pk.does_not_exist())
    except PutError as err:
        if condition_failed(err):
            raise Conflict("Try again.") from None
        raise
    return {**view(item), "secret": secret_for(webhook_id)}


def delete(org_id: str, webhook_id: str) -> None:
    item = get_or_none(m.Webhook, *m.Webhook.keys(org_id, webhook_id))
    if item is None:
        raise NotFound("There is no webhook with that id.")
    item.delete()


# ---------------------------------------------------------------- events
def share_created(org_id: str, share_id: str, shared_at: str) -> int:
    """Enqueue a `share.created` event for each of the organisation's webhooks."""
    hooks = org_webhooks(org_id)
    if not hooks:
        return 0
    event = {"id": "evt_" + secrets.token_hex(12), "type": "share.created", "created_at": clock.iso(),
             "data": {"share_id": share_id, "org_id": org_id, "shared_at": shared_at,
                      "api_url": f"{config.settings().public_base_url}/api/v1/shares?since={shared_at}"}}
    now = clock.now()
    return queue.send_many(config.WEBHOOK_QUEUE, (
        {"webhook_id": w.webhook_id, "org_id": org_id, "event": event, "attempt": 1, "first_at": now,
         "not_before": now} for w in hooks))


def backoff_s(attempt: int) -> int:
    """Seconds to wait after failed attempt number `attempt` (1-based)."""
    return int(min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** (attempt - 1)))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is a failed delivery, not a hop to somewhere else


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[bool, str]:
    """One attempt: (delivered, what happened)."""
    host = urlsplit(url).hostname or ""
    if not (_local_allowed() and host in ("127.0.0.1", "localhost", "::1")) and _resolves_private(host):
        return False, "the URL resolves to a private address"
    req = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 - https only (check_url)
                                 headers={**headers, "Content-Type": "application/json",
                                          "User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=TIMEOUT_S) as resp:
            status = resp.status
    except urllib.error.HTTPError as err:
        status = err.code
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        return False, f"could not connect: {type(reason).__name__}"
    if 200 <= status < 300:
        return True, f"HTTP {status}"
    return False, f"HTTP {status}"


def deliver(message: dict) -> None:
    """Handle one message of the webhook queue: wait, attempt, reschedule or park."""
    now = clock.now()
    not_before = float(message.get("not_before", 0))
    if not_before > now:  # a wait longer than SQS's 15-minute delay: hop again
        hop = int(min(SQS_MAX_DELAY_S, not_before - now + 1))
        queue.send(config.WEBHOOK_QUEUE, message, delay_seconds=hop)
        return
    hook = get_or_none(m.Webhook, *m.Webhook.keys(message["org_id"], message["webhook_id"]))
    if hook is None:
        return  # deleted since: nothing to deliver
    body = json.dumps(message["event"], separators=(",", ":"), sort_keys=True).encode()
    ts = int(now)
    ok, what = post(hook.url, body, {
        "X-Results-Webhook-Id": message["event"]["id"],
        "X-Results-Webhook-Timestamp": str(ts),
        "X-Results-Webhook-Signature": signature(secret_for(hook.webhook_id), ts, body),
    })
    W = m.Webhook
    if ok:
        hook.update(actions=[W.status.set("active"), W.last_success_at.set(clock.iso(now)),
                             W.deliveries_ok.add(1)])
        return
    attempt = int(message.get("attempt", 1))
    logger().info("webhook delivery failed", extra={"webhook_id": hook.webhook_id, "attempt": attempt,
                                                     "outcome": what})
    actions: list[Any] = [W.last_failure_at.set(clock.iso(now)), W.last_error.set(what)]
    wait = backoff_s(attempt)
    if now + wait - float(message["first_at"]) > RETRY_FOR_S:
        parked = {**message, "parked_at": now, "last_error": what}
        queue.send(resources.dlq_name(config.WEBHOOK_QUEUE), parked)
        hook.update(actions=[*actions, W.status.set("failing"), W.deliveries_parked.add(1)])
        return
    hook.update(actions=actions)
    queue.send(config.WEBHOOK_QUEUE, {**message, "attempt": attempt + 1, "not_before": now + wait},
               delay_seconds=min(SQS_MAX_DELAY_S, wait))
