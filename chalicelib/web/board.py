"""The exam board's console (PAGES.md "Exam board staff", English only): `/board`, sign in with
the two-factor code step (staff always have two-factor: services/mfa.py), sign out. The console's
own pages are in board_*.py; each starts with `who = staff(ctx)` and renders with `**STAFF_PAGE`."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp

STAFF = "staff"
STAFF_PAGE: dict[str, Any] = {"area": STAFF, "signed_in": True}  # the console's header and navigation
HOME = "/board"
FIRST_PAGE = "/board/batches"


def english(ctx: Ctx) -> Ctx:
    """Staff pages are English only: the shared layout's words too."""
    ctx.lang = "en"
    return ctx


def staff(ctx: Ctx) -> Any:
    """The signed-in member of staff (else the visitor goes to /board/sign-in)."""
    english(ctx)
    return ctx.require(STAFF)


@bp.route("/board", methods=["GET"])
@page
def board_home(ctx: Ctx) -> Response:
    from .nav import items

    staff(ctx)
    return ctx.render("board/home.html", pages=items(ctx, STAFF), title="Exam board console", **STAFF_PAGE)


# ---------------------------------------------------------------- sign in: password, then code
@bp.route("/board/sign-in", methods=["GET"])
@page
def board_sign_in_form(ctx: Ctx) -> Response:
    english(ctx)
    if ctx.principal(STAFF) is not None:
        return ctx.redirect(FIRST_PAGE)
    return _sign_in_page(ctx, "", FormErrors())


def _sign_in_page(ctx: Ctx, email: str, errors: FormErrors, status: int = 200) -> Response:
    return ctx.render("board/sign_in.html", status=status, form={"email": email}, errors=errors,
                      title="Sign in", area=STAFF)


@bp.route("/board/sign-in", methods=["POST"], content_types=[FORM])
@page
def board_sign_in(ctx: Ctx) -> Response:
    from ..services import staff as staff_service
    from .sign_in import password_step

    attempt = password_step(english(ctx), staff_service.login)
    if attempt.reply is None:
        email = attempt.form.get("email", "").strip()
        return _sign_in_page(ctx, email, attempt.errors, status=attempt.status)
    return _code_page(ctx, attempt.reply, FormErrors())


def _code_page(ctx: Ctx, step: dict, errors: FormErrors, status: int = 200) -> Response:
    """The second step: the single-use challenge token travels in the form (it is not a session
    and works for 5 minutes); an account not enrolled yet is shown its new secret, in text."""
    return ctx.render("board/code.html", status=status, step=step, errors=errors,
                      title="Enter the code from your authenticator app", area=STAFF)


@bp.route("/board/sign-in/code", methods=["POST"], content_types=[FORM])
@page
def board_sign_in_code(ctx: Ctx) -> Response:
    from .. import config
    from ..domain.errors import RateLimited, Unauthenticated
    from ..services import mfa
    from ..services import staff as staff_service
    from .sign_in import locked_out_message

    english(ctx)
    form = ctx.form()
    token, code = form.get("mfa_token", "")[:200], form.get("code", "").strip()[:32]
    # what the page showed, shown again with an error (the secret only while enrolling)
    step = {"mfa_token": token, "secret": form.get("secret", "")[:64] or None}
    errors = FormErrors()
    if not token:
        return _sign_in_page(ctx, "", _error("email", "Sign in again"), status=400)
    if not code:
        errors.add("code", "Enter the 6-digit code from your authenticator app")
        return _code_page(ctx, step, errors, status=400)
    try:
        session = staff_service.login_mfa(token, code)
    except RateLimited as err:
        return _sign_in_page(ctx, "", _error("email", locked_out_message(ctx, err)), status=429)
    except Unauthenticated as err:
        if err.message == mfa.BAD_CODE:
            errors.add("code", "The code is not correct, or was used already")
            return _code_page(ctx, step, errors, status=400)
        return _sign_in_page(ctx, "", _error("email", "Your sign-in expired or was completed already. "
                                                      "Sign in again"), status=400)
    ctx.start_session(session, staff_service.SESSION_HOURS or config.settings().session_hours)
    if session.get("recovery_codes"):
        return ctx.render("board/recovery_codes.html", codes=session["recovery_codes"],
                          title="Your recovery codes", **STAFF_PAGE)
    return ctx.redirect(FIRST_PAGE)


def _error(field: str, message: str) -> FormErrors:
    errors = FormErrors()
    errors.add(field, message)
    return errors


@bp.route("/board/sign-out", methods=["POST"], content_types=[FORM])
@page
def board_sign_out(ctx: Ctx) -> Response:
    from .sign_in import end_session_and_go

    english(ctx)
    return end_session_and_go(ctx, "/board/signed-out", STAFF)


@bp.route("/board/signed-out", methods=["GET"])
@page
def board_signed_out(ctx: Ctx) -> Response:
    english(ctx)
    return ctx.render("board/signed_out.html", title="You have signed out", area=STAFF)
