"""A candidate whose organisation is not listed invites it to register (issue 13), in a real
browser with JavaScript off, axe-core on the form, its error state and the confirmation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.leaks import shows

from .conftest import Site, no_axe_violations_twin
from .test_journey import _page

pytestmark = pytest.mark.browser

ADDRESS = "admissions@uni.lodz.pl"


def test_invite_an_organisation_that_is_not_listed(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "en", js=False)
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    button = lambda text: page.get_by_role("button", name=text, exact=True)  # noqa: E731

    page.goto("/sign-in")
    label("ID number").fill(site.id_number)
    label("Password").fill(site.password)
    button("Sign in").click()
    expect(page).to_have_url(re.compile(r"/results$"))
    page.get_by_role("link", name="View details – B2 First").click()
    page.get_by_role("button", name="Share this result").click()

    # A search that finds an organisation offers no invitation
    label("Organisation name").fill("King")
    button("Search").click()
    expect(page.get_by_role("button", name="Share with King's College London")).to_be_visible()
    expect(button("Send invitation")).to_have_count(0)

    # A search that finds nothing offers the form
    label("Organisation name").fill("Lodz")
    button("Search").click()
    expect(page.get_by_role("heading", name="0 organisations found")).to_be_visible()
    expect(page.get_by_role("heading", name="Invite the organisation to register")).to_be_visible()
    no_axe_violations_twin(page)

    # Its error state: an address that is not at the website's domain
    label("Organisation email address").fill("someone@gmail.com")
    label("Organisation website").fill("https://www.uni.lodz.pl")
    button("Send invitation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter an email address at the organisation’s website")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#email")
    expect(label("Organisation website")).to_have_value("https://www.uni.lodz.pl")
    no_axe_violations_twin(page)

    # Sent: the confirmation, and the organisation's email with a link to register
    label("Organisation email address").fill(ADDRESS)
    button("Send invitation").click()
    expect(page).to_have_url(re.compile(r"/share\?invited=sent$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have sent your invitation")
    no_axe_violations_twin(page)
    [mail] = site.stack.emails_to(ADDRESS)
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert re.search(r"https?://\S+/organisations\s", text)
    assert "SOR-WEB-000001" not in text and not shows(text, "176")  # (the link's port may hold 176)
