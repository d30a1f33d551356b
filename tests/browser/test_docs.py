"""/docs in a real browser: without JavaScript the operations table; with it, Swagger UI from our
own assets renders the OpenAPI document with no CSP violation; axe in both states."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .conftest import Site, no_axe_violations, no_axe_violations_twin
from .test_journey import _page

pytestmark = pytest.mark.browser


def test_the_reference_without_javascript(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "en", js=False)
    page.goto("/docs")
    expect(page.get_by_role("heading", name="API reference")).to_be_visible()
    table = page.get_by_role("table", name="Verifiers' systems (X-Api-Key)")
    expect(table.get_by_role("cell", name="/api/v1/shares", exact=True)).to_be_visible()
    no_axe_violations_twin(page)
    page.get_by_role("link", name="Connecting your systems").click()
    heading = "Connecting your systems to the Results Verification Service"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    no_axe_violations_twin(page)
    page.context.close()


def test_swagger_ui_renders_the_document_under_the_csp(browser: Browser, site: Site) -> None:
    page = _page(browser, site, "en", js=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/docs")
    expect(page.locator("#swagger-ui .opblock-tag-section").first).to_be_visible(timeout=20000)
    expect(page.locator("#swagger-ui").get_by_text("/api/v1/shares", exact=True)).to_be_visible()
    expect(page.locator(".api-docs__fallback")).to_be_hidden()
    assert problems == []
    no_axe_violations(page)
    page.context.close()
