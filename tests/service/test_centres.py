"""Exam centres (issue 13) on the in-memory table: creating a centre and its users, sign-in,
scoping by centre number, reissued Secret numbers, account resets, limits and audit."""
from __future__ import annotations

import hashlib
import re

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
from chalicelib.services import candidates, centre_actions, centres
from chalicelib.services import security as sec

PASSWORD = "violet-harbour-lantern"
CENTRE = {"centre_number": "gb123", "name": "Bath Language School", "country": "GB",
          "manager_name": "Mary Manager", "manager_email": "mary@bath.example"}
OTHER = {"centre_number": "ES900", "name": "Academia Sol", "country": "ES",
         "manager_name": "Olga Otra", "manager_email": "olga@sol.example"}


pytestmark = pytest.mark.usefixtures("outbox")  # every email caught (tests/service/conftest.py)


def token_of(mail) -> str:
    return re.search(r"token=([A-Za-z0-9_\-]+)", mail.text).group(1)


def load_entries(*rows: dict) -> None:
    from types import SimpleNamespace

    from chalicelib.services.entries import EntriesImporter

    importer = EntriesImporter(SimpleNamespace(batch_id="b1"))  # type: ignore[arg-type]
    for n, row in enumerate(rows, start=2):
        assert importer.row(n, row) == []
    importer.flush()


def row(id_number: str, centre: str, secret: str = "4821", **over: str) -> dict:
    out = {"id_number": id_number, "secret_number": secret, "first_name": "Zoë", "family_name": "Łukasiewicz",
           "date_of_birth": "2004-02-29", "centre_number": centre, "exam_code": "B2FIRST",
           "exam_date": "2026-03-14", "exam_format": "paper"}
    return out | over


def signed_in(data: dict, outbox: list) -> centres.CentreActor:
    centres.create_centre(dict(data), "staff@board.example")
    mail = next(m for m in reversed(outbox) if m.to == data["manager_email"])
    centres.set_password(token_of(mail), PASSWORD)
    session = centres.login(data["manager_email"], PASSWORD)
    return centres.actor(sec.authenticate(f"Bearer {session['token']}", ("centre",)))


@pytest.fixture
def mary(outbox):
    return signed_in(CENTRE, outbox)


@pytest.fixture
def olga(outbox):
    return signed_in(OTHER, outbox)


@pytest.fixture
def people():
    load_entries(row("SIR094701", "GB123"), row("SIR094701", "GB123", exam_code="C1ADV"),
                 row("ABC000001", "GB123", first_name="Ana", family_name="Pérez", exam_date="2026-06-14"),
                 row("XYZ000009", "ES900", first_name="Zoë", family_name="Otra"))


def register(secret: str, email: str = "zoe@example.org", id_number: str = "SIR094701") -> dict:
    return candidates.register({"id_number": id_number, "secret_number": secret, "email": email,
                                "password": "copper-meadow-whistle", "country": "PL",
                                "first_language": "pl", "accept_terms": True, "marketing_opt_in": False})


# ---------------------------------------------------------------- centres and users
def test_staff_create_a_centre_and_its_manager_sets_a_password_and_signs_in(outbox):
    out = centres.create_centre(dict(CENTRE), "staff@board.example")
    assert out["centre_number"] == "GB123" and out["manager"]["role"] == "manager"
    [mail] = outbox
    assert mail.to == "mary@bath.example" and "/centres/set-password?token=" in mail.text
    with pytest.raises(Unauthenticated):  # invited, no password yet
        centres.login("mary@bath.example", PASSWORD)
    centres.set_password(token_of(mail), PASSWORD)
    with pytest.raises(ValidationError):  # the link works once
        centres.set_password(token_of(mail), PASSWORD)
    assert centres.login("MARY@bath.example", PASSWORD)["token"]
    assert [c["centre_number"] for c in centres.list_centres(50, None)["centres"]] == ["GB123"]


def test_a_centre_number_or_manager_email_is_taken_once_and_fields_are_checked(outbox):
    centres.create_centre(dict(CENTRE), "s")
    with pytest.raises(Conflict):
        centres.create_centre(dict(CENTRE, manager_email="new@bath.example"), "s")
    with pytest.raises(Conflict):
        centres.create_centre(dict(OTHER, manager_email="mary@bath.example"), "s")
    with pytest.raises(ValidationError) as err:
        centres.create_centre({"centre_number": "x", "name": "", "country": "ZZ", "manager_name": "M",
                               "manager_email": "not-an-email"}, "s")
    assert set(err.value.fields) == {"centre_number", "name", "country", "manager_email"}
    assert store().centres.get("ES900") is None  # nothing half-made


