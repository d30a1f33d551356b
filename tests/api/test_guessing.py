# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Guessing reference numbers: misses are limited per user or key AND per organisation (new
users or new API keys buy no more guesses), key creation is capped, and every miss is audited."""

from __future__ import annotations

import pytest

from .verifier_kit import (  # noqa: F401 - fixtures
    add_admin,
    login,
    make_org,
    make_result,
    staff,
)

MISS = {"reference_number": "SOR-2025-999999", "date_of_birth": "2004-03-09"}
HIT = {"reference_number": "SOR-2025-000001", "date_of_birth": "2004-03-09"}
API_MISS = "/api/v1/results?reference_number=SOR-2025-999999&date_of_birth=2004-03-09"
API_HIT = "/api/v1/results?reference_number=SOR-2025-000001&date_of_birth=2004-03-09"


@pytest.fixture
def small_limits(monkeypatch):
    from chalicelib.services import shares

    monkeypatch.setattr(shares, "SEARCH_FAILURES_PER_HOUR", 3)
    monkeypatch.setattr(shares, "ORG_SEARCH_FAILURES_PER_HOUR", 7)


def new_key(api, org) -> str:
    r = api.post("/organisation/api-keys", {"name": "k"}, token=org.token)
    assert r.status == 201, r.json
    return r.json["key"]


def test_the_organisation_limit_holds_across_users_and_new_keys(api, make_org, add_admin, small_limits,
                                                                _clock):
    org = make_org()
    other = make_org("uni-south.ac.uk", "University of the South")
    make_result()
    sam, _ = add_admin(org, "sam")
    kim, _ = add_admin(org, "kim")
    # Given two users who each used up their own 3 misses (6 for the organisation)
    for token in (org.token, sam):
        for _ in range(3):
            assert api.post("/organisation/search", MISS, token=token).status == 404
        assert api.post("/organisation/search", HIT, token=token).status == 429
    # When a fresh API key misses once more, the organisation's 7 are used up
    key = new_key(api, org)
    assert api.get(API_MISS, headers={"X-Api-Key": key}).status == 404
    # Then no user, old key or new key gets another try, not even a hit
    fresh = new_key(api, org)
    assert api.get(API_HIT, headers={"X-Api-Key": key}).status == 429
    r = api.get(API_HIT, headers={"X-Api-Key": fresh})
    assert r.status == 429 and r.json["error"] == "rate_limited" and int(r.headers["retry-after"]) > 0
    assert api.post("/organisation/search", HIT, token=kim).status == 429
    # while another organisation is not affected
    assert api.post("/organisation/search", HIT, token=other.token).status == 200
    # and an hour later the organisation searches again
    _clock.advance(3601)
    assert api.post("/organisation/search", HIT, token=kim).status == 200


def test_revoking_and_recreating_keys_gives_no_more_guesses(api, make_org, small_limits):
    org = make_org()
    make_result()
    statuses = []
    for _ in range(3):  # the report's three rounds: key, misses until 429, revoke, new key
        r = api.post("/organisation/api-keys", {"name": "k"}, token=org.token)
        h = {"X-Api-Key": r.json["key"]}
        for _ in range(4):
            statuses.append(api.get(API_MISS, headers=h).status)
        assert api.delete(f"/organisation/api-keys/{r.json['key_id']}", token=org.token).status == 204
    # 3 misses per key, but 7 per organisation: the third key gets one
    assert statuses == [404, 404, 404, 429] * 2 + [404, 429, 429, 429]


def test_an_organisation_creates_at_most_five_keys_a_day(api, make_org, _clock):
    from chalicelib.services import shares

    assert shares.API_KEYS_PER_DAY == 5
    org = make_org()
    for _ in range(5):
        r = api.post("/organisation/api-keys", {"name": "k"}, token=org.token)
        assert r.status == 201
        assert api.delete(f"/organisation/api-keys/{r.json['key_id']}", token=org.token).status == 204
    r = api.post("/organisation/api-keys", {"name": "k"}, token=org.token)
    assert r.status == 429 and r.json["error"] == "rate_limited" and int(r.headers["retry-after"]) > 0
    _clock.advance(86401)
    token = login(api, org.email).json["token"]  # the session has ended by now
    assert api.post("/organisation/api-keys", {"name": "k"}, token=token).status == 201


def test_a_miss_is_audited_with_the_reference_as_a_keyed_hash(api, make_org):
    from chalicelib.services import audit

    org = make_org()
    make_result()
    assert api.post("/organisation/search", MISS, token=org.token).status == 404
    key = new_key(api, org)
    assert api.get(API_MISS, headers={"X-Api-Key": key}).status == 404
    events = sorted(audit.for_org(org.org_id), key=lambda e: e["how"])
    assert [e["how"] for e in events] == ["api_results_miss", "search_miss"]
    api_miss, ui_miss = events
    assert ui_miss["actor"] == f"user:{org.user_id}" and api_miss["actor"].startswith("key:")
    assert ui_miss["org_id"] == org.org_id and ui_miss["at"] and ui_miss["result_pk"] is None
    assert ui_miss["ref_hash"] == api_miss["ref_hash"] == audit.ref_hash("SOR-2025-999999")
    assert "SOR-2025-999999" not in repr(events)
    # who tried this reference number, across organisations
    assert len(audit.for_reference("SOR-2025-999999")) == 2
