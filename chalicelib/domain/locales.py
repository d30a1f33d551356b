"""The country and language codes the service accepts, and their names in a reader's language.

Codes and names come from CLDR (Babel's locale data), so that the list and the words are the
ones every other service uses:
- countries: ISO 3166-1 alpha-2 codes (CLDR's two-letter territories, less the ones that are
  not countries in ISO 3166-1: EU, UN, pseudo-regions, exceptionally reserved codes, XK);
- languages: ISO 639-1 codes (CLDR's two-letter languages, less the deprecated `sh`);
- or PREFER_NOT_TO_SAY where a form offers it.
Babel is imported inside the functions: `import app` must stay cheap (bench/startup.py).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

PREFER_NOT_TO_SAY = "prefer_not_to_say"

# Two-letter CLDR territories that are not ISO 3166-1 alpha-2 country codes.
_NOT_ISO_COUNTRIES = frozenset({
    "AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ",
})
_NOT_ISO_LANGUAGES = frozenset({"sh"})  # Serbo-Croatian: deprecated in ISO 639-1


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    from babel import Locale

    return frozenset(code for code in map(str, Locale("en").territories)
                     if len(code) == 2 and code.isalpha() and code.isupper()
                     and code not in _NOT_ISO_COUNTRIES)


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    from babel import Locale

    return frozenset(code for code in map(str, Locale("en").languages)
                     if len(code) == 2 and code.isalpha() and code.islower()
                     and code not in _NOT_ISO_LANGUAGES)


def country_problem(value: str) -> str | None:
    """None for an ISO 3166-1 alpha-2 code or PREFER_NOT_TO_SAY; else what is wrong."""
    if value == PREFER_NOT_TO_SAY or value in country_codes():
        return None
    return f'must be an ISO 3166-1 alpha-2 country code (such as "GB") or "{PREFER_NOT_TO_SAY}"'


def organisation_country_problem(value: str) -> str | None:
    """An organisation is somewhere: a country code, and no PREFER_NOT_TO_SAY."""
    if value in country_codes():
        return None
    return 'must be an ISO 3166-1 alpha-2 country code (such as "GB")'


def language_problem(value: str) -> str | None:
    if value == PREFER_NOT_TO_SAY or value in language_codes():
        return None
    return f'must be an ISO 639-1 language code (such as "es") or "{PREFER_NOT_TO_SAY}"'


def _sorted_names(names: Any, codes: frozenset[str]) -> list[tuple[str, str]]:
    """Sorted for a reader: accents do not send a name to the end ("Österreich" sorts with
    "O", "Åland" with "A"), and case does not matter."""
    import unicodedata

    def key(item: tuple[str, str]) -> tuple[str, str]:
        plain = "".join(c for c in unicodedata.normalize("NFKD", item[1]) if not unicodedata.combining(c))
        return plain.casefold(), item[1]

    return sorted(((code, str(names.get(code, code))) for code in codes), key=key)


@lru_cache(maxsize=8)
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, named and sorted in `lang` (e.g. "es": "España")."""
    from babel import Locale

    return tuple(_sorted_names(Locale.parse(lang).territories, country_codes()))


@lru_cache(maxsize=8)
def languages(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every ISO 639-1 language, named and sorted in `lang`."""
    from babel import Locale

    return tuple(_sorted_names(Locale.parse(lang).languages, language_codes()))
