"""Candidates through the HTTP API, AWS played by moto. Given / When / Then."""
from __future__ import annotations

import pytest

from .conftest import entry_row, readable, token_in

PASSWORD = "violet-harbour-lantern"
REG = {"id_number": "SIR094701", "secret_number": "4821", "email": "zoe@example.org",
       "password": PASSWORD, "country": "PL", "first_language": "prefer_not_to_say", "accept_terms": True,
       "marketing_opt_in": False}


def register(api, **over):
    return api.post("/candidates/register", {**REG, **over})


def login(api, id_number="SIR094701", password=PASSWORD):
    return api.post("/candidates/login", {"id_number": id_number, "password": password})


@pytest.fixture
def candidate(api, entries):
    entries(entry_row())
    assert register(api).status == 201
    r = login(api)
    assert r.status == 200
    return r.json["token"]


# ---------------------------------------------------------------- registration
def test_register_sends_a_verify_link_that_verifies_the_email(api, entries, outbox):
    entries(entry_row())
    r = register(api, id_number=" sir 0947O1 ")  # normalised: case, space, O->0 in the digits
    assert r.status == 201
    assert r.json == {"id_number": "SIR094701", "email": "zoe@example.org", "email_verified": False}
    [mail] = outbox("zoe@example.org")
    assert "4821" not in readable(mail) and PASSWORD not in readable(mail)
    r = api.post("/candidates/verify-email", {"token": token_in(mail)})
    assert r.status == 200 and r.json == {"email_verified": True}
    token = login(api).json["token"]
    assert api.get("/candidates/me", token=token).json["email_verified"] is True
    # the link works once
    assert api.post("/candidates/verify-email", {"token": token_in(mail)}).status == 400


def test_wrong_secret_and_unknown_id_get_one_and_the_same_reply(api, entries):
    entries(entry_row())
    wrong = register(api, secret_number="1111")
    unknown = register(api, id_number="ABC123456")
    assert wrong.status == unknown.status == 403
    assert wrong.json == unknown.json
    assert wrong.json["error"] == "forbidden"


def test_five_wrong_secrets_lock_registration_even_with_the_right_one(api, entries, _clock):
    entries(entry_row())
    for _ in range(5):
        assert register(api, secret_number="0000").status == 403
    r = register(api)
    assert r.status == 429 and r.json["error"] == "rate_limited"
    assert 0 < int(r.headers["retry-after"]) <= 900
    _clock.advance(901)
    assert register(api).status == 201


def test_an_unknown_id_is_locked_the_same_way(api):
    for _ in range(5):
        assert register(api, id_number="ZZZ999999").status == 403
    assert register(api, id_number="ZZZ999999").status == 429


def test_registering_twice_is_a_conflict(api, entries):
    entries(entry_row())
    assert register(api).status == 201
    r = register(api)
    assert r.status == 409 and r.json["error"] == "conflict"


@pytest.mark.parametrize("over, field", [
    ({"accept_terms": False}, "accept_terms"),
    ({"id_number": "SIR09470"}, "id_number"),
    ({"secret_number": "48211"}, "secret_number"),
    ({"email": "not-an-email"}, "email"),
    ({"password": "short"}, "password"),
    ({"password": "password123"}, "password"),
    ({"password": "my-SIR094701-pass"}, "password"),
    ({"password": "x" * 129}, "password"),
    ({"marketing_opt_in": "yes"}, "marketing_opt_in"),
    ({"accept_terms": 1}, "accept_terms"),
    ({"country": 44}, "country"),
    ({"nickname": "zo"}, "nickname"),
])
def test_bad_registration_input_names_the_field(api, entries, over, field):
    entries(entry_row())
    r = register(api, **over)
    assert r.status == 400
    assert r.json["error"] == "validation_error"
    assert field in r.json["fields"], r.json


