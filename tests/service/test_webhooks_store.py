"""Webhooks on the in-memory table: the organisation's list, events, and delivery status
(the network code, `post`, is replaced by a stand-in: it is tested in tests/unit)."""
from __future__ import annotations

import pytest

from chalicelib.adapters import clock
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.services import webhooks

from .sharing_kit import sent  # noqa: F401 - fixture

URL = "https://hooks.example.org/results"


def listed(org_id: str = "o1") -> list[dict]:
    return [webhooks.view(w) for w in webhooks.org_webhooks(org_id)]


def test_create_list_and_delete():
    # When a webhook is created
    made = webhooks.create("o1", "u1", URL)
    # Then the secret is in the reply only, and the list shows it active
    assert made["secret"] == webhooks.secret_for(made["webhook_id"])
    assert listed() == [{k: v for k, v in made.items() if k != "secret"}]
    assert listed()[0]["status"] == "active" and listed("o2") == []
    # And deleting it removes it; a second delete or another organisation's is not found
    with pytest.raises(NotFound):
        webhooks.delete("o2", made["webhook_id"])
    webhooks.delete("o1", made["webhook_id"])
    assert listed() == []
    with pytest.raises(NotFound):
        webhooks.delete("o1", made["webhook_id"])


def test_the_same_url_twice_and_too_many_are_refused(monkeypatch):
    webhooks.create("o1", "u1", URL)
    with pytest.raises(Conflict):
        webhooks.create("o1", "u1", URL)
    monkeypatch.setattr(webhooks, "MAX_WEBHOOKS_PER_ORG", 2)
    webhooks.create("o1", "u1", URL + "/2")
    with pytest.raises(ValidationError):
        webhooks.create("o1", "u1", URL + "/3")
    with pytest.raises(ValidationError):
        webhooks.create("o1", "u1", "http://10.0.0.1/x")


def test_a_share_enqueues_one_event_per_webhook(sent):  # noqa: F811
    a = webhooks.create("o1", "u1", URL)
    b = webhooks.create("o1", "u1", URL + "/b")
    assert webhooks.share_created("o1", "s1", "2026-01-01T00:00:00Z") == 2
    assert {body["webhook_id"] for _, body in sent} == {a["webhook_id"], b["webhook_id"]}
    assert webhooks.share_created("o2", "s1", "2026-01-01T00:00:00Z") == 0


def _message(made: dict, first_at: float) -> dict:
    return {"webhook_id": made["webhook_id"], "org_id": "o1", "attempt": 1, "first_at": first_at,
            "not_before": first_at, "event": {"id": "evt_1", "type": "share.created", "data": {}}}


def test_delivery_status_success_failure_and_parked(sent, monkeypatch):  # noqa: F811
    made = webhooks.create("o1", "u1", URL)
    outcome = [(True, "HTTP 204")]
    monkeypatch.setattr(webhooks, "post", lambda url, body, headers: outcome[0])
    # A delivered event counts and keeps the webhook active
    webhooks.deliver(_message(made, clock.now()))
    w = listed()[0]
    assert w["deliveries_ok"] == 1 and w["last_success_at"] and w["status"] == "active"
    # A failed attempt is recorded and sent again later
    outcome[0] = (False, "HTTP 500")
    webhooks.deliver(_message(made, clock.now()))
    w = listed()[0]
    assert w["last_error"] == "HTTP 500" and w["status"] == "active" and w["deliveries_parked"] == 0
    assert sent[-1][1]["attempt"] == 2
    # After 24 hours of failures the event is parked and the webhook shown failing
    webhooks.deliver(_message(made, clock.now() - webhooks.RETRY_FOR_S))
    w = listed()[0]
    assert w["status"] == "failing" and w["deliveries_parked"] == 1
    assert sent[-1][1]["parked_at"]
    # And a success brings it back to active
    outcome[0] = (True, "HTTP 200")
    webhooks.deliver(_message(made, clock.now()))
    assert listed()[0]["status"] == "active"


def test_a_webhook_deleted_during_a_delivery_is_not_brought_back(sent, monkeypatch, memory_store):  # noqa: F811
    # Given a webhook deleted while its delivery attempt was in flight
    made = webhooks.create("o1", "u1", URL)

    def post(url, body, headers):
        webhooks.delete("o1", made["webhook_id"])
        return False, "HTTP 500"

    monkeypatch.setattr(webhooks, "post", post)
    # When the attempt's failure is recorded
    webhooks.deliver(_message(made, clock.now()))
    # Then no half webhook item is written back
    assert memory_store.items == {}
    assert listed() == []


def test_a_message_for_a_deleted_webhook_is_dropped(sent, monkeypatch):  # noqa: F811
    made = webhooks.create("o1", "u1", URL)
    webhooks.delete("o1", made["webhook_id"])
    monkeypatch.setattr(webhooks, "post", lambda *a: pytest.fail("posted"))
    webhooks.deliver(_message(made, clock.now()))
    assert sent == []
