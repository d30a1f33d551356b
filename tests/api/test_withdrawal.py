# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Candidates withdrawing: a revoked share ends access through old downloads too, and a
candidate can turn off look-ups of a result by reference number + date of birth."""

from __future__ import annotations

from .test_downloads import two_shares
from .verifier_kit import (  # noqa: F401 - fixtures
    candidate,
    candidate_login,
    make_candidate,
    make_org,
    make_result,
    share,
    staff,
)


def with_entry(id_number: str = "SIR094701") -> str:
    """A released result and the entry it belongs to (what a candidate's results list reads)."""
    from chalicelib.adapters import clock
    from chalicelib.db import models as m

    m.Entry(*m.Entry.keys(id_number, "2025-06-14", "B2FIRST"), id_number=id_number, first_name="Zoë",
            family_name="Ł", date_of_birth="2004-03-09", centre_number="GB123", exam_code="B2FIRST",
            exam_date="2025-06-14", exam_format="paper", secret_hash="x", batch_id="test",
            created_at=clock.iso()).save()
    return make_result(id_number)


SEARCH = {"reference_number": "SOR-2025-000001", "date_of_birth": "2004-03-09"}
API_SEARCH = "/api/v1/results?reference_number=SOR-2025-000001&date_of_birth=2004-03-09"


def test_a_download_is_not_served_again_once_a_share_in_it_is_revoked(api, make_org, candidate):
    from chalicelib.services import audit

    org = make_org()
    ids = two_shares(api, org, candidate)
    for fmt in ("csv", "pdf"):
        d = api.post("/organisation/downloads", {"share_ids": ids, "format": fmt}, token=org.token).json
        assert api.get(f"/organisation/downloads/{d['download_id']}", token=org.token).json["url"]
    listed = api.get("/organisation/downloads", token=org.token).json["downloads"]
    downloads = [h["download_id"] for h in listed]
    before = len(audit.for_org(org.org_id))
    # When the first candidate withdraws their share
    assert api.delete(f"/candidates/me/shares/{ids[0]}", token=candidate).status == 204
    # Then neither old file is handed out again, with a clear message, and nothing is audited
    for download_id in downloads:
        r = api.get(f"/organisation/downloads/{download_id}", token=org.token)
        assert r.status == 409 and r.json["error"] == "conflict" and "withdrawn" in r.json["message"]
        assert "url" not in r.json
    assert len(audit.for_org(org.org_id)) == before
    # while a new download of the remaining share works
    fresh = api.post("/organisation/downloads", {"share_ids": ids[1:], "format": "csv"}, token=org.token).json
    assert api.get(f"/organisation/downloads/{fresh['download_id']}", token=org.token).json["url"]
    # and the history still lists the old ones
    listed = api.get("/organisation/downloads", token=org.token).json["downloads"]
    assert set(downloads) <= {h["download_id"] for h in listed}


def test_a_candidate_turns_off_lookups_and_searches_get_the_same_404(api, make_org, candidate):
    org = make_org()
    rid = with_entry()
    key = api.post("/organisation/api-keys", {"name": "k"}, token=org.token).json["key"]
    # On by default, in the candidate's result JSON
    assert api.get(f"/candidates/me/results/{rid}", token=candidate).json["lookup_enabled"] is True
    mine = api.get("/candidates/me/results", token=candidate).json["results"]
    assert [r["lookup_enabled"] for r in mine] == [True]
    assert api.post("/organisation/search", SEARCH, token=org.token).status == 200
    # When the candidate turns it off
    r = api.put_json(f"/candidates/me/results/{rid}/lookup", {"enabled": False}, token=candidate)
    assert r.status == 200 and r.json["lookup_enabled"] is False and r.json["result_id"] == rid
    assert api.get("/candidates/me/results", token=candidate).json["results"][0]["lookup_enabled"] is False
    # Then both doors answer exactly as for any mismatch
    mismatch = api.post("/organisation/search", {**SEARCH, "date_of_birth": "2004-03-10"}, token=org.token)
    off = api.post("/organisation/search", SEARCH, token=org.token)
    assert off.status == mismatch.status == 404 and off.json == mismatch.json
    machine = api.get(API_SEARCH, headers={"X-Api-Key": key})
    assert machine.status == 404 and machine.json == mismatch.json
    # and a share still works
    share_id = share(api, candidate, rid, org.org_id).json["share_id"]
    assert api.get(f"/organisation/shares/{share_id}", token=org.token).status == 200
    # Turning it on again restores the look-up
    r = api.put_json(f"/candidates/me/results/{rid}/lookup", {"enabled": True}, token=candidate)
    assert r.status == 200 and r.json["lookup_enabled"] is True
    assert api.post("/organisation/search", SEARCH, token=org.token).status == 200


def test_the_lookup_switch_checks_its_input_and_owner(api, make_org, candidate):
    rid = with_entry()
    make_candidate("ABC000001", "Other", "Person")
    other = candidate_login(api, "ABC000001")
    path = f"/candidates/me/results/{rid}/lookup"
    assert api.put_json(path, {"enabled": False}, token=other).status == 404  # not theirs
    assert api.put_json(path, {"enabled": False}).status == 401
    bad = api.put_json(path, {"enabled": "no"}, token=candidate)
    assert bad.status == 400 and "enabled" in bad.json["fields"]
    assert api.put_json(path, {}, token=candidate).status == 400
    nonsense = "/candidates/me/results/nonsense/lookup"
    assert api.put_json(nonsense, {"enabled": False}, token=candidate).status == 404
    # the other candidate's refusal changed nothing
    assert api.get(f"/candidates/me/results/{rid}", token=candidate).json["lookup_enabled"] is True
