# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Two-factor sign-in (TOTP): required of staff, optional for organisation users, required of
a whole organisation by its Primary User; recovery codes; the second step of login."""
from __future__ import annotations

import pyotp
import pytest

from tests.two_factor import code, sign_in, start_of_a_step, via_api, wrong

from .verifier_kit import add_admin, login, make_org, staff  # noqa: F401 - fixtures

STAFF = {"email": "head@exam-board.example", "password": "a-long-staff-password"}
SETUP_KEYS = {"mfa_setup_required", "mfa_token", "expires_at", "secret", "otpauth_uri"}
CHALLENGE_KEYS = {"mfa_required", "mfa_token", "expires_at"}


@pytest.fixture(autouse=True)
def _whole_step(_clock):
    """Each test reads codes from the clock and expects the step not to change while it runs
    (a code used in step T is refused again in T; in T+1 the same call gives a new code)."""
    start_of_a_step()


@pytest.fixture
def staff_account(api):
    from chalicelib.services.staff import ensure_staff_account

    ensure_staff_account(**STAFF)


def enrol_staff(api) -> tuple[str, list[str], str]:
    """(secret, recovery codes, session token) of the first sign-in, which enrols."""
    first = api.post("/staff/login", STAFF)
    assert first.status == 200 and set(first.json) == SETUP_KEYS, first.json
    secret = first.json["secret"]
    done = api.post("/staff/login/mfa", {"mfa_token": first.json["mfa_token"], "code": code(secret)})
    assert done.status == 200, done.json
    return secret, done.json["recovery_codes"], done.json["token"]


def challenge(api, path: str = "/staff/login", creds: dict = STAFF) -> str:
    r = api.post(path, creds)
    assert r.status == 200 and set(r.json) == CHALLENGE_KEYS, r.json
    return r.json["mfa_token"]


# ---------------------------------------------------------------- staff
def test_staff_get_no_session_without_the_code(api, staff_account):
    first = api.post("/staff/login", STAFF)
    assert first.status == 200 and set(first.json) == SETUP_KEYS and "token" not in first.json
    assert first.json["mfa_setup_required"] is True
    assert first.json["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={first.json['secret']}" in first.json["otpauth_uri"]
    # The challenge token is not a session
    assert api.get("/staff/batches", token=first.json["mfa_token"]).status == 401
    assert api.post("/staff/login/mfa", {"mfa_token": first.json["mfa_token"]}).status == 400
    # Once enrolled, the password alone still gives no session
    enrol_staff(api)
    token = challenge(api)
    assert api.get("/staff/batches", token=token).status == 401


def test_staff_enrolment_gives_a_session_and_ten_recovery_codes_once(api, _clock, staff_account):
    secret, recovery, session = enrol_staff(api)
    assert api.get("/staff/batches", token=session).status == 200
    assert len(recovery) == len(set(recovery)) == 10
    # Next sign-in: a challenge (no secret shown again), a code of the next time step
    _clock.advance(30)
    done = api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": code(secret)})
    assert done.status == 200 and set(done.json) == {"token", "expires_at"}
    assert api.get("/staff/batches", token=done.json["token"]).status == 200


def test_wrong_codes_count_with_wrong_passwords_and_lock_the_account(api, _clock, staff_account):
    secret, _, _ = enrol_staff(api)
    _clock.advance(30)
    for _ in range(2):
        assert api.post("/staff/login", {**STAFF, "password": "not-the-password"}).status == 401
    token = challenge(api)
    for _ in range(3):  # failures 3, 4 and 5: the fifth locks
        r = api.post("/staff/login/mfa", {"mfa_token": token, "code": wrong(secret)})
        assert r.status == 401 and r.json["error"] == "unauthenticated"
    r = api.post("/staff/login/mfa", {"mfa_token": token, "code": code(secret)})
    assert r.status == 429 and int(r.headers["retry-after"]) > 0
    assert api.post("/staff/login", STAFF).status == 429


def test_a_code_is_accepted_once(api, _clock, staff_account):
    secret, _, _ = enrol_staff(api)  # used the code of step T
    r = api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": code(secret)})
    assert r.status == 401, "the enrolment's code again"
    token = challenge(api)
    assert api.post("/staff/login/mfa", {"mfa_token": token, "code": code(secret, 1)}).status == 200
    # The code of step T+1 again, and then T (earlier than the last used), are refused
    assert api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": code(secret, 1)}).status == 401
    assert api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": code(secret)}).status == 401


def test_a_recovery_code_works_once(api, staff_account):
    _, recovery, _ = enrol_staff(api)
    typed = recovery[0].upper().replace("-", " ")  # as a person might type it
    r = api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": typed})
    assert r.status == 200 and "recovery_codes" not in r.json
    assert api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": recovery[0]}).status == 401
    assert api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": recovery[1]}).status == 200


def test_the_mfa_token_expires_works_once_and_only_for_its_audience(api, _clock, staff_account):
    secret, _, _ = enrol_staff(api)
    token = challenge(api)
    _clock.advance(5 * 60 + 1)
    r = api.post("/staff/login/mfa", {"mfa_token": token, "code": code(secret)})
    assert r.status == 401 and "expired" in r.json["message"]
    token = challenge(api)
    assert api.post("/verifiers/login/mfa", {"mfa_token": token, "code": code(secret)}).status == 401
    assert api.post("/staff/login/mfa", {"mfa_token": token, "code": code(secret)}).status == 200
    r = api.post("/staff/login/mfa", {"mfa_token": token, "code": code(secret, 1)})
    assert r.status == 401, "a challenge is completed once"


def test_the_secret_is_sealed_at_rest_and_the_bootstrap_can_enrol(api):
    from chalicelib.db import models as m
    from chalicelib.domain.errors import ValidationError
    from chalicelib.services.staff import ensure_staff_account

    ensure_staff_account(**STAFF)
    secret, recovery, _ = enrol_staff(api)
    item = m.StaffUser.get(m.STAFF + STAFF["email"], "STAFF")
    stored = repr(item.attribute_values)
    assert item.totp_secret and secret not in stored
    assert not any(c.replace("-", "") in stored for c in recovery)
    # The local stack enrols its staff account with a given secret (STAFF_TOTP_SECRET)
    given = pyotp.random_base32()
    ensure_staff_account(STAFF["email"], STAFF["password"], totp_secret=given)
    assert api.post("/staff/login/mfa", {"mfa_token": challenge(api), "code": code(given)}).status == 200
    for bad in ("too-short", "not base32 at all!!"):
        with pytest.raises(ValidationError):
            ensure_staff_account(STAFF["email"], STAFF["password"], totp_secret=bad)


# ---------------------------------------------------------------- organisation users
def test_two_factor_is_optional_for_organisation_users(api, _clock, make_org):
    org = make_org()
    r = login(api, org.email)
    assert r.status == 200 and set(r.json) == {"token", "expires_at"}, "no two-factor: the v1 reply"
    me = api.get("/verifiers/me", token=org.token).json
    assert me["mfa_enabled"] is False and me["organisation"]["mfa_required"] is False
    # Turn it on
    started = api.post("/verifiers/me/mfa", token=org.token)
    assert started.status == 200 and set(started.json) == {"secret", "otpauth_uri"}
    secret = started.json["secret"]
    r = api.post("/verifiers/me/mfa/confirm", {"code": wrong(secret)}, token=org.token)
    assert r.status == 400 and "code" in r.json["fields"]
    r = api.post("/verifiers/me/mfa/confirm", {"code": code(secret)}, token=org.token)
    assert r.status == 200 and r.json["mfa_enabled"] is True and len(r.json["recovery_codes"]) == 10
    recovery = r.json["recovery_codes"]
    assert api.get("/verifiers/me", token=org.token).json["mfa_enabled"] is True
    assert api.post("/verifiers/me/mfa", token=org.token).status == 409
    # Now the password alone is not enough
    creds = {"email": org.email, "password": "violet-harbour-lantern"}
    token = challenge(api, "/verifiers/login", creds)
    assert api.post("/verifiers/login/mfa", {"mfa_token": token, "code": code(secret)}).status == 401
    done = api.post("/verifiers/login/mfa", {"mfa_token": token, "code": code(secret, 1)})
    assert done.status == 200 and api.get("/verifiers/me", token=done.json["token"]).status == 200
    # Turn it off: a right code is needed
    r = api.call("DELETE", "/verifiers/me/mfa", {"code": wrong(secret)}, token=org.token)
    assert r.status == 400
    assert api.call("DELETE", "/verifiers/me/mfa", {"code": recovery[0]}, token=org.token).status == 204
    assert set(login(api, org.email).json) == {"token", "expires_at"}
    assert api.get("/verifiers/me", token=org.token).json["mfa_enabled"] is False


def test_a_primary_user_can_require_two_factor_of_the_organisation(api, make_org, add_admin):
    org = make_org()
    admin, _ = add_admin(org)
    r = api.call("PUT", "/organisation/mfa", {"required": True}, token=admin)
    assert r.status == 403 and r.json["error"] == "forbidden"
    assert api.call("PUT", "/organisation/mfa", {"required": "yes"}, token=org.token).status == 400
    r = api.call("PUT", "/organisation/mfa", {"required": True}, token=org.token)
    assert r.status == 200 and r.json == {"mfa_required": True}
    assert api.get("/verifiers/me", token=admin).json["organisation"]["mfa_required"] is True
    # Users without two-factor enrol at their next sign-in (the Primary User too)
    for email in (f"sam@{org.domain}", org.email):
        first = login(api, email)
        assert first.status == 200 and set(first.json) == SETUP_KEYS, first.json
    creds = {"email": f"sam@{org.domain}", "password": "violet-harbour-lantern"}
    session, secret = sign_in(via_api(api), "/verifiers/login", creds)
    assert len(session["recovery_codes"]) == 10 and secret
    assert api.get("/verifiers/me", token=session["token"]).json["mfa_enabled"] is True
    # ... and cannot turn it off while the organisation requires it
    r = api.call("DELETE", "/verifiers/me/mfa", {"code": session["recovery_codes"][0]},
                 token=session["token"])
    assert r.status == 403
    # Lifting the requirement lets users choose again
    assert api.call("PUT", "/organisation/mfa", {"required": False}, token=org.token).status == 200
    assert set(login(api, org.email).json) == {"token", "expires_at"}
