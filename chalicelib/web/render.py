"""Templates: one jinja2 Environment per language (autoescaped, gettext installed), loading our
templates and the govuk-frontend-jinja macros (`govuk_frontend_jinja/components/.../macro.html`).
Imported only on the render path."""
from __future__ import annotations

import functools
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
STATIC = HERE / "static"
SERVICE_NAME = "Exam Results Service"


class AssetsNotBuilt(RuntimeError):
    pass


@lru_cache(maxsize=1)
def manifest() -> dict[str, str]:
    """Logical name -> content-hashed file name, written by web/build.mjs (`make assets`)."""
    try:
        return dict(json.loads((STATIC / "manifest.json").read_text()))
    except FileNotFoundError:
        raise AssetsNotBuilt("the web assets are not built: run `make assets`") from None


def asset_url(name: str) -> str:
    from .core import assets_base_url

    return f"{assets_base_url()}/{manifest()[name]}"


@lru_cache(maxsize=4)
def environment(lang: str) -> Any:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

    from . import i18n

    env = Environment(
        loader=ChoiceLoader([
            FileSystemLoader(str(HERE / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
        ]),
        autoescape=True, extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(asset_url=asset_url, SERVICE_NAME=SERVICE_NAME, LANGUAGE_NAMES=i18n.NAMES)
    env.filters["date"] = functools.partial(format_date, lang=lang)
    return env


def format_date(iso: str | None, lang: str) -> str:
    """`2026-06-14` as a person reads it: "14 June 2026" / "14 de junio de 2026"."""
    if not iso:
        return ""
    from datetime import date

    from babel.dates import format_date as babel_format

    locale = "en_GB" if lang == "en" else lang
    return str(babel_format(date.fromisoformat(iso[:10]), format="long", locale=locale))


def render(ctx: Any, template: str, values: dict[str, Any]) -> str:
    from . import nav

    other = "es" if ctx.lang == "en" else "en"
    path = ctx.request.context.get("path") or "/"
    from urllib.parse import quote, urlencode

    query = ctx.request.query_params or {}
    here = path + ("?" + urlencode(dict(query)) if query else "")

    values = {
        "lang": ctx.lang, "nonce": ctx.nonce, "csrf_token": ctx.csrf_token, "path": path,
        "other_lang": other, "switch_url": f"/language/{other}?next={quote(here, safe='')}",
        **values,
        # `area`: whose pages these are (nav.AREAS; the candidates' by default), given by name
        # and replaced by its Area here; `signed_in` shows that area's navigation and sign-out button
        "area": nav.area(values.get("area")),
        "nav": nav.items(ctx, values.get("area")) if values.get("signed_in") else [],
    }
    return str(environment(ctx.lang).get_template(template).render(values))
