"""Candidates: register, verify email, log in, passwords and resets, on the in-memory table."""
from __future__ import annotations

import pytest

from chalicelib.db.store import store
from chalicelib.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
    ValidationError,
)
from chalicelib.services import candidates
from chalicelib.services import security as sec
from tests.leaks import shows

ID = "SIR094701"
PASSWORD = "violet-harbour-lantern"
NEW_PASSWORD = "copper-meadow-whistle"
REG = {"id_number": ID, "secret_number": "4821", "email": "zoe@example.org", "password": PASSWORD,
       "country": "PL", "first_language": "prefer_not_to_say", "accept_terms": True,
       "marketing_opt_in": False}


pytestmark = pytest.mark.usefixtures("outbox")  # every email caught (tests/service/conftest.py)


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    from chalicelib.adapters import queue

    jobs: list = []
    monkeypatch.setattr(queue, "send", lambda name, body, delay_seconds=0: jobs.append(body))
    return jobs


def token_of(mail) -> str:
    import re

    text = mail.text if hasattr(mail, "text") else str(mail)
    return re.search(r"token=([A-Za-z0-9_\-]+)", text).group(1)


@pytest.fixture
def entry():
    """The entries file's row for ID (Secret number 4821)."""
    from chalicelib.db import models as m
    from chalicelib.services.entries import EntriesImporter

    batch = m.Batch("BATCH#b1", "BATCH", batch_id="b1", kind="entries", filename="e.csv", s3_key="k",
                    status="processing", created_at="2026-01-01T00:00:00Z", gsi1pk="x", gsi1sk="y")
    importer = EntriesImporter(batch)
    row = {"id_number": ID, "secret_number": "4821", "first_name": "Zoë", "family_name": "Nowak",
           "date_of_birth": "2004-02-29", "centre_number": "PL123", "exam_code": "B2FIRST",
           "exam_date": "2026-03-14", "exam_format": "paper"}
    assert importer.row(2, row) == []
    assert importer.row(3, row) == [("id_number", "the same candidate, exam and date are on row 2")]
    importer.flush()
    return row


@pytest.fixture
def account(entry, outbox):
    candidates.register(dict(REG))
    outbox.clear()
    return ID


# ---------------------------------------------------------------- the entries file
def test_the_importer_stores_entries_with_the_secret_number_only_hashed(entry, memory_store):
    [e] = store().candidates.entries(ID)
    assert (e.first_name, e.exam_code, e.exam_date, e.batch_id) == ("Zoë", "B2FIRST", "2026-03-14", "b1")
    assert e.secret_hash == sec.secret_number_hash(ID, "4821")
    assert not shows(str(memory_store.items), "4821")


# ---------------------------------------------------------------- register
def test_register_makes_an_unverified_account_and_emails_a_link(entry, outbox):
    # When the candidate registers with the Secret number of their entry
    reply = candidates.register(dict(REG))
    # Then the account is made with the entry's name, unverified, and a link is emailed
    assert reply == {"id_number": ID, "email": "zoe@example.org", "email_verified": False}
    assert candidates.get_profile(ID)["first_name"] == "Zoë"
    assert [m.to for m in outbox] == ["zoe@example.org"]
    # And the link verifies the address, once
    token = token_of(outbox[0])
    assert candidates.verify_email(token) == {"email_verified": True}
    assert candidates.get_profile(ID)["email_verified"] is True
    with pytest.raises(ValidationError):
        candidates.verify_email(token)


def test_an_unknown_id_and_a_wrong_secret_get_the_same_error(entry):
    with pytest.raises(Forbidden) as unknown:
        candidates.register({**REG, "id_number": "QQQ111111"})
    with pytest.raises(Forbidden) as wrong:
        candidates.register({**REG, "secret_number": "0000"})
    assert unknown.value.message == wrong.value.message == candidates.WRONG_SECRET


def test_five_wrong_secrets_lock_registration_even_for_the_right_one(entry):
    for n in range(5):
        with pytest.raises(Forbidden):
            candidates.register({**REG, "secret_number": f"{n:04d}"})
    with pytest.raises(RateLimited):
        candidates.register(dict(REG))