def test_missing_fields_are_all_reported_at_once(api):
    r = api.post("/candidates/register", {"id_number": "SIR094701"})
    assert r.status == 400
    assert {"secret_number", "email", "password", "accept_terms"} <= set(r.json["fields"])


def test_any_characters_make_a_password(api, entries):
    entries(entry_row())
    assert register(api, password="日本語のとても長い合言葉です").status == 201


@pytest.mark.parametrize("raw, status, code", [
    (b"{not json", 400, "validation_error"),
    (b"[1, 2]", 400, "validation_error"),
    (b"", 400, "validation_error"),
    (b'{"a": "' + b"x" * (300 * 1024) + b'"}', 413, "payload_too_large"),
])
def test_malformed_bodies_get_the_error_body_never_a_500(api, raw, status, code):
    r = api.call("POST", "/candidates/register", raw=raw)
    assert r.status == status
    assert r.json["error"] == code and r.json["message"]


def test_a_wrong_content_type_is_a_400_with_the_error_body(api):
    r = api.call("POST", "/candidates/login", raw=b"id_number=x", headers={"Content-Type": "text/plain"})
    assert r.status == 400 and r.json["error"] == "validation_error"


# ---------------------------------------------------------------- login, sessions
def test_unknown_id_and_wrong_password_get_the_same_401(api, candidate):
    a = login(api, password="not-the-password")
    b = login(api, id_number="QQQ111111")
    assert a.status == b.status == 401
    assert a.json == b.json and a.json["error"] == "unauthenticated"


def test_five_failed_logins_lock_the_account_for_15_minutes(api, candidate, _clock):
    for _ in range(5):
        assert login(api, password="wrong-password-here").status == 401
    r = login(api)
    assert r.status == 429 and int(r.headers["retry-after"]) > 0
    _clock.advance(15 * 60 + 1)
    assert login(api).status == 200


def test_requests_without_a_valid_session_are_401(api, candidate):
    assert api.get("/candidates/me").status == 401
    assert api.get("/candidates/me", token="made-up").status == 401
    assert api.get("/candidates/me", headers={"Authorization": "Basic abc"}).status == 401


def test_a_session_expires(api, candidate, _clock):
    assert api.get("/candidates/me", token=candidate).status == 200
    _clock.advance(13 * 3600)
    r = api.get("/candidates/me", token=candidate)
    assert r.status == 401 and "expired" in r.json["message"]


def test_login_reply_has_token_and_expiry(api, entries):
    entries(entry_row())
    register(api)
    r = login(api, id_number="sir094701")
    assert set(r.json) == {"token", "expires_at"}
    assert r.json["expires_at"].endswith("Z")


def test_logout_ends_the_session(api, candidate):
    assert api.post("/auth/logout", token=candidate).status == 204
    assert api.get("/candidates/me", token=candidate).status == 401


# ---------------------------------------------------------------- profile
def test_profile_has_the_names_from_the_entry(api, candidate):
    r = api.get("/candidates/me", token=candidate)
    assert r.json == {"id_number": "SIR094701", "first_name": "Zoë", "family_name": "Łukasiewicz-Nguyễn",
                      "email": "zoe@example.org", "email_verified": False, "country": "PL",
                      "first_language": "prefer_not_to_say", "marketing_opt_in": False}


def test_patch_profile_fields(api, candidate):
    r = api.patch("/candidates/me", {"country": "DE", "marketing_opt_in": True}, token=candidate)
    assert r.status == 200 and r.json["country"] == "DE" and r.json["marketing_opt_in"] is True


def test_changing_email_needs_the_password_reverifies_and_tells_the_old_address(api, candidate, outbox):
    r = api.patch("/candidates/me", {"email": "new@example.org"}, token=candidate)
    assert r.status == 400 and "current_password" in r.json["fields"]
    r = api.patch("/candidates/me", {"email": "new@example.org", "current_password": "nope-nope-nope"},
                  token=candidate)
    assert r.status == 400 and "current_password" in r.json["fields"]
    r = api.patch("/candidates/me", {"email": "new@example.org", "current_password": PASSWORD},
                  token=candidate)
    assert r.status == 200 and r.json["email"] == "new@example.org" and r.json["email_verified"] is False
    [notice] = [mm for mm in outbox("zoe@example.org") if "changed" in mm["Subject"]]
    assert "new@example.org" not in notice.as_string()
    [verify] = outbox("new@example.org")
    assert api.post("/candidates/verify-email", {"token": token_in(verify)}).json == {"email_verified": True}


