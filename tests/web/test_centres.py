"""Exam centres' pages (issue 13) and the board's Exam centres page, through chalice.test.Client:
forms' good and bad paths, CSRF, scoping, the new Secret number shown once and its PDF."""
from __future__ import annotations

import re

import pytest

from tests.api.conftest import outbox, token_in  # noqa: F401 - fixture

from .conftest import Browser, entry_row

STAFF = {"email": "staff@exam-board.example", "password": "a-long-staff-password"}
PASSWORD = "violet-harbour-lantern"
CENTRE = {"centre_number": "GB123", "name": "Bath Language School", "country": "GB",
          "manager_name": "Mary Manager", "manager_email": "mary@bath.example"}


@pytest.fixture
def staff_cookie(api):
    from chalicelib.services.staff import ensure_staff_account
    from tests.two_factor import sign_in, via_api

    ensure_staff_account(**STAFF)
    return sign_in(via_api(api), "/staff/login", STAFF)[0]["token"]


@pytest.fixture
def board(client, staff_cookie):
    b = Browser(client)
    b.cookies["__Host-session"] = staff_cookie
    return b


def make_centre(data: dict, outbox) -> str:  # noqa: F811
    """A centre with its manager's password set: the set-password link from the email."""
    from chalicelib.services import centres

    centres.create_centre(dict(data), "staff@exam-board.example")
    [mail] = outbox(data["manager_email"])
    return token_in(mail)


@pytest.fixture
def manager(client, outbox, entries):  # noqa: F811
    entries(entry_row(centre_number="GB123"), entry_row("ABC000001", first_name="Ana", family_name="Pérez"),
            entry_row("XYZ000009", centre_number="ES900"))
    token = make_centre(CENTRE, outbox)
    make_centre({**CENTRE, "centre_number": "ES900", "manager_email": "olga@sol.example"}, outbox)
    b = Browser(client)
    r = b.submit(f"/centres/set-password?token={token}", "/centres/set-password",
                 {"token": token, "new_password": PASSWORD, "confirm_password": PASSWORD})
    assert r.status == 303 and r.headers["location"] == "/centres/sign-in?password=saved"
    assert b.get("/centres/sign-in?password=saved").has("Your password is saved")
    r = b.submit("/centres/sign-in", "/centres/sign-in", {"email": "mary@bath.example", "password": PASSWORD})
    assert r.status == 303 and r.headers["location"] == "/centres/candidates"
    return b


def test_pages_need_a_centre_session(visitor):
    for path in ("/centres/candidates", "/centres/candidates/SIR094701", "/centres/your-centre"):
        r = visitor.get(path)
        assert r.status == 303 and r.headers["location"] == "/centres/sign-in"
    assert visitor.get("/centres").has("Help your candidates with their results")


def test_sign_in_errors(visitor, manager):
    r = visitor.submit("/centres/sign-in", "/centres/sign-in", {"email": "", "password": ""})
    assert r.status == 400 and r.has("Enter your email address") and r.has("Enter your password")
    wrong = {"email": "mary@bath.example", "password": "nope"}
    r = visitor.submit("/centres/sign-in", "/centres/sign-in", wrong)
    assert r.status == 400 and r.has("The email address or password is not correct")
    no_csrf = visitor.post("/centres/sign-in", {"email": "mary@bath.example", "password": PASSWORD})
    assert no_csrf.status == 400


def test_a_bad_set_password_link(visitor):
    assert visitor.get("/centres/set-password?token=nope").status == 400


def test_search_and_scoping(manager):
    page = manager.get("/centres/candidates")
    assert page.status == 200 and page.has("SIR094701") and page.has("ABC000001")
    assert not page.has("XYZ000009")
    assert manager.get("/centres/candidates?q=perez").has("ABC000001")
    assert not manager.get("/centres/candidates?q=perez").has("SIR094701")
    none = manager.get("/centres/candidates?q=XYZ000009")
    assert none.has("No candidates of your centre match your search")
    assert manager.get("/centres/candidates?exam_date=junio").status == 400
    assert manager.get("/centres/candidates/XYZ000009").status == 404
    one = manager.get("/centres/candidates/SIR094701")
    assert one.status == 200 and one.has("Registered") and one.has("Pending")


