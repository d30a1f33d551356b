"""The candidates' whole journey in a real browser with JavaScript off, one test per language
(few, long tests: each costs seconds), with axe-core on every page and state and every error
state on the way. PAGES.md's words are what the tests look for."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import NEW_ID, NEW_SECRET, Site, no_axe_violations_twin, screenshot_for_readme
from .test_journey import _page

pytestmark = pytest.mark.browser

EMAIL = "ana.web@example.org"
NEW_PASSWORD = "copper-meadow-violin"
RESET_PASSWORD = "silver-orchard-kettle"


def link_token(site: Site, address: str, path: str) -> str:
    """The token of the newest email to `address` whose link opens `path`."""
    deadline = time.monotonic() + 15
    while True:
        for msg in reversed(site.stack.emails_to(address, timeout=1)):
            text = msg.get_body(preferencelist=("plain",)).get_content()
            found = re.search(rf"{re.escape(path)}\?token=([A-Za-z0-9_\-]+)", text)
            if found:
                return found.group(1)
        assert time.monotonic() < deadline, f"no email to {address} with a {path} link"


def summary_has(page: Page, words: str) -> None:
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(words)
    no_axe_violations_twin(page)


def test_the_whole_journey_in_english_with_javascript_off(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "en", js=False)
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    button = lambda text: page.get_by_role("button", name=text, exact=True)  # noqa: E731

    # Register: empty, then every field wrong at once
    page.goto("/")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Register", level=1)).to_be_visible()
    no_axe_violations_twin(page)
    button("Register").click()
    for field in (
        "id_number",
        "secret_number",
        "email",
        "confirm_email",
        "password",
        "confirm_password",
        "country",
        "first_language",
        "accept_terms",
    ):
        expect(page.locator(f'.govuk-error-summary a[href="#{field}"]')).to_be_visible()
    no_axe_violations_twin(page)

    def fill(secret: str, confirm_email: str = EMAIL, confirm_password: str = NEW_PASSWORD) -> None:
        label("ID number").fill(NEW_ID)
        label("Secret number").fill(secret)
        label("Email address").fill(EMAIL)
        label("Confirm email address").fill(confirm_email)
        label("Password").fill(NEW_PASSWORD)
        label("Confirm password").fill(confirm_password)
        label("Country").select_option("ES")
        label("First language").select_option("es")
        label("I agree to the terms of use").check()
        label("Send me occasional emails about exams").check()
        button("Register").click()

    fill(NEW_SECRET, confirm_email="ana@example.org", confirm_password="something-else-1")
    summary_has(page, "The email addresses do not match")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The passwords do not match")
    expect(label("Password")).to_have_value("")  # never shown again
    expect(label("ID number")).to_have_value(NEW_ID)
    fill("9999")  # a wrong secret number says where the numbers are printed
    summary_has(page, "Confirmation of Entry")
    expect(page.locator(".govuk-error-summary")).to_contain_text("exam centre can help")
    page.get_by_role("link", name="Forgotten your ID number or Secret number?").click()
    expect(page.get_by_role("heading", name="Contact your exam centre")).to_be_visible()
    no_axe_violations_twin(page)
    page.goto("/register")
    fill(NEW_SECRET)
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    no_axe_violations_twin(page)

    # Confirm the address from the link in the email; the link works once
    token = link_token(site, EMAIL, "/verify-email")
    page.goto(f"/verify-email?token={token}")
    expect(page.get_by_role("heading", name="Your email address is confirmed")).to_be_visible()
    no_axe_violations_twin(page)
    page.goto(f"/verify-email?token={token}")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    no_axe_violations_twin(page)

    # Sign in, results, details
    page.get_by_role("link", name="Sign in").first.click()
    label("ID number").fill(NEW_ID)
    label("Password").fill(NEW_PASSWORD)
    button("Sign in").click()
    expect(page).to_have_url(re.compile(r"/results$"))
    screenshot_for_readme(page, "candidate-results")
    page.get_by_role("link", name=re.compile("^View details")).first.click()
    expect(page.get_by_role("heading", name="B2 First", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("SOR-WEB-000002")
    expect(page.get_by_role("rowheader", name="Use of English")).to_be_visible()
    no_axe_violations_twin(page)
    statement = page.get_by_role("link", name="Download Statement of Results (PDF)")
    href = statement.get_attribute("href")
    reply = page.request.get(href or "", max_redirects=0)
    assert reply.status == 303 and "Signature" in reply.headers["location"]

    # Share: a too-short search, then two King's Colleges told apart by country
    page.get_by_role("button", name="Share this result").click()
    no_axe_violations_twin(page)
    label("Organisation name").fill("k")
    button("Search").click()
    summary_has(page, "at least 2 letters")
    label("Organisation name").fill("King")
    button("Search").click()
    expect(page.locator("main")).to_contain_text("United Kingdom")
    expect(page.locator("main")).to_contain_text("United States")
    no_axe_violations_twin(page)
    button("Share with King's College London").click()
    expect(page.get_by_role("heading", name="Shared results", level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("King's College London")
    expect(page.get_by_role("cell", name="Not viewed yet")).to_be_visible()
    no_axe_violations_twin(page)
    button("Stop sharing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have stopped sharing")
    no_axe_violations_twin(page)

    # Your details: save, a wrong current password, then the change
    page.get_by_role("link", name="Your details").click()
    expect(label("Email address")).to_have_value(EMAIL)
    expect(label("Send me occasional emails about exams")).to_be_checked()
    no_axe_violations_twin(page)
    label("Send me occasional emails about exams").uncheck()
    button("Save details").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your details are saved")
    no_axe_violations_twin(page)
    label("Current password").fill("not-my-password-1")
    label("New password").fill(RESET_PASSWORD)
    label("Confirm password").fill(RESET_PASSWORD)
    button("Change password").click()
    summary_has(page, "Your current password is not correct")
    label("Current password").fill(NEW_PASSWORD)
    label("New password").fill("another-password-22")
    label("Confirm password").fill("another-password-22")
    button("Change password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed")
    button("Sign out").click()

    # Forgotten password, then reset from the link (which then stops working)
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    no_axe_violations_twin(page)
    button("Send reset link").click()
    summary_has(page, "Enter your ID number")
    label("ID number").fill(NEW_ID)
    label("Email address").fill(EMAIL)
    button("Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    no_axe_violations_twin(page)
    reset = link_token(site, EMAIL, "/reset-password")
    page.goto(f"/reset-password?token={reset}")
    no_axe_violations_twin(page)
    label("New password").fill(RESET_PASSWORD)
    label("Confirm password").fill("different-password-3")
    button("Save password").click()
    summary_has(page, "The passwords do not match")
    label("New password").fill(RESET_PASSWORD)
    label("Confirm password").fill(RESET_PASSWORD)
    button("Save password").click()
    expect(page.get_by_role("heading", name="Your new password is saved")).to_be_visible()
    no_axe_violations_twin(page)
    page.goto(f"/reset-password?token={reset}")
    expect(page.get_by_role("heading", name="This password reset link does not work")).to_be_visible()
    no_axe_violations_twin(page)
    page.goto("/sign-in")
    label("ID number").fill(NEW_ID)
    label("Password").fill(RESET_PASSWORD)
    button("Sign in").click()
    expect(page).to_have_url(re.compile(r"/results$"))
    page.context.close()


def test_the_key_pages_in_spanish_with_javascript_off(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "es", js=False)
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    button = lambda text: page.get_by_role("button", name=text, exact=True)  # noqa: E731

    page.goto("/register")
    for text in (
        "Número de identificación",
        "Número secreto",
        "Correo electrónico",
        "Confirme el correo electrónico",
        "Contraseña",
        "Confirme la contraseña",
        "País",
        "Lengua materna",
        "Acepto las condiciones de uso",
        "Quiero recibir correos ocasionales sobre los exámenes",
    ):
        expect(label(text)).to_be_attached()
    expect(label("País").locator("option[value=ES]")).to_have_text("España")
    button("Registrarse").click()
    expect(page.get_by_role("heading", name="Hay un problema")).to_be_visible()
    no_axe_violations_twin(page)

    page.goto("/forgotten-password")
    expect(button("Enviar enlace")).to_be_visible()
    no_axe_violations_twin(page)

    page.goto("/sign-in")
    label("Número de identificación").fill(site.id_number)
    label("Contraseña").fill(site.password)
    button("Iniciar sesión").click()
    page.get_by_role("link", name=re.compile("B2 First")).first.click()
    expect(page.get_by_role("link", name="Descargar el certificado de resultados (PDF)")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("button", name="Compartir este resultado").click()
    label("Nombre de la organización").fill("King")
    button("Buscar").click()
    expect(button("Compartir con King's College")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Estados Unidos")
    no_axe_violations_twin(page)
    button("Compartir con King's College").click()
    expect(page.get_by_role("heading", name="Resultados compartidos", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="Aún no visto")).to_be_visible()
    expect(button("Dejar de compartir")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("link", name="Sus datos").click()
    for text in (
        "Correo electrónico",
        "País",
        "Lengua materna",
        "Contraseña actual",
        "Nueva contraseña",
        "Confirme la contraseña",
    ):
        expect(label(text)).to_be_attached()
    expect(button("Guardar datos")).to_be_visible()
    expect(button("Cambiar contraseña")).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("link", name="Resultados compartidos").click()
    button("Dejar de compartir").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ha dejado de compartir")
    page.context.close()
