"""Exam centres (issue 13) in a real browser with JavaScript off, axe on every page and state:
the board creates a centre, its manager chooses a password, signs in, finds candidates,
reissues a Secret number (shown once, printable), resets an account, and manages colleagues;
the key pages in Spanish. Its own centre and candidates (centre BR777), so that the other
browser tests' candidates are untouched."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from .conftest import Site, _upload, no_axe_violations_twin
from .test_journey import _page

pytestmark = pytest.mark.browser

CENTRE_ENTRIES = (
    b"id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,exam_format\r\n"
    b"CEN200001,1111,Bruna,Souza,2001-01-01,BR777,B2FIRST,2026-06-14,paper\r\n"
    b"CEN200002,2222,Caio,Lima,2002-02-02,BR777,C1ADV,2026-06-10,computer\r\n"
)
MANAGER = "gerente@escola.example"
PASSWORD = "amber-canyon-lighthouse"


@pytest.fixture(scope="module")
def centre(site: Site) -> Site:
    auth = {"Authorization": f"Bearer {site.stack.staff_token()}"}
    assert _upload(requests.Session(), site.base_url, auth, "entries", CENTRE_ENTRIES)["rows_ok"] == 2
    return site


def staff_page(browser: Browser, site: Site) -> Page:
    page = _page(browser, site, "en", js=False)
    # The staff session of the JSON staff login, sent as the `__Host-session` cookie (a __Host-
    # cookie cannot be planted over http by the browser's cookie API; the header is the same cookie)
    page.context.set_extra_http_headers({"Cookie": f"__Host-session={site.stack.staff_token()}"})
    return page


def set_password_token(site: Site) -> str:
    [mail] = site.stack.emails_to(MANAGER)
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"/centres/set-password\?token=([A-Za-z0-9_\-]+)", text).group(1)


def test_the_board_creates_a_centre_and_the_centre_helps_its_candidates(browser: Browser,
                                                                       centre: Site) -> None:
    # The board console: the Exam centres page, an error state, then the centre created
    board = staff_page(browser, centre)
    board.goto("/board/centres")
    expect(board.get_by_role("heading", name="Exam centres", level=1)).to_be_visible()
    no_axe_violations_twin(board)
    board.get_by_label("Centre number").fill("BR777")
    board.get_by_label("Centre name").fill("Escola Paulista")
    board.get_by_label("Country").fill("BR")
    board.get_by_label("Manager's full name").fill("Gabriela Gerente")
    board.get_by_role("button", name="Create centre").click()
    expect(board.get_by_role("heading", name="There is a problem")).to_be_visible()
    no_axe_violations_twin(board)
    board.get_by_label("Manager's email address").fill(MANAGER)
    with board.expect_response(lambda r: r.request.method == "POST") as created:
        board.get_by_role("button", name="Create centre").click()
    assert created.value.status == 303 and created.value.headers["location"] == "/board/centres?created=BR777"
    # (the redirect itself is followed without the test's cookie header, and lands on the sign-in
    # page, which sets the pre-session cookie; a browser then sends that cookie beside or instead
    # of the header, depending on its version: open the page again in a fresh context)
    board.context.close()
    board = staff_page(browser, centre)
    board.goto("/board/centres?created=BR777")
    expect(board.get_by_text("Centre BR777 created")).to_be_visible()
    expect(board.get_by_role("rowheader", name="BR777")).to_be_visible()
    no_axe_violations_twin(board)

    # The manager chooses a password from the emailed link (a mismatch first), then signs in
    page = _page(browser, centre, "en", js=False)
    page.goto(f"/centres/set-password?token={set_password_token(centre)}")
    no_axe_violations_twin(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill("something-else-entirely")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_text("Your password is saved")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_label("Email address").fill(MANAGER)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Candidates: the centre's own only; search by name; one candidate
    expect(page.get_by_role("heading", name="Candidates", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Bruna Souza")).to_be_visible()
    expect(page.get_by_text("WEB100001")).to_have_count(0)  # centre GB123's candidate
    no_axe_violations_twin(page)
    page.get_by_label("Name or ID number").fill("lima")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Caio Lima")).to_be_visible()
    expect(page.get_by_role("link", name="Bruna Souza")).to_have_count(0)
    no_axe_violations_twin(page)
    page.get_by_label("Name or ID number").fill("nobody")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No candidates of your centre match your search.")).to_be_visible()
    no_axe_violations_twin(page)
    page.goto("/centres/candidates/CEN200001")
    expect(page.get_by_role("heading", name="Bruna Souza", level=1)).to_be_visible()
    no_axe_violations_twin(page)

    # Reissue: the new Secret number, shown once, and the Confirmation of Entry to print
    page.get_by_role("button", name="Reissue the Secret number").click()
    expect(page.get_by_role("heading", name="New Secret number")).to_be_visible()
    secret = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"\d{4}", secret)
    no_axe_violations_twin(page)
    form = page.locator("form[action$='/confirmation']")
    fields = {name: form.locator(f"input[name={name}]").get_attribute("value") or ""
              for name in ("csrf_token", "confirmation")}
    pdf = page.request.post("/centres/candidates/CEN200001/confirmation", form=fields)
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"  # the bytes (the browser shows them in its viewer)
    with page.expect_response(lambda r: r.url.endswith("/confirmation")) as printed:
        page.get_by_role("button", name="Print the Confirmation of Entry (PDF)").click()
    assert printed.value.status == 200 and printed.value.headers["content-type"] == "application/pdf"
    reg = {"id_number": "CEN200001", "secret_number": secret, "email": "bruna@example.org",
           "password": "copper-meadow-whistle", "country": "BR", "first_language": "pt",
           "accept_terms": True, "marketing_opt_in": False}
    if secret != "1111":  # the old Secret number no longer registers
        old = requests.post(f"{centre.base_url}/candidates/register", json={**reg, "secret_number": "1111"},
                            timeout=10)
        assert old.status_code == 403
    assert requests.post(f"{centre.base_url}/candidates/register", json=reg, timeout=10).status_code == 201

    # Reset: the identity check is asked for first, then the account is reset
    page.goto("/centres/candidates/CEN200001")
    expect(page.get_by_text("Yes").first).to_be_visible()
    page.get_by_role("button", name="Reset the account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_label("I have checked the candidate's identity").check()
    page.get_by_role("button", name="Reset the account").click()
    expect(page.get_by_text("The account is reset")).to_be_visible()
    no_axe_violations_twin(page)

    # Your centre: the audit, a colleague added (an error first) and removed
    page.get_by_role("link", name="Your centre").click()
    expect(page.get_by_role("cell", name="Account reset")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("button", name="Add colleague").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_label("Full name").fill("Carla Colega")
    page.get_by_label("Email address").fill("carla@escola.example")
    page.get_by_role("button", name="Add colleague").click()
    expect(page.get_by_role("rowheader", name="Carla Colega")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_text("You have removed your colleague")).to_be_visible()
    no_axe_violations_twin(page)

    # Another centre's candidate is the 404 page
    page.goto("/centres/candidates/WEB100001")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()

    # Spanish
    page.get_by_role("link", name="Español").click()
    page.goto("/centres/candidates/CEN200002")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Emitir de nuevo el número secreto")).to_be_visible()
    no_axe_violations_twin(page)
    page.goto("/centres/your-centre")
    no_axe_violations_twin(page)
    page.get_by_role("button", name="Cerrar sesión").click()
    no_axe_violations_twin(page)