def test_reissue_shows_the_secret_once_and_prints_it(manager, api):
    r = manager.submit("/centres/candidates/SIR094701", "/centres/candidates/SIR094701/secret", {})
    assert r.status == 200 and r.has("New Secret number")
    secret = re.search(r"<strong>(\d{4})</strong>", r.text).group(1)
    sealed = re.search(r'name="confirmation" value="([^"]+)"', r.text).group(1)
    pdf = manager.client.http.post("/centres/candidates/SIR094701/confirmation", headers={
        **manager._headers(), "Content-Type": "application/x-www-form-urlencoded"},
        body=f"csrf_token={r.csrf()}&confirmation={sealed}".encode())
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body[:4] == b"%PDF"
    reg = {"id_number": "SIR094701", "secret_number": secret, "email": "zoe@example.org",
           "password": "copper-meadow-whistle", "country": "PL", "first_language": "prefer_not_to_say",
           "accept_terms": True, "marketing_opt_in": False}
    assert api.post("/candidates/register", reg).status == 201
    assert manager.get("/centres/candidates/SIR094701").has("Yes")
    other = manager.submit("/centres/candidates/SIR094701", "/centres/candidates/XYZ000009/secret", {})
    assert other.status == 404


def test_reset_needs_the_identity_checked_then_is_audited(manager):
    r = manager.submit("/centres/candidates/SIR094701", "/centres/candidates/SIR094701/reset", {})
    assert r.status == 400 and r.has("Confirm that you have checked the candidate")
    r = manager.submit("/centres/candidates/SIR094701", "/centres/candidates/SIR094701/reset",
                       {"confirm": "yes"})
    assert r.status == 200 and r.has("The account is reset")
    centre = manager.get("/centres/your-centre")
    assert centre.has("Account reset") and centre.has("Mary Manager") and centre.has("SIR094701")


def test_the_manager_adds_and_removes_a_colleague(manager, outbox):  # noqa: F811
    r = manager.submit("/centres/your-centre", "/centres/your-centre/users", {"name": "", "email": ""})
    assert r.status == 400 and r.has("Enter their full name")
    r = manager.submit("/centres/your-centre", "/centres/your-centre/users",
                       {"name": "Carl Colleague", "email": "carl@bath.example"})
    assert r.status == 303
    assert outbox("carl@bath.example")
    page = manager.get("/centres/your-centre?added=1")
    assert page.has("Carl Colleague")
    user_id = re.search(r'/centres/your-centre/users/([^/]+)/remove', page.text).group(1)
    r = manager.submit("/centres/your-centre", f"/centres/your-centre/users/{user_id}/remove", {})
    assert r.status == 303 and not manager.get("/centres/your-centre").has("Carl Colleague")


def test_the_pages_in_spanish(manager):
    manager.accept_language = "es"
    assert manager.get("/centres/candidates").has("Nombre o número de identificación")
    assert manager.get("/centres/candidates/SIR094701").has("Emitir de nuevo el número secreto")


def test_the_board_creates_centres(board, outbox, visitor):  # noqa: F811
    assert visitor.get("/board/centres").headers["location"] == "/board/sign-in"
    page = board.get("/board/centres")
    assert page.status == 200 and page.has("There are no exam centres yet")
    r = board.submit("/board/centres", "/board/centres", {**CENTRE, "manager_email": "bad"})
    assert r.status == 400 and r.has("Enter the centre manager's email address")
    r = board.submit("/board/centres", "/board/centres", CENTRE)
    assert r.status == 303 and r.headers["location"] == "/board/centres?created=GB123"
    assert board.get("/board/centres?created=GB123").has("Bath Language School")
    assert outbox("mary@bath.example")
    r = board.submit("/board/centres", "/board/centres", CENTRE)
    assert r.status == 400 and r.has("A centre with this centre number exists already")


def test_the_header_is_the_centres_area(manager, board):
    page = manager.get("/centres/candidates")
    assert 'href="/centres" class="board-header__brand"' in page.text and page.has("Exam Centre Service")
    assert 'action="/centres/sign-out"' in page.text and 'href="/centres/your-centre"' in page.text
    page = board.get("/board/centres")
    assert 'href="/board" class="board-header__brand"' in page.text and 'aria-current="page"' in page.text
