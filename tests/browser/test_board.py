"""The exam board's console in a real browser with JavaScript off, against the local stack:
sign in with the code from the authenticator app, upload an entries file and a results file from
the browser (a presigned POST straight to S3, then S3 -> SQS -> the upload handler), watch the
batch page refresh itself until done, read the bad rows of a file, approve an organisation. axe
on every page and state (PAGES.md "Exam board staff" words)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import STAFF_EMAIL, STAFF_PASSWORD, STAFF_TOTP_SECRET
from tests.two_factor import fresh_code

from .conftest import Site, no_axe_violations_twin
from .test_journey import _page

pytestmark = pytest.mark.browser

HEADER = ("id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,"
          "exam_format\n")
ENTRIES = HEADER + "BRD100001,1111,Maria,Kowalska,2001-01-01,GB123,B2FIRST,2026-06-14,paper\n" \
                   "BRD100002,2222,Jon,Smith,2002-02-02,GB123,B2FIRST,2026-06-14,computer\n"
RESULTS_HEADER = ("id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,"
                  "component:Reading,component:Use of English,component:Writing,component:Listening,"
                  "component:Speaking\n")
RESULTS = RESULTS_HEADER + "BRD100001,B2FIRST,2026-06-14,SOR-BRD-000001,176,B,B2,175,170,168,180,185\n" \
                           "BRD100002,B2FIRST,2026-06-14,SOR-BRD-000002,181,A,C1,180,182,179,183,181\n"
# row 2: no entry (found against the table); row 3: a score off the scale (found on its own)
BAD = RESULTS_HEADER + "BRD199999,B2FIRST,2026-06-14,SOR-BRD-000009,176,B,B2,175,170,168,180,185\n" \
                       "BRD100001,B2FIRST,2026-06-14,SOR-BRD-000001,999,B,B2,175,170,168,180,185\n"


def upload(page: Page, tmp: Path, kind: str, name: str, text: str) -> None:
    """Choose the kind and the file, press Upload, and follow the batch page until it is done."""
    page.goto("/board/batches")
    path = tmp / name
    path.write_text(text)
    page.get_by_label("Kind", exact=True).select_option(label=kind)
    page.get_by_label("File", exact=True).set_input_files(path)
    page.get_by_role("button", name="Upload", exact=True).click()
    # S3 sends the browser back to us, and on to the batch's page
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    assert re.search(r"/board/batches/s3-[0-9a-f]+$", page.url), page.url
    no_axe_violations_twin(page)  # waiting or processing: the page refreshes itself
    expect(page.get_by_text(re.compile(r"^Completed"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text("This page refreshes itself")).to_have_count(0, timeout=60_000)
    no_axe_violations_twin(page)


def test_staff_upload_watch_read_errors_and_approve(browser: Browser, site: Site, tmp_path: Path) -> None:
    page = _page(browser, site, "en", js=False)
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    button = lambda text: page.get_by_role("button", name=text, exact=True)  # noqa: E731

    # Sign in: a wrong password first, then the right one and the code
    page.goto("/board")
    assert page.url.endswith("/board/sign-in")
    no_axe_violations_twin(page)
    label("Email address").fill(STAFF_EMAIL)
    label("Password").fill("not-the-password")
    button("Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The email address or password is not correct")
    no_axe_violations_twin(page)
    label("Email address").fill(STAFF_EMAIL)
    label("Password").fill(STAFF_PASSWORD)
    button("Sign in").click()
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    no_axe_violations_twin(page)
    label("Code").fill("000000")
    button("Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    no_axe_violations_twin(page)
    label("Code").fill(fresh_code(STAFF_TOTP_SECRET))
    button("Continue").click()
    expect(page.get_by_role("heading", name="Batches", level=1)).to_be_visible()
    no_axe_violations_twin(page)
    page.goto("/board")
    expect(page.get_by_role("link", name="Organisations")).to_have_count(2)  # navigation and the list
    no_axe_violations_twin(page)

    # Entries, then results, from the browser
    upload(page, tmp_path, "Entries", "board-entries.csv", ENTRIES)
    expect(page.get_by_text("Rows stored")).to_be_visible()
    assert page.locator(".govuk-summary-list__row", has_text="Rows stored").inner_text().split()[-1] == "2"
    upload(page, tmp_path, "Results", "board-results.csv", RESULTS)
    statements = page.locator(".govuk-summary-list__row", has_text="Statements")
    expect(statements).to_contain_text("2 of 2")

    # A file with bad rows: its rows by row number, and the full report
    upload(page, tmp_path, "Results", "board-bad.csv", BAD)
    expect(page.get_by_text("Completed with errors")).to_be_visible()
    rows = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert rows and rows == sorted(rows, key=int) and {"2", "3"} <= set(rows), rows
    expect(page.get_by_role("table")).to_contain_text("no entry for this candidate")
    report = page.get_by_role("link", name="Download the full error report (CSV)")
    text = requests.get(str(report.get_attribute("href")), timeout=10).text
    assert text.startswith("row,field,message") and "BRD" not in text.splitlines()[0]

    # The list, newest first, links each batch
    page.goto("/board/batches")
    names = page.locator("table tbody tr td:first-child a").all_inner_texts()
    assert names[:3] == ["board-bad.csv", "board-results.csv", "board-entries.csv"], names
    no_axe_violations_twin(page)

    # An organisation registers; staff see who applied, and approve it
    reg = requests.post(f"{site.base_url}/verifiers/register", timeout=10, json={
        "first_name": "Olu", "family_name": "Adeyemi", "job_title": "Head of admissions",
        "email": "olu@board-uni.ac.uk", "confirm_email": "olu@board-uni.ac.uk",
        "organisation": {"name": "Board Test University", "type": "university",
                         "website": "https://www.board-uni.ac.uk", "country": "NG"}})
    assert reg.status_code == 202, reg.text
    assert site.stack.emails_to(STAFF_EMAIL, timeout=10), "staff were not told"
    page.get_by_role("link", name="Organisations").click()
    org = page.locator("section", has=page.get_by_role("heading", name="Board Test University"))
    for words in ("Olu Adeyemi", "Head of admissions", "olu@board-uni.ac.uk", "https://www.board-uni.ac.uk",
                  "NG"):
        expect(org).to_contain_text(words)
    no_axe_violations_twin(page)
    org.get_by_role("button", name="Reject").click()  # without a reason
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    no_axe_violations_twin(page)
    org = page.locator("section", has=page.get_by_role("heading", name="Board Test University"))
    org.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The organisation was approved")).to_be_visible()
    expect(page.get_by_role("heading", name="Board Test University")).to_have_count(0)
    no_axe_violations_twin(page)

    # Sign out
    button("Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    no_axe_violations_twin(page)
    page.goto("/board/batches")
    assert page.url.endswith("/board/sign-in")
    page.context.close()
