# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Candidates find organisations, share released results, see and revoke their shares."""

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


def names(reply) -> list[str]:
    return [i["name"] for i in reply.json["institutions"]]


def test_institutions_search_prefix_words_accents_approved_only(api, make_org, candidate, staff):
    make_org("univ-lodz.edu.pl", "Uniwersytet Łódzki")
    make_org("sorbonne.fr", "Université Paris-Sorbonne")
    make_org("northcollege.ac.uk", "North College")
    # a pending organisation is not found
    from .verifier_kit import registration

    assert api.post("/verifiers/register", registration("pending.ac.uk", "Paris Pending")).status == 202
    assert names(api.get("/institutions?q=lodz", token=candidate)) == ["Uniwersytet Łódzki"]
    assert names(api.get("/institutions?q=UNIVERSITE", token=candidate)) == ["Université Paris-Sorbonne"]
    assert names(api.get("/institutions?q=sorb", token=candidate)) == ["Université Paris-Sorbonne"]
    assert names(api.get("/institutions?q=par", token=candidate)) == ["Université Paris-Sorbonne"]
    assert names(api.get("/institutions?q=paris%20univ", token=candidate)) == ["Université Paris-Sorbonne"]
    assert names(api.get("/institutions?q=north%20sorb", token=candidate)) == []
    assert api.get("/institutions?q=x", token=candidate).status == 400
    hit = api.get("/institutions?q=north", token=candidate).json["institutions"][0]
    assert set(hit) == {"org_id", "name", "type", "country"}


def test_institutions_need_a_candidate_session(api, make_org):
    org = make_org()
    assert api.get("/institutions?q=north").status == 401
    assert api.get("/institutions?q=north", token=org.token).status == 401


def test_share_list_and_revoke(api, make_org, candidate):
    org = make_org()
    rid = make_result()
    r = share(api, candidate, rid, org.org_id)
    assert r.status == 201
    assert set(r.json) >= {"share_id", "result_id", "org_id", "organisation_name", "shared_at"}
    # sharing again is harmless: the same share
    assert share(api, candidate, rid, org.org_id).json["share_id"] == r.json["share_id"]
    [mine] = api.get("/candidates/me/shares", token=candidate).json["shares"]
    assert mine["viewed_at"] is None and mine["result_id"] == rid
    assert api.delete(f"/candidates/me/shares/{mine['share_id']}", token=candidate).status == 204
    assert api.delete(f"/candidates/me/shares/{mine['share_id']}", token=candidate).status == 404


def test_only_released_own_results_can_be_shared_with_approved_orgs(api, make_org, candidate, staff):
    org = make_org()
    held = make_result(
        exam_code="C1ADV", exam_date="2025-07-01", reference_number="SOR-HELD-0001", status="held"
    )
    make_candidate("OTH000001", "Other", "Person")
    others = make_result("OTH000001", reference_number="SOR-OTHER-0001")
    yle = make_result(exam_code="A2FLY", exam_date="2025-05-01", reference_number="SOR-YLE-00001")
    assert share(api, candidate, held, org.org_id).status == 404
    assert share(api, candidate, others, org.org_id).status == 404  # another candidate's result id
    assert share(api, candidate, "nonsense", org.org_id).status == 404
    assert share(api, candidate, yle, org.org_id).status == 400  # Young Learners are not verifiable
    from .verifier_kit import registration

    pending = api.post("/verifiers/register", registration("pending.ac.uk", "Pending")).json["org_id"]
    assert share(api, candidate, make_result(), pending).status == 404
    assert share(api, candidate, make_result(), "nope").status == 404
    r = api.post("/candidates/me/shares", {"result_id": 1, "org_id": org.org_id}, token=candidate)
    assert r.status == 400 and "result_id" in r.json["fields"]


def test_a_candidate_cannot_see_or_revoke_another_candidates_share(api, make_org, candidate):
    org = make_org()
    share_id = share(api, candidate, make_result(), org.org_id).json["share_id"]
    make_candidate("OTH000001", "Other", "Person")
    other = candidate_login(api, "OTH000001")
    assert api.get("/candidates/me/shares", token=other).json["shares"] == []
    assert api.delete(f"/candidates/me/shares/{share_id}", token=other).status == 404
    assert api.get("/organisation/shares", token=org.token).json["shares"][0]["share_id"] == share_id


def test_sharing_needs_a_candidate_session(api, make_org):
    org = make_org()
    r = api.post(
        "/candidates/me/shares", {"result_id": "B2FIRST-20250614", "org_id": org.org_id}, token=org.token
    )
    assert r.status == 401
    assert api.get("/candidates/me/shares", token=org.token).status == 401


def test_immediate_alert_on_a_new_share(api, make_org, add_admin, candidate, outbox):
    org = make_org()
    assert api.put_json("/verifiers/me/notifications", {"frequency": "off"}, token=org.token).status == 200
    admin, _ = add_admin(org)
    assert api.put_json("/verifiers/me/notifications", {"frequency": "immediate"}, token=admin).status == 200
    share(api, candidate, make_result(), org.org_id)
    mails = [m for m in outbox("sam@uni-north.ac.uk") if "shared" in str(m["Subject"])]
    assert len(mails) == 1
    text = mails[0].get_body(("plain",)).get_content()
    assert "175" not in text and "Zoë" not in text  # no result data in an email
    assert [m for m in outbox(org.email) if "shared" in str(m["Subject"])] == []  # the primary chose off
