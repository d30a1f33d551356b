"""The emails' words and looks: one Jinja2 template per email (`templates/<kind>.jinja`), rendered
twice, as HTML (autoescaped, the board's identity, inline styles only) and as its plain-text
twin, in the reader's language through the gettext catalogue of the "emails" domain
(`translations/es/LC_MESSAGES/emails.po`, separate from the pages' "messages" domain).

An email template extends `layout.jinja`, fills the blocks `subject` and `body`, and writes its
body with the macros of `parts.jinja` (imported as `e`), which know the format being rendered:
`e.p(text)` a paragraph, `e.action(label, url)` the one button-like link, `e.quote(text)` the
reader's own words set apart. Values are escaped in the HTML, not in the text.

    make translations-update   extracts the templates' messages and merges them into the .po
    make assets                compiles emails.mo (without it the .po is compiled in memory)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
TRANSLATIONS = HERE / "translations"
DOMAIN = "emails"
LANGUAGES = ("en", "es")
DEFAULT = "en"

# The board's identity, as on the pages (web/scss/main.scss)
BRAND = "#0b5d5b"
BRAND_DARK = "#06302f"
TEXT = "#0b0c0c"
FONT = "system-ui,-apple-system,Segoe UI,Roboto,Helvetica Neue,Arial,sans-serif"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def language(code: str | None) -> str:
    """The language an email is written in: the reader's if we have it, else English."""
    code = (code or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> Any:
    """gettext translations of the "emails" domain: the compiled .mo when `make assets` built
    it and it is newer than the .po, else the .po compiled in memory."""
    import gettext

    if lang == DEFAULT:
        return gettext.NullTranslations()
    mo = TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@lru_cache(maxsize=2 * len(LANGUAGES))
def environment(lang: str, fmt: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    # The text twin is not HTML: nothing in it is interpreted, so it is not escaped either.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=fmt == "html",  # noqa: S701
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(format=fmt, lang=lang, BRAND=BRAND, BRAND_DARK=BRAND_DARK, TEXT=TEXT, FONT=FONT)
    return env


def render(kind: str, lang: str | None, **values: Any) -> Rendered:
    """The email `kind` (a template's name) in `lang`: subject, plain text and HTML."""
    lang = language(lang)
    html_t = environment(lang, "html").get_template(f"{kind}.jinja")
    text_t = environment(lang, "text").get_template(f"{kind}.jinja")
    subject = " ".join("".join(text_t.blocks["subject"](text_t.new_context(dict(values)))).split())
    html = html_t.render(subject=subject, **values)
    text = text_t.render(subject=subject, **values)
    return Rendered(subject=subject, text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """At most one blank line in a row, no trailing spaces, one final newline."""
    import re

    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
