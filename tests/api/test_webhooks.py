"""Webhooks: signed share.created events POSTed to a real HTTP receiver on 127.0.0.1,
retried with backoff for 24 hours, then parked and shown as failing."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.services import webhooks


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers with the statuses it is given."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/results"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def sent(monkeypatch):
    """The messages the service puts on queues, captured instead of sent (for stepping
    through retries with the clock instead of waiting for SQS delays)."""
    from chalicelib.adapters import queue

    out: list[tuple[str, dict, int]] = []
    monkeypatch.setattr(queue, "send", lambda q, body, delay_seconds=0: out.append((q, body, delay_seconds)))
    monkeypatch.setattr(queue, "send_many", lambda q, bodies: len([out.append((q, b, 0)) for b in bodies]))
    return out


# ---------------------------------------------------------------- signing and URL rules
def test_signature_round_trip_and_tampering():
    secret = webhooks.secret_for("wh_1")
    body = b'{"id":"evt_1"}'
    header = webhooks.signature(secret, 1_800_000_000, body)
    assert header.startswith("v1=")
    assert webhooks.verify_signature(secret, "1800000000", body, header, now=1_800_000_010)
    assert not webhooks.verify_signature(secret, "1800000000", body + b" ", header, now=1_800_000_010)
    assert not webhooks.verify_signature(webhooks.secret_for("wh_2"), "1800000000", body, header,
                                         now=1_800_000_010)
    assert not webhooks.verify_signature(secret, "1800000000", body, header, now=1_800_000_000 + 301)


@pytest.mark.parametrize("url, ok", [
    ("https://crm.example.org/hooks", True),
    ("http://crm.example.org/hooks", False),
    ("https://10.0.0.5/hooks", False),
    ("https://169.254.169.254/latest/meta-data", False),
    ("https://user:pw@crm.example.org/", False),
    ("ftp://crm.example.org/", False),
    ("not a url", False),
    ("http://127.0.0.1:8080/hook", True),  # the local stack only
])
def test_url_rules(url, ok):
    assert (webhooks.check_url(url) is None) is ok


def test_loopback_is_refused_outside_the_local_stack(monkeypatch):
    from chalicelib import config

    monkeypatch.setattr(config.Settings, "is_local", property(lambda self: False))
    assert webhooks.check_url("http://127.0.0.1:8080/hook") == "must use https"
    assert webhooks.check_url("https://localhost/hook") == "must be a public address"


# ---------------------------------------------------------------- delivery
def test_a_share_event_reaches_the_receiver_signed(aws, app_module, receiver):
    from devstack.pump import drain

    # Given an organisation's webhook
    created = webhooks.create("org1", "user1", receiver.url)
    assert created["secret"].startswith("whsec_") and created["status"] == "active"
    # When a candidate shares a result with the organisation
    assert webhooks.share_created("org1", "share123", "2026-07-01T10:00:00.000000Z") == 1
    drain(app_module)
    # Then the receiver got one POST whose signature verifies with the secret shown at creation
    [(headers, body)] = receiver.requests
    event = json.loads(body)
    assert event["type"] == "share.created" and event["data"]["share_id"] == "share123"
    assert headers["x-results-webhook-id"] == event["id"]
    assert webhooks.verify_signature(created["secret"], headers["x-results-webhook-timestamp"], body,
                                     headers["x-results-webhook-signature"],
                                     now=int(headers["x-results-webhook-timestamp"]))
    assert "first_name" not in body.decode()  # no candidate data in the event
    [hook] = webhooks.org_webhooks("org1")
    assert hook.deliveries_ok == 1 and hook.last_success_at


def test_no_webhooks_no_messages(aws):
    assert webhooks.share_created("org-without-hooks", "s1", "2026-07-01T10:00:00Z") == 0


def test_failures_are_retried_with_backoff_until_delivered(aws, receiver, sent, _clock):
    webhooks.create("org1", "user1", receiver.url)
    receiver.statuses = [500, 503, 302]  # a redirect is not followed: it is a failure too
    webhooks.share_created("org1", "s1", "2026-07-01T10:00:00Z")
    waits = []
    while sent:
        _queue, message, delay = sent.pop(0)
        waits.append(delay)
        _clock.advance(max(0.0, message["not_before"] - _clock.now()))
        webhooks.deliver(message)
    assert len(receiver.requests) == 4
    assert waits == [0, 30, 60, 120]  # 30 s, doubling
    ids = {h["x-results-webhook-id"] for h, _ in receiver.requests}
    assert len(ids) == 1  # the same event id on every attempt
    [hook] = webhooks.org_webhooks("org1")
    assert hook.status == "active" and hook.last_error == "HTTP 302"


def test_after_24_hours_the_event_is_parked_and_the_webhook_shows_failing(aws, receiver, sent, _clock):
    from chalicelib import config, resources

    webhooks.create("org1", "user1", receiver.url)
    receiver.statuses = [500] * 100
    webhooks.share_created("org1", "s1", "2026-07-01T10:00:00Z")
    start = _clock.now()
    parked = []
    while sent:
        queue_name, message, _delay = sent.pop(0)
        if queue_name == resources.dlq_name(config.WEBHOOK_QUEUE):
            parked.append(message)
            continue
        _clock.advance(max(0.0, message["not_before"] - _clock.now()))
        webhooks.deliver(message)
    [hook] = webhooks.org_webhooks("org1")
    assert hook.status == "failing" and hook.deliveries_parked == 1
    assert len(parked) == 1 and parked[0]["last_error"] == "HTTP 500"
    elapsed_h = (_clock.now() - start) / 3600
    assert 22 < elapsed_h <= 24
    attempts = len(receiver.requests)
    assert 25 <= attempts <= 35  # 30 s doubling to at most an hour apart, for a day
    # And a later success marks it active again
    receiver.statuses = []
    webhooks.share_created("org1", "s2", "2026-07-02T10:00:00Z")
    _queue, message, _delay = sent.pop(0)
    webhooks.deliver(message)
    assert webhooks.org_webhooks("org1")[0].status == "active"


def test_waits_longer_than_sqs_allows_hop(aws, sent, _clock):
    message = {"webhook_id": "wh_x", "org_id": "org1", "event": {"id": "e"}, "attempt": 8,
               "first_at": _clock.now(), "not_before": _clock.now() + 3600}
    webhooks.deliver(message)
    [(_q, again, delay)] = sent
    assert delay == 900 and again == message


def test_a_deleted_webhook_gets_nothing(aws, receiver, sent):
    created = webhooks.create("org1", "user1", receiver.url)
    webhooks.share_created("org1", "s1", "2026-07-01T10:00:00Z")
    webhooks.delete("org1", created["webhook_id"])
    _q, message, _d = sent.pop(0)
    webhooks.deliver(message)
    assert receiver.requests == [] and sent == []


def test_registration_rules(aws, receiver):
    from chalicelib.domain.errors import Conflict, ValidationError

    webhooks.create("org1", "user1", receiver.url)
    with pytest.raises(Conflict):
        webhooks.create("org1", "user1", receiver.url)
    for i in range(webhooks.MAX_WEBHOOKS_PER_ORG - 1):
        webhooks.create("org1", "user1", f"{receiver.url}/{i}")
    with pytest.raises(ValidationError):
        webhooks.create("org1", "user1", f"{receiver.url}/one-too-many")
    assert len(webhooks.org_webhooks("org2")) == 0  # another organisation's list is its own


# ---------------------------------------------------------------- through the API
from .verifier_kit import add_admin, candidate, make_org, make_result, share, staff  # noqa: E402,F401


def test_primary_registers_a_webhook_and_a_candidate_share_is_delivered(
        api, app_module, make_org, add_admin, candidate, receiver):  # noqa: F811
    from devstack.pump import drain

    org = make_org()
    other = make_org("college-south.ac.uk", "College of the South")
    # Given the Primary User registers a webhook (admins may not)
    admin_token, _ = add_admin(org)
    assert api.post("/organisation/webhooks", {"url": receiver.url}, token=admin_token).status == 403
    r = api.post("/organisation/webhooks", {"url": receiver.url}, token=org.token)
    assert r.status == 201 and r.json["secret"].startswith("whsec_")
    secret, webhook_id = r.json["secret"], r.json["webhook_id"]
    assert "secret" not in api.get("/organisation/webhooks", token=org.token).json["webhooks"][0]
    # When a candidate shares a result with the organisation
    rid = make_result()
    s = share(api, candidate, rid, org.org_id)
    assert s.status == 201
    drain(app_module)
    # Then the receiver gets the signed event naming that share, and the list shows it delivered
    [(headers, body)] = receiver.requests
    assert json.loads(body)["data"]["share_id"] == s.json["share_id"]
    assert webhooks.verify_signature(secret, headers["x-results-webhook-timestamp"], body,
                                     headers["x-results-webhook-signature"],
                                     now=int(headers["x-results-webhook-timestamp"]))
    [listed] = api.get("/organisation/webhooks", token=org.token).json["webhooks"]
    assert listed["deliveries_ok"] == 1 and listed["status"] == "active"
    # And another organisation can neither see nor delete it
    assert api.get("/organisation/webhooks", token=other.token).json["webhooks"] == []
    assert api.delete(f"/organisation/webhooks/{webhook_id}", token=other.token).status == 404
    assert api.delete(f"/organisation/webhooks/{webhook_id}", token=org.token).status == 204


def test_webhook_input_is_checked(api, make_org):  # noqa: F811
    org = make_org()
    r = api.post("/organisation/webhooks", {"url": "http://crm.example.org/x"}, token=org.token)
    assert r.status == 400 and r.json["fields"]["url"] == "must use https"
    assert api.post("/organisation/webhooks", {"url": 5}, token=org.token).status == 400
    assert api.post("/organisation/webhooks", {"url": "https://x.org", "events": []},
                    token=org.token).status == 400
    assert api.get("/organisation/webhooks").status == 401


# ---------------------------------------------------------------- addresses: NAT64 & co., DNS rebinding
@pytest.mark.parametrize("url", [
    "https://[64:ff9b::7f00:1]/hooks",  # NAT64 of 127.0.0.1
    "https://[64:ff9b:1::a00:5]/hooks",  # local-use NAT64
    "https://[2002:7f00:1::1]/hooks",  # 6to4 embedding 127.0.0.1
    "https://[2002:a9fe:a9fe::1]/hooks",  # 6to4 embedding 169.254.169.254
    "https://[::ffff:10.0.0.5]/hooks",  # IPv4-mapped
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hooks",  # Teredo
    "https://[fd00::1]/hooks",
    "https://100.64.0.1/hooks",  # carrier-grade NAT
])
def test_special_purpose_addresses_are_refused_at_creation(url):
    assert webhooks.check_url(url) == "must be a public address"


def test_a_public_6to4_or_v6_address_is_accepted():
    assert webhooks.check_url("https://[2606:4700::1111]/hooks") is None
    assert webhooks.check_url("https://[2002:808:808::1]/hooks") is None


def test_nat64_is_refused_at_delivery_by_literal_and_by_name(monkeypatch):
    connected: list = []
    monkeypatch.setattr(webhooks.socket, "create_connection", lambda *a, **k: connected.append(a))
    ok, what = webhooks.post("https://[64:ff9b::7f00:1]/hooks", b"{}", {})
    assert not ok and what == "the URL resolves to a private address"
    # a name with one public and one NAT64 address: refused as a whole
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda *a, **k: [
        (webhooks.socket.AF_INET, webhooks.socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
        (webhooks.socket.AF_INET6, webhooks.socket.SOCK_STREAM, 6, "", ("64:ff9b::7f00:1", 443, 0, 0)),
    ])
    ok, what = webhooks.post("https://hooks.example.org/x", b"{}", {})
    assert not ok and what == "the URL resolves to a private address"
    assert connected == []


def test_the_connection_goes_to_the_checked_address_even_if_dns_changes(monkeypatch):
    """DNS rebinding: the first answer is public, a second would be 127.0.0.1. There is no
    second look-up: the TCP connection goes to the address that was checked."""
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])
    lookups: list = []

    def getaddrinfo(host, port, *a, **k):  # type: ignore[no-untyped-def]
        lookups.append(host)
        return [(webhooks.socket.AF_INET, webhooks.socket.SOCK_STREAM, 6, "", (next(answers), port))]

    connected: list = []

    def create_connection(address, *a, **k):  # type: ignore[no-untyped-def]
        connected.append(address)
        raise ConnectionRefusedError("no network in tests")

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(webhooks.socket, "create_connection", create_connection)
    ok, what = webhooks.post("https://hooks.example.org:8443/x", b"{}", {})
    assert not ok and what == "could not connect: ConnectionRefusedError"
    assert connected == [("93.184.216.34", 8443)] and lookups == ["hooks.example.org"]


def test_tls_is_checked_against_the_host_name_not_the_address():
    conn = webhooks._PinnedHTTPSConnection("hooks.example.org", 443, "93.184.216.34", 5)
    assert conn.host == "hooks.example.org" and conn.address == "93.184.216.34"
    assert conn.tls.check_hostname and conn.tls.verify_mode == webhooks.ssl.CERT_REQUIRED
