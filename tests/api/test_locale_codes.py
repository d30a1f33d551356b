"""Country and language fields accept only CLDR's ISO codes (domain/locales.py), or
"prefer_not_to_say" where a person may decline: registration, PATCH /candidates/me and an
organisation's registration."""
from __future__ import annotations

import pytest

from .conftest import entry_row
from .test_candidates import login, register
from .verifier_kit import registration


@pytest.fixture
def token(api, entries):
    entries(entry_row())
    assert register(api).status == 201
    return login(api).json["token"]


@pytest.mark.parametrize("field,value", [
    ("country", "Narnia"), ("country", "gb"), ("country", "EU"), ("country", "XK"), ("country", "GBR"),
    ("first_language", "Klingon"), ("first_language", "EN"), ("first_language", "sh"),
    ("first_language", "spa"), ("country", ""),
])
def test_profile_refuses_what_is_not_a_code(api, token, field, value):
    r = api.patch("/candidates/me", {field: value}, token=token)
    assert r.status == 400
    assert r.json["error"] == "validation_error" and field in r.json["fields"]
    assert api.get("/candidates/me", token=token).json[field] != value


@pytest.mark.parametrize("body", [
    {"country": "ES"}, {"country": "prefer_not_to_say"}, {"first_language": "es"},
    {"first_language": "prefer_not_to_say"}, {"country": "AX", "first_language": "tl"},
])
def test_profile_accepts_codes_and_prefer_not_to_say(api, token, body):
    r = api.patch("/candidates/me", body, token=token)
    assert r.status == 200, r.json
    assert {k: r.json[k] for k in body} == body


def test_registration_reports_both_bad_codes_at_once(api, entries):
    entries(entry_row())
    r = register(api, country="Narnia", first_language="Elvish")
    assert r.status == 400
    assert set(r.json["fields"]) == {"country", "first_language"}


def test_organisation_country_must_be_a_country_code(api):
    body = registration("uni-north.ac.uk", "University of the North")
    for value in ("Narnia", "prefer_not_to_say", "uk"):
        body["organisation"]["country"] = value
        bad = api.post("/verifiers/register", body)
        assert bad.status == 400 and "country" in str(bad.json["fields"]), bad.json
    ok = api.post("/verifiers/register", registration("uni-north.ac.uk", "University of the North"))
    assert ok.status == 202, ok.json
