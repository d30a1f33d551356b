"""The signed-in navigation (PAGES.md "signed-in pages"), in one place. A page that is not
built yet stays out of the header until its `ready` is True: flip it in the same commit as the
page (its link text is already translated)."""
from __future__ import annotations

from typing import Any


def _(message: str) -> str:  # marks a message for pybabel extract; translated when shown
    return message


CANDIDATE_NAV = [
    # (path, link text, ready)
    ("/results", _("Your results"), True),
    ("/shared-results", _("Shared results"), True),
    ("/your-details", _("Your details"), True),
]


def items(ctx: Any) -> list[dict]:
    path = ctx.request.context.get("path") or "/"
    return [{"href": href, "text": ctx.gettext(text), "current": path == href or path.startswith(href + "/")}
            for href, text, ready in CANDIDATE_NAV if ready]