def test_registering_twice_is_a_conflict(account):
    with pytest.raises(Conflict):
        candidates.register({**REG, "email": "other@example.org"})
    assert candidates.get_profile(ID)["email"] == "zoe@example.org"


def test_terms_and_a_weak_password_are_checked_first(entry):
    with pytest.raises(ValidationError):
        candidates.register({**REG, "accept_terms": False})
    with pytest.raises(ValidationError):
        candidates.register({**REG, "password": "short"})


# ---------------------------------------------------------------- login
def test_an_unknown_id_and_a_wrong_password_get_the_same_reply(account):
    with pytest.raises(Unauthenticated) as unknown:
        candidates.login("QQQ111111", PASSWORD)
    with pytest.raises(Unauthenticated) as wrong:
        candidates.login(ID, "wrong-password-here")
    assert unknown.value.message == wrong.value.message == candidates.BAD_LOGIN
    assert sec.authenticate("Bearer " + candidates.login(ID, PASSWORD)["token"], ("candidate",)).subject == ID


def test_five_wrong_passwords_lock_login_and_a_reset_ends_the_lockout(account, outbox, queued):
    # Given five wrong passwords
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            candidates.login(ID, "wrong-password-here")
    # Then the right one is refused too
    with pytest.raises(RateLimited):
        candidates.login(ID, PASSWORD)
    # When the owner resets the password by the emailed link
    candidates.request_password_reset(ID, "Zoe@Example.org ")
    [job] = queued
    assert "zoe" not in str(job)  # the job holds a keyed hash, not the address
    assert candidates.send_password_reset(job["id_number"], job["email_hash"])
    candidates.confirm_password_reset(token_of(outbox[-1]), NEW_PASSWORD)
    # Then the new password works at once
    assert candidates.login(ID, NEW_PASSWORD)["token"]


def test_a_reset_for_a_wrong_email_sends_nothing(account, outbox, queued):
    candidates.request_password_reset(ID, "someone@else.example")
    assert not candidates.send_password_reset(queued[0]["id_number"], queued[0]["email_hash"])
    assert outbox == []


def test_resets_are_limited_per_hour(account):
    for _ in range(candidates.RESETS_PER_HOUR):
        candidates.request_password_reset(ID, "zoe@example.org")
    with pytest.raises(RateLimited):
        candidates.request_password_reset(ID, "zoe@example.org")


# ---------------------------------------------------------------- passwords
def test_a_reset_link_works_once_ends_sessions_and_an_older_link(account, outbox, queued):
    session = candidates.login(ID, PASSWORD)
    for _ in range(2):
        candidates.request_password_reset(ID, "zoe@example.org")
    for job in queued:
        candidates.send_password_reset(job["id_number"], job["email_hash"])
    first, second = (token_of(m) for m in outbox)
    candidates.confirm_password_reset(second, NEW_PASSWORD)
    with pytest.raises(ValidationError):
        candidates.confirm_password_reset(second, "another-fine-password")  # used
    with pytest.raises(ValidationError):
        candidates.confirm_password_reset(first, "another-fine-password")  # issued for the old password
    with pytest.raises(Unauthenticated):
        sec.authenticate("Bearer " + session["token"], ("candidate",))


def test_a_password_change_ends_other_sessions_and_outstanding_reset_links(account, outbox, queued):
    # Given two sessions and a reset link outstanding
    here, elsewhere = candidates.login(ID, PASSWORD), candidates.login(ID, PASSWORD)
    candidates.request_password_reset(ID, "zoe@example.org")
    candidates.send_password_reset(queued[0]["id_number"], queued[0]["email_hash"])
    link = token_of(outbox[-1])
    principal = sec.authenticate("Bearer " + here["token"], ("candidate",))
    # When the password is changed in one session
    candidates.change_password(principal, PASSWORD, NEW_PASSWORD)
    # Then that session lives on, the other ends, and the link no longer works
    sec.authenticate("Bearer " + here["token"], ("candidate",))
    with pytest.raises(Unauthenticated):
        sec.authenticate("Bearer " + elsewhere["token"], ("candidate",))
    with pytest.raises(ValidationError):
        candidates.confirm_password_reset(link, "another-fine-password")
    assert candidates.login(ID, NEW_PASSWORD)["token"]


