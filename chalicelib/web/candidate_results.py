"""The candidates' result pages (PAGES.md "Candidates"): a result's details, its Statement of
Results (a 303 to a short-lived link, as the JSON statement route does), its signed digital
credential (a file download), sharing it with an organisation found by name, the shared results
and `Stop sharing`."""
from __future__ import annotations

from datetime import UTC
from typing import Any

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp, not_found_page

CANDIDATE = "candidate"
SHARES_PER_PAGE = 50
INVITED_STATUSES = ("sent", "already_invited", "awaiting_approval")  # services/invitations.py


def _today() -> str:
    from datetime import datetime

    from ..adapters import clock

    return datetime.fromtimestamp(clock.now(), UTC).date().isoformat()


def _result(ctx: Ctx, who: Any, result_id: str) -> dict | None:
    from ..domain.errors import NotFound
    from ..services import candidates

    if not result_id or len(result_id) > 64:
        return None
    try:
        row = candidates.get_result(who.subject, result_id)
    except NotFound:
        return None
    window = row.get("expected_release") or {}
    row["late"] = row["status"] == "pending" and bool(window.get("to")) and window["to"] < _today()
    return row


@bp.route("/results/{result_id}", methods=["GET"])
@page
def result_details(ctx: Ctx, result_id: str) -> Response:
    who = ctx.require(CANDIDATE)
    row = _result(ctx, who, result_id)
    if row is None:
        return not_found_page(ctx)
    return ctx.render("candidates/result.html", signed_in=True, r=row, title=row["exam_name"])


@bp.route("/results/{result_id}/statement", methods=["GET"])
@page
def statement(ctx: Ctx, result_id: str) -> Response:
    """The PDF is not served through the page: 303 to a short-lived S3 link, never cached."""
    from ..domain.errors import NotFound
    from ..services import candidates

    who = ctx.require(CANDIDATE)
    try:
        url = candidates.statement_url(who.subject, result_id)
    except NotFound:
        return not_found_page(ctx)
    return ctx.reply("", 303, {"Location": url})


@bp.route("/results/{result_id}/credential", methods=["GET"])
@page
def credential(ctx: Ctx, result_id: str) -> Response:
    """The signed Open Badges credential as a file to keep (services/credentials.py)."""
    import json

    from ..domain.errors import NotFound
    from ..services import credentials

    who = ctx.require(CANDIDATE)
    try:
        doc = credentials.credential(who.subject, result_id)
    except NotFound:
        return not_found_page(ctx)
    return ctx.reply(json.dumps(doc, ensure_ascii=False, indent=2), 200, {
        "Content-Type": f"{credentials.MEDIA_TYPE}; charset=utf-8",
        "Content-Disposition": f'attachment; filename="credential-{result_id}.json"',
        "Cache-Control": "no-store"})


@bp.route("/results/{result_id}/check-link", methods=["POST"], content_types=[FORM])
@page
def check_link(ctx: Ctx, result_id: str) -> Response:
    """Turn the result's check link off, or on again with a new code (services/check_codes.py)."""
    from ..domain.errors import NotFound
    from ..services import check_codes

    form = ctx.form()
    who = ctx.require(CANDIDATE)
    try:
        check_codes.set_link(who.subject, result_id[:64], form.get("enabled") == "yes")
    except NotFound:
        return not_found_page(ctx)
    return ctx.redirect(f"/results/{result_id}")


# ---------------------------------------------------------------- share
def _share_page(ctx: Ctx, row: dict, q: str, found: list[dict] | None, errors: FormErrors,
                status: int = 200, invite: dict | None = None, invited: str | None = None) -> Response:
    from babel import Locale

    from ..services.invitations import INVITES_PER_DAY

    names = Locale.parse(ctx.lang).territories
    types = _org_types(ctx)
    for org in found or []:
        org["country_name"] = names.get(org.get("country") or "", org.get("country") or "")
        org["type_name"] = types.get(org.get("type") or "", org.get("type") or "")
    return ctx.render("candidates/share.html", status=status, signed_in=True, r=row, q=q, found=found,
                      errors=errors, invite=invite or {}, invited=invited,
                      invites_per_day=INVITES_PER_DAY,
                      title=ctx.gettext("Share your result"))


