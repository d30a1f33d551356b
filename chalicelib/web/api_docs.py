"""The API's pages for people: `/docs`, the reference rendered from `/openapi.json` (Swagger UI
from npm, served as our own assets, under the pages' CSP), with every operation also listed in
the HTML so that the page is useful without JavaScript; `/docs/integrating` and `/docs/webhooks`,
the integrators' guides (docs/integrating.md and docs/webhooks.md, rendered to HTML by
`make assets`: devstack/guides.py)."""
from __future__ import annotations

from chalice import Response

from .core import Ctx, page
from .routes import bp

GUIDES = {  # the page's name -> its title (the HTML is static/guides/<name>.html, make assets)
    "integrating": "Connecting your systems",
    "webhooks": "Webhooks",
}
_AUDIENCES = (  # tag -> who it is for, in the order the page shows them
    ("machine API", "Verifiers' systems (X-Api-Key)"),
    ("verifiers", "Recognising organisations"),
    ("candidates", "Candidates"),
    ("staff", "Exam board staff"),
    ("public", "Anyone"),
)


def operations_by_tag() -> list[dict]:
    """The documented operations grouped by tag, machine API first: what the page lists."""
    from ..api.openapi import document

    groups: dict[str, list[dict]] = {}
    for path, item in document()["paths"].items():
        for method, op in item.items():
            groups.setdefault(op.get("tags", ["other"])[0], []).append(
                {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                 "id": op.get("operationId", "")})
    order = [tag for tag, _ in _AUDIENCES] + sorted(set(groups) - {t for t, _ in _AUDIENCES})
    names = dict(_AUDIENCES)
    return [{"tag": tag, "title": names.get(tag, tag.capitalize()),
             "operations": sorted(groups[tag], key=lambda o: (o["path"], o["method"]))}
            for tag in order if tag in groups]


@bp.route("/docs", methods=["GET"])
@page
def reference(ctx: Ctx) -> Response:
    return ctx.render("docs/reference.html", title=ctx.gettext("API reference"), groups=operations_by_tag(),
                      scripts=("swagger-ui.js", "api-docs.js"), styles=("swagger-ui.css",))


@bp.route("/docs/{name}", methods=["GET"])
@page
def guide(ctx: Ctx, name: str) -> Response:
    from markupsafe import Markup

    from .render import STATIC

    if name not in GUIDES:
        from .routes import not_found_page

        return not_found_page(ctx)
    try:
        html = (STATIC / "guides" / f"{name}.html").read_text(encoding="utf-8")
    except FileNotFoundError:
        from .render import AssetsNotBuilt

        raise AssetsNotBuilt("the guides are not built: run `make assets`") from None
    return ctx.render("docs/guide.html", title=ctx.gettext(GUIDES[name]), guide=Markup(html))  # noqa: S704 - our own guide, rendered from docs/ at build time
