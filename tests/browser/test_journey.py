"""The candidates' first pages in a real browser, JavaScript off, in English and Spanish, with
axe-core on every page and state (PAGES.md's words are what the tests look for)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Site, no_axe_violations, no_axe_violations_twin

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"lang_link": "Español", "register": "Register", "sign_in": "Sign in", "id": "ID number",
           "password": "Password", "problem": "There is a problem", "results": "Your results",
           "shared": "Shared results", "details": "Your details", "sign_out": "Sign out",
           "pending": "Pending",
           "title": "Sign in – Exam Results Service", "wait": "Wait 15 minutes", "wrong": "is not correct",
           "signed_out": "You have signed out", "not_found": "Page not found",
           "forgotten": "Forgotten your password?"},
    "es": {"lang_link": "English", "register": "Registrarse", "sign_in": "Iniciar sesión",
           "id": "Número de identificación", "password": "Contraseña", "problem": "Hay un problema",
           "results": "Sus resultados", "shared": "Resultados compartidos", "details": "Sus datos",
           "sign_out": "Cerrar sesión", "pending": "Pendiente",
           "title": "Iniciar sesión – Servicio de Resultados de Exámenes", "wait": "Espere 15 minutos",
           "wrong": "no son correctos", "signed_out": "Ha cerrado la sesión",
           "not_found": "Página no encontrada",
           "forgotten": "¿Ha olvidado su contraseña?"},
}


def _page(browser: Browser, site: Site, lang: str, js: bool) -> Page:
    context = browser.new_context(base_url=site.base_url, java_script_enabled=js,
                                  locale="es-ES" if lang == "es" else "en-GB")
    return context.new_page()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_start_sign_in_results_sign_out_with_javascript_off(browser: Browser, site: Site, lang: str) -> None:
    w = WORDS[lang]
    page = _page(browser, site, lang, js=False)

    # The start page links to Register and Sign in, and to the other language by its own name
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("button", name=w["register"])).to_be_visible()  # a start button (role=button)
    expect(page.get_by_role("link", name=w["lang_link"])).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("link", name=w["sign_in"], exact=True).click()

    # Sign in, empty: the error summary links to each field, the messages beside them
    expect(page).to_have_title(w["title"])
    expect(page.get_by_role("link", name=w["forgotten"])).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("button", name=w["sign_in"]).click()
    expect(page.get_by_role("heading", name=w["problem"])).to_be_visible()
    summary = page.locator(".govuk-error-summary")
    expect(summary.locator('a[href="#id_number"]')).to_be_visible()
    expect(summary.locator('a[href="#password"]')).to_be_visible()
    no_axe_violations_twin(page)

    # A wrong password: shown again with the ID typed, never the password
    page.get_by_label(w["id"], exact=True).fill(site.id_number)
    page.get_by_label(w["password"], exact=True).fill("not-the-password-1")
    page.get_by_role("button", name=w["sign_in"]).click()
    expect(summary).to_contain_text(w["wrong"])
    expect(page.get_by_label(w["id"], exact=True)).to_have_value(site.id_number)
    expect(page.get_by_label(w["password"], exact=True)).to_have_value("")

    # Signed in: the results, pending and released, and the signed-in navigation
    page.get_by_label(w["password"], exact=True).fill(site.password)
    page.get_by_role("button", name=w["sign_in"]).click()
    expect(page).to_have_url(re.compile(r"/results$"))
    expect(page.get_by_role("heading", name=w["results"], level=1)).to_be_visible()
    expect(page.get_by_role("link", name=w["results"])).to_be_visible()
    expect(page.get_by_text(w["pending"], exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("176")
    expect(page.locator("main")).to_contain_text("B2")
    no_axe_violations_twin(page)

    # Sign out is a button; the session is over
    page.get_by_role("button", name=w["sign_out"]).click()
    expect(page.get_by_role("heading", name=w["signed_out"])).to_be_visible()
    no_axe_violations_twin(page)
    page.goto("/results")
    expect(page).to_have_url(re.compile(r"/sign-in$"))

    # An unknown path is a page, in the reader's language
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", name=w["not_found"])).to_be_visible()
    no_axe_violations_twin(page)
    page.context.close()


def test_the_language_link_switches_and_is_remembered(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "en", js=False)
    page.goto("/sign-in")
    page.get_by_role("link", name="Español").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_label("Número de identificación")).to_be_visible()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="English").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.context.close()


def test_javascript_on_enhances_without_csp_errors(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "en", js=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/sign-in")
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()  # the enhancement ran
    assert problems == []
    no_axe_violations(page)
    page.context.close()


def test_the_lock_out_page_says_how_long_to_wait(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "es", js=False)
    page.goto("/sign-in")
    for _ in range(6):
        page.get_by_label("Número de identificación", exact=True).fill("WEB100099")
        page.get_by_label("Contraseña", exact=True).fill("wrong-password-1")
        page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Espere 15 minutos")
    no_axe_violations_twin(page)
    page.context.close()


def test_the_twin_check_sees_the_javascript_off_page_s_own_html(browser: Browser, site: Site) -> None:
    """The check every JavaScript-off page gets finds a violation in that page's HTML, not in
    whatever the twin showed before (a page with an unlabelled field, served at the site's origin)."""
    page = _page(browser, site, "en", js=False)
    page.goto("/")
    no_axe_violations_twin(page)  # the twin now holds a clean page
    page.route("**/axe-probe", lambda route: route.fulfill(
        content_type="text/html; charset=utf-8",
        body='<!DOCTYPE html><html lang="en"><head><title>Probe</title></head><body><main>'
             '<h1>Probe</h1><input type="text" name="unlabelled"></main></body></html>'))
    page.goto("/axe-probe")
    with pytest.raises(AssertionError, match="label"):
        no_axe_violations_twin(page)
    page.goto("/")
    no_axe_violations_twin(page)  # and a clean page after it passes again
    page.context.close()
