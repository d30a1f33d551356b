"""The verifiers' results side in a real browser with JavaScript off: a candidate shares, the
organisation sees it bold and `New`, views it (no longer new), searches by reference number +
date of birth, downloads a data file and a ZIP, creates a template; one page in Spanish; axe-core
on every page and state. Signing in goes through the JSON login (the sign-in page is another
engineer's) with the token in the session cookie, as the page's own sign-in would set it."""

from __future__ import annotations

import io
import zipfile

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, Site, no_axe_violations_twin, screenshot_for_readme
from .test_candidate_journey import link_token
from .test_journey import _page

pytestmark = pytest.mark.browser

VERIFIER = "ana@www.kcl.ac.uk"  # the King's College London user the site fixture registered
CANDIDATE_NAME = "Zoë Łukasiewicz-Nguyễn"


def verifier_session(site: Site) -> str:
    """A session of the King's College London user, whose password is set from the emailed link by
    whichever test of this module runs first (in any order, on any worker)."""
    base, http = site.base_url, requests.Session()
    login = http.post(f"{base}/verifiers/login", json={"email": VERIFIER, "password": PASSWORD})
    if login.status_code == 401:
        token = link_token(site, VERIFIER, "/organisations/set-password")
        made = http.post(f"{base}/verifiers/set-password", json={"token": token, "password": PASSWORD})
        assert made.status_code == 204, made.text
        login = http.post(f"{base}/verifiers/login", json={"email": VERIFIER, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return str(login.json()["token"])


def candidate_shares(site: Site) -> None:
    base, http = site.base_url, requests.Session()
    token = http.post(
        f"{base}/candidates/login", json={"id_number": site.id_number, "password": PASSWORD}
    ).json()
    auth = {"Authorization": f"Bearer {token['token']}"}
    [kcl] = [
        o
        for o in http.get(f"{base}/institutions?q=King", headers=auth).json()["institutions"]
        if o["country"] == "GB"
    ]
    [result] = [
        r
        for r in http.get(f"{base}/candidates/me/results", headers=auth).json()["results"]
        if r["status"] == "released"
    ]
    made = http.post(
        f"{base}/candidates/me/shares",
        json={"result_id": result["result_id"], "org_id": kcl["org_id"]},
        headers=auth,
    )
    assert made.status_code == 201, made.text


def signed_in(browser: Browser, site: Site, token: str, lang: str = "en") -> Page:
    page = _page(browser, site, lang, js=False)
    host = site.base_url.split("//", 1)[1].split(":", 1)[0]  # host-only, path /: as __Host- needs
    page.context.add_cookies(
        [
            {
                "name": "__Host-session",
                "value": token,
                "domain": host,
                "path": "/",
                "secure": True,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    return page


def fetched(page: Page, href: str) -> bytes:
    """A `Download` link: a 303 to a short-lived signed link, then the file behind it."""
    reply = page.request.get(href, max_redirects=0)
    assert reply.status == 303 and "Signature" in reply.headers["location"], reply.status
    return page.request.get(reply.headers["location"]).body()


def summary_has(page: Page, field: str, words: str) -> None:
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(f'.govuk-error-summary a[href="#{field}"]')).to_contain_text(words)
    no_axe_violations_twin(page)


def test_shared_results_view_search_download_template(browser: Browser, site: Site) -> None:
    candidate_shares(site)
    page = signed_in(browser, site, verifier_session(site))
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    button = lambda text: page.get_by_role("button", name=text, exact=True)  # noqa: E731

    # The new share: bold and marked New in text, a checkbox labelled with the name, View
    page.goto("/organisations/shared-results")
    expect(page.get_by_role("heading", name="Shared results", level=1)).to_be_visible()
    row = page.locator("tbody tr").filter(has_text="Zoë")
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("B2 First")
    expect(row.locator("td.govuk-\\!-font-weight-bold").first).to_be_visible()
    for column in ("First name", "Family name", "Exam", "Date shared"):
        expect(page.get_by_role("columnheader", name=column)).to_be_visible()
    expect(page.get_by_label(CANDIDATE_NAME, exact=False)).to_be_visible()
    no_axe_violations_twin(page)
    screenshot_for_readme(page, "verifier-shared-results")

    # Filters: by name, then a range with nothing in it, then cleared
    label("Name or ID number").fill("zoe")
    button("Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    no_axe_violations_twin(page)
    label("From").fill("2001-01-01")
    label("To").fill("2001-01-31")
    button("Filter").click()
    expect(page.locator("main")).to_contain_text("No shared results match these filters.")
    no_axe_violations_twin(page)
    page.get_by_role("link", name="Clear filters").click()

    # Download selected with nothing chosen: the error summary links to the fields
    button("Download selected").click()
    summary_has(page, "share_ids", "Select the results to download")
    expect(page.locator('.govuk-error-summary a[href="#format"]')).to_be_visible()

    # View: the result, then it is no longer new
    page.get_by_role("link", name="View", exact=True).first.click()
    expect(page.get_by_role("heading", name=CANDIDATE_NAME, level=1)).to_be_visible()
    main = page.locator("main")
    for words in ("1 February 2003", site.id_number, "B2 First", "176", "SOR-WEB-000001", "Reading"):
        expect(main).to_contain_text(words)
    statement = page.get_by_role("link", name="Download Statement of Results (PDF)")
    assert fetched(page, statement.get_attribute("href") or "").startswith(b"%PDF")
    no_axe_violations_twin(page)
    page.get_by_role("link", name="Shared results").first.click()
    expect(page.locator("tbody tr").filter(has_text="Zoë")).not_to_contain_text("New")
    no_axe_violations_twin(page)

    # Candidate search: empty, a miss, then a hit typed in lower case
    page.get_by_role("link", name="Candidate search").click()
    no_axe_violations_twin(page)
    button("Search").click()
    summary_has(page, "reference_number", "Enter the reference number")
    expect(page.locator('.govuk-error-summary a[href="#date_of_birth-day"]')).to_be_visible()

    def search(ref: str) -> None:
        label("Reference number").fill(ref)
        label("Day").fill("1")
        label("Month").fill("2")
        label("Year").fill("2003")
        button("Search").click()

    search("SOR-WEB-999999")
    summary_has(page, "reference_number", "No result matches")
    expect(label("Reference number")).to_have_value("SOR-WEB-999999")
    search(" sor-web-000001 ")
    expect(page.get_by_role("heading", name=CANDIDATE_NAME, level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("SOR-WEB-000001")
    statement = page.get_by_role("link", name="Download Statement of Results (PDF)")
    assert fetched(page, statement.get_attribute("href") or "").startswith(b"%PDF")
    no_axe_violations_twin(page)

    # Download selected: a data file (CSV), then the statements (ZIP)
    page.get_by_role("link", name="Shared results").first.click()
    page.get_by_label(CANDIDATE_NAME, exact=False).check()
    page.get_by_label("Data file (CSV)", exact=True).check()
    button("Download selected").click()
    expect(page.get_by_role("heading", name="Downloads", level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your download is ready")
    no_axe_violations_twin(page)
    link = page.locator(".govuk-notification-banner").get_by_role("link", name="Download", exact=True)
    data = fetched(page, link.get_attribute("href") or "").decode("utf-8-sig")
    assert "SOR-WEB-000001" in data and "Zoë" in data

    page.get_by_role("link", name="Shared results").first.click()
    page.get_by_label(CANDIDATE_NAME, exact=False).check()
    page.get_by_label("PDF", exact=True).check()
    button("Download selected").click()
    link = page.locator(".govuk-notification-banner").get_by_role("link", name="Download", exact=True)
    names = zipfile.ZipFile(io.BytesIO(fetched(page, link.get_attribute("href") or ""))).namelist()
    assert len(names) == 1 and names[0].endswith(".pdf")
    expect(page.locator("tbody").get_by_role("link", name="Download", exact=True)).to_have_count(2)

    # Templates: empty, then a name and two fields
    button("Create template").click()
    summary_has(page, "name", "Enter a template name")
    label("Template name").fill("Admissions")
    label("Reference number").check()
    label("Overall score").check()
    button("Create template").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Template created")
    expect(page.get_by_role("rowheader", name="Admissions")).to_be_visible()
    no_axe_violations_twin(page)
    # it is offered for a data file
    page.get_by_role("link", name="Shared results").first.click()
    expect(page.get_by_label("Template", exact=True).locator("option", has_text="Admissions")).to_have_count(
        1
    )
    page.context.close()


def test_shared_results_in_spanish(browser: Browser, site: Site) -> None:
    page = signed_in(browser, site, verifier_session(site), "es")
    page.goto("/organisations/shared-results")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Resultados compartidos", level=1)).to_be_visible()
    for text in ("Desde", "Hasta", "Nombre o número de identificación"):
        expect(page.get_by_label(text, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Filtrar")).to_be_visible()
    for link in ("Buscar candidato", "Descargas"):
        expect(page.get_by_role("link", name=link)).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("link", name="Buscar candidato").click()
    expect(page.get_by_label("Número de referencia", exact=True)).to_be_visible()
    for text in ("Día", "Mes", "Año"):
        expect(page.get_by_label(text, exact=True)).to_be_visible()
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page.get_by_role("heading", name="Hay un problema")).to_be_visible()
    no_axe_violations_twin(page)
    page.context.close()
