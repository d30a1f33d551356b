"""Languages of the pages: English and Spanish, from gettext catalogues (translations/).

The language is the `__Host-lang` cookie's when it names one we have, else the best of
`Accept-Language`, else English. Catalogues: the compiled .mo when `make assets` built it, else
the .po compiled in memory (so a checkout works before any build step)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "es")
DEFAULT = "en"
NAMES = {"en": "English", "es": "Español"}  # each in its own language: the switch's link text
COOKIE = "__Host-lang"
TRANSLATIONS = Path(__file__).parent / "translations"


def from_accept_language(header: str | None) -> str | None:
    """The supported language the client prefers most (RFC 9110 quality values)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0 and (best is None or (q, -position) > (best[0], best[1])):
            best = (q, -position, primary)
    return best[2] if best else None


def choose(cookies: dict[str, str], headers: Any) -> str:
    chosen = cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return from_accept_language(headers.get("accept-language")) or DEFAULT


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> Any:
    """A gettext.GNUTranslations for `lang` (NullTranslations for English, the source language)."""
    import gettext

    if lang == DEFAULT:
        return gettext.NullTranslations()
    mo = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    po = mo.with_suffix(".po")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)
