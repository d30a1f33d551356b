# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Organisations: registration, staff approval, login, the shares list and detail, search by
reference number, the audit trail. Given / When / Then."""

from __future__ import annotations

from .conftest import token_in
from .verifier_kit import (  # noqa: F401 - fixtures
    PASSWORD,
    add_admin,
    candidate,
    candidate_login,
    login,
    make_candidate,
    make_org,
    make_result,
    registration,
    set_password_from,
    share,
    staff,
)


# ---------------------------------------------------------------- registration and approval
def test_register_approve_set_password_login(api, outbox, staff):
    # Given an organisation registers
    r = api.post("/verifiers/register", registration("uni-north.ac.uk", "University of the North"))
    assert r.status == 202 and r.json["status"] == "pending"
    org_id = r.json["org_id"]
    # it waits as pending in the staff queue; the registrant cannot log in yet
    listed = api.get("/staff/organisations?status=pending", token=staff).json
    assert [o["org_id"] for o in listed["organisations"]] == [org_id]
    assert login(api, "ada@uni-north.ac.uk").status == 401
    # When staff approve it
    r = api.post(f"/staff/organisations/{org_id}/approve", token=staff)
    assert r.status == 200 and r.json["status"] == "approved"
    assert api.get("/staff/organisations?status=pending", token=staff).json["organisations"] == []
    # Then the registrant gets a set-password link that works once
    [mail] = [m for m in outbox("ada@uni-north.ac.uk") if "set your password" in str(m["Subject"])]
    set_password_from(api, mail)
    assert api.post("/verifiers/set-password", {"token": token_in(mail), "password": PASSWORD}).status == 400
    token = login(api, "ADA@uni-north.ac.uk").json["token"]
    me = api.get("/verifiers/me", token=token).json
    assert me["role"] == "primary" and me["organisation"]["org_id"] == org_id
    assert me["notifications"] == {"frequency": "immediate"}
    # approving twice is a conflict
    assert api.post(f"/staff/organisations/{org_id}/approve", token=staff).status == 409


def test_set_password_link_expires_after_72_hours(api, outbox, staff, _clock):
    org_id = api.post("/verifiers/register", registration("uni-north.ac.uk", "North")).json["org_id"]
    api.post(f"/staff/organisations/{org_id}/approve", token=staff)
    [mail] = [m for m in outbox("ada@uni-north.ac.uk") if "set your password" in str(m["Subject"])]
    _clock.advance(72 * 3600 + 1)
    r = api.post("/verifiers/set-password", {"token": token_in(mail), "password": PASSWORD})
    assert r.status == 400 and "token" in r.json["fields"]


def test_reject_with_reason_emails_it_and_frees_the_domain(api, outbox, staff):
    org_id = api.post("/verifiers/register", registration("uni-north.ac.uk", "North")).json["org_id"]
    r = api.post(f"/staff/organisations/{org_id}/reject", {"reason": "Website does not match"}, token=staff)
    assert r.status == 200 and r.json["status"] == "rejected"
    mails = outbox("ada@uni-north.ac.uk")
    assert any("Website does not match" in m.get_body(("plain",)).get_content() for m in mails)
    assert (
        api.get("/staff/organisations?status=rejected", token=staff).json["organisations"][0]["org_id"]
        == org_id
    )
    # the domain may register again
    assert api.post("/verifiers/register", registration("uni-north.ac.uk", "North")).status == 202
    assert api.post(f"/staff/organisations/{org_id}/reject", {}, token=staff).status == 400


def test_email_must_be_at_the_website_domain_or_a_subdomain(api):
    bad = api.post("/verifiers/register", registration("uni-north.ac.uk", "North", email="ada@gmail.com"))
    assert bad.status == 400 and "email" in bad.json["fields"]
    sub = registration("uni-north.ac.uk", "North", email="ada@admissions.uni-north.ac.uk")
    assert api.post("/verifiers/register", sub).status == 202
    lookalike = registration("north.ac.uk", "N2", email="ada@uni-north.ac.uk")
    assert api.post("/verifiers/register", lookalike).status == 400


def test_bad_registration_bodies_name_the_fields(api):
    body = registration("uni-north.ac.uk", "North", confirm_email="other@uni-north.ac.uk")
    r = api.post("/verifiers/register", body)
    assert r.status == 400 and "confirm_email" in r.json["fields"]
    body = registration("uni-north.ac.uk", "North")
    body["organisation"]["type"] = "pub"
    del body["organisation"]["country"]
    r = api.post("/verifiers/register", body)
    assert r.status == 400 and {"organisation.type", "organisation.country"} <= set(r.json["fields"])
    assert api.post("/verifiers/register", {**body, "organisation": "x"}).status == 400


def test_a_second_registration_for_the_domain_is_pointed_to_joining(api):
    assert api.post("/verifiers/register", registration("uni-north.ac.uk", "North")).status == 202
    r = api.post(
        "/verifiers/register", registration("uni-north.ac.uk", "North again", email="bo@uni-north.ac.uk")
    )
    assert r.status == 409 and "join" in r.json["message"]


def test_staff_routes_need_staff(api, make_org, candidate):
    org = make_org()
    for token in (None, org.token, candidate):
        assert api.get("/staff/organisations", token=token).status == 401
        assert api.post(f"/staff/organisations/{org.org_id}/approve", token=token).status == 401


# ---------------------------------------------------------------- login protections
def test_login_same_reply_for_unknown_email_and_wrong_password_then_lockout(api, make_org, _clock):
    org = make_org()
    wrong = login(api, org.email, "not-the-password")
    unknown = login(api, "nobody@uni-north.ac.uk")
    assert wrong.status == unknown.status == 401 and wrong.json == unknown.json
    for _ in range(4):
        login(api, org.email, "not-the-password")
    r = login(api, org.email)
    assert r.status == 429 and int(r.headers["retry-after"]) <= 900
    _clock.advance(901)
    assert login(api, org.email).status == 200


# ---------------------------------------------------------------- shares seen by the organisation
def test_shares_list_detail_new_flag_and_audit(api, make_org, add_admin, candidate):
    # Given a candidate shares a released B2 First result with an organisation
    org = make_org()
    rid = make_result()
    r = share(api, candidate, rid, org.org_id)
    assert r.status == 201 and r.json["organisation_name"] == org.name
    share_id = r.json["share_id"]
    # Then the organisation lists it as new
    page = api.get("/organisation/shares", token=org.token).json
    assert page["shares"][0]["share_id"] == share_id and page["shares"][0]["new"] is True
    assert page["shares"][0]["family_name"] == "Łukasiewicz-Nguyễn"
    # When an admin user opens it
    admin, admin_id = add_admin(org)
    d = api.get(f"/organisation/shares/{share_id}", token=admin).json
    assert d["candidate"] == {
        "first_name": "Zoë",
        "family_name": "Łukasiewicz-Nguyễn",
        "date_of_birth": "2004-03-09",
        "id_number": "SIR094701",
    }
    assert (
        d["overall_score"] == 175 and d["cefr_level"] == "B2" and d["reference_number"] == "SOR-2025-000001"
    )
    assert len(d["components"]) == 5 and d["photo_url"].startswith("https://")
    # Then it is no longer new for anyone in the organisation, and the candidate sees viewed_at
    assert api.get("/organisation/shares", token=org.token).json["shares"][0]["new"] is False
    mine = api.get("/candidates/me/shares", token=candidate).json["shares"]
    assert mine[0]["viewed_at"] is not None
    # And the read is in the audit trail
    from chalicelib.services import audit

    event, photo = sorted(audit.for_org(org.org_id), key=lambda e: e["how"])
    assert event["actor"] == f"user:{admin_id}" and event["how"] == "detail" and event["share_id"] == share_id
    # and so is the signed test-day photo URL it handed out
    assert photo["actor"] == f"user:{admin_id}" and photo["how"] == "photo" and photo["share_id"] == share_id


def test_no_photo_for_exams_without_test_day_photo(api, make_org, candidate):
    org = make_org()
    rid = make_result(exam_code="B1PRE", reference_number="SOR-PET-0000001")
    share_id = share(api, candidate, rid, org.org_id).json["share_id"]
    assert api.get(f"/organisation/shares/{share_id}", token=org.token).json["photo_url"] is None


def test_statement_pdf_is_served_and_audited(api, make_org, candidate):
    org = make_org()
    share_id = share(api, candidate, make_result(), org.org_id).json["share_id"]
    r = api.get(
        f"/organisation/shares/{share_id}/statement", token=org.token, headers={"Accept": "application/pdf"}
    )
    assert r.status == 200 and r.headers["content-type"] == "application/pdf" and r.body.startswith(b"%PDF")
    from chalicelib.services import audit

    assert [e["how"] for e in audit.for_org(org.org_id)] == ["statement"]


def test_a_stored_statement_is_a_redirect_to_a_short_lived_url(api, make_org, candidate):
    from chalicelib import config
    from chalicelib.adapters import storage

    storage.put(config.DOCUMENTS_BUCKET, "statements/x.pdf", b"%PDF-1.4 stored", "application/pdf")
    org = make_org()
    share_id = share(api, candidate, make_result(statement_key="statements/x.pdf"), org.org_id).json[
        "share_id"
    ]
    r = api.get(f"/organisation/shares/{share_id}/statement", token=org.token)
    assert r.status == 303 and "statements/x.pdf" in r.headers["location"]


def test_another_organisation_cannot_see_a_share(api, make_org, candidate):
    org = make_org()
    other = make_org("college-south.ac.uk", "South College")
    share_id = share(api, candidate, make_result(), org.org_id).json["share_id"]
    assert api.get("/organisation/shares", token=other.token).json["shares"] == []
    for path in (f"/organisation/shares/{share_id}", f"/organisation/shares/{share_id}/statement"):
        r = api.get(path, token=other.token)
        assert r.status == 404 and r.json["error"] == "not_found"
    # and the other organisation's cursor (a genuine one, sealed for its list) cannot be used
    from chalicelib.db.paging import encode_cursor

    theirs = encode_cursor(f"org-shares:{org.org_id}:::",
                           {"gsi1pk": {"S": f"ORGSHARES#{org.org_id}"}, "gsi1sk": {"S": "9"},
                            "pk": {"S": "x"}, "sk": {"S": "y"}})
    assert api.get(f"/organisation/shares?cursor={theirs}", token=org.token).status == 200
    assert api.get(f"/organisation/shares?cursor={theirs}", token=other.token).status == 400


def test_shares_need_a_verifier_session(api, make_org, candidate):
    org = make_org()
    share_id = share(api, candidate, make_result(), org.org_id).json["share_id"]
    for token in (None, candidate, "nonsense"):
        assert api.get("/organisation/shares", token=token).status == 401
        assert api.get(f"/organisation/shares/{share_id}", token=token).status == 401


def test_shares_paging_dates_and_search(api, make_org, _clock):
    org = make_org()
    people = [
        ("AAA000001", "Zoë", "Kowalczyk"),
        ("AAA000002", "José", "García"),
        ("AAA000003", "Ann", "Smith"),
    ]
    for n, (idn, first, family) in enumerate(people):
        make_candidate(idn, first, family)
        rid = make_result(idn, reference_number=f"SOR-2025-00000{n}", first=first, family=family)
        assert share(api, candidate_login(api, idn), rid, org.org_id).status == 201
        _clock.advance(86400)
    org.token = login(api, org.email).json["token"]  # three days on: a new session
    # newest first, paged by a cursor
    p1 = api.get("/organisation/shares?limit=2", token=org.token).json
    assert [s["family_name"] for s in p1["shares"]] == ["Smith", "García"]
    p2 = api.get(f"/organisation/shares?limit=2&cursor={p1['next_cursor']}", token=org.token).json
    assert [s["family_name"] for s in p2["shares"]] == ["Kowalczyk"]
    # search by name (accent-insensitive) or ID number
    assert [
        s["first_name"] for s in api.get("/organisation/shares?q=garcia", token=org.token).json["shares"]
    ] == ["José"]
    assert [
        s["first_name"] for s in api.get("/organisation/shares?q=aaa000001", token=org.token).json["shares"]
    ] == ["Zoë"]
    # date range on the day shared
    first_day = api.get("/organisation/shares?limit=5", token=org.token).json["shares"][-1]["shared_at"][:10]
    r = api.get(f"/organisation/shares?from={first_day}&to={first_day}", token=org.token).json
    assert [s["family_name"] for s in r["shares"]] == ["Kowalczyk"]
    assert api.get("/organisation/shares?from=2025-13-01", token=org.token).status == 400
    assert api.get("/organisation/shares?limit=500", token=org.token).status == 400


def test_a_revoked_share_disappears_at_once(api, make_org, candidate):
    org = make_org()
    share_id = share(api, candidate, make_result(), org.org_id).json["share_id"]
    assert api.delete(f"/candidates/me/shares/{share_id}", token=candidate).status == 204
    assert api.get("/organisation/shares", token=org.token).json["shares"] == []
    assert api.get(f"/organisation/shares/{share_id}", token=org.token).status == 404
    assert api.get("/candidates/me/shares", token=candidate).json["shares"] == []


# ---------------------------------------------------------------- search by reference number
def test_search_by_reference_and_date_of_birth(api, make_org):
    org = make_org()
    make_result()
    r = api.post(
        "/organisation/search",
        {"reference_number": "SOR-2025-000001", "date_of_birth": "2004-03-09"},
        token=org.token,
    )
    assert r.status == 200 and r.json["candidate"]["id_number"] == "SIR094701" and r.json["photo_url"]
    from chalicelib.services import audit

    assert sorted(e["how"] for e in audit.for_org(org.org_id)) == ["photo", "search"]


def test_every_search_mismatch_gets_the_same_404(api, make_org):
    org = make_org()
    make_result()
    make_result("HLD000001", reference_number="SOR-HELD-00001", status="held")
    replies = [
        api.post("/organisation/search", body, token=org.token)
        for body in (
            {"reference_number": "SOR-2025-999999", "date_of_birth": "2004-03-09"},  # unknown reference
            {"reference_number": "SOR-2025-000001", "date_of_birth": "2004-03-10"},  # wrong date of birth
            {"reference_number": "SOR-HELD-00001", "date_of_birth": "2004-03-09"},  # held result
        )
    ]
    assert {r.status for r in replies} == {404}
    assert replies[0].json == replies[1].json == replies[2].json


def test_results_before_2005_are_not_verifiable_online(api, make_org):
    org = make_org()
    make_result(exam_date="2004-06-12", reference_number="SOR-2004-000001")
    r = api.post(
        "/organisation/search",
        {"reference_number": "SOR-2004-000001", "date_of_birth": "2004-03-09"},
        token=org.token,
    )
    assert r.status == 404 and "2005" in r.json["message"]


def test_twenty_failed_searches_an_hour_then_429(api, make_org, add_admin, _clock):
    org = make_org()
    make_result()
    miss = {"reference_number": "SOR-2025-999999", "date_of_birth": "2004-03-09"}
    hit = {"reference_number": "SOR-2025-000001", "date_of_birth": "2004-03-09"}
    for _ in range(20):
        assert api.post("/organisation/search", miss, token=org.token).status == 404
    r = api.post("/organisation/search", hit, token=org.token)
    assert r.status == 429 and r.json["error"] == "rate_limited" and int(r.headers["retry-after"]) > 0
    # per user: a colleague can still search
    admin, _ = add_admin(org)
    assert api.post("/organisation/search", hit, token=admin).status == 200
    _clock.advance(3601)
    assert api.post("/organisation/search", hit, token=org.token).status == 200


def test_search_validates_its_input(api, make_org):
    org = make_org()
    r = api.post(
        "/organisation/search", {"reference_number": "short", "date_of_birth": "09/03/2004"}, token=org.token
    )
    assert r.status == 400 and {"reference_number", "date_of_birth"} & set(r.json["fields"])
