"""Render a guide of docs/ (Markdown) to the HTML fragment a page shows (`make assets`):
`python -m devstack.guides OUT_DIR docs/integrating.md docs/webhooks.md` writes OUT_DIR/integrating.html
and OUT_DIR/webhooks.html.
Python-Markdown (a build tool, not on Lambda), with GOV.UK Frontend's classes on each element so
that the guide looks like the rest of the site; links between guides of docs/ become page links."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

CLASSES = {
    "h1": "govuk-heading-l", "h2": "govuk-heading-m", "h3": "govuk-heading-s", "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet", "ol": "govuk-list govuk-list--number", "a": "govuk-link",
    "table": "govuk-table", "thead": "govuk-table__head", "tbody": "govuk-table__body",
    "tr": "govuk-table__row", "th": "govuk-table__header", "td": "govuk-table__cell",
}
# a link to another guide of docs/ -> where the site serves it (others stay repository links)
PAGE_OF = {"integrating.md": "/docs/integrating", "webhooks.md": "/docs/webhooks"}


def render(markdown_text: str) -> str:
    import markdown
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    class GovukClasses(Treeprocessor):
        def run(self, root: Any) -> None:
            for el in root.iter():
                if el.tag in CLASSES:
                    el.set("class", CLASSES[el.tag])
                if el.tag == "a":
                    href = el.get("href", "")
                    name = href.rsplit("/", 1)[-1]
                    if name in PAGE_OF:
                        el.set("href", PAGE_OF[name])

    class Govuk(Extension):
        def extendMarkdown(self, md: Any) -> None:
            md.treeprocessors.register(GovukClasses(md), "govuk_classes", 0)

    html = str(markdown.markdown(markdown_text, extensions=["fenced_code", "tables", "toc", Govuk()]))
    # a code block that scrolls sideways must be reachable by keyboard (fenced_code's blocks are
    # stashed raw HTML, out of the tree processor's reach)
    return html.replace("<pre>", '<pre tabindex="0">')


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for source in map(Path, argv[1:]):
        (out / f"{source.stem}.html").write_text(render(source.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
