"""/docs (the API reference) and /docs/integrating (the integrators' guide): served by the app,
every documented operation listed without JavaScript, our own assets only, under the CSP."""
from __future__ import annotations

import re


def test_the_reference_lists_every_documented_operation(visitor) -> None:
    from chalicelib.api.openapi import operations

    page = visitor.get("/docs")
    assert page.status == 200
    row = r"<code>([A-Z]+)</code></td>\s*<td class=\"govuk-table__cell\"><code>([^<]+)</code>"
    listed = set(re.findall(row, page.text))
    assert listed == operations()
    assert page.has("/openapi.json") and 'href="/docs/integrating"' in page.text


def test_the_reference_uses_only_our_own_assets_under_the_csp(visitor) -> None:
    page = visitor.get("/docs")
    csp = page.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.text)
    assert any("swagger-ui" in s for s in sources)
    assert all(s.startswith("/assets/") for s in sources), sources
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<script[^>]*>", page.text))


def test_the_guide_is_the_rendered_markdown(visitor) -> None:
    page = visitor.get("/docs/integrating")
    assert page.status == 200
    assert page.has("Connecting your systems to the Results Verification Service")
    assert '<h2 class="govuk-heading-m"' in page.text and '<pre' in page.text
    # the guide's link to the webhooks guide opens that guide's page
    assert 'href="/docs/webhooks"' in page.text
    assert visitor.get("/docs/webhooks").has("Verifying a delivery")
    assert visitor.get("/docs/nothing-here").status == 404


def test_in_spanish_the_pages_say_the_reference_is_in_english(visitor) -> None:
    visitor.accept_language = "es"
    page = visitor.get("/docs")
    assert '<html lang="es"' in page.text and page.has("La referencia está en inglés")
    assert 'lang="en"' in page.text  # the English parts are marked as such
    assert visitor.get("/docs/integrating").has("Esta guía está en inglés")
