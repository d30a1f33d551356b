"""Exam centres through the HTTP API (issue 13): staff create centres; a centre's users sign in,
see only their candidates, reissue Secret numbers and reset accounts (audited, limited)."""
from __future__ import annotations

import pytest

from tests.leaks import shows

from .conftest import entry_row, token_in

STAFF = {"email": "staff@exam-board.example", "password": "a-long-staff-password"}
PASSWORD = "violet-harbour-lantern"
CENTRE = {"centre_number": "GB123", "name": "Bath Language School", "country": "GB",
          "manager_name": "Mary Manager", "manager_email": "mary@bath.example"}
REG = {"id_number": "SIR094701", "secret_number": "4821", "email": "zoe@example.org",
       "password": "copper-meadow-whistle", "country": "PL", "first_language": "prefer_not_to_say",
       "accept_terms": True, "marketing_opt_in": False}


@pytest.fixture
def staff(api):
    from chalicelib.services.staff import ensure_staff_account
    from tests.two_factor import sign_in, via_api

    ensure_staff_account(**STAFF)
    return sign_in(via_api(api), "/staff/login", STAFF)[0]["token"]


def centre_session(api, staff, outbox, data: dict) -> str:
    assert api.post("/staff/centres", data, token=staff).status == 201
    [mail] = outbox(data["manager_email"])
    assert api.post("/centre/set-password", {"token": token_in(mail), "password": PASSWORD}).status == 204
    r = api.post("/centre/login", {"email": data["manager_email"], "password": PASSWORD})
    assert r.status == 200
    return r.json["token"]


@pytest.fixture
def mary(api, staff, outbox):
    return centre_session(api, staff, outbox, CENTRE)


@pytest.fixture
def olga(api, staff, outbox):
    return centre_session(api, staff, outbox, {"centre_number": "ES900", "name": "Academia Sol",
                                               "country": "ES", "manager_name": "Olga",
                                               "manager_email": "olga@sol.example"})


@pytest.fixture
def people(entries):
    entries(entry_row(centre_number="GB123"), entry_row("ABC000001", first_name="Ana", family_name="Pérez"),
            entry_row("XYZ000009", centre_number="ES900"))


def test_staff_create_and_list_centres_and_only_staff_may(api, staff, outbox):
    r = api.post("/staff/centres", CENTRE, token=staff)
    assert r.status == 201 and r.json["centre_number"] == "GB123" and r.json["manager"]["status"] == "invited"
    [mail] = outbox("mary@bath.example")
    assert "https://results.example/centres/set-password?token=" in mail.get_body(("plain",)).get_content()
    assert api.post("/staff/centres", CENTRE, token=staff).status == 409
    assert api.get("/staff/centres", token=staff).json == {"centres": [
        {"centre_number": "GB123", "name": "Bath Language School", "country": "GB",
         "created_at": r.json["created_at"]}], "next_cursor": None}
    bad = api.post("/staff/centres", {**CENTRE, "manager_email": "nope", "extra": 1}, token=staff)
    assert bad.status == 400 and bad.json["error"] == "validation_error"
    assert api.get("/staff/centres").status == 401
    mary = centre_session_after(api, mail)
    assert api.get("/staff/centres", token=mary).status == 401  # a centre session is no staff session
    assert api.get("/centre/me", token=staff).status == 401  # and the other way round


def centre_session_after(api, mail) -> str:
    assert api.post("/centre/set-password", {"token": token_in(mail), "password": PASSWORD}).status == 204
    return api.post("/centre/login", {"email": "mary@bath.example", "password": PASSWORD}).json["token"]


