"""Country and language codes and names from CLDR (domain/locales.py)."""
from __future__ import annotations

from chalicelib.domain import locales


def test_codes_are_iso_3166_1_alpha_2_and_iso_639_1():
    countries, languages = locales.country_codes(), locales.language_codes()
    assert len(countries) == 249 and len(languages) == 183
    assert {"GB", "ES", "PL", "AX", "TW"} <= countries
    assert not {"EU", "UN", "XK", "ZZ", "419", "001"} & countries
    assert {"en", "es", "pl", "tl"} <= languages and "sh" not in languages and "ast" not in languages


def test_names_are_in_the_readers_language_and_sorted_for_them():
    es = dict(locales.countries("es"))
    assert es["DE"] == "Alemania" and es["ES"] == "España"
    names = [name for _, name in locales.countries("es")]
    assert names.index("Alemania") < names.index("Austria") < names.index("Zimbabue")
    en = [name for _, name in locales.countries("en")]
    assert en.index("Åland Islands") < en.index("Albania")  # an accent does not send it to the end
    assert dict(locales.languages("es"))["en"] == "inglés"


def test_problems():
    assert locales.country_problem("GB") is None and locales.country_problem("prefer_not_to_say") is None
    assert locales.country_problem("Narnia") and locales.organisation_country_problem("prefer_not_to_say")
    assert locales.language_problem("es") is None and locales.language_problem("spa")
