# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""API keys (Primary User only) and the machine API with X-Api-Key."""

from __future__ import annotations

from .verifier_kit import (  # noqa: F401 - fixtures
    add_admin,
    candidate,
    candidate_login,
    make_candidate,
    make_org,
    make_result,
    share,
    staff,
)


def new_key(api, org, name="HR system") -> dict:
    r = api.post("/organisation/api-keys", {"name": name}, token=org.token)
    assert r.status == 201, r.json
    return r.json


def test_key_shown_once_stored_as_hash_listed_and_revoked(api, make_org):
    org = make_org()
    made = new_key(api, org)
    key = made["key"]
    [listed] = api.get("/organisation/api-keys", token=org.token).json["api_keys"]
    assert "key" not in listed and listed["key_id"] == made["key_id"] and listed["last_used_at"] is None
    from chalicelib.db import models as m

    [item] = list(m.ApiKey.by_org.query(m.ORG_KEYS + org.org_id))
    assert key not in str(item.attribute_values)
    # used: last_used_at is set
    assert api.get("/api/v1/shares", headers={"X-Api-Key": key}).status == 200
    assert api.get("/organisation/api-keys", token=org.token).json["api_keys"][0]["last_used_at"]
    # revoked: at once
    assert api.delete(f"/organisation/api-keys/{made['key_id']}", token=org.token).status == 204
    r = api.get("/api/v1/shares", headers={"X-Api-Key": key})
    assert r.status == 401 and r.json["error"] == "unauthenticated"
    assert api.delete(f"/organisation/api-keys/{made['key_id']}", token=org.token).status == 404


def test_no_key_or_a_session_token_is_not_enough(api, make_org):
    org = make_org()
    assert api.get("/api/v1/shares").status == 401
    assert api.get("/api/v1/shares", token=org.token).status == 401
    assert api.get("/api/v1/shares", headers={"X-Api-Key": "rvs_nope"}).status == 401


def test_another_organisation_cannot_revoke_a_key(api, make_org):
    org = make_org()
    other = make_org("college-south.ac.uk", "South College")
    made = new_key(api, org)
    assert api.delete(f"/organisation/api-keys/{made['key_id']}", token=other.token).status == 404
    assert api.get("/organisation/api-keys", token=other.token).json["api_keys"] == []


def test_api_shares_oldest_first_with_a_cursor_and_audited(api, make_org, _clock):
    org = make_org()
    other = make_org("college-south.ac.uk", "South College")
    key = new_key(api, org)["key"]
    h = {"X-Api-Key": key}
    for n in range(3):
        idn = f"API00000{n}"
        make_candidate(idn, f"Name{n}", "Family")
        rid = make_result(idn, reference_number=f"SOR-API-0000{n}", first=f"Name{n}", family="Family")
        assert share(api, candidate_login(api, idn), rid, org.org_id).status == 201
        _clock.advance(1)
    make_candidate("OTH000001", "Other", "Org")
    share(
        api,
        candidate_login(api, "OTH000001"),
        make_result("OTH000001", reference_number="SOR-OTH-00001"),
        other.org_id,
    )
    # a share is only served once it has settled (SETTLE_SECONDS)
    assert api.get("/api/v1/shares", headers=h).json["shares"] == []
    _clock.advance(11)
    p1 = api.get("/api/v1/shares?limit=2", headers=h).json
    assert [s["candidate"]["first_name"] for s in p1["shares"]] == ["Name0", "Name1"]
    assert p1["shares"][0]["overall_score"] == 175
    p2 = api.get(f"/api/v1/shares?limit=2&cursor={p1['next_cursor']}", headers=h).json
    assert [s["candidate"]["first_name"] for s in p2["shares"]] == ["Name2"]
    # a share that arrives later is found from the resume cursor
    make_candidate("API000009", "Late", "Comer")
    rid = make_result("API000009", reference_number="SOR-API-00009", first="Late", family="Comer")
    share(api, candidate_login(api, "API000009"), rid, org.org_id)
    _clock.advance(11)
    p3 = api.get(f"/api/v1/shares?cursor={p2['resume_cursor']}", headers=h).json
    assert [s["candidate"]["first_name"] for s in p3["shares"]] == ["Late"]
    # since
    since = p1["shares"][1]["shared_at"]
    names = [
        s["candidate"]["first_name"]
        for s in api.get(f"/api/v1/shares?since={since}", headers=h).json["shares"]
    ]
    assert names[0] == "Name1" and "Late" in names
    assert api.get("/api/v1/shares?since=yesterday", headers=h).status == 400
    from chalicelib.services import audit

    events = audit.for_org(org.org_id)
    assert (
        events
        and {e["how"] for e in events} == {"api_shares", "photo"}
        and all(e["actor"].startswith("key:") for e in events)
    )
    assert audit.for_org(other.org_id) == []


def test_api_results_lookup_and_same_404(api, make_org):
    org = make_org()
    key = new_key(api, org)["key"]
    h = {"X-Api-Key": key}
    make_result()
    r = api.get("/api/v1/results?reference_number=SOR-2025-000001&date_of_birth=2004-03-09", headers=h)
    assert r.status == 200 and r.json["candidate"]["id_number"] == "SIR094701"
    a = api.get("/api/v1/results?reference_number=SOR-2025-000001&date_of_birth=2004-03-08", headers=h)
    b = api.get("/api/v1/results?reference_number=SOR-2025-000999&date_of_birth=2004-03-09", headers=h)
    assert a.status == b.status == 404 and a.json == b.json
    assert api.get("/api/v1/results?reference_number=SOR-2025-000001", headers=h).status == 400
    from chalicelib.services import audit

    events = audit.for_org(org.org_id)
    hows = sorted(e["how"] for e in events)
    assert hows == ["api_results", "api_results_miss", "api_results_miss", "photo"]
    assert "SOR-2025-000999" not in repr(events)  # a miss names the reference only as a keyed hash


def test_rate_limit_per_key(api, make_org, monkeypatch):
    from chalicelib.services import api_keys

    monkeypatch.setattr(api_keys, "RATE_LIMIT", 3)
    org = make_org()
    k1, k2 = new_key(api, org)["key"], new_key(api, org, "Other")["key"]
    replies = [api.get("/api/v1/shares", headers={"X-Api-Key": k1}).status for _ in range(4)]
    assert replies == [200, 200, 200, 429]
    r = api.get("/api/v1/shares", headers={"X-Api-Key": k1})
    assert r.status == 429 and int(r.headers["retry-after"]) <= 60
    assert api.get("/api/v1/shares", headers={"X-Api-Key": k2}).status == 200
