"""The `centres` batch file (issue 13) on the in-memory table: one centre and its manager per
row, checked as the console's form checks one, a file uploaded twice, a worker that died
mid-file, and the rows that must fail."""
from __future__ import annotations

import pytest

from chalicelib.db import models as m
from chalicelib.db.store import store
from chalicelib.services import centres
from chalicelib.services.ingest_centres import CentresImporter

BATH = {"centre_number": "gb123", "name": "Bath Language School", "country": "gb",
        "manager_name": "Mary Jones", "manager_email": "mary@bath.example"}
SOL = {"centre_number": "ES045", "name": "Academia Sol", "country": "ES",
       "manager_name": "Lucía Fernández", "manager_email": "lucia@sol.example"}


pytestmark = pytest.mark.usefixtures("outbox")  # every email caught (tests/service/conftest.py)


def ingest(*rows: dict, batch_id: str = "b1") -> tuple[CentresImporter, dict, list]:
    imp = CentresImporter(m.Batch("BATCH#" + batch_id, "BATCH", batch_id=batch_id))
    early = {n: imp.row(n, row) for n, row in enumerate(rows, start=2)}
    late = imp.flush()
    return imp, {n: p for n, p in early.items() if p}, late


def test_each_row_is_a_centre_whose_manager_is_invited(outbox):
    # When a file holds two good centres
    imp, early, late = ingest(BATH, SOL)
    # Then both exist (number and country upper-cased), each manager invited once, by email
    assert (early, late) == ({}, [])
    bath = store().centres.get("GB123")
    assert bath is not None and (bath.name, bath.country, bath.created_by) == (
        "Bath Language School", "GB", "batch:b1")
    manager = store().centres.user(bath.manager_user_id)
    assert manager is not None and (manager.role, manager.status) == ("manager", "invited")
    assert sorted(mail.to for mail in outbox) == ["lucia@sol.example", "mary@bath.example"]
    assert "token=" in outbox[0].text
    assert imp.counts() == {"rows_unchanged": 0, "emails_sent": 2}


def test_the_invited_manager_can_choose_a_password_and_sign_in(outbox):
    import re

    ingest(BATH)
    token = re.search(r"token=([A-Za-z0-9_\-]+)", outbox[0].text).group(1)  # type: ignore[union-attr]
    centres.set_password(token, "violet-harbour-lantern")
    assert centres.login("mary@bath.example", "violet-harbour-lantern")["token"]


def test_bad_rows_say_every_problem_and_good_rows_go_through(outbox):
    bad = {"centre_number": "G", "name": "", "country": "XX", "manager_name": "M",
           "manager_email": "not-an-address"}
    _, early, late = ingest(bad, SOL)
    assert late == [] and set(early) == {2}
    assert {field for field, _ in early[2]} == {"centre_number", "name", "country", "manager_email"}
    assert store().centres.get("ES045") is not None and [mail.to for mail in outbox] == ["lucia@sol.example"]


def test_a_number_or_a_manager_twice_in_one_file_fails_the_later_row(outbox):
    _, early, _ = ingest(BATH, dict(SOL, centre_number="GB123"), dict(SOL, centre_number="ES046",
                                                                         manager_email="MARY@bath.example"))
    assert early == {3: [("centre_number", "the same centre number is on row 2")],
                     4: [("manager_email", "the same manager's email address is on row 2")]}


def test_the_same_file_twice_changes_nothing_and_emails_nobody_again(outbox):
    ingest(BATH, SOL)
    outbox.clear()
    imp, early, late = ingest(BATH, SOL, batch_id="b2")
    assert (early, late, outbox) == ({}, [], [])
    assert imp.counts() == {"rows_unchanged": 2, "emails_sent": 0}
    assert store().centres.get("GB123").created_by == "batch:b1"  # type: ignore[union-attr]


def test_a_centre_that_exists_with_other_details_or_a_taken_address_fails_its_row(outbox):
    centres.create_centre(dict(BATH), "staff@board.example")
    outbox.clear()
    _, early, late = ingest(dict(BATH, name="Bath College", manager_email="head@bathcollege.example"),
                            dict(SOL, manager_email="mary@bath.example"))
    assert early == {}
    assert [(n, field) for n, field, _ in late] == [(2, "centre_number"), (3, "manager_email")]
    assert store().centres.get("GB123").name == "Bath Language School"  # type: ignore[union-attr]
    assert store().centres.get("ES045") is None and outbox == []


def test_a_worker_that_died_mid_file_is_taken_over_and_the_invitation_sent_again(outbox):
    # Given a batch whose worker stored a centre and died (its invitation may never have gone)
    ingest(BATH, batch_id="b1")
    outbox.clear()
    # When the next delivery of the same batch processes the file again
    imp, early, late = ingest(BATH, SOL, batch_id="b1")
    # Then the centre counts as created, its manager (still invited) gets the link again
    assert (early, late) == ({}, [])
    assert sorted(mail.to for mail in outbox) == ["lucia@sol.example", "mary@bath.example"]
    assert imp.counts() == {"rows_unchanged": 0, "emails_sent": 2}
