"""The public check of a result (PAGES.md "Check a result"): `/check` takes a reference number
and a date of birth (`Day`, `Month`, `Year`); `/check/<code>` opens the code from a statement's
QR code directly (`/CHECK/<code>`, what the QR code holds in upper case, is sent on to it).
No session: the same service as `GET /verify/<code>` (services/check_codes.py), with its limits
per client and its audit. Every miss is the same page (404)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chalice import Response

from .candidate_account import wait_message
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp

CHECK = "/check"


def _client(ctx: Ctx) -> str:
    from ..api.checks import client_of

    return client_of(ctx.request)


def _form_page(ctx: Ctx, form: dict | None = None, errors: FormErrors | None = None,
               missed: bool = False, status: int = 200) -> Response:
    return ctx.render("check/check.html", status=status, form=form or {}, errors=errors or FormErrors(),
                      missed=missed, title=ctx.gettext("Check a result"))


def _result_page(ctx: Ctx, found: dict, code: str | None) -> Response:
    new = found["superseded_by"]
    return ctx.render("check/result.html", c=found, code=code,
                      new_url=f"{CHECK}/{quote(new, safe='')}" if new else None,
                      title=ctx.gettext("Result check"))


def _miss_page(ctx: Ctx, status: int = 404, wait: str | None = None) -> Response:
    title = ctx.gettext("No result found") if wait is None else ctx.gettext("Too many checks")
    return ctx.render("check/no_match.html", status=status, wait=wait, title=title)


@bp.route(CHECK, methods=["GET"])
@page
def check_form(ctx: Ctx) -> Response:
    return _form_page(ctx)


@bp.route(CHECK, methods=["POST"], content_types=[FORM])
@page
def check_submit(ctx: Ctx) -> Response:
    from ..domain.errors import NotFound, RateLimited
    from ..services import check_codes

    form = ctx.form()
    errors = FormErrors()
    _ = ctx.gettext
    ref = form.get("reference_number", "").strip()[:100]
    day, month, year = (form.get(f"dob-{p}", "").strip()[:4] for p in ("day", "month", "year"))
    values = {"reference_number": ref, "dob-day": day, "dob-month": month, "dob-year": year}
    if not ref:
        errors.add("reference_number", _("Enter the reference number from the Statement of Results"))
    dob = _date(day, month, year)
    if dob is None:
        errors.add("dob-day", _("Enter the date of birth as day, month and year, for example 9 3 2004"))
    if errors:
        return _form_page(ctx, values, errors, status=400)
    try:
        found = check_codes.check_reference(ref, str(dob), _client(ctx))
    except RateLimited as err:
        return _miss_page(ctx, 429, wait_message(ctx, err))
    except NotFound:
        return _form_page(ctx, values, missed=True, status=404)
    return _result_page(ctx, found, found.get("check_code"))


def _date(day: str, month: str, year: str) -> Any:
    from datetime import date

    try:
        return date(int(year), int(month), int(day)) if len(year) == 4 else None
    except ValueError:
        return None


@bp.route(CHECK + "/{code}", methods=["GET"])
@page
def check_code(ctx: Ctx, code: str) -> Response:
    from urllib.parse import unquote

    from ..domain.errors import NotFound, RateLimited
    from ..services import check_codes

    code = unquote(code)
    try:
        found = check_codes.check_code(code, _client(ctx))
    except RateLimited as err:
        return _miss_page(ctx, 429, wait_message(ctx, err))
    except NotFound:
        return _miss_page(ctx)
    return _result_page(ctx, found, code.strip().upper())


@bp.route("/CHECK/{code}", methods=["GET"])
@page
def check_code_upper(ctx: Ctx, code: str) -> Response:
    """What a statement's QR code holds (upper case, for the QR's alphanumeric mode)."""
    return ctx.reply("", 301, {"Location": f"{CHECK}/{quote(code, safe='%')}"})


@bp.route("/CHECK", methods=["GET"])
@page
def check_upper(ctx: Ctx) -> Response:
    return ctx.reply("", 301, {"Location": CHECK})
