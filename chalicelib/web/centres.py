"""The exam centres' pages (issue 13), area "centre": home, sign in and out, choose a password
(the link in the invitation email). The candidates' pages are in centres_candidates.py, the
centre's users and audit in centres_team.py. Sessions are kind "centre" (services/centres.py)."""
from __future__ import annotations

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp

CENTRE = "centre"
AREA = "centre"


def centre_actor(ctx: Ctx):  # type: ignore[no-untyped-def]
    """The signed-in centre user (CentreActor); no session, or a removed user: to the sign-in."""
    from ..domain.errors import Unauthenticated
    from ..services import centres
    from .core import SignInRequired

    who = ctx.require(CENTRE)
    try:
        return centres.actor(who)
    except Unauthenticated:
        raise SignInRequired("/centres/sign-in") from None


@bp.route("/centres", methods=["GET"])
@page
def centres_home(ctx: Ctx) -> Response:
    if ctx.principal(CENTRE) is not None:
        return ctx.redirect("/centres/candidates")
    return ctx.render("centres/start.html", area=AREA,
                      title=ctx.gettext("Help your candidates with their results"))


@bp.route("/centres/sign-in", methods=["GET"])
@page
def centres_sign_in_form(ctx: Ctx) -> Response:
    if ctx.principal(CENTRE) is not None:
        return ctx.redirect("/centres/candidates")
    return _sign_in_page(ctx, {}, FormErrors())


def _sign_in_page(ctx: Ctx, form: dict, errors: FormErrors, status: int = 200) -> Response:
    saved = (ctx.request.query_params or {}).get("password") == "saved"
    return ctx.render("centres/sign_in.html", status=status, area=AREA, form={"email": form.get("email", "")},
                      errors=errors, saved=saved and not errors, title=ctx.gettext("Sign in"))


@bp.route("/centres/sign-in", methods=["POST"], content_types=[FORM])
@page
def centres_sign_in(ctx: Ctx) -> Response:
    from ..services import centres
    from .sign_in import password_step

    attempt = password_step(ctx, centres.login)
    if attempt.reply is None:
        return _sign_in_page(ctx, attempt.form, attempt.errors, status=attempt.status)
    ctx.start_session(attempt.reply, centres.SESSION_HOURS)
    return ctx.redirect("/centres/candidates")


@bp.route("/centres/sign-out", methods=["POST"], content_types=[FORM])
@page
def centres_sign_out(ctx: Ctx) -> Response:
    from .sign_in import end_session_and_go

    return end_session_and_go(ctx, "/centres/signed-out", CENTRE)


@bp.route("/centres/signed-out", methods=["GET"])
@page
def centres_signed_out(ctx: Ctx) -> Response:
    return ctx.render("centres/signed_out.html", area=AREA, title=ctx.gettext("You have signed out"))


# ---------------------------------------------------------------- choose a password
@bp.route("/centres/set-password", methods=["GET"])
@page
def centres_set_password_form(ctx: Ctx) -> Response:
    from ..services import centres

    token = (ctx.request.query_params or {}).get("token") or ""
    if not centres.token_ok(token):
        return _bad_link(ctx)
    return ctx.render("centres/set_password.html", area=AREA, token=token, errors=FormErrors(),
                      title=ctx.gettext("Choose your password"))


def _bad_link(ctx: Ctx) -> Response:
    return ctx.render("centres/link_failed.html", status=400, area=AREA,
                      title=ctx.gettext("This link does not work"))


@bp.route("/centres/set-password", methods=["POST"], content_types=[FORM])
@page
def centres_set_password(ctx: Ctx) -> Response:
    from ..domain.errors import ValidationError
    from ..services import centres
    from .candidate_account import check_new_password, password_message

    form = ctx.form()
    token = form.get("token", "")
    if not centres.token_ok(token):
        return _bad_link(ctx)
    errors = FormErrors()
    check_new_password(ctx, errors, form, "new_password", "confirm_password", None)
    if not errors:
        try:
            centres.set_password(token, form["new_password"])
        except ValidationError as err:
            fields = err.fields or {}
            if "password" not in fields:
                return _bad_link(ctx)
            errors.add("new_password", password_message(ctx, fields["password"]))
        else:
            ctx.end_session()
            return ctx.redirect("/centres/sign-in?password=saved")
    return ctx.render("centres/set_password.html", status=400, area=AREA, token=token, errors=errors,
                      title=ctx.gettext("Choose your password"))


from . import centres_candidates, centres_team  # noqa: E402, F401
