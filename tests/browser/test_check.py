"""The public check of a result (/check, /check/<code>) in a real browser with JavaScript off,
axe-core on every state: the form empty and with errors, no match, valid, superseded by a
correction, withdrawn, an unknown code; and the form in Spanish. Its own candidate (entries and
results uploaded here), so that correcting and withdrawing touch no other test's data."""
from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from .conftest import Site, _upload, no_axe_violations_twin
from .test_journey import _page

pytestmark = pytest.mark.browser

ID = "CHK100001"
REF = "SOR-CHK-000001"
ENTRIES = ("id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,"
           f"exam_format\r\n{ID},1234,Inés,Núñez,2001-07-15,GB123,C1ADV,2026-06-10,computer\r\n").encode()
HEADER = ("id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,component:Reading,"
          "component:Use of English,component:Writing,component:Listening,component:Speaking\r\n")


def results(score: int) -> bytes:
    scores = ",".join([str(score)] * 5)
    return f"{HEADER}{ID},C1ADV,2026-06-10,{REF},{score},C,C1,{scores}\r\n".encode()


def fill(page: Page, ref: str, day: str, month: str, year: str, words: dict) -> None:
    page.get_by_label(words["ref"], exact=True).fill(ref)
    page.get_by_label(words["day"], exact=True).fill(day)
    page.get_by_label(words["month"], exact=True).fill(month)
    page.get_by_label(words["year"], exact=True).fill(year)
    page.get_by_role("button", name=words["check"], exact=True).click()


EN = {"ref": "Reference number", "day": "Day", "month": "Month", "year": "Year", "check": "Check"}
ES = {"ref": "Número de referencia", "day": "Día", "month": "Mes", "year": "Año", "check": "Comprobar"}


def test_checking_a_result_through_its_states_with_javascript_off(browser: Browser, site: Site) -> None:
    http = requests.Session()
    auth = {"Authorization": f"Bearer {site.stack.staff_token()}"}
    assert _upload(http, site.base_url, auth, "entries", ENTRIES)["rows_ok"] == 1
    assert _upload(http, site.base_url, auth, "results", results(190))["rows_ok"] == 1
    page = _page(browser, site, "en", js=False)

    # The form, empty; then sent empty: the errors
    page.goto("/check")
    expect(page.get_by_role("heading", name="Check a result", level=1)).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    no_axe_violations_twin(page)

    # No match (a wrong date of birth)
    fill(page, REF, "16", "7", "2001", EN)
    expect(page.get_by_role("heading", name="No result found")).to_be_visible()
    no_axe_violations_twin(page)

    # Valid: name, exam, scores, CEFR level and the check code
    fill(page, REF, "15", "7", "2001", EN)
    expect(page.get_by_role("heading", name="Valid result")).to_be_visible()
    expect(page.get_by_text("Inés Núñez")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("190")
    no_axe_violations_twin(page)
    code = page.locator(".govuk-summary-list__row", has_text="Check code").locator("dd").inner_text().strip()
    assert re.fullmatch(rf"{REF}-[A-Z2-7]{{16}}", code)

    # The code opens directly
    page.goto(f"/check/{code}")
    expect(page.get_by_role("heading", name="Valid result")).to_be_visible()
    no_axe_violations_twin(page)

    # A correction: the old code is superseded and links to the new one
    assert _upload(http, site.base_url, auth, "results", results(191))["rows_ok"] == 1
    page.goto(f"/check/{code}")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Superseded")
    no_axe_violations_twin(page)
    new_link = page.get_by_role("link", name=re.compile(rf"^{REF}-"))
    new_code = new_link.inner_text().strip()
    assert new_code != code
    new_link.click()
    expect(page.get_by_role("heading", name="Valid result")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("191")

    # Withdrawn by the board
    found = http.get(f"{site.base_url}/staff/results?reference_number={REF}", headers=auth).json()["results"]
    [staff_id] = [r["result_id"] for r in found]
    withdrawn = http.post(f"{site.base_url}/staff/results/{staff_id}/withdraw",
                          json={"reason": "Malpractice"}, headers=auth)
    assert withdrawn.status_code == 200, withdrawn.text
    page.goto(f"/check/{new_code}")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Withdrawn")
    no_axe_violations_twin(page)

    # An unknown code
    page.goto(f"/check/{REF}-AAAAAAAAAAAAAAAA")
    expect(page.get_by_role("heading", name="No result found")).to_be_visible()
    no_axe_violations_twin(page)


def test_checking_a_result_in_spanish(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "es", js=False)
    page.goto("/check")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Comprobar un resultado", level=1)).to_be_visible()
    no_axe_violations_twin(page)
    fill(page, "SOR-WEB-000001", "1", "2", "2003", ES)
    expect(page.get_by_role("heading", name="Resultado válido")).to_be_visible()
    no_axe_violations_twin(page)
