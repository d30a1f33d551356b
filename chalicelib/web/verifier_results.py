"""The verifiers' result pages (PAGES.md "Verifiers"): the shared results (filters, pages of 50,
`New`, `Download selected`), a result (from a share or a search hit) with its statement, and the
candidate search by reference number + date of birth. The same services as the JSON views
(services/shares.py; services/verifier_reads.py adds the photo and a search hit's handle)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from chalice import Response

from .core import Ctx, FormErrors, SignInRequired, page
from .forms import FORM
from .routes import bp, not_found_page

VERIFIER = "verifier"
PER_PAGE = 50
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def verifier(ctx: Ctx) -> Any:
    """The signed-in organisation user (services/actor.py), or the verifiers' sign-in page."""
    from ..domain.errors import Unauthenticated
    from ..services.actor import actor
    from .nav import area

    who = ctx.require(VERIFIER)
    try:
        return actor(who)
    except Unauthenticated:
        raise SignInRequired(area(VERIFIER).sign_in) from None


def render(ctx: Ctx, template: str, status: int = 200, **values: Any) -> Response:
    return ctx.render(template, status=status, area=VERIFIER, signed_in=True, **values)


def parse_day(value: str) -> str | None:
    """A date typed as 2026-06-14 (what a date field sends) or 14/06/2026; None if not a real date."""
    value = value.strip()
    try:
        if found := _DMY.fullmatch(value):
            d, mth, y = (int(x) for x in found.groups())
            return date(y, mth, d).isoformat()
        return date.fromisoformat(value).isoformat() if len(value) == 10 else None
    except ValueError:
        return None


# ---------------------------------------------------------------- shared results
def _filters(ctx: Ctx, query: dict, errors: FormErrors) -> dict:
    out = {
        "from": (query.get("from") or "").strip()[:40],
        "to": (query.get("to") or "").strip()[:40],
        "q": (query.get("q") or "").strip()[:200],
    }
    days: dict[str, str | None] = {}
    for field, message in (
        ("from", ctx.gettext("Enter a real date in From, for example 2026-06-01")),
        ("to", ctx.gettext("Enter a real date in To, for example 2026-06-30")),
    ):
        if out[field]:
            days[field] = parse_day(out[field])
            if days[field] is None:
                errors.add(field, message)
    lo, hi = days.get("from"), days.get("to")
    if lo and hi and hi < lo:
        errors.add("to", ctx.gettext("To must be the same as or after From"))
    if len(out["q"]) > 100:
        errors.add("q", ctx.gettext("Enter at most 100 characters in Name or ID number"))
    return {**out, "from_day": days.get("from"), "to_day": days.get("to")}


def inbox(
    ctx: Ctx,
    who: Any,
    query: dict,
    errors: FormErrors | None = None,
    selected: list[str] | None = None,
    status: int = 200,
) -> Response:
    """The shared-results page: one Query of the organisation's shares (services/shares.py) for
    the page, plus the organisation's templates for the download choice."""
    from ..domain.errors import ValidationError
    from ..services import shares, templates

    errors = errors or FormErrors()
    filters = _filters(ctx, query, errors)
    listing: dict = {"shares": [], "next_cursor": None}
    if not any(f in errors.by_field for f in ("from", "to", "q")):
        args = (filters["from_day"], filters["to_day"], filters["q"] or None)
        try:
            listing = shares.org_shares(who, PER_PAGE, query.get("cursor") or None, *args)
        except ValidationError:  # a cursor of another listing (or none of ours): the first page
            listing = shares.org_shares(who, PER_PAGE, None, *args)
    if errors and status == 200:
        status = 400
    own = templates.list_templates(who)["templates"]
    choices = [
        {
            "value": t["template_id"],
            "text": ctx.gettext("Every field") if t["template_id"] == templates.DEFAULT else t["name"],
        }
        for t in own
    ]
    keep = {k: filters[k] for k in ("from", "to", "q") if filters[k]}
    return render(
        ctx,
        "verifiers/shared_results.html",
        status=status,
        shares=listing["shares"],
        next_cursor=listing["next_cursor"],
        filters=filters,
        keep=keep,
        cursor=query.get("cursor") or "",
        templates=choices,
        errors=errors,
        selected=set(selected or []),
        fmt=query.get("format") or "",
        template_id=query.get("template_id") or "",
        filtered=bool(keep),
        title=ctx.gettext("Shared results"),
    )


@bp.route("/organisations/shared-results", methods=["GET"])
@page
def shared_results(ctx: Ctx) -> Response:
    who = verifier(ctx)
    return inbox(ctx, who, dict(ctx.request.query_params or {}))


