"""The verifiers' account journey in a real browser with JavaScript off: register the organisation,
the exam board approves it (JSON API, the stack's staff account), set the password from the
emailed link, sign in, Your organisation (add an Admin User, who then sees no Primary-only
controls), email notifications, two-factor set-up and a sign-in with a code; one page in Spanish.
axe-core on every page and state, errors included. PAGES.md's words are what the tests look for."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from .conftest import Site, no_axe_violations_twin
from .test_candidate_journey import link_token, summary_has
from .test_journey import _page

pytestmark = pytest.mark.browser

DOMAIN = "uni-web.ac.uk"
EMAIL = f"ada@{DOMAIN}"
ADMIN_EMAIL = f"sam@{DOMAIN}"
ORG_NAME = "University of the Web"
PASSWORD = "amber-lighthouse-quartet"
ADMIN_PASSWORD = "willow-canyon-trumpet"
SET_PASSWORD = "/organisations/set-password"


def helpers(page: Page):
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    button = lambda text: page.get_by_role("button", name=text, exact=True)  # noqa: E731
    return label, button


def approve(site: Site, name: str) -> None:
    auth = {"Authorization": f"Bearer {site.stack.staff_token()}"}
    base = site.base_url
    listed = requests.get(f"{base}/staff/organisations?status=pending", headers=auth, timeout=10).json()
    [org] = [o for o in listed["organisations"] if o["name"] == name]
    r = requests.post(f"{base}/staff/organisations/{org['org_id']}/approve", headers=auth, timeout=10)
    assert r.status_code == 200, r.text


def set_password(page: Page, site: Site, address: str, password: str) -> None:
    label, button = helpers(page)
    page.goto(f"{SET_PASSWORD}?token={link_token(site, address, SET_PASSWORD)}")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    no_axe_violations_twin(page)
    label("Password").fill(password)
    label("Confirm password").fill(password + "-not")
    button("Save password").click()
    summary_has(page, "The passwords do not match")
    label("Password").fill(password)
    label("Confirm password").fill(password)
    button("Save password").click()
    expect(page.get_by_text("Your password is saved")).to_be_visible()
    no_axe_violations_twin(page)


def sign_in(page: Page, address: str, password: str) -> None:
    label, button = helpers(page)
    page.goto("/organisations/sign-in")
    label("Email address").fill(address)
    label("Password").fill(password)
    button("Sign in").click()


def test_register_approve_set_password_sign_in_and_manage_the_organisation(browser: Browser,
                                                                          site: Site) -> None:

    from tests.two_factor import fresh_code

    page = _page(browser, site, "en", js=False)
    label, button = helpers(page)

    # Start page, then register: empty, then an email outside the website's domain
    page.goto("/organisations")
    expect(page.get_by_role("link", name="Join an existing account")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("button", name="Register your organisation").click()
    expect(page.get_by_role("heading", name="Register your organisation", level=1)).to_be_visible()
    no_axe_violations_twin(page)
    button("Register").click()
    for field in ("first_name", "family_name", "job_title", "email", "confirm_email", "organisation_name",
                  "organisation_type", "website", "country"):
        expect(page.locator(f'.govuk-error-summary a[href="#{field}"]')).to_be_visible()
    no_axe_violations_twin(page)

    def fill(address: str) -> None:
        label("First name").fill("Ada")
        label("Family name").fill("Okafor")
        label("Job title").fill("Admissions officer")
        label("Email address").fill(address)
        label("Confirm email address").fill(address)
        label("Organisation name").fill(ORG_NAME)
        label("Organisation type").select_option("university")
        label("Website").fill(f"https://www.{DOMAIN}/")
        label("Country").select_option("GB")
        button("Register").click()

    fill("ada@gmail.com")
    summary_has(page, f"Enter an email address at {DOMAIN}, your organisation's website")
    expect(page.locator("#email-error")).to_be_visible()  # beside the field
    fill(EMAIL)
    expect(page.get_by_text("Your organisation is registered")).to_be_visible()
    no_axe_violations_twin(page)

    # The exam board approves; the emailed link opens the set-password page
    approve(site, ORG_NAME)
    set_password(page, site, EMAIL, PASSWORD)

    # Sign in: a wrong password, then the right one, which lands on the shared results
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("link", name="Forgotten your password?")).to_be_visible()
    no_axe_violations_twin(page)
    sign_in(page, EMAIL, "not-the-password")
    summary_has(page, "The email address or password is not correct")
    sign_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/organisations/shared-results$"))

    # Your organisation: add an Admin User (empty first), create an API key, add a webhook
    page.goto("/organisations/your-organisation")
    expect(page.get_by_role("heading", name="Your organisation", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Email notifications")).to_be_visible()
    no_axe_violations_twin(page)
    button("Add user").click()
    summary_has(page, "Enter your first name")
    label("First name").fill("Sam")
    label("Family name").fill("Lee")
    label("Job title").fill("Admissions clerk")
    label("Email address").fill(ADMIN_EMAIL)
    button("Add user").click()
    expect(page.get_by_text("The user is added")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Sam Lee"))).to_be_visible()
    no_axe_violations_twin(page)
    label("Key name").fill("HR system")
    button("Create API key").click()
    key = page.get_by_label("API key", exact=True)
    expect(key).to_have_attribute("readonly", "readonly")
    expect(key).to_have_value(re.compile(r"^rvs_"))
    no_axe_violations_twin(page)
    page.get_by_role("button", name="Back to your organisation").click()
    expect(page.get_by_role("row", name=re.compile("HR system"))).to_contain_text("Never used")
    label("Web address").fill("ftp://hooks.example.org/x")
    button("Add webhook").click()
    summary_has(page, "Enter a public web address that starts with https://")
    label("Web address").fill("https://hooks.example.org/results")
    button("Add webhook").click()
    expect(page.get_by_label("Signing secret", exact=True)).to_have_value(re.compile(r"^whsec_"))
    no_axe_violations_twin(page)

    # Email notifications
    page.goto("/organisations/your-organisation")
    page.get_by_role("link", name="Email notifications").click()
    expect(page.get_by_role("group", name="How often")).to_be_visible()
    no_axe_violations_twin(page)
    label("Weekly").check()
    button("Save").click()
    expect(page.get_by_text("Your email notifications are saved.")).to_be_visible()
    expect(label("Weekly")).to_be_checked()
    no_axe_violations_twin(page)

    # The Admin User sets a password from the invitation and sees none of the Primary controls
    admin = _page(browser, site, "en", js=False)
    set_password(admin, site, ADMIN_EMAIL, ADMIN_PASSWORD)
    sign_in(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(admin).to_have_url(re.compile(r"/organisations/shared-results$"))
    admin.goto("/organisations/your-organisation")
    expect(admin.get_by_text(ORG_NAME)).to_be_visible()
    for name in ("Add user", "Create API key", "Remove", "Revoke", "Add webhook"):
        expect(admin.get_by_role("button", name=name, exact=True)).to_have_count(0)
    no_axe_violations_twin(admin)

    # Two-factor: set up from the page (QR code + the secret in text), a wrong code, then a right one
    page.goto("/organisations/two-factor")
    no_axe_violations_twin(page)
    button("Set up two-factor sign-in").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator(".board-secret").inner_text().strip()
    no_axe_violations_twin(page)
    label("Code").fill("000000")
    button("Turn on two-factor sign-in").click()
    summary_has(page, "The code is not correct")
    label("Code").fill(fresh_code(secret))
    button("Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    no_axe_violations_twin(page)

    # Sign out, sign in again: the code step
    page.goto("/organisations/your-organisation")
    button("Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    no_axe_violations_twin(page)
    sign_in(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    no_axe_violations_twin(page)
    label("Code").fill("123456")
    button("Continue").click()
    summary_has(page, "The code is not correct")
    label("Code").fill(fresh_code(secret))
    button("Continue").click()
    expect(page).to_have_url(re.compile(r"/organisations/shared-results$"))
    page.goto("/organisations/your-organisation")
    expect(page.get_by_role("heading", name="Your organisation", level=1)).to_be_visible()


def test_sign_in_and_register_pages_in_spanish(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "es", js=False)
    label, button = helpers(page)
    page.goto("/organisations/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(label("Correo electrónico")).to_be_visible()
    expect(label("Contraseña")).to_be_visible()
    expect(page.get_by_role("link", name="¿Ha olvidado su contraseña?")).to_be_visible()
    no_axe_violations_twin(page)
    button("Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hay un problema")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Introduzca su correo electrónico")
    no_axe_violations_twin(page)
    page.goto("/organisations/register")
    for text in ("Nombre", "Apellidos", "Cargo", "Nombre de la organización", "Tipo de organización",
                 "Sitio web", "País"):
        expect(label(text)).to_be_visible()
    expect(button("Registrarse")).to_be_visible()
    no_axe_violations_twin(page)
