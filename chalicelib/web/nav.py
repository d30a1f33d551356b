"""The areas of the website and their signed-in navigation (PAGES.md "signed-in pages"), in one
place. Each audience has its own area: a home page, a sign-in page (where a page that needs a
session of that kind sends a visitor without one), a sign-out action and a navigation list.
A page that is not built yet stays out of the header until its `ready` is True: flip it in the
same commit as the page (its link text is already translated)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def _(message: str) -> str:  # marks a message for pybabel extract; translated when shown
    return message


@dataclass(frozen=True)
class Area:
    name: str
    service: str  # the service's name in the header (translated when shown)
    home: str
    sign_in: str
    sign_out: str
    nav: tuple[tuple[str, str, bool], ...]  # (path, link text, ready)


AREAS = {
    "candidate": Area("candidate", _("Exam Results Service"), "/", "/sign-in", "/sign-out", (
        ("/results", _("Your results"), True),
        ("/shared-results", _("Shared results"), True),
        ("/your-details", _("Your details"), True),
    )),
    "verifier": Area("verifier", _("Results Verification Service"), "/organisations",
                     "/organisations/sign-in", "/organisations/sign-out", (
        ("/organisations/shared-results", _("Shared results"), True),
        ("/organisations/search", _("Candidate search"), True),
        ("/organisations/downloads", _("Downloads"), True),
        ("/organisations/your-organisation", _("Your organisation"), True),
        ("/organisations/notifications", _("Email notifications"), True),
    )),
    # staff pages are English only (PAGES.md): their words are not marked for translation
    "staff": Area("staff", "Exam board console", "/board", "/board/sign-in", "/board/sign-out", (
        ("/board/batches", "Batches", True),
        ("/board/organisations", "Organisations", True),
        ("/board/results", "Results", True),
        ("/board/centres", "Exam centres", True),
    )),
    "centre": Area("centre", _("Exam Centre Service"), "/centres", "/centres/sign-in", "/centres/sign-out", (
        ("/centres/candidates", _("Candidates"), True),
        ("/centres/your-centre", _("Your centre"), True),
    )),
}
# the session kind (services/security.py) -> its area
AREA_OF_KIND = {"candidate": "candidate", "verifier": "verifier", "staff": "staff", "centre": "centre"}


def area(name: str | None) -> Area:
    return AREAS[name or "candidate"]


def items(ctx: Any, area_name: str | None = None) -> list[dict]:
    path = ctx.request.context.get("path") or "/"
    return [{"href": href, "text": ctx.gettext(text), "current": path == href or path.startswith(href + "/")}
            for href, text, ready in area(area_name).nav if ready]