def test_a_centre_sees_its_candidates_only(api, mary, olga, people):
    ids = [c["id_number"] for c in api.get("/centre/candidates", token=mary).json["candidates"]]
    assert sorted(ids) == ["ABC000001", "SIR094701"]
    assert [c["id_number"] for c in api.get("/centre/candidates?q=perez", token=mary).json["candidates"]] == [
        "ABC000001"]
    assert api.get("/centre/candidates?q=XYZ000009", token=mary).json["candidates"] == []
    one = api.get("/centre/candidates/SIR094701", token=mary).json
    assert (one["registered"], one["entries"][0]["status"]) == (False, "pending")
    for path in ("/centre/candidates/XYZ000009", "/centre/candidates/NOTANID"):
        r = api.get(path, token=mary)
        assert r.status == 404 and r.json["error"] == "not_found"
    assert api.post("/centre/candidates/XYZ000009/secret", token=mary).status == 404
    assert api.post("/centre/candidates/XYZ000009/reset", token=mary).status == 404
    assert api.get("/centre/candidates").status == 401


def test_a_reissued_secret_fails_the_old_one_and_registers_with_the_new(api, mary, people):
    r = api.post("/centre/candidates/SIR094701/secret", token=mary)
    assert r.status == 201
    new = r.json["secret_number"]
    if new != "4821":
        assert api.post("/candidates/register", REG).status == 403
    assert api.post("/candidates/register", {**REG, "secret_number": new}).status == 201
    pdf = api.post("/centre/candidates/SIR094701/confirmation", {"confirmation": r.json["confirmation"]},
                   token=mary, headers={"Accept": "application/pdf"})
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body[:4] == b"%PDF"
    assert not shows(str(_all_items()), new)  # never stored in clear


def _all_items() -> list:
    from chalicelib import config
    from chalicelib.adapters.aws import client

    return client("dynamodb").scan(TableName=config.MAIN_TABLE)["Items"]  # the test reads the table


def test_a_reset_keeps_results_and_lets_the_candidate_register_again(api, mary, people):
    assert api.post("/candidates/register", REG).status == 201
    creds = {"id_number": "SIR094701", "password": REG["password"]}
    token = api.post("/candidates/login", creds).json["token"]
    r = api.post("/centre/candidates/SIR094701/reset", token=mary)
    assert r.status == 201
    assert api.get("/candidates/me", token=token).status == 401
    assert api.post("/candidates/login", creds).status == 401
    again = {**REG, "secret_number": r.json["secret_number"], "email": "new@example.org"}
    assert api.post("/candidates/register", again).status == 201
    creds = {"id_number": "SIR094701", "password": REG["password"]}
    token = api.post("/candidates/login", creds).json["token"]
    assert api.get("/candidates/me", token=token).json["email"] == "new@example.org"
    assert len(api.get("/candidates/me/results", token=token).json["results"]) == 1


def test_audit_for_the_manager_and_colleagues_managed_by_the_manager(api, mary, people, outbox):
    api.post("/centre/candidates/SIR094701/secret", token=mary)
    events = api.get("/centre/audit", token=mary).json["events"]
    assert [(e["action"], e["id_number"], e["user_name"]) for e in events] == [
        ("reissue", "SIR094701", "Mary Manager")]
    r = api.post("/centre/users", {"name": "Carl", "email": "carl@bath.example"}, token=mary)
    assert r.status == 201
    [mail] = outbox("carl@bath.example")
    assert api.post("/centre/set-password", {"token": token_in(mail), "password": PASSWORD}).status == 204
    carl = api.post("/centre/login", {"email": "carl@bath.example", "password": PASSWORD}).json["token"]
    assert api.get("/centre/audit", token=carl).status == 403
    assert api.post("/centre/users", {"name": "X", "email": "x@bath.example"}, token=carl).status == 403
    assert api.delete(f"/centre/users/{r.json['user_id']}", token=mary).status == 204
    assert api.get("/centre/me", token=carl).status == 401


def test_reissues_are_limited_per_centre(api, mary, people):
    from chalicelib.services.centre_actions import ACTIONS_PER_DAY

    for _ in range(ACTIONS_PER_DAY):
        assert api.post("/centre/candidates/SIR094701/secret", token=mary).status == 201
    r = api.post("/centre/candidates/ABC000001/reset", token=mary)
    assert r.status == 429 and "retry-after" in r.headers
