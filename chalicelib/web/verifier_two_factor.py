"""The verifiers' two-factor sign-in page (PAGES.md "Verifiers"): set it up with a QR code and
a first code (recovery codes shown once), or turn it off with a code. services/mfa.py, as the
JSON views."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .candidate_account import wait_message
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp
from .verifier_account import actor_of, render
from .verifier_org import ORG_PAGE, refused_page
from .verifier_sign_in import qr_image

TWO_FACTOR = "/organisations/two-factor"


# ---------------------------------------------------------------- two-factor sign-in
def _two_factor_page(ctx: Ctx, who: Any, errors: FormErrors | None = None, status: int = 200) -> Response:
    from ..services import mfa

    state = mfa.state(who)
    return render(ctx, "two_factor.html", status=status, signed_in=True, errors=errors or FormErrors(),
                  enabled=state["mfa_enabled"], required=state["mfa_required"],
                  turned_off=(ctx.request.query_params or {}).get("off") == "1",
                  title=ctx.gettext("Two-factor sign-in"))


def _setup_page(ctx: Ctx, who: Any, secret: str, errors: FormErrors | None = None,
                status: int = 200) -> Response:
    from ..services import mfa

    uri = mfa.otpauth_uri(secret, mfa.verifier_account(who.user).label)
    return render(ctx, "two_factor_setup.html", status=status, signed_in=True, errors=errors or FormErrors(),
                  qr=qr_image(uri), secret=secret, title=ctx.gettext("Set up two-factor sign-in"))


@bp.route(TWO_FACTOR, methods=["GET"])
@page
def two_factor(ctx: Ctx) -> Response:
    return _two_factor_page(ctx, actor_of(ctx))


@bp.route(TWO_FACTOR + "/start", methods=["POST"], content_types=[FORM])
@page
def two_factor_start(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict
    from ..services import mfa

    ctx.form()
    who = actor_of(ctx)
    try:
        started = mfa.start_enrolment(who)
    except Conflict:  # on already (a form sent twice)
        return ctx.redirect(TWO_FACTOR)
    return _setup_page(ctx, who, started["secret"])


@bp.route(TWO_FACTOR + "/confirm", methods=["POST"], content_types=[FORM])
@page
def two_factor_confirm(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict, ValidationError
    from ..services import mfa

    form = ctx.form()
    who = actor_of(ctx)
    code = form.get("code", "").strip()[:32]
    try:
        done = mfa.confirm_enrolment(who, code) if code else None
    except Conflict:  # on already, or never started
        return ctx.redirect(TWO_FACTOR)
    except ValidationError:
        done = None
    if done is None:
        errors = FormErrors()
        errors.add("code", ctx.gettext("Enter the 6-digit code your app shows now") if not code
                   else ctx.gettext("The code is not correct. Enter the code your app shows now"))
        secret = mfa.unseal(who.user.totp_pending, who.user_id)
        return _setup_page(ctx, who, secret, errors, status=400)
    return render(ctx, "recovery_codes.html", signed_in=True, codes=done["recovery_codes"], next_url=ORG_PAGE,
                  title=ctx.gettext("Two-factor sign-in is on"))


@bp.route(TWO_FACTOR + "/turn-off", methods=["POST"], content_types=[FORM])
@page
def two_factor_off(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict, Forbidden, RateLimited, ValidationError
    from ..services import mfa

    form = ctx.form()
    who = actor_of(ctx)
    code = form.get("code", "").strip()[:32]
    errors = FormErrors()
    if not code:
        errors.add("code", ctx.gettext("Enter a code from your app, or a recovery code"))
        return _two_factor_page(ctx, who, errors, 400)
    try:
        mfa.disable(who, code)
    except Forbidden:
        return refused_page(ctx)
    except Conflict:
        return ctx.redirect(TWO_FACTOR)
    except RateLimited as err:
        errors.add("code", wait_message(ctx, err))
        return _two_factor_page(ctx, who, errors, 429)
    except ValidationError:
        errors.add("code", ctx.gettext("The code is not correct, or was used already"))
        return _two_factor_page(ctx, who, errors, 400)
    return ctx.redirect(TWO_FACTOR + "?off=1")
