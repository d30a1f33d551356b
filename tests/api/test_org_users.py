# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""The Primary User manages Admin Users and join requests; alerts and digests."""

from __future__ import annotations

import pytest

from .conftest import token_in
from .verifier_kit import (  # noqa: F401 - fixtures
    PASSWORD,
    add_admin,
    candidate,
    candidate_login,
    login,
    make_org,
    make_result,
    set_password_from,
    share,
    staff,
)

SAM = {"first_name": "Sam", "family_name": "Lee", "job_title": "Clerk", "email": "sam@uni-north.ac.uk"}


def test_primary_adds_edits_and_deletes_an_admin(api, make_org, outbox):
    org = make_org()
    r = api.post("/organisation/users", SAM, token=org.token)
    assert r.status == 201 and r.json["role"] == "admin" and r.json["status"] == "invited"
    user_id = r.json["user_id"]
    [mail] = outbox("sam@uni-north.ac.uk")
    set_password_from(api, mail)
    admin = login(api, "sam@uni-north.ac.uk").json["token"]
    assert api.get("/verifiers/me", token=admin).json["role"] == "admin"
    r = api.patch(f"/organisation/users/{user_id}", {"job_title": "Registrar"}, token=org.token)
    assert r.status == 200 and r.json["job_title"] == "Registrar"
    assert (
        api.patch(f"/organisation/users/{user_id}", {"email": "x@uni-north.ac.uk"}, token=org.token).status
        == 400
    )
    users = api.get("/organisation/users", token=org.token).json["users"]
    assert {u["role"] for u in users} == {"primary", "admin"}
    # deleting ends the user's sessions at once
    assert api.delete(f"/organisation/users/{user_id}", token=org.token).status == 204
    assert api.get("/verifiers/me", token=admin).status == 401
    assert api.get("/organisation/shares", token=admin).status == 401
    assert login(api, "sam@uni-north.ac.uk").status == 401
    assert len(api.get("/organisation/users", token=org.token).json["users"]) == 1


def test_new_users_must_be_at_the_organisations_domain_and_new(api, make_org):
    org = make_org()
    r = api.post("/organisation/users", {**SAM, "email": "sam@gmail.com"}, token=org.token)
    assert r.status == 400 and "email" in r.json["fields"]
    assert api.post("/organisation/users", SAM, token=org.token).status == 201
    assert api.post("/organisation/users", SAM, token=org.token).status == 409
    assert api.post("/organisation/users", {**SAM, "email": org.email}, token=org.token).status == 409


def test_the_primary_cannot_delete_itself(api, make_org):
    org = make_org()
    assert api.delete(f"/organisation/users/{org.user_id}", token=org.token).status == 403


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/organisation/users", SAM),
        ("PATCH", "/organisation/users/{primary}", {"job_title": "Boss"}),
        ("DELETE", "/organisation/users/{primary}", None),
        ("GET", "/organisation/join-requests", None),
        ("POST", "/organisation/join-requests/x/approve", None),
        ("POST", "/organisation/join-requests/x/decline", None),
        ("POST", "/organisation/api-keys", {"name": "HR system"}),
        ("GET", "/organisation/api-keys", None),
        ("DELETE", "/organisation/api-keys/x", None),
    ],
)
def test_admins_cannot_reach_primary_only_endpoints(api, make_org, add_admin, method, path, body):
    org = make_org()
    admin, _ = add_admin(org)
    r = api.call(method, path.format(primary=org.user_id), body, token=admin)
    assert r.status == 403 and r.json["error"] == "forbidden"


def test_one_organisation_cannot_manage_anothers_users(api, make_org, add_admin):
    org = make_org()
    _, sam_id = add_admin(org)
    other = make_org("college-south.ac.uk", "South College")
    assert api.patch(f"/organisation/users/{sam_id}", {"job_title": "x"}, token=other.token).status == 404
    assert api.delete(f"/organisation/users/{sam_id}", token=other.token).status == 404
    assert all(
        u["user_id"] != sam_id for u in api.get("/organisation/users", token=other.token).json["users"]
    )


def test_join_request_approved_by_the_primary(api, make_org, outbox):
    org = make_org()
    body = {
        "first_name": "Kim",
        "family_name": "Ng",
        "job_title": "Clerk",
        "email": "kim@admissions.uni-north.ac.uk",
    }
    assert api.post("/verifiers/join", body).json == {"status": "pending"}
    # the primary is asked
    assert [m for m in outbox(org.email) if "request to join" in str(m["Subject"])]
    [req] = api.get("/organisation/join-requests", token=org.token).json["join_requests"]
    assert req["email"] == body["email"]
    r = api.post(f"/organisation/join-requests/{req['request_id']}/approve", token=org.token)
    assert r.status == 200 and r.json["role"] == "admin"
    [mail] = outbox(body["email"])
    set_password_from(api, mail)
    assert login(api, body["email"]).status == 200
    assert api.get("/organisation/join-requests", token=org.token).json["join_requests"] == []


def test_join_request_declined_and_unknown_domains_look_the_same(api, make_org, outbox):
    org = make_org()
    unknown = api.post(
        "/verifiers/join",
        {"first_name": "A", "family_name": "B", "job_title": "C", "email": "a@nowhere.example"},
    )
    known = api.post(
        "/verifiers/join",
        {"first_name": "Kim", "family_name": "Ng", "job_title": "C", "email": "kim@uni-north.ac.uk"},
    )
    assert unknown.status == known.status == 202 and unknown.json == known.json
    outbox()  # the worker stores the request
    [req] = api.get("/organisation/join-requests", token=org.token).json["join_requests"]
    assert api.post(f"/organisation/join-requests/{req['request_id']}/decline", token=org.token).status == 204
    assert [m for m in outbox("kim@uni-north.ac.uk") if "declined" in m.get_body(("plain",)).get_content()]
    assert login(api, "kim@uni-north.ac.uk").status == 401
    other = make_org("college-south.ac.uk", "South College")
    assert (
        api.post(f"/organisation/join-requests/{req['request_id']}/approve", token=other.token).status == 404
    )


