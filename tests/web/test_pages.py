"""The web foundation through chalice.test.Client: forms, CSRF, the session cookie, security
headers, 404 negotiation, language choice, the first candidate pages."""
from __future__ import annotations

import re

import pytest

from tests.api.conftest import entry_row

from .conftest import Browser

PASSWORD = "violet-harbour-lantern"


@pytest.fixture
def account(api, entries):
    entries(entry_row())
    r = api.post("/candidates/register", {
        "id_number": "SIR094701", "secret_number": "4821", "email": "zoe@example.org", "password": PASSWORD,
        "country": "PL", "first_language": "pl", "accept_terms": True, "marketing_opt_in": False})
    assert r.status == 201, r.json
    return "SIR094701"


def sign_in(visitor: Browser, password: str = PASSWORD, id_number: str = "SIR094701"):
    return visitor.submit("/sign-in", "/sign-in", {"id_number": id_number, "password": password})


# ---------------------------------------------------------------- headers and cookies
def test_every_page_has_the_security_headers_with_a_fresh_nonce(visitor):
    first, second = visitor.get("/"), visitor.get("/")
    for page in (first, second, visitor.get("/sign-in"), visitor.get("/no-such-page")):
        csp = page.headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
        for part in ("default-src 'self'", "style-src 'self'", "img-src 'self' data:",
                     "frame-ancestors 'none'",
                     "form-action 'self'", "base-uri 'none'"):
            assert part in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
    nonce = re.search(r"'nonce-([^']+)'", first.headers["content-security-policy"]).group(1)
    assert f'nonce="{nonce}"' in first.text
    assert first.headers["content-security-policy"] != second.headers["content-security-policy"]
    # every script of the page carries the nonce
    assert all('nonce="' in tag for tag in re.findall(r"<script[^>]*>", first.text))


def test_signing_in_sets_a_host_session_cookie_httponly_secure_lax(visitor, account):
    page = sign_in(visitor)
    assert page.status == 303 and page.headers["location"] == "/results"
    [session] = [c for c in page.headers["set-cookie"] if c.startswith("__Host-session=")]
    attrs = [a.strip() for a in session.split(";")]
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= set(attrs)
    assert not any(a.lower().startswith("domain") for a in attrs)
    results = visitor.get("/results")
    assert results.status == 200 and results.has("Your results") and results.has("Sign out")


def test_the_session_is_the_apis_kind_stored_hashed(visitor, account, app_module):
    from chalicelib.db import models as m
    from chalicelib.services.security import sha256

    sign_in(visitor)
    token = visitor.cookies["__Host-session"]
    assert m.Session.get(m.SESSION + sha256(token), "SESSION").kind == "candidate"
    with pytest.raises(m.Session.DoesNotExist):
        m.Session.get(m.SESSION + token, "SESSION")


def test_sign_out_ends_the_session_on_the_server(visitor, account, api):
    sign_in(visitor)
    token = visitor.cookies["__Host-session"]
    assert api.get("/candidates/me/results", token=token).status == 200  # same store as the API's
    page = visitor.submit("/results", "/sign-out", {})
    assert page.status == 303 and page.headers["location"] == "/signed-out"
    assert any(c.startswith("__Host-session=;") and "Max-Age=0" in c for c in page.headers["set-cookie"])
    assert api.get("/candidates/me/results", token=token).status == 401
    assert visitor.get("/signed-out").has("You have signed out")
    visitor.cookies["__Host-session"] = token  # an old cookie no longer opens the pages
    assert visitor.get("/results").headers["location"] == "/sign-in"


def test_results_needs_signing_in(visitor):
    page = visitor.get("/results")
    assert page.status == 303 and page.headers["location"] == "/sign-in"


# ---------------------------------------------------------------- CSRF
@pytest.mark.parametrize("token", [None, "", "forged", "wrong-but-long-enough-0123456789abcdefghijklmnopq"])
def test_a_post_without_the_right_csrf_token_is_refused(visitor, account, token):
    visitor.get("/sign-in")  # has the pre-session cookie
    fields = {"id_number": "SIR094701", "password": PASSWORD}
    if token is not None:
        fields["csrf_token"] = token
    page = visitor.post("/sign-in", fields)
    assert page.status == 400 and page.has("Sorry, we could not accept that form")
    assert "__Host-session" not in visitor.cookies


def test_a_csrf_token_works_only_with_its_own_cookie(client, account):
    alice, mallory = Browser(client), Browser(client)
    token = mallory.get("/sign-in").csrf()
    alice.get("/sign-in")
    page = alice.post("/sign-in", {"csrf_token": token, "id_number": "SIR094701", "password": PASSWORD})
    assert page.status == 400


def test_sign_out_without_the_token_keeps_the_session(visitor, account, api):
    sign_in(visitor)
    token = visitor.cookies["__Host-session"]
    assert visitor.post("/sign-out", {}).status == 400
    assert api.get("/candidates/me/results", token=token).status == 200


def test_the_signed_in_token_is_tied_to_the_session(client, account):
    one, two = Browser(client), Browser(client)
    sign_in(one)
    sign_in(two)
    stolen = one.get("/results").csrf()
    assert two.post("/sign-out", {"csrf_token": stolen}).status == 400


# ---------------------------------------------------------------- the sign-in form
def test_empty_sign_in_shows_every_error_with_links_and_keeps_nothing_secret(visitor):
    page = visitor.submit("/sign-in", "/sign-in", {"id_number": "", "password": ""})
    assert page.status == 400
    assert page.has("There is a problem")
    assert 'href="#id_number"' in page.text and 'href="#password"' in page.text
    assert page.has("Enter your ID number") and page.has("Enter your password")
    assert "<title>Error: Sign in – Exam Results Service</title>" in page.text
    assert "novalidate" in page.text


