# ruff: noqa: F811 - pytest fixtures imported from other test modules are redefined as arguments
"""The public check pages (/check, /check/<code>), the statement's QR code, the candidate's
check-link switch on the result page, and the board's results page (withdrawal)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.api.conftest import csv_bytes, entry_row, outbox  # noqa: F401 (fixture: outbox)
from tests.api.test_results import result_row
from tests.api.test_withdrawal import with_entry
from tests.api.verifier_kit import PASSWORD, STAFF_EMAIL, make_candidate
from tests.leaks import shows

from .conftest import Browser

STAFF_ID = "SIR094701.B2FIRST-20250614"


def signed_in_candidate(visitor: Browser) -> None:
    make_candidate()
    page = visitor.submit("/sign-in", "/sign-in", {"id_number": "SIR094701", "password": PASSWORD})
    assert page.status == 303, page.text


def staff_browser(client, api) -> Browser:
    from chalicelib.services.staff import ensure_staff_account
    from tests.two_factor import sign_in, via_api

    ensure_staff_account(STAFF_EMAIL, PASSWORD)
    token = sign_in(via_api(api), "/staff/login", {"email": STAFF_EMAIL, "password": PASSWORD})[0]["token"]
    b = Browser(client)
    b.cookies["__Host-session"] = token
    return b


def code_for(id_number: str = "SIR094701", rid: str = "B2FIRST-20250614") -> str:
    from chalicelib.db.store import store
    from chalicelib.services import check_codes

    r = store().results.by_result_id(id_number, rid)
    code = check_codes.current_code(r)
    assert code
    return code


# ---------------------------------------------------------------- /check
def test_the_check_form_finds_a_result_by_reference_number_and_date_of_birth(visitor):
    with_entry()
    page = visitor.get("/check")
    assert page.status == 200 and page.has("Reference number") and page.has("Day") and page.has("Check")
    hit = visitor.submit("/check", "/check", {"reference_number": "SOR-2025-000001", "dob-day": "9",
                                              "dob-month": "3", "dob-year": "2004"})
    assert hit.status == 200 and hit.has("Valid result") and hit.has("Zoë") and hit.has("175")
    assert hit.has("SOR-2025-000001-")  # its check code
    miss = visitor.submit("/check", "/check", {"reference_number": "SOR-2025-000001", "dob-day": "10",
                                               "dob-month": "3", "dob-year": "2004"})
    unknown = visitor.submit("/check", "/check", {"reference_number": "SOR-2099-999999", "dob-day": "9",
                                                  "dob-month": "3", "dob-year": "2004"})
    assert miss.status == unknown.status == 404
    assert miss.has("No result found") and unknown.has("No result found")
    assert 'value="SOR-2099-999999"' in unknown.text  # shown again with what was typed


def test_the_check_form_says_what_is_missing(visitor):
    page = visitor.submit("/check", "/check", {"reference_number": "", "dob-day": "31", "dob-month": "2",
                                               "dob-year": "2004"})
    assert page.status == 400 and page.has("There is a problem")
    assert 'href="#reference_number"' in page.text and 'href="#dob-day"' in page.text
    # a form without its CSRF token is refused
    assert visitor.post("/check", {"reference_number": "SOR-2025-000001"}).status == 400


def test_the_check_form_is_limited_per_client_more_tightly(visitor):
    from chalicelib.services import check_codes

    fields = {"reference_number": "SOR-2099-999999", "dob-day": "9", "dob-month": "3", "dob-year": "2004"}
    for _ in range(check_codes.REFERENCE_MISSES_PER_HOUR):
        assert visitor.submit("/check", "/check", fields).status == 404
    limited = visitor.submit("/check", "/check", fields)
    assert limited.status == 429 and limited.has("Too many checks") and limited.has("minutes")


def test_a_code_opens_directly_in_either_case_and_a_miss_is_the_same_page(visitor):
    with_entry()
    code = code_for()
    page = visitor.get(f"/check/{code}")
    assert page.status == 200 and page.has("Valid result") and page.has(code)
    upper = visitor.get(f"/CHECK/{code}")
    assert upper.status == 301 and upper.headers["location"] == f"/check/{code}"
    a = visitor.get("/check/SOR-2025-000001-AAAAAAAAAAAAAAAA")
    b = visitor.get("/check/nonsense")
    assert a.status == b.status == 404 and a.has("No result found")
    assert b.has("No result found")


def test_a_check_in_spanish(client):
    with_entry()
    code = code_for()
    page = Browser(client, lang="es").get(f"/check/{code}")
    assert page.status == 200 and '<html lang="es"' in page.text and page.has("Resultado válido")
    form = Browser(client, lang="es").get("/check")
    assert form.has("Número de referencia") and form.has("Día") and form.has("Comprobar")


# ---------------------------------------------------------------- the statement's QR code
@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="needs poppler-utils and zbar-tools")
def test_the_statement_qr_code_opens_a_check_that_follows_corrections_and_withdrawal(
        visitor, api, entries, drop, tmp_path: Path):
    from chalicelib import config
    from chalicelib.adapters import storage
    from chalicelib.db.store import store
    from chalicelib.services import withdrawal

    def statement_url() -> str:
        r = store().results.by_result_id("SIR094701", "B2FIRST-20260614")
        pdf = tmp_path / "s.pdf"
        pdf.write_bytes(storage.get(config.DOCUMENTS_BUCKET, r.statement_key))
        subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "s")], check=True)
        out = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "s-1.png")], capture_output=True,
                             text=True, check=True)
        return out.stdout.strip()

    def open_qr(url: str):
        assert url == url.upper() and "/CHECK/" in url  # upper case: alphanumeric mode
        moved = visitor.get(urlsplit(url).path)
        assert moved.status == 301
        return visitor.get(moved.headers["location"])

    entries(entry_row())
    drop("incoming/results/r1.csv", csv_bytes([result_row()]))
    first = statement_url()
    assert open_qr(first).has("Valid result")
    # a correction: the old statement's code says superseded, with the new code, which is valid
    corrected = result_row(overall_score="176", **{"component:Reading": "177"})
    drop("incoming/results/r2.csv", csv_bytes([corrected]))
    second = statement_url()
    assert second != first
    old = open_qr(first)
    new_code = second.rsplit("/", 1)[1]
    assert old.has("Superseded") and old.has(new_code) and not shows(old.text, "174")  # (not in the nonce)
    assert api.get(f"/verify/{urlsplit(first).path.rsplit('/', 1)[1]}").json["superseded_by"] == new_code
    assert open_qr(second).has("Valid result")
    # withdrawn
    withdrawal.withdraw("staff-1", "SIR094701.B2FIRST-20260614", "Malpractice")
    assert open_qr(second).has("Withdrawn")
    assert api.get(f"/verify/{new_code}").json["status"] == "withdrawn"


# ---------------------------------------------------------------- the candidate's switch
def test_the_candidate_turns_the_check_link_off_and_on_from_the_result_page(visitor):
    with_entry()
    signed_in_candidate(visitor)
    page = visitor.get("/results/B2FIRST-20250614")
    assert page.status == 200 and page.has("Turn off the check link")
    code = code_for()
    assert page.has(f"/check/{code}")
    page_path, action = "/results/B2FIRST-20250614", "/results/B2FIRST-20250614/check-link"
    off = visitor.submit(page_path, action, {"enabled": "no"})
    assert off.status == 303
    assert visitor.get(f"/check/{code}").status == 404
    page = visitor.get("/results/B2FIRST-20250614")
    assert page.has("The check link is off")
    on = visitor.submit(page_path, action, {"enabled": "yes"})
    assert on.status == 303
    new = code_for()
    assert new != code and visitor.get(f"/check/{new}").has("Valid result")
    # another candidate's result: the 404 page, nothing changed
    other = Browser(visitor.client)
    make_candidate("ABC000001", "Other", "Person")
    other.submit("/sign-in", "/sign-in", {"id_number": "ABC000001", "password": PASSWORD})
    refused = other.submit("/results", "/results/B2FIRST-20250614/check-link", {"enabled": "no"})
    assert refused.status == 404 and code_for() == new


# ---------------------------------------------------------------- the board
def test_staff_withdraw_a_result_from_the_board(client, api, outbox):
    with_entry()
    code = code_for()
    board = staff_browser(client, api)
    page = board.get("/board/results")
    assert page.status == 200 and 'href="/board/results"' in page.text
    found = board.get("/board/results?q=SOR-2025-000001")
    assert found.has("Withdraw") and found.has("SIR094701")
    assert board.get("/board/results?q=SIR094701").has("SOR-2025-000001")
    empty = board.submit("/board/results?q=SOR-2025-000001", f"/board/results/{STAFF_ID}/withdraw",
                         {"q": "SOR-2025-000001", "reason": ""})
    assert empty.status == 400 and empty.has("There is a problem") and 'href="#reason"' in empty.text
    done = board.submit("/board/results?q=SOR-2025-000001", f"/board/results/{STAFF_ID}/withdraw",
                        {"q": "SOR-2025-000001", "reason": "Malpractice"})
    assert done.status == 303
    after = board.get(done.headers["location"])
    assert after.has("The result was withdrawn") and after.has("Malpractice")
    assert Browser(client).get(f"/check/{code}").has("Withdrawn")
    # a visitor without a staff session is sent to the board's sign-in
    assert Browser(client).get("/board/results").headers["location"] == "/board/sign-in"