def test_set_password_checks_the_password_policy(api, make_org, outbox):
    org = make_org()
    api.post("/organisation/users", SAM, token=org.token)
    [mail] = outbox("sam@uni-north.ac.uk")
    r = api.post("/verifiers/set-password", {"token": token_in(mail), "password": "password123"})
    assert r.status == 400 and "password" in r.json["fields"]
    set_password_from(api, mail)  # the token was not used up by the refused password


def test_notification_frequency(api, make_org):
    org = make_org()
    r = api.put_json("/verifiers/me/notifications", {"frequency": "weekly"}, token=org.token)
    assert r.status == 200 and r.json == {"frequency": "weekly"}
    assert api.get("/verifiers/me", token=org.token).json["notifications"] == {"frequency": "weekly"}
    assert api.put_json("/verifiers/me/notifications", {"frequency": "hourly"}, token=org.token).status == 400


def digest_mails(outbox, to: str) -> list:
    return [m for m in outbox(to) if "shared" in str(m["Subject"])]


def test_digests_one_email_per_user_per_period_none_when_nothing_new(
    api, app_module, make_org, add_admin, candidate, outbox, _clock
):
    from devstack.pump import run_schedules

    org = make_org()
    sam, _ = add_admin(org)
    assert api.put_json("/verifiers/me/notifications", {"frequency": "daily"}, token=org.token).status == 200
    assert api.put_json("/verifiers/me/notifications", {"frequency": "weekly"}, token=sam).status == 200
    # nothing shared: no digest
    run_schedules(app_module)
    assert digest_mails(outbox, org.email) == [] and digest_mails(outbox, "sam@uni-north.ac.uk") == []
    from chalicelib.services.digests import period_key

    start = _clock.now()
    # Given two new shares
    share(api, candidate, make_result(), org.org_id)
    c1 = make_result(exam_code="C1ADV", exam_date="2025-11-01", reference_number="SOR-C1-000001")
    share(api, candidate, c1, org.org_id)
    _clock.advance(86400)
    # When the schedule runs twice on the same day
    run_schedules(app_module)
    run_schedules(app_module)
    # Then the daily user got one digest, counting both shares
    [daily] = digest_mails(outbox, org.email)
    assert "2 new results" in daily.get_body(("plain",)).get_content()
    # the weekly user only when a new week began (the first run this week found nothing new)
    new_week = period_key("weekly", start) != period_key("weekly", _clock.now())
    assert len(digest_mails(outbox, "sam@uni-north.ac.uk")) == (1 if new_week else 0)
    # next day, nothing new: no email
    _clock.advance(86400)
    run_schedules(app_module)
    assert len(digest_mails(outbox, org.email)) == 1
    # a share later: the next daily digest
    c2 = make_result(exam_code="C2PRO", exam_date="2025-12-01", reference_number="SOR-C2-000001")
    assert share(api, candidate_login(api), c2, org.org_id).status == 201  # a new session, days later
    _clock.advance(86400)
    run_schedules(app_module)
    assert len(digest_mails(outbox, org.email)) == 2
    # a week on: one weekly digest of what the weekly user has not been told yet, once
    before = len(digest_mails(outbox, "sam@uni-north.ac.uk"))
    _clock.advance(7 * 86400)
    run_schedules(app_module)
    run_schedules(app_module)
    weekly = digest_mails(outbox, "sam@uni-north.ac.uk")
    assert len(weekly) == before + 1
    # over the weekly digests (how many depends on the weekday the test runs), each share told once
    import re

    told = [
        int(re.search(r"(\d+) new result", m.get_body(("plain",)).get_content()).group(1)) for m in weekly
    ]
    assert sum(told) == 3


def test_a_verifier_resets_a_forgotten_password(api, outbox, make_org):
    from .verifier_kit import login as vlogin

    org = make_org()
    # When the user asks for a reset link (and someone asks for an unknown address)
    r = api.post("/verifiers/password-reset", {"email": org.email.upper()})
    unknown = api.post("/verifiers/password-reset", {"email": "nobody@uni-north.ac.uk"})
    assert r.status == unknown.status == 202 and r.json == unknown.json
    [mail] = [mm for mm in outbox(org.email) if "Reset" in str(mm["Subject"])]
    assert outbox("nobody@uni-north.ac.uk") == []
    # Then the emailed token sets a new password once, and every session ends
    token = token_in(mail)
    r = api.post("/verifiers/set-password", {"token": token, "password": "a-fresh-new-one-9"})
    assert r.status == 204
    assert api.get("/verifiers/me", token=org.token).status == 401
    assert vlogin(api, org.email, "a-fresh-new-one-9").status == 200
    assert api.post("/verifiers/set-password", {"token": token, "password": "again-again-9"}).status == 400


def test_verifier_reset_requests_are_limited_the_same_for_unknown_addresses(api, make_org):
    org = make_org()
    for email in (org.email, "nobody@uni-north.ac.uk"):
        for _ in range(3):
            assert api.post("/verifiers/password-reset", {"email": email}).status == 202
        r = api.post("/verifiers/password-reset", {"email": email})
        assert r.status == 429 and int(r.headers["retry-after"]) <= 3600
