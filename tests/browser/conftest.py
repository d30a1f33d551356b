"""Browser tests: Debian's Chromium driven by pytest-playwright against the local stack (a
subprocess on free ports), with axe-core (axe-playwright-python) on every page and state.

Playwright cannot download its own browser here: `make chromium` installs Debian's headless
shell (what Playwright itself runs headless; a third less CPU than the full browser), launched by
path. The coupling to the local stack is in one fixture, `site` (it moves with the stack)."""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

CHROMIUM = "/usr/lib/chromium/chromium-headless-shell"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "violet-harbour-lantern"
ID_NUMBER = "WEB100001"
ENTRIES = (
    "id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,exam_format\r\n"
    f"{ID_NUMBER},2468,Zoë,Łukasiewicz-Nguyễn,2003-02-01,GB123,B2FIRST,2026-06-14,paper\r\n"
    f"{ID_NUMBER},2468,Zoë,Łukasiewicz-Nguyễn,2003-02-01,GB123,C1ADV,2026-06-10,computer\r\n"
    "WEB100002,1357,Ana,García,2002-05-04,GB123,B2FIRST,2026-06-14,paper\r\n"
).encode()
NEW_ID, NEW_SECRET = "WEB100002", "1357"  # an entry nobody has registered: the register journey
RESULTS = (
    "id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,"
    "component:Reading,component:Use of English,component:Writing,component:Listening,component:Speaking\r\n"
    f"{ID_NUMBER},B2FIRST,2026-06-14,SOR-WEB-000001,176,B,B2,175,170,168,180,185\r\n"
    "WEB100002,B2FIRST,2026-06-14,SOR-WEB-000002,181,A,C1,180,182,179,183,181\r\n"
).encode()
ORGS = [("King's College London", "https://www.kcl.ac.uk", "GB"),
        ("King's College", "https://www.kings.edu", "US")]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@dataclass
class Site:
    base_url: str
    stack: Any = None  # tests/e2e's Stack: emails_to(), token_from()
    id_number: str = ID_NUMBER
    password: str = PASSWORD


def _upload(http: requests.Session, base: str, auth: dict, kind: str, data: bytes) -> dict:
    batch = http.post(f"{base}/staff/batches", json={"kind": kind, "filename": f"{kind}.csv"},
                      headers=auth).json()
    assert requests.put(batch["upload_url"], data=data, headers={"Content-Type": "text/csv"},
                        timeout=10).status_code == 200
    deadline = time.monotonic() + 30
    while True:
        report = http.get(f"{base}/staff/batches/{batch['batch_id']}", headers=auth).json()
        if report["status"] not in ("awaiting_upload", "processing") or time.monotonic() > deadline:
            return dict(report)
        time.sleep(0.2)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The local stack with one registered candidate who has a released and a pending result."""
    from tests.e2e.conftest import start_stack  # the one place that knows how the stack starts

    stack = start_stack(tmp_path_factory.mktemp("web-stack"))
    try:
        base, http = stack.base_url, requests.Session()
        auth = {"Authorization": f"Bearer {stack.staff_token()}"}  # both steps of the staff login
        assert _upload(http, base, auth, "entries", ENTRIES)["rows_ok"] == 3
        reg = {"id_number": ID_NUMBER, "secret_number": "2468", "email": "zoe.web@example.org",
               "password": PASSWORD, "country": "PL", "first_language": "pl", "accept_terms": True,
               "marketing_opt_in": False}
        assert http.post(f"{base}/candidates/register", json=reg).status_code == 201
        assert _upload(http, base, auth, "results", RESULTS)["rows_ok"] == 2
        for name, website, country in ORGS:  # two King's Colleges, told apart by country
            domain = website.split("//")[1]
            org = http.post(f"{base}/verifiers/register", json={
                "first_name": "Ana", "family_name": "Ruiz", "job_title": "Admissions",
                "email": f"ana@{domain}", "confirm_email": f"ana@{domain}",
                "organisation": {"name": name, "type": "university", "website": website, "country": country}})
            assert org.status_code == 202, org.text
            approved = http.post(f"{base}/staff/organisations/{org.json()['org_id']}/approve", headers=auth)
            assert approved.status_code == 200, approved.text
        yield Site(base, stack=stack)
    finally:
        stack.stop()


_AXE: list[Any] = []  # one Axe: it reads axe-core's 570 kB script once
_TWINS: dict[int, Any] = {}  # one twin page per browser (pytest-playwright's is per session)


def no_axe_violations(page: Any) -> None:
    if not _AXE:
        from axe_playwright_python.sync_playwright import Axe

        _AXE.append(Axe())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = _AXE[0].run(page, options=options)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def no_axe_violations_twin(page: Any) -> None:
    """axe-core runs inside the page, so it needs JavaScript: the HTML this JavaScript-off page
    got (a GET's or a POST's reply: an error state too) is written into a twin page with
    JavaScript on, at the same origin (so its stylesheet and images load), and checked there.

    The twin is one page per browser, kept for the session: its HTTP cache keeps the site's
    immutable assets and V8 keeps axe compiled, so a check costs a fraction of a second instead
    of a new browser context, every asset fetched again and axe compiled again (no request
    routing either: routing turns Chromium's HTTP cache off)."""
    from urllib.parse import urlsplit

    browser = page.context.browser
    assert browser is not None
    html = page.content()
    parts = urlsplit(page.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    twin = _TWINS.get(id(browser))
    if twin is None or twin.is_closed():
        # the page's own scripts run as they did when it was served (its CSP's nonce is not the
        # twin document's)
        twin = browser.new_context(java_script_enabled=True, bypass_csp=True).new_page()
        _TWINS[id(browser)] = twin
    if not twin.url.startswith(origin + "/"):
        twin.goto(origin + "/")  # the start page: a GET with no side effect
    twin.set_content(html)
    no_axe_violations(twin)


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot_for_readme(page: Any, name: str) -> None:
    """The README's pictures of the site (docs/screenshots/<name>.png), taken by the browser
    tests on the way, so they show the pages as they are."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 800})
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