# ---------------------------------------------------------------- one result
@bp.route("/organisations/shared-results/{share_id}", methods=["GET"])
@page
def shared_result(ctx: Ctx, share_id: str) -> Response:
    from ..domain.errors import NotFound
    from ..services import verifier_reads

    who = verifier(ctx)
    try:
        r = verifier_reads.share_view(who, share_id[:64])  # marks it seen; audited
    except NotFound:
        return not_found_page(ctx)
    return render(
        ctx,
        "verifiers/result.html",
        r=r,
        back=("/organisations/shared-results", ctx.gettext("Shared results")),
        statement=f"/organisations/shared-results/{r['share_id']}/statement",
        title=_name(r),
    )


@bp.route("/organisations/shared-results/{share_id}/statement", methods=["GET"])
@page
def shared_statement(ctx: Ctx, share_id: str) -> Response:
    """The PDF is not served through the page: 303 to a short-lived S3 link, never cached."""
    from ..domain.errors import NotFound
    from ..services import verifier_reads

    who = verifier(ctx)
    try:
        url = verifier_reads.share_statement(who, share_id[:64])  # marks it seen; audited
    except NotFound:
        return not_found_page(ctx)
    return ctx.reply("", 303, {"Location": url})


def _name(r: dict) -> str:
    return f"{r['candidate']['first_name']} {r['candidate']['family_name']}"


# ---------------------------------------------------------------- candidate search
def _search_page(ctx: Ctx, form: dict, errors: FormErrors, status: int = 200) -> Response:
    return render(
        ctx,
        "verifiers/search.html",
        status=status,
        form=form,
        errors=errors,
        title=ctx.gettext("Candidate search"),
    )


@bp.route("/organisations/search", methods=["GET"])
@page
def search_form(ctx: Ctx) -> Response:
    verifier(ctx)
    return _search_page(ctx, {}, FormErrors())


def _date_of_birth(ctx: Ctx, form: dict, errors: FormErrors) -> str | None:
    parts = [form.get(f"date_of_birth-{p}", "").strip() for p in ("day", "month", "year")]
    if not all(parts):
        errors.add("date_of_birth-day", ctx.gettext("Enter the date of birth, with day, month and year"))
        return None
    try:
        d, mth, y = (int(p) for p in parts)
        if not 1900 <= y <= 2100:
            raise ValueError
        return date(y, mth, d).isoformat()
    except ValueError:
        errors.add(
            "date_of_birth-day", ctx.gettext("Date of birth must be a real date, for example 9 3 2004")
        )
        return None


@bp.route("/organisations/search", methods=["POST"], content_types=[FORM])
@page
def search(ctx: Ctx) -> Response:
    from ..domain.errors import NotFound, RateLimited, ValidationError
    from ..domain.ids import check_reference_number
    from ..services import shares, verifier_reads

    raw = ctx.form()
    who = verifier(ctx)
    form = {
        k: raw.get(k, "")[:200]
        for k in ("reference_number", "date_of_birth-day", "date_of_birth-month", "date_of_birth-year")
    }
    errors = FormErrors()
    ref = form["reference_number"].strip()
    if not ref:
        errors.add("reference_number", ctx.gettext("Enter the reference number"))
    else:
        try:
            check_reference_number(ref)
        except ValidationError:
            errors.add(
                "reference_number",
                ctx.gettext(
                    "Enter the reference number as it is on the Statement of Results: 8 to 40 letters, "
                    "digits or symbols, no spaces"
                ),
            )
    dob = _date_of_birth(ctx, form, errors)
    if errors or dob is None:
        return _search_page(ctx, form, errors, status=400)
    try:
        r = verifier_reads.search_view(who, ref, dob)  # limited and audited as the JSON search
    except RateLimited:
        errors.add(
            "reference_number", ctx.gettext("Too many searches without a match. Try again in an hour.")
        )
        return _search_page(ctx, form, errors, status=429)
    except NotFound as err:
        errors.add(
            "reference_number",
            ctx.gettext(
                "Results from before 2005 are not verifiable online. Contact the exam board to verify "
                "this result."
            )
            if err.message == shares.BEFORE_2005
            else ctx.gettext(
                "No result matches that reference number and date of birth. Check both against the "
                "Statement of Results."
            ),
        )
        return _search_page(ctx, form, errors, status=404)
    return render(
        ctx,
        "verifiers/result.html",
        r=r,
        back=("/organisations/search", ctx.gettext("Candidate search")),
        statement=f"/organisations/search/results/{r['hit']}/statement",
        title=_name(r),
    )


@bp.route("/organisations/search/results/{hit}/statement", methods=["GET"])
@page
def search_statement(ctx: Ctx, hit: str) -> Response:
    from ..domain.errors import NotFound
    from ..services import verifier_reads

    who = verifier(ctx)
    try:
        url = verifier_reads.hit_statement(who, hit[:2048])  # audited
    except NotFound:
        return not_found_page(ctx)
    return ctx.reply("", 303, {"Location": url})
