# ruff: noqa: F811 - fixtures imported from test_candidate_pages are redefined as arguments
"""The result page links the signed digital credential, served as a file a browser keeps."""
from __future__ import annotations

import json

from .conftest import Browser
from .test_candidate_pages import entry, registered, released, sign_in  # noqa: F401 - fixtures


def test_the_result_page_links_the_credential_and_the_link_downloads_it(visitor, released):
    sign_in(visitor)
    page = visitor.get(f"/results/{released}")
    assert page.has("Download digital credential")
    assert f'href="/results/{released}/credential"' in page.text
    got = visitor.get(f"/results/{released}/credential")
    assert got.status == 200
    assert got.headers["content-type"].startswith("application/ld+json")
    assert got.headers["content-disposition"] == f'attachment; filename="credential-{released}.json"'
    assert got.headers["cache-control"] == "no-store"
    doc = json.loads(got.text)
    assert "OpenBadgeCredential" in doc["type"] and doc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    # the same credential as the JSON API's
    again = visitor.get(f"/results/{released}/credential")
    assert json.loads(again.text) == doc


def test_the_link_in_spanish(client, released):
    spanish = Browser(client, lang="es")
    sign_in(spanish)
    assert spanish.get(f"/results/{released}").has("Descargar la credencial digital")


def test_no_credential_without_a_session_or_for_an_unknown_result(visitor, released):
    assert visitor.get(f"/results/{released}/credential").headers["location"] == "/sign-in"
    sign_in(visitor)
    assert visitor.get("/results/nope/credential").status == 404
    assert visitor.get("/results/B2FIRST-20990101/credential").status == 404
