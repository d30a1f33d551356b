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
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
from urllib.parse import urlsplit

from .. import config, resources
from ..adapters import clock, queue
from ..db import models as m
from ..db.store import store
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


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# Special-purpose IPv6 ranges that reach IPv4 (or anything) behind a translator or tunnel, which
# `is_global` does not refuse on every Python: NAT64 (well-known and local-use prefixes),
# Teredo, the deprecated IPv4-compatible ::/96, the IPv4-mapped ::ffff:0:0/96 and its SIIT
# twin, and (belt and braces) the discard, documentation, unique-local, link-local and
# multicast ranges. 6to4 (2002::/16) is judged by the IPv4 address it embeds.
REFUSED_V6 = tuple(ipaddress.IPv6Network(n) for n in (
    "64:ff9b::/96", "64:ff9b:1::/48", "2001::/32", "::/96", "::ffff:0:0/96", "::ffff:0:0:0/96",
    "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8"))


def refused_address(address: str) -> bool:
    """True for any address a webhook must not reach: not global, multicast, or one of the
    special-purpose IPv6 ranges above; a 6to4 or IPv4-mapped address by the IPv4 inside it."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is not None and refused_address(str(inner)):
            return True
        if any(ip in net for net in REFUSED_V6):
            return True
    return ip.is_multicast or not ip.is_global


def check_url(url: str) -> str | None:
    """A problem with a webhook URL, or None. HTTPS only (plain http to 127.0.0.1/localhost is
    allowed on the local stack, for trying it out); never an address inside our network."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "must be a web address like https://example.org/hooks/results"
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return "must be a web address like https://example.org/hooks/results"
    loopback = host in LOOPBACK_NAMES
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback and _local_allowed()):
        return "must use https"
    if loopback and not _local_allowed():
        return "must be a public address"
    if not loopback and _is_literal(host) and refused_address(host):
        return "must be a public address"
    return None


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def resolve(host: str, port: int) -> list[str]:
    """Every address the name has, resolved once for the check and the connection."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever a second look-up returns."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TCP to the checked address; TLS with SNI and certificate checked against the host name
    (and the Host header is the host name: http.client sends self.host)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


# ---------------------------------------------------------------- management
def view(w: m.Webhook) -> dict:
    return {
        "webhook_id": w.webhook_id, "url": w.url, "status": w.status, "created_at": w.created_at,
        "last_success_at": w.last_success_at, "last_failure_at": w.last_failure_at,
        "last_error": w.last_error, "deliveries_ok": w.deliveries_ok,
        "deliveries_parked": w.deliveries_parked, "events": ["share.created", "share.withdrawn"],
    }


def org_webhooks(org_id: str) -> list[m.Webhook]:
    return store().webhooks.of_org(org_id)


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
    item = store().webhooks.add(org_id, webhook_id, url.strip(), clock.iso(), user_id)
    if item is None:
        raise Conflict("Try again.")
    return {**view(item), "secret": secret_for(webhook_id)}


def delete(org_id: str, webhook_id: str) -> None:
    item = store().webhooks.get(org_id, webhook_id)
    if item is None:
        raise NotFound("There is no webhook with that id.")
    store().webhooks.remove(item)


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


def share_withdrawn(org_id: str, share_id: str, result_id: str, withdrawn_at: str) -> int:
    """Enqueue a `share.withdrawn` event (the exam board withdrew the shared result) for each of
    the organisation's webhooks; like `share.created` it carries no candidate data."""
    hooks = org_webhooks(org_id)
    if not hooks:
        return 0
    event = {"id": "evt_" + secrets.token_hex(12), "type": "share.withdrawn", "created_at": clock.iso(),
             "data": {"share_id": share_id, "org_id": org_id, "result_id": result_id,
                      "withdrawn_at": withdrawn_at}}
    now = clock.now()
    return queue.send_many(config.WEBHOOK_QUEUE, (
        {"webhook_id": w.webhook_id, "org_id": org_id, "event": event, "attempt": 1, "first_at": now,
         "not_before": now} for w in hooks))


def backoff_s(attempt: int) -> int:
    """Seconds to wait after failed attempt number `attempt` (1-based)."""
    return int(min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** (attempt - 1)))


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[bool, str]:
    """One attempt: (delivered, what happened). The host is resolved once; every address it has
    must be public, and the connection goes to the first of them (no second look-up, so a DNS
    answer that changes in between cannot send it inside). Redirects are not followed."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False, "the URL is not valid"
    local = _local_allowed() and host in LOOPBACK_NAMES
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        return False, "the URL must use https"
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        return False, "could not resolve the host"
    if not addresses:
        return False, "could not resolve the host"
    if not local and any(refused_address(a) for a in addresses):
        return False, "the URL resolves to a private address"
    cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, addresses[0], TIMEOUT_S)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", target, body=body, headers={**headers, "Content-Type": "application/json",
                                                        "User-Agent": USER_AGENT})
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException, ValueError) as err:
        return False, f"could not connect: {type(err).__name__}"
    finally:
        conn.close()
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
    hook = store().webhooks.get(message["org_id"], message["webhook_id"])
    if hook is None:
        return  # deleted since: nothing to deliver
    body = json.dumps(message["event"], separators=(",", ":"), sort_keys=True).encode()
    ts = int(now)
    ok, what = post(hook.url, body, {
        "X-Results-Webhook-Id": message["event"]["id"],
        "X-Results-Webhook-Timestamp": str(ts),
        "X-Results-Webhook-Signature": signature(secret_for(hook.webhook_id), ts, body),
    })
    if ok:
        store().webhooks.delivered(hook, clock.iso(now))
        return
    attempt = int(message.get("attempt", 1))
    logger().info("webhook delivery failed", extra={"webhook_id": hook.webhook_id, "attempt": attempt,
                                                     "outcome": what})
    wait = backoff_s(attempt)
    if now + wait - float(message["first_at"]) > RETRY_FOR_S:
        parked = {**message, "parked_at": now, "last_error": what}
        queue.send(resources.dlq_name(config.WEBHOOK_QUEUE), parked)
        store().webhooks.failed(hook, clock.iso(now), what, parked=True)
        return
    store().webhooks.failed(hook, clock.iso(now), what, parked=False)
    queue.send(config.WEBHOOK_QUEUE, {**message, "attempt": attempt + 1, "not_before": now + wait},
               delay_seconds=min(SQS_MAX_DELAY_S, wait))
