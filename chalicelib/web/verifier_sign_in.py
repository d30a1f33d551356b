"""The verifiers' sign-in pages (PAGES.md "Verifiers"): sign in, with the two-factor code step
(and setting two-factor up there when the organisation requires it), forgotten password and
sign out. The same services as the JSON views (verifier_users.py, mfa.py)."""
from __future__ import annotations

from chalice import Response

from .candidate_account import check_email, wait_message
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp
from .verifier_account import AFTER_SIGN_IN, VERIFIER, clean, render


# ---------------------------------------------------------------- sign in, with the two-factor step
def _sign_in_page(ctx: Ctx, form: dict, errors: FormErrors, status: int = 200) -> Response:
    return render(ctx, "sign_in.html", status=status, form={"email": form.get("email", "")}, errors=errors,
                  title=ctx.gettext("Sign in"))


@bp.route("/organisations/sign-in", methods=["GET"])
@page
def sign_in_form(ctx: Ctx) -> Response:
    if ctx.principal(VERIFIER) is not None:
        return ctx.redirect(AFTER_SIGN_IN)
    return _sign_in_page(ctx, {}, FormErrors())


def qr_image(uri: str) -> str:
    """The otpauth URI as a QR code, a data: SVG image (the CSP allows img-src data:)."""
    import segno

    return str(segno.make(uri, error="m").svg_data_uri(scale=5, dark="#0b0c0c", light="#ffffff"))


def _code_page(ctx: Ctx, challenge: dict, errors: FormErrors, status: int = 200) -> Response:
    """The second step: a code from the app (or a recovery code); with the QR code and the
    secret first when the organisation requires two-factor and the user must set it up now."""
    setup = bool(challenge.get("secret"))
    return render(ctx, "sign_in_code.html", status=status, errors=errors, mfa_token=challenge["mfa_token"],
                  setup=setup, secret=challenge.get("secret", ""),
                  otpauth_uri=challenge.get("otpauth_uri", ""),
                  qr=qr_image(challenge["otpauth_uri"]) if setup else "",
                  title=ctx.gettext("Enter the code from your authenticator app"))


@bp.route("/organisations/sign-in", methods=["POST"], content_types=[FORM])
@page
def sign_in(ctx: Ctx) -> Response:
    from .. import config
    from ..services import verifier_users
    from .sign_in import password_step

    attempt = password_step(ctx, verifier_users.login)
    if attempt.reply is None:
        return _sign_in_page(ctx, attempt.form, attempt.errors, status=attempt.status)
    if "mfa_token" in attempt.reply:
        return _code_page(ctx, attempt.reply, FormErrors())
    ctx.start_session(attempt.reply, config.settings().session_hours)
    return ctx.redirect(AFTER_SIGN_IN)


@bp.route("/organisations/sign-in/code", methods=["POST"], content_types=[FORM])
@page
def sign_in_code(ctx: Ctx) -> Response:
    from .. import config
    from ..domain.errors import RateLimited, Unauthenticated
    from ..services import mfa, verifier_users
    from ..services.security import peek_token

    _ = ctx.gettext
    form = ctx.form()
    token, code = form.get("mfa_token", ""), form.get("code", "").strip()
    challenge = peek_token(token, mfa.CHALLENGE) if token and len(token) <= 200 else None
    if challenge is None:
        errors = FormErrors()
        errors.add("email", _("Your sign-in has expired. Sign in again"))
        return _sign_in_page(ctx, {}, errors, status=400)
    again = {"mfa_token": token}
    if (challenge.data or {}).get("setup"):
        again.update({"secret": form.get("secret", "")[:64],
                      "otpauth_uri": form.get("otpauth_uri", "")[:500]})
        if not again["secret"] or not again["otpauth_uri"].startswith("otpauth://"):
            again.pop("secret"), again.pop("otpauth_uri")
    errors = FormErrors()
    if not code:
        errors.add("code", _("Enter the code from your authenticator app"))
        return _code_page(ctx, again, errors, status=400)
    try:
        reply = verifier_users.login_mfa(token, code[:32])
    except RateLimited as err:
        errors.add("code", wait_message(ctx, err))
        return _code_page(ctx, again, errors, status=429)
    except Unauthenticated as err:
        if err.message == mfa.BAD_CHALLENGE:
            errors.add("email", _("Your sign-in has expired. Sign in again"))
            return _sign_in_page(ctx, {}, errors, status=400)
        errors.add("code", _("The code is not correct, or was used already"))
        return _code_page(ctx, again, errors, status=400)
    ctx.start_session(reply, config.settings().session_hours)
    if reply.get("recovery_codes"):
        return render(ctx, "recovery_codes.html", signed_in=True, codes=reply["recovery_codes"],
                      next_url=AFTER_SIGN_IN, title=ctx.gettext("Two-factor sign-in is on"))
    return ctx.redirect(AFTER_SIGN_IN)


# ---------------------------------------------------------------- forgotten password
@bp.route("/organisations/forgotten-password", methods=["GET"])
@page
def forgotten_password_form(ctx: Ctx) -> Response:
    return render(ctx, "forgotten_password.html", form={}, errors=FormErrors(),
                  title=ctx.gettext("Reset your password"))


@bp.route("/organisations/forgotten-password", methods=["POST"], content_types=[FORM])
@page
def forgotten_password(ctx: Ctx) -> Response:
    from ..domain.errors import RateLimited
    from ..services import verifier_users

    form = clean(ctx.form())
    errors = FormErrors()
    check_email(ctx, errors, form.get("email", ""))
    status = 400
    if not errors:
        try:
            verifier_users.request_password_reset(form["email"])
        except RateLimited as err:
            errors.add("email", wait_message(ctx, err))
            status = 429
        else:
            return ctx.redirect("/organisations/forgotten-password/sent")
    return render(ctx, "forgotten_password.html", status=status, form={"email": form.get("email", "")},
                  errors=errors, title=ctx.gettext("Reset your password"))


@bp.route("/organisations/forgotten-password/sent", methods=["GET"])
@page
def reset_sent(ctx: Ctx) -> Response:
    return render(ctx, "reset_sent.html", title=ctx.gettext("Check your email"))


# ---------------------------------------------------------------- sign out
@bp.route("/organisations/sign-out", methods=["POST"], content_types=[FORM])
@page
def sign_out(ctx: Ctx) -> Response:
    from .sign_in import end_session_and_go

    return end_session_and_go(ctx, "/organisations/signed-out", VERIFIER)


@bp.route("/organisations/signed-out", methods=["GET"])
@page
def signed_out(ctx: Ctx) -> Response:
    return render(ctx, "signed_out.html", title=ctx.gettext("You have signed out"))
