"""An exam centre's candidates (issue 13): search, one candidate (entries, results, whether they
registered), reissue a Secret number, reset an account, print the Confirmation of Entry. A
candidate who is not the centre's is the 404 page, the same as an unknown ID number."""
from __future__ import annotations

import math

from chalice import Response

from .centres import AREA, centre_actor
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp


@bp.route("/centres/candidates", methods=["GET"])
@page
def centre_candidates(ctx: Ctx) -> Response:
    from ..domain.errors import ValidationError
    from ..services import centres

    who = centre_actor(ctx)
    query = ctx.request.query_params or {}
    form = {"q": (query.get("q") or "")[:100], "exam_date": (query.get("exam_date") or "")[:10]}
    errors = FormErrors()
    found: dict = {"candidates": [], "next_cursor": None}
    try:
        found = centres.search(who, form["q"], form["exam_date"], query.get("cursor"), 50)
    except ValidationError as err:
        if "exam_date" in (err.fields or {}):
            errors.add("exam_date", ctx.gettext("Enter the exam date like 2026-06-14"))
        else:
            errors.add("q", ctx.gettext("Search again: that page of results is no longer available"))
    searched = bool(form["q"] or form["exam_date"])
    from urllib.parse import urlencode

    next_url = ("/centres/candidates?" + urlencode({**{k: v for k, v in form.items() if v},
                                                    "cursor": found["next_cursor"]})
                if found["next_cursor"] else None)
    return ctx.render("centres/candidates.html", status=400 if errors else 200, area=AREA, signed_in=True,
                      form=form, errors=errors, candidates=found["candidates"], searched=searched,
                      next_url=next_url, centre=who.centre, title=ctx.gettext("Candidates"))


def _candidate_page(ctx: Ctx, who, id_number: str, status: int = 200, errors: FormErrors | None = None,
                    **values) -> Response:  # type: ignore[no-untyped-def]
    from ..domain.errors import NotFound
    from ..services import centres
    from .routes import not_found_page

    try:
        person = centres.candidate(who, id_number)
    except NotFound:
        return not_found_page(ctx)
    name = f"{person['first_name']} {person['family_name']}"
    return ctx.render("centres/candidate.html", status=status, area=AREA, signed_in=True, person=person,
                      errors=errors or FormErrors(), title=name, **values)


@bp.route("/centres/candidates/{id_number}", methods=["GET"])
@page
def centre_candidate(ctx: Ctx, id_number: str) -> Response:
    return _candidate_page(ctx, centre_actor(ctx), id_number)


def _new_secret(ctx: Ctx, id_number: str, action: str) -> Response:
    from ..domain.errors import NotFound, RateLimited
    from ..services import centre_actions
    from .routes import not_found_page

    who = centre_actor(ctx)
    form = ctx.form()
    if action == "reset" and form.get("confirm") != "yes":
        errors = FormErrors()
        errors.add("confirm", ctx.gettext("Confirm that you have checked the candidate's identity"))
        return _candidate_page(ctx, who, id_number, status=400, errors=errors)
    try:
        act = centre_actions.reset_account if action == "reset" else centre_actions.reissue_secret
        out = act(who, id_number)
    except NotFound:
        return not_found_page(ctx)
    except RateLimited as err:
        errors = FormErrors()
        hours = max(1, math.ceil(err.retry_after / 3600))
        errors.add("reissue", ctx.ngettext(
            "Your centre has reached its limit of %(limit)s new Secret numbers and account resets "
            "in 24 hours. Try again in %(num)d hour.",
            "Your centre has reached its limit of %(limit)s new Secret numbers and account resets "
            "in 24 hours. Try again in %(num)d hours.", hours, limit=centre_actions.ACTIONS_PER_DAY))
        return _candidate_page(ctx, who, id_number, status=429, errors=errors)
    return ctx.render("centres/new_secret.html", area=AREA, signed_in=True, out=out, reset=action == "reset",
                      title=ctx.gettext("New Secret number"))


@bp.route("/centres/candidates/{id_number}/secret", methods=["POST"], content_types=[FORM])
@page
def centre_reissue(ctx: Ctx, id_number: str) -> Response:
    return _new_secret(ctx, id_number, "reissue")


@bp.route("/centres/candidates/{id_number}/reset", methods=["POST"], content_types=[FORM])
@page
def centre_reset(ctx: Ctx, id_number: str) -> Response:
    return _new_secret(ctx, id_number, "reset")


@bp.route("/centres/candidates/{id_number}/confirmation", methods=["POST"], content_types=[FORM])
@page
def centre_confirmation(ctx: Ctx, id_number: str) -> Response:
    """The Confirmation of Entry PDF, rendered here from the sealed copy the page carried (the
    Secret number is not stored in clear anywhere)."""
    from ..domain.errors import NotFound, ValidationError
    from ..services import centre_actions
    from .routes import not_found_page

    who = centre_actor(ctx)
    form = ctx.form()
    try:
        pdf = centre_actions.confirmation_pdf(who, id_number, form.get("confirmation", ""), lang=ctx.lang)
    except NotFound:
        return not_found_page(ctx)
    except ValidationError:
        return ctx.render("centres/confirmation_expired.html", status=400, area=AREA, signed_in=True,
                          id_number=id_number,
                          title=ctx.gettext("This Confirmation of Entry can no longer be printed"))
    response = ctx.reply("", 200, {"Content-Type": "application/pdf",
                                   "Content-Disposition": 'inline; filename="confirmation-of-entry.pdf"'})
    response.body = pdf
    return response