def test_wrong_passwords_lock_out_as_everywhere(mary):
    for _ in range(sec.LOCKOUT_LIMIT):
        with pytest.raises(Unauthenticated):
            centres.login(CENTRE["manager_email"], "wrong-password-here")
    with pytest.raises(RateLimited):
        centres.login(CENTRE["manager_email"], PASSWORD)


def test_the_manager_adds_and_removes_colleagues_whose_sessions_end(mary, outbox):
    added = centres.add_user(mary, {"name": "Carl Colleague", "email": "carl@bath.example"})
    centres.set_password(token_of(outbox[-1]), PASSWORD)
    session = centres.login("carl@bath.example", PASSWORD)
    carl = centres.actor(sec.authenticate(f"Bearer {session['token']}", ("centre",)))
    with pytest.raises(Forbidden):  # a colleague is not the manager
        centres.add_user(carl, {"name": "X", "email": "x@bath.example"})
    with pytest.raises(Forbidden):
        centres.remove_user(mary, mary.user.user_id)
    centres.remove_user(mary, added["user_id"])
    with pytest.raises(Unauthenticated):
        sec.authenticate(f"Bearer {session['token']}", ("centre",))
    assert [u["email"] for u in centres.list_users(mary)["users"]] == ["mary@bath.example"]


def test_a_manager_cannot_remove_another_centres_user(mary, olga):
    with pytest.raises(NotFound):
        centres.remove_user(mary, olga.user.user_id)


# ---------------------------------------------------------------- candidates, scoped
def test_a_centre_sees_only_candidates_whose_entries_carry_its_number(mary, olga, people, memory_store):
    found = centres.search(mary)["candidates"]
    assert sorted(c["id_number"] for c in found) == ["ABC000001", "SIR094701"]
    assert [c["id_number"] for c in centres.search(mary, q="zoe")["candidates"]] == ["SIR094701"]
    assert [c["id_number"] for c in centres.search(mary, q="PÉREZ")["candidates"]] == ["ABC000001"]
    on_day = centres.search(mary, exam_date="2026-06-14")["candidates"]
    assert [c["id_number"] for c in on_day] == ["ABC000001"]
    assert [c["id_number"] for c in centres.search(mary, q="sir 094701")["candidates"]] == ["SIR094701"]
    assert centres.search(mary, q="XYZ000009")["candidates"] == []  # Olga's candidate
    with pytest.raises(NotFound):
        centres.candidate(mary, "XYZ000009")
    with pytest.raises(NotFound):
        centre_actions.reissue_secret(mary, "XYZ000009")
    with pytest.raises(NotFound):
        centre_actions.reset_account(olga, "SIR094701")
    assert [c["id_number"] for c in centres.search(olga)["candidates"]] == ["XYZ000009"]


def test_listing_a_centres_candidates_is_a_query_of_its_index(mary, people, memory_store, monkeypatch):
    calls: list = []
    real = memory_store.query
    monkeypatch.setattr(memory_store, "query",
                        lambda source, *a, **k: calls.append(source) or real(source, *a, **k))
    monkeypatch.setattr(memory_store, "scan", lambda *a, **k: pytest.fail("scan"), raising=False)
    centres.search(mary, q="zoe")
    from chalicelib.db import models as m

    assert calls == [m.Entry.by_centre]


def test_a_candidate_shows_entries_results_and_registration(mary, people, memory_store):
    from tests.service.sharing_kit import put_result

    put_result(memory_store, "SIR094701", exam_code="C1ADV", exam_date="2026-03-14")
    out = centres.candidate(mary, "SIR094701")
    assert (out["registered"], out["email_verified"]) == (False, False)
    statuses = {e["exam_code"]: (e["status"], e["overall_score"]) for e in out["entries"]}
    assert statuses == {"B2FIRST": ("pending", None), "C1ADV": ("released", 170)}
    register("4821")
    assert centres.candidate(mary, "SIR094701")["registered"] is True


# ---------------------------------------------------------------- reissue, reset
def test_a_reissued_secret_makes_the_old_one_fail_and_the_new_one_register(mary, people, memory_store):
    out = centre_actions.reissue_secret(mary, "SIR094701")
    new = out["secret_number"]
    assert re.fullmatch(r"\d{4}", new)
    # No attribute holds the number, nor an unkeyed hash of it (10,000 guesses would undo one).
    # (Not a substring test: four digits turn up by chance in hex digests, ids and timestamps.)
    stored = {v for item in memory_store.items.values() for attr in item.values()
              for v in attr.values() if isinstance(v, str)}
    assert new not in stored and hashlib.sha256(new.encode()).hexdigest() not in stored
    if new != "4821":
        with pytest.raises(Forbidden):
            register("4821")
    assert register(new)["id_number"] == "SIR094701"