def test_a_wrong_password_is_shown_again_with_the_id_but_not_the_password(visitor, account):
    page = sign_in(visitor, password="not-the-password-123")
    assert page.status == 400 and page.has("The ID number or password is not correct")
    assert 'value="SIR094701"' in page.text and "not-the-password-123" not in page.text


def test_the_lock_out_says_how_many_minutes_to_wait(visitor, account):
    for _ in range(5):
        sign_in(visitor, password="wrong-password-123")
    page = sign_in(visitor)
    assert page.status == 429  # Too Many Requests, as on every sign-in page
    assert page.has("Wait 15 minutes, then try again")


def test_the_lock_out_in_spanish(client, account):
    b = Browser(client, lang="es")
    for _ in range(5):
        sign_in(b, password="wrong-password-123")
    page = sign_in(b)
    assert page.has("Hay un problema") and page.has("Espere 15 minutos")


# ---------------------------------------------------------------- results
def test_results_lists_pending_late_and_released(visitor, account, monkeypatch):
    import chalicelib.services.candidates as svc

    pending = {"result_id": "r1", "exam_name": "B2 First", "exam_date": "2099-06-14", "status": "pending",
               "expected_release": {"from": "2099-07-01", "to": "2099-07-20"}}
    late = {**pending, "result_id": "r3", "exam_name": "A2 Key", "exam_date": "2020-01-10",
            "expected_release": {"from": "2020-02-01", "to": "2020-02-20"}}
    released = {"result_id": "r2", "exam_name": "C1 Advanced", "exam_date": "2026-03-01",
                "status": "released",
                "overall_score": 185, "grade": "A", "cefr_level": "C1"}
    seen = []
    monkeypatch.setattr(svc, "list_results", lambda id_number: seen.append(id_number) or
                        {"results": [pending, late, released]})
    sign_in(visitor)
    page = visitor.get("/results")
    assert page.status == 200 and seen == ["SIR094701"]  # the same service as the JSON view
    assert page.has("B2 First") and page.has("Pending")
    assert page.has("Expected between 1 July 2099 and 20 July 2099")
    assert page.has("A2 Key") and page.has("Your result is late. Contact your exam centre.")
    assert "20 February 2020" not in page.text
    assert page.has("C1 Advanced") and page.has("185") and page.has("CEFR level")
    assert 'href="/results/r2"' in page.text
    assert 'href="/results" aria-current="page"' in page.text and page.has("Your results")
    assert page.has("Sign out") and 'action="/sign-out"' in page.text
    es = Browser(visitor.client, lang="es")
    es.cookies = dict(visitor.cookies)
    page = es.get("/results")
    assert page.has("Sus resultados") and page.has("Pendiente") and page.has("1 de julio de 2099")
    assert page.has("Cerrar sesión")


# ---------------------------------------------------------------- 404
def test_unknown_path_is_a_page_for_a_browser_and_json_for_an_api(visitor, client):
    page = visitor.get("/no/such/page")
    assert page.status == 404 and page.headers["content-type"].startswith("text/html")
    assert page.has("Page not found")
    r = client.http.get("/no/such/page", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.headers["Content-Type"] == "application/json"
    assert r.json_body["error"] == "not_found" if hasattr(r, "json_body") else b"not_found" in r.body
    # a known path with the wrong method: the same split
    assert visitor.get("/sign-out").status == 404 and visitor.get("/sign-out").has("Page not found")
    assert b'"not_found"' in client.http.get("/sign-out").body


# ---------------------------------------------------------------- languages
def test_accept_language_decides_without_a_cookie(client):
    es = Browser(client, lang="es-ES,es;q=0.9,en;q=0.5").get("/")
    assert '<html lang="es"' in es.text and es.has("Iniciar sesión") and es.has("Registrarse")
    assert '>English</a>' in es.text
    en = Browser(client, lang="fr-FR, en;q=0.8, es;q=0.7").get("/")
    assert '<html lang="en"' in en.text and en.has("Sign in") and ">Español</a>" in en.text


def test_the_language_link_is_remembered_in_a_cookie(visitor):
    page = visitor.get("/sign-in")
    link = re.search(r'href="(/language/es\?next=[^"]+)"', page.text).group(1)
    switched = visitor.get(link.replace("&amp;", "&"))
    assert switched.status == 303 and switched.headers["location"] == "/sign-in"
    [lang_cookie] = [c for c in switched.headers["set-cookie"] if c.startswith("__Host-lang=es")]
    assert "Secure" in lang_cookie and "Path=/" in lang_cookie
    again = visitor.get("/sign-in")  # Accept-Language is English: the cookie wins
    assert '<html lang="es"' in again.text and again.has("Número de identificación")
    assert "<title>Iniciar sesión – Servicio de Resultados de Exámenes</title>" in again.text


def test_the_language_link_never_leaves_the_site(visitor):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        page = visitor.get(f"/language/es?next={target}")
        assert page.headers["location"] == "/"


# ---------------------------------------------------------------- assets
def test_assets_are_served_hashed_and_immutable(visitor, client):
    page = visitor.get("/")
    css = re.search(r'href="(/assets/main-[0-9a-f]{12}\.css)"', page.text).group(1)
    r = client.http.get(css)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/css")
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"GDS Transport" not in r.body and b"govuk-crest" not in r.body
    js = re.search(r'"(/assets/govuk-frontend-[0-9a-f]{12}\.js)"', page.text).group(1)
    assert client.http.get(js).headers["Content-Type"].startswith("text/javascript")
    assert client.http.get("/assets/manifest.json").status_code == 404
    assert client.http.get("/assets/..%2Fcore.py").status_code == 404