def _org_types(ctx: Ctx) -> dict[str, str]:
    _ = ctx.gettext
    return {"university": _("University"), "college": _("College"), "school": _("School"),
            "employer": _("Employer"), "government": _("Government"),
            "immigration": _("Immigration authority"), "other": _("Other organisation")}


@bp.route("/results/{result_id}/share", methods=["GET"])
@page
def share_form(ctx: Ctx, result_id: str) -> Response:
    from ..domain.errors import ValidationError
    from ..services import organisations

    who = ctx.require(CANDIDATE)
    row = _result(ctx, who, result_id)
    if row is None or row["status"] != "released":
        return not_found_page(ctx)
    query = ctx.request.query_params or {}
    invited = query.get("invited")
    if "q" not in query:
        return _share_page(ctx, row, "", None, FormErrors(),
                           invited=invited if invited in INVITED_STATUSES else None)
    q = query.get("q", "").strip()[:200]
    errors = FormErrors()
    try:
        found = organisations.search_institutions(q)["institutions"]
    except ValidationError as err:
        fields = err.fields or {}
        errors.add("q", ctx.gettext("Enter at least 2 letters of the organisation’s name")
                   if "at least" in fields.get("q", "") or not q
                   else ctx.gettext("Enter at most 8 words of the organisation’s name"))
        return _share_page(ctx, row, q, None, errors, status=400)
    return _share_page(ctx, row, q, found, errors)


@bp.route("/results/{result_id}/share", methods=["POST"], content_types=[FORM])
@page
def share(ctx: Ctx, result_id: str) -> Response:
    from ..domain.errors import NotFound, ValidationError
    from ..services import shares

    form = ctx.form()
    who = ctx.require(CANDIDATE)
    try:
        made = shares.share(who.subject, result_id, form.get("org_id", "")[:64])
    except (NotFound, ValidationError):
        return not_found_page(ctx)
    return ctx.redirect(f"/shared-results?shared={made['share_id']}")


# ---------------------------------------------------------------- shared results
@bp.route("/shared-results", methods=["GET"])
@page
def shared_results(ctx: Ctx) -> Response:
    from ..domain.errors import ValidationError
    from ..services import candidates, shares

    who = ctx.require(CANDIDATE)
    query = ctx.request.query_params or {}
    try:
        listing = shares.candidate_shares(who.subject, SHARES_PER_PAGE, query.get("cursor") or None)
    except ValidationError:  # a cursor that is not ours: the first page
        listing = shares.candidate_shares(who.subject, SHARES_PER_PAGE, None)
    exams = {r["result_id"]: r for r in candidates.list_results(who.subject)["results"]}
    rows = [s | {"exam_name": exams.get(s["result_id"], {}).get("exam_name", ""),
                 "exam_date": exams.get(s["result_id"], {}).get("exam_date", "")}
            for s in listing["shares"]]
    just = next((s for s in rows if s["share_id"] == query.get("shared")), None)
    return ctx.render("candidates/shared_results.html", signed_in=True, shares=rows, just_shared=just,
                      stopped=query.get("stopped") == "1", next_cursor=listing.get("next_cursor"),
                      title=ctx.gettext("Shared results"))


@bp.route("/shared-results/{share_id}/stop", methods=["POST"], content_types=[FORM])
@page
def stop_sharing(ctx: Ctx, share_id: str) -> Response:
    from ..domain.errors import NotFound
    from ..services import shares

    ctx.form()
    who = ctx.require(CANDIDATE)
    try:
        shares.revoke(who.subject, share_id[:64])
    except NotFound:
        pass  # already stopped (a second click, or another tab): the same page
    return ctx.redirect("/shared-results?stopped=1")