def test_an_old_verify_link_does_not_verify_a_new_address(api, candidate, outbox):
    [first] = outbox("zoe@example.org")
    api.patch("/candidates/me", {"email": "new@example.org", "current_password": PASSWORD}, token=candidate)
    assert api.post("/candidates/verify-email", {"token": token_in(first)}).status == 400


# ---------------------------------------------------------------- passwords
def test_password_change_ends_every_other_session(api, candidate):
    other = login(api).json["token"]
    r = api.post("/candidates/me/password",
                 {"current_password": PASSWORD, "new_password": "a-brand-new-secret"}, token=candidate)
    assert r.status == 204
    assert api.get("/candidates/me", token=candidate).status == 200
    assert api.get("/candidates/me", token=other).status == 401
    assert login(api).status == 401
    assert login(api, password="a-brand-new-secret").status == 200


def test_password_change_checks_current_and_policy(api, candidate):
    r = api.post("/candidates/me/password",
                 {"current_password": "wrong-wrong", "new_password": "fine-new-pass"}, token=candidate)
    assert r.status == 400 and "current_password" in r.json["fields"]
    r = api.post("/candidates/me/password", {"current_password": PASSWORD, "new_password": "123456789"},
                 token=candidate)
    assert r.status == 400 and "new_password" in r.json["fields"]


def test_password_reset_round_trip(api, candidate, outbox):
    r = api.post("/candidates/password-reset", {"id_number": "SIR094701", "email": "ZOE@example.org"})
    assert r.status == 202
    [mail] = [mm for mm in outbox("zoe@example.org") if "Reset" in mm["Subject"]]
    token = token_in(mail)
    r = api.post("/candidates/password-reset/confirm", {"token": token, "new_password": "after-the-reset-1"})
    assert r.status == 204
    assert api.get("/candidates/me", token=candidate).status == 401  # every session ended
    assert login(api, password="after-the-reset-1").status == 200
    # the token works once
    r = api.post("/candidates/password-reset/confirm", {"token": token, "new_password": "again-another-1"})
    assert r.status == 400 and "token" in r.json["fields"]


def test_reset_token_expires_after_an_hour(api, candidate, outbox, _clock):
    api.post("/candidates/password-reset", {"id_number": "SIR094701", "email": "zoe@example.org"})
    [mail] = [mm for mm in outbox("zoe@example.org") if "Reset" in mm["Subject"]]
    _clock.advance(3601)
    r = api.post("/candidates/password-reset/confirm",
                 {"token": token_in(mail), "new_password": "late-late-late"})
    assert r.status == 400


def test_reset_does_not_tell_whether_an_account_exists(api, candidate, outbox):
    before = len(outbox())
    a = api.post("/candidates/password-reset", {"id_number": "SIR094701", "email": "other@example.org"})
    b = api.post("/candidates/password-reset", {"id_number": "QQQ111111", "email": "zoe@example.org"})
    assert a.status == b.status == 202 and a.json == b.json
    assert len(outbox()) == before


def test_at_most_three_reset_requests_an_hour(api, candidate, outbox):
    for _ in range(3):
        assert api.post("/candidates/password-reset", {"id_number": "SIR094701",
                                                       "email": "zoe@example.org"}).status == 202
    r = api.post("/candidates/password-reset", {"id_number": "SIR094701", "email": "zoe@example.org"})
    assert r.status == 429 and int(r.headers["retry-after"]) <= 3600
    assert len([mm for mm in outbox("zoe@example.org") if "Reset" in mm["Subject"]]) == 3
    # an unknown account is limited the same way (no enumeration by the 429 either)
    for _ in range(3):
        api.post("/candidates/password-reset", {"id_number": "QQQ111111", "email": "x@example.org"})
    assert api.post("/candidates/password-reset", {"id_number": "QQQ111111",
                                                   "email": "x@example.org"}).status == 429


