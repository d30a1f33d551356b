"""The web side's one Blueprint (registered in app.py). Page modules add their routes to `bp`;
import a new module at the bottom of this file."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

bp = Blueprint(__name__)


def wants_html(headers: Any) -> bool:
    """A browser asks for text/html first; an API client for JSON or anything (*/*)."""
    accept = (headers or {}).get("accept") or ""
    return "text/html" in accept.lower()


def html_errors(event: Any, get_response: Any) -> Response:
    """HTTP middleware: a 404/405 answered to a browser is the 404 page; an API client keeps
    the JSON error body (api/errors.py)."""
    response = get_response(event)
    if response.status_code in (404, 405) and wants_html(event.headers):
        body = response.body
        if not (isinstance(body, str) and body.lstrip().startswith("<!DOCTYPE")):
            from .core import Ctx

            return not_found_page(Ctx(event))
    return response


def not_found_page(ctx: Any) -> Response:
    return ctx.render("errors/404.html", status=404, title=ctx.gettext("Page not found"))


from . import (  # noqa: E402, F401
    api_docs,
    assets,
    board,
    board_batches,
    board_centres,
    board_orgs,
    board_results,
    candidate_account,
    candidate_details,
    candidate_invite,
    candidate_results,
    candidates,
    centres,
    check,
    verifier_account,
    verifier_downloads,
    verifier_org,
    verifier_results,
    verifier_sign_in,
    verifier_two_factor,
)
