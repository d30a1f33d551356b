"""Staff sign-in with two factors, and the single use of codes, on the in-memory table."""
from __future__ import annotations

import pyotp
import pytest

from chalicelib.db.store import store
from chalicelib.domain.errors import Conflict, RateLimited, Unauthenticated, ValidationError
from chalicelib.services import mfa, staff
from tests.two_factor import code

EMAIL = "Ops@Exam-Board.example"
PASSWORD = "granite-orchard-compass"


@pytest.fixture
def enrolled():
    """A staff account enrolled by its first sign-in: (secret, recovery codes)."""
    staff.ensure_staff_account(EMAIL, PASSWORD)
    first = staff.login(EMAIL, PASSWORD)
    assert first["mfa_setup_required"] and "token" not in first
    done = staff.login_mfa(first["mfa_token"], code(first["secret"]))
    assert done["token"] and len(done["recovery_codes"]) == mfa.RECOVERY_CODES
    return first["secret"], done["recovery_codes"]


def test_the_account_is_stored_by_lower_case_email_with_the_secret_sealed(memory_store):
    secret = pyotp.random_base32()
    staff.ensure_staff_account(EMAIL, PASSWORD, totp_secret=secret)
    user = store().staff.get("ops@exam-board.example")
    assert user is not None and user.mfa_enabled_at
    assert mfa.unseal(user.totp_secret, user.email) == secret
    assert secret not in str(memory_store.items) and PASSWORD not in str(memory_store.items)


@pytest.mark.parametrize("bad", [{"password": "short"}, {"totp_secret": "TOO-SHORT"}])
def test_a_weak_password_or_bad_secret_is_refused(bad):
    with pytest.raises(ValidationError):
        staff.ensure_staff_account(EMAIL, bad.get("password", PASSWORD), bad.get("totp_secret"))


def test_a_right_password_gets_a_challenge_never_a_session(enrolled):
    reply = staff.login(EMAIL, PASSWORD)
    assert reply["mfa_required"] and "token" not in reply


def test_an_unknown_email_and_a_wrong_password_get_the_same_reply_then_lock(enrolled):
    with pytest.raises(Unauthenticated) as unknown:
        staff.login("nobody@exam-board.example", PASSWORD)
    with pytest.raises(Unauthenticated) as wrong:
        staff.login(EMAIL, "wrong-password-here")
    assert unknown.value.message == wrong.value.message == staff.BAD_LOGIN
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            staff.login(EMAIL, "wrong-password-here")
    with pytest.raises(RateLimited):
        staff.login(EMAIL, PASSWORD)


def test_a_code_works_once(enrolled):
    secret, _ = enrolled
    # Given a code of a step later than the enrolment's
    fresh = code(secret, 1)
    assert staff.login_mfa(staff.login(EMAIL, PASSWORD)["mfa_token"], fresh)["token"]
    # Then the same code, in a new challenge, is refused
    with pytest.raises(Unauthenticated) as err:
        staff.login_mfa(staff.login(EMAIL, PASSWORD)["mfa_token"], fresh)
    assert err.value.message == mfa.BAD_CODE
    # And so is the enrolment's own step (earlier than the last one used)
    with pytest.raises(Unauthenticated):
        staff.login_mfa(staff.login(EMAIL, PASSWORD)["mfa_token"], code(secret))


def test_a_challenge_works_once(enrolled):
    secret, _ = enrolled
    token = staff.login(EMAIL, PASSWORD)["mfa_token"]
    staff.login_mfa(token, code(secret, 1))
    with pytest.raises(Unauthenticated) as err:
        staff.login_mfa(token, code(secret, 1))
    assert err.value.message == mfa.BAD_CHALLENGE


def test_a_recovery_code_works_once(enrolled):
    _, recovery = enrolled
    assert staff.login_mfa(staff.login(EMAIL, PASSWORD)["mfa_token"], recovery[0].upper())["token"]
    with pytest.raises(Unauthenticated):
        staff.login_mfa(staff.login(EMAIL, PASSWORD)["mfa_token"], recovery[0])
    assert staff.login_mfa(staff.login(EMAIL, PASSWORD)["mfa_token"], recovery[1])["token"]
    assert len(store().staff.get("ops@exam-board.example").recovery_hashes) == mfa.RECOVERY_CODES - 2


def test_wrong_codes_count_towards_the_password_lockout(enrolled):
    from tests.two_factor import wrong

    for _ in range(5):
        with pytest.raises(Unauthenticated):
            staff.login_mfa(staff.login(EMAIL, PASSWORD)["mfa_token"], wrong(enrolled[0]))
    with pytest.raises(RateLimited):
        staff.login(EMAIL, PASSWORD)


# ---------------------------------------------------------------- the repository, on a verifier user
@pytest.fixture
def verifier(actor, memory_store):
    memory_store.put(actor.user)
    return actor.user


def test_the_used_step_and_recovery_codes_are_conditional_on_any_account_model(verifier):
    db = store().mfa
    db.start(verifier, "sealed")
    assert not db.enable(verifier, "another", 10, {"h1", "h2"}, "2026-01-01T00:00:00Z")
    assert db.enable(verifier, "sealed", 10, {"h1", "h2"}, "2026-01-01T00:00:00Z")
    assert (verifier.totp_secret, verifier.totp_pending) == ("sealed", None)
    assert not db.use_step(verifier, 10) and not db.use_step(verifier, 9)
    assert db.use_step(verifier, 11)
    assert db.use_recovery_code(verifier, "h1") and not db.use_recovery_code(verifier, "h1")
    db.disable(verifier)
    assert verifier.totp_secret is None and verifier.recovery_hashes is None


def test_a_restarted_enrolment_wins_over_the_older_secret(actor, verifier, memory_store):
    import dataclasses

    from chalicelib.db import models as m

    # Given an enrolment started, and started again by another request meanwhile
    first = mfa.start_enrolment(actor)
    other = dataclasses.replace(actor, user=memory_store.get(m.VerifierUser, "VUSER#u1", "VUSER"))
    mfa.start_enrolment(other)
    # When the first request confirms the first secret's code, it is refused
    with pytest.raises(Conflict):
        mfa.confirm_enrolment(actor, code(first["secret"]))