def test_a_reissue_leaves_a_registered_account_alone(mary, people):
    register("4821")
    before = store().candidates.account("SIR094701")
    centre_actions.reissue_secret(mary, "SIR094701")
    after = store().candidates.account("SIR094701")
    assert (after.email, after.password_hash) == (before.email, before.password_hash)
    assert candidates.login("SIR094701", "copper-meadow-whistle")["token"]


def test_a_reset_clears_the_account_ends_sessions_and_keeps_results_and_shares(mary, people, memory_store):
    from chalicelib.services import shares
    from tests.service.sharing_kit import put_org, put_result

    put_result(memory_store, "SIR094701", exam_code="B2FIRST", exam_date="2026-03-14")
    put_org(memory_store, "o1")
    register("4821")
    session = candidates.login("SIR094701", "copper-meadow-whistle")
    shared = shares.share("SIR094701", "B2FIRST-20260314", "o1")
    out = centre_actions.reset_account(mary, "SIR094701")
    assert store().candidates.account("SIR094701") is None
    with pytest.raises(Unauthenticated):
        sec.authenticate(f"Bearer {session['token']}", ("candidate",))
    register(out["secret_number"], email="new@example.org")
    assert store().candidates.account("SIR094701").email == "new@example.org"
    statuses = {r["exam_code"]: r["status"] for r in candidates.list_results("SIR094701")["results"]}
    assert statuses == {"B2FIRST": "released", "C1ADV": "pending"}
    kept = store().shares.page_of_candidate("SIR094701", 10, None).items
    assert [s.share_id for s in kept] == [shared["share_id"]]


def test_reissues_and_resets_are_audited_for_the_manager_and_limited_per_centre(mary, olga, people):
    centre_actions.reissue_secret(mary, "SIR094701")
    centre_actions.reset_account(mary, "ABC000001")
    events = centre_actions.audit(mary)["events"]
    assert [(e["action"], e["id_number"], e["user_name"]) for e in events] == [
        ("reset", "ABC000001", "Mary Manager"), ("reissue", "SIR094701", "Mary Manager")]
    for _ in range(centre_actions.ACTIONS_PER_DAY - 2):
        centre_actions.reissue_secret(mary, "SIR094701")
    with pytest.raises(RateLimited):
        centre_actions.reissue_secret(mary, "SIR094701")
    with pytest.raises(RateLimited):
        centre_actions.reset_account(mary, "SIR094701")
    assert centre_actions.reissue_secret(olga, "XYZ000009")["secret_number"]  # another centre's own limit
    assert len(centre_actions.audit(mary)["events"]) == centre_actions.ACTIONS_PER_DAY


def test_only_the_manager_reads_the_audit(mary, outbox):
    centres.add_user(mary, {"name": "Carl", "email": "carl@bath.example"})
    centres.set_password(token_of(outbox[-1]), PASSWORD)
    session = centres.login("carl@bath.example", PASSWORD)
    carl = centres.actor(sec.authenticate(f"Bearer {session['token']}", ("centre",)))
    with pytest.raises(Forbidden):
        centre_actions.audit(carl)


def test_the_confirmation_of_entry_is_a_pdf_for_the_newest_secret_only(mary, people, olga):
    out = centre_actions.reissue_secret(mary, "SIR094701")
    pdf = centre_actions.confirmation_pdf(mary, "SIR094701", out["confirmation"])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") <= 1
    with pytest.raises(ValidationError):  # sealed for Mary, not for Olga (nor for another candidate)
        centre_actions.confirmation_pdf(mary, "ABC000001", out["confirmation"])
    with pytest.raises(ValidationError):
        centre_actions.confirmation_pdf(mary, "SIR094701", out["confirmation"][:-4] + "AAAA")
    centre_actions.reissue_secret(mary, "SIR094701")
    with pytest.raises(ValidationError):  # superseded
        centre_actions.confirmation_pdf(mary, "SIR094701", out["confirmation"])


def test_a_later_entries_file_does_not_bring_the_old_secret_back(mary, people):
    new = centre_actions.reissue_secret(mary, "SIR094701")["secret_number"]
    load_entries(row("SIR094701", "GB123", exam_code="C2PRO", exam_date="2026-11-20"))  # secret 4821 again
    if new != "4821":
        with pytest.raises(Forbidden):
            register("4821")
    assert register(new)["id_number"] == "SIR094701"


def test_a_name_search_reads_on_past_pages_without_a_match(mary, people):
    load_entries(*(row(f"QQQ{n:06d}", "GB123", first_name="Pat", family_name="Else") for n in range(12)))
    found = centres.search(mary, q="perez", limit=5)
    assert [c["id_number"] for c in found["candidates"]] == ["ABC000001"]