def test_a_wrong_current_password_changes_nothing(account):
    principal = sec.authenticate("Bearer " + candidates.login(ID, PASSWORD)["token"], ("candidate",))
    with pytest.raises(ValidationError):
        candidates.change_password(principal, "wrong-password-here", NEW_PASSWORD)
    assert candidates.login(ID, PASSWORD)["token"]


# ---------------------------------------------------------------- profile
def test_an_email_change_needs_the_password_and_ends_the_old_verification_link(account, outbox):
    # Given a verification link for the current address
    old_link = sec.issue_token("verify_email", "candidate", ID, 3600, data={"email": "zoe@example.org"})
    # When the address changes (only with the current password)
    with pytest.raises(ValidationError):
        candidates.update_profile(ID, {"email": "zoe@new.example"})
    with pytest.raises(ValidationError):
        candidates.update_profile(ID, {"email": "zoe@new.example", "current_password": "wrong-password-here"})
    view = candidates.update_profile(ID, {"email": "zoe@new.example", "current_password": PASSWORD,
                                          "country": "ES"})
    # Then it is unverified, the old address is told, the new one gets a link, the old link is dead
    assert (view["email"], view["email_verified"], view["country"]) == ("zoe@new.example", False, "ES")
    assert sorted(m.to for m in outbox) == ["zoe@example.org", "zoe@new.example"]  # the notice, the link
    with pytest.raises(ValidationError):
        candidates.verify_email(old_link)


def test_a_session_that_outlived_its_account_is_refused():
    with pytest.raises(Unauthenticated):
        candidates.get_profile("QQQ111111")


# ---------------------------------------------------------------- look-up setting
def test_lookup_is_on_by_default_and_can_be_turned_off_and_on(account, monkeypatch):
    from chalicelib.services import candidate_results

    monkeypatch.setattr(candidate_results, "candidate_results", lambda id_number: [])  # nothing released
    [view] = candidates.list_results(ID)["results"]
    rid = view["result_id"]
    assert (view["status"], view["lookup_enabled"]) == ("pending", True)
    assert candidates.set_lookup(ID, rid, False)["lookup_enabled"] is False
    assert candidates.lookup_off(ID) == {rid}
    assert candidates.set_lookup(ID, rid, True)["lookup_enabled"] is True
    assert candidates.lookup_off(ID) == set()
    with pytest.raises(NotFound):
        candidates.set_lookup(ID, "B2FIRST-20990101", False)
    with pytest.raises(NotFound):
        candidates.get_result(ID, "B2FIRST-20990101")


def test_the_service_writes_in_the_language_the_candidate_registered_in(entry, outbox, queued):
    # Given a candidate who registers from the Spanish pages
    candidates.register(dict(REG), language="es")
    # Then the confirmation email is in Spanish, with its link to the page
    [mail] = outbox
    assert "/verify-email?token=" in mail.text
    from chalicelib.services import messages

    assert mail.subject == messages.verify_email("x@example.org", "Zoë", "t", "es").subject
    assert mail.subject != messages.verify_email("x@example.org", "Zoë", "t", "en").subject
    assert candidates.verify_email(token_of(mail)) == {"email_verified": True}
    # And when they later save their details from the English pages, English it is
    outbox.clear()
    candidates.update_profile(ID, {"marketing_opt_in": True}, language="en")
    candidates.request_password_reset(ID, "zoe@example.org")
    candidates.send_password_reset(ID, queued[-1]["email_hash"])
    assert outbox[-1].subject == messages.password_reset("x@example.org", "Zoë", "t", language="en").subject


def test_registration_reports_every_invalid_field_at_once(entry):
    # When a form is sent with a bad ID, a bad secret, no terms and a common password
    with pytest.raises(ValidationError) as err:
        candidates.register(dict(REG, id_number="12", secret_number="12a", accept_terms=False,
                                 password="password"))
    # Then every one of them is reported in the one reply
    assert set(err.value.fields) == {"id_number", "secret_number", "accept_terms", "password"}
