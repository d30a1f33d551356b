"""The candidates' pages (PAGES.md "Candidates"): start, language switch, sign in and out, your
results. Each view parses its form, calls the same service as the JSON view, renders a template."""
from __future__ import annotations

from datetime import UTC

from chalice import Response

from . import i18n
from .core import Ctx, FormErrors, page, safe_next
from .forms import FORM
from .routes import bp

CANDIDATE = "candidate"


@bp.route("/", methods=["GET"])
@page
def start(ctx: Ctx) -> Response:
    return ctx.render("candidates/start.html", title=ctx.gettext("Get your exam results"),
                      signed_in=ctx.principal(CANDIDATE) is not None)


@bp.route("/language/{code}", methods=["GET"])
@page
def language(ctx: Ctx, code: str) -> Response:
    """The language link of every page: remembered in a cookie for a year, then back."""
    from .core import cookie

    target = safe_next((ctx.request.query_params or {}).get("next"))
    if code in i18n.LANGUAGES:
        ctx.set_cookies.append(cookie(i18n.COOKIE, code, 365 * 86400))
    return ctx.redirect(target)


# ---------------------------------------------------------------- sign in
@bp.route("/sign-in", methods=["GET"])
@page
def sign_in_form(ctx: Ctx) -> Response:
    if ctx.principal(CANDIDATE) is not None:
        return ctx.redirect("/results")
    return _sign_in_page(ctx, {}, FormErrors())


def _sign_in_page(ctx: Ctx, form: dict, errors: FormErrors, status: int = 200) -> Response:
    return ctx.render("candidates/sign_in.html", status=status, form={"id_number": form.get("id_number", "")},
                      errors=errors, title=ctx.gettext("Sign in"))


@bp.route("/sign-in", methods=["POST"], content_types=[FORM])
@page
def sign_in(ctx: Ctx) -> Response:
    from .. import config
    from ..services import candidates
    from .sign_in import password_step

    attempt = password_step(ctx, candidates.login, "id_number")
    if attempt.reply is None:
        return _sign_in_page(ctx, attempt.form, attempt.errors, status=attempt.status)
    ctx.start_session(attempt.reply, config.settings().session_hours)
    return ctx.redirect("/results")


@bp.route("/sign-out", methods=["POST"], content_types=[FORM])
@page
def sign_out(ctx: Ctx) -> Response:
    from .sign_in import end_session_and_go

    return end_session_and_go(ctx, "/signed-out", CANDIDATE, "verifier", "staff")


@bp.route("/signed-out", methods=["GET"])
@page
def signed_out(ctx: Ctx) -> Response:
    return ctx.render("candidates/signed_out.html", title=ctx.gettext("You have signed out"))


# ---------------------------------------------------------------- results
@bp.route("/results", methods=["GET"])
@page
def results(ctx: Ctx) -> Response:
    from datetime import datetime

    from ..adapters import clock
    from ..services import candidates

    who = ctx.require(CANDIDATE)
    today = datetime.fromtimestamp(clock.now(), UTC).date().isoformat()
    rows = candidates.list_results(who.subject)["results"]
    for row in rows:
        window = row.get("expected_release") or {}
        row["late"] = row["status"] == "pending" and bool(window.get("to")) and window["to"] < today
    return ctx.render("candidates/results.html", results=rows, signed_in=True,
                      title=ctx.gettext("Your results"))