# ---------------------------------------------------------------- results
def test_entries_show_as_pending_with_the_release_window(api, entries, candidate):
    entries(entry_row(exam_code="C1ADV", exam_date="2026-06-10", exam_format="computer"), name="more.csv")
    r = api.get("/candidates/me/results", token=candidate)
    assert r.status == 200
    by_code = {x["exam_code"]: x for x in r.json["results"]}
    first = by_code["B2FIRST"]
    assert first["status"] == "pending" and first["overall_score"] is None and first["components"] == []
    assert first["exam_name"] == "B2 First"
    assert first["expected_release"] == {"from": "2026-07-12", "to": "2026-07-26"}  # 4-6 weeks
    adv = by_code["C1ADV"]  # Wed 10 June: 5-10 working days
    assert adv["expected_release"] == {"from": "2026-06-17", "to": "2026-06-24"}
    one = api.get(f"/candidates/me/results/{adv['result_id']}", token=candidate)
    assert one.status == 200 and one.json == adv


def test_another_candidates_result_is_not_found(api, entries, candidate):
    entries(entry_row(id_number="ABC000001", secret="1234", exam_code="C2PRO"), name="other.csv")
    assert api.get("/candidates/me/results/C2PRO-20260614", token=candidate).status == 404
    assert api.get("/candidates/me/results/nonsense", token=candidate).status == 404


def test_a_reset_request_does_the_same_work_whatever_the_account(api, candidate, monkeypatch):
    """The timing class, tested without timing: the AWS calls made while answering are the same
    for a matching account, a wrong email and an unknown ID (the email goes out later, from the
    worker)."""
    import collections

    import botocore.client

    calls: collections.Counter = collections.Counter()
    real_call = botocore.client.BaseClient._make_api_call

    def counting(self, op, params):  # type: ignore[no-untyped-def]
        calls[(self.meta.service_model.service_name, op)] += 1
        return real_call(self, op, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    api.post("/candidates/password-reset", {"id_number": "WRM000001", "email": "w@example.org"})  # warm-up:
    seen = {}  # the queue URL is looked up once per process
    # (a key's first request opens its rate-limit window, one write more: compare first with
    # first and second with second)
    for label, id_number, email in (("known, first", "SIR094701", "zoe@example.org"),
                                    ("unknown, first", "QQQ111111", "zoe@example.org"),
                                    ("known, wrong email", "SIR094701", "other@example.org"),
                                    ("unknown, second", "QQQ111111", "other@example.org")):
        calls.clear()
        assert api.post("/candidates/password-reset", {"id_number": id_number, "email": email}).status == 202
        seen[label] = dict(calls)
    assert seen["known, first"] == seen["unknown, first"]
    assert seen["known, wrong email"] == seen["unknown, second"]
    assert all(("ses", "SendRawEmail") not in c for c in seen.values())


def test_failures_straddling_a_clock_boundary_still_lock(api, candidate, _clock):
    """Windows open at the first failure, not at :00/:15/:30/:45: five failures two minutes
    either side of a quarter hour lock the account."""
    # past any window the fixture's own sign-in opened (else the failures could straddle the
    # end of that window, which started at an arbitrary time, and this test would test that)
    _clock.advance(900 + 1)
    now = _clock.now()
    _clock.advance((900 - now % 900 - 120) % 900)  # on to two minutes before a quarter hour
    for _ in range(5):
        assert login(api, password="wrong-password-here").status == 401
        _clock.advance(50)  # the last ones fall after the boundary
    assert login(api).status == 429
