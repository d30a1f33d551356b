"""The verifiers' account pages (PAGES.md "Verifiers"): the start page, register your
organisation, join an existing account, set a password from the emailed link, sign in (with the
two-factor code step), forgotten password and sign out. Each view checks every field of its form
at once, then calls the same service as the JSON view (services/organisations.py,
verifier_users.py, mfa.py). The language in use is stored for the user's emails."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .candidate_account import check_email, check_new_password, password_message, same_email, wait_message
from .core import Ctx, FormErrors, SignInRequired, page
from .forms import FORM
from .routes import bp

VERIFIER = "verifier"
AREA = "verifier"
HOME = "/organisations"
SIGN_IN = "/organisations/sign-in"
AFTER_SIGN_IN = "/organisations/shared-results"
MAX_NAME = 100


def _(message: str) -> str:  # marks a message for pybabel extract; translated when shown
    return message


ORG_TYPE_NAMES = {
    "university": _("University"), "college": _("College"), "school": _("School"),
    "employer": _("Employer"), "government": _("Government body"),
    "immigration": _("Immigration authority"), "other": _("Other"),
}


def actor_of(ctx: Ctx) -> Any:
    """The signed-in organisation user and their organisation, or off to the sign-in page."""
    from ..domain.errors import Unauthenticated
    from ..services.actor import actor

    who = ctx.require(VERIFIER)
    try:
        return actor(who)
    except Unauthenticated:
        raise SignInRequired(SIGN_IN) from None


def render(ctx: Ctx, template: str, status: int = 200, **values: Any) -> Response:
    return ctx.render(f"verifiers/{template}", status=status, area=AREA, **values)


def check_person(ctx: Ctx, errors: FormErrors, form: dict) -> None:
    """First name, family name, job title and email address (register, join, add a user)."""
    _ = ctx.gettext
    for field, missing in (("first_name", _("Enter your first name")),
                           ("family_name", _("Enter your family name")),
                           ("job_title", _("Enter your job title"))):
        if not form.get(field):
            errors.add(field, missing)
        elif len(form[field]) > MAX_NAME:
            errors.add(field, _("Use at most %(num)s characters", num=MAX_NAME))
    check_email(ctx, errors, form.get("email", ""))


def clean(form: dict) -> dict:
    return {k: v.strip() if "password" not in k else v for k, v in form.items()}


# ---------------------------------------------------------------- start
@bp.route("/organisations", methods=["GET"])
@page
def start(ctx: Ctx) -> Response:
    return render(ctx, "start.html", signed_in=ctx.principal(VERIFIER) is not None,
                  title=ctx.gettext("Check candidates' exam results"))


# ---------------------------------------------------------------- register your organisation
REGISTER_KEEP = ("first_name", "family_name", "job_title", "email", "confirm_email", "organisation_name",
                 "organisation_type", "website", "country")
# the service's problem fields (api body names) -> the form's fields
_FIELD_OF = {"organisation.name": "organisation_name", "organisation.type": "organisation_type",
             "organisation.website": "website", "organisation.country": "country"}


def _register_page(ctx: Ctx, form: dict, errors: FormErrors, status: int = 200) -> Response:
    from ..domain.locales import countries

    kept = {k: form.get(k, "") for k in REGISTER_KEEP}
    types = [{"value": "", "text": ctx.gettext("Select a type")}] + [
        {"value": code, "text": ctx.gettext(name)} for code, name in ORG_TYPE_NAMES.items()]
    country_items = [{"value": "", "text": ctx.gettext("Select a country")}] + [
        {"value": code, "text": name} for code, name in countries(ctx.lang)]
    for items, current in ((types, kept["organisation_type"]), (country_items, kept["country"])):
        for item in items:
            item["selected"] = item["value"] == current
    return render(ctx, "register.html", status=status, form=kept, errors=errors, type_items=types,
                  country_items=country_items, title=ctx.gettext("Register your organisation"))


@bp.route("/organisations/register", methods=["GET"])
@page
def register_form(ctx: Ctx) -> Response:
    return _register_page(ctx, {}, FormErrors())


@bp.route("/organisations/register", methods=["POST"], content_types=[FORM])
@page
def register(ctx: Ctx) -> Response:
    from ..domain.domains import in_domain, website_domain
    from ..domain.errors import Conflict, RateLimited, ValidationError
    from ..domain.locales import organisation_country_problem
    from ..services import organisations

    _ = ctx.gettext
    form = clean(ctx.form())
    errors = FormErrors()
    check_person(ctx, errors, form)
    if not form.get("confirm_email"):
        errors.add("confirm_email", _("Confirm your email address"))
    elif not same_email(form.get("email", ""), form["confirm_email"]):
        errors.add("confirm_email", _("The email addresses do not match"))
    name = form.get("organisation_name", "")
    if not name:
        errors.add("organisation_name", _("Enter your organisation's name"))
    elif len(name) > 200:
        errors.add("organisation_name", _("Use at most %(num)s characters", num=200))
    if form.get("organisation_type") not in organisations.ORG_TYPES:
        errors.add("organisation_type", _("Select the type of your organisation"))
    website = form.get("website", "")
    domain = website_domain(website) if website and len(website) <= 300 else None
    if not website:
        errors.add("website", _("Enter your organisation's website"))
    elif domain is None:
        errors.add("website", _("Enter a web address like https://www.example.ac.uk"))
    elif "email" not in errors.by_field and not in_domain(form["email"], domain):
        errors.add("email", _("Enter an email address at %(domain)s, your organisation's website",
                              domain=domain))
    if not form.get("country") or organisation_country_problem(form["country"]):
        errors.add("country", _("Select the country of your organisation"))
    if not errors:
        try:
            organisations.register({
                "first_name": form["first_name"], "family_name": form["family_name"],
                "job_title": form["job_title"], "email": form["email"],
                "confirm_email": form["confirm_email"],
                "organisation": {"name": name, "type": form["organisation_type"], "website": website,
                                 "country": form["country"]}}, language=ctx.lang)
        except RateLimited as err:
            errors.add("email", wait_message(ctx, err))
        except Conflict as err:
            if err.message == organisations.EMAIL_HAS_ACCOUNT:
                errors.add("email", _("This email address already has an account. Sign in instead"))
            else:
                errors.add("website", _("An organisation with this website is already registered. "
                                        "Ask to join its account instead"))
        except ValidationError as err:
            for field in err.fields or {}:
                errors.add(_FIELD_OF.get(field, field if field in REGISTER_KEEP else "email"),
                           _("Check this answer"))
        else:
            return ctx.redirect("/organisations/registered")
    return _register_page(ctx, form, errors, status=400)


@bp.route("/organisations/registered", methods=["GET"])
@page
def registered(ctx: Ctx) -> Response:
    return render(ctx, "registered.html", title=ctx.gettext("Your organisation is registered"))


# ---------------------------------------------------------------- join an existing account
JOIN_KEEP = ("first_name", "family_name", "job_title", "email")


@bp.route("/organisations/join", methods=["GET"])
@page
def join_form(ctx: Ctx) -> Response:
    return render(ctx, "join.html", form={}, errors=FormErrors(),
                  title=ctx.gettext("Join an existing account"))


@bp.route("/organisations/join", methods=["POST"], content_types=[FORM])
@page
def join(ctx: Ctx) -> Response:
    from ..domain.errors import RateLimited
    from ..services import verifier_users

    form = clean(ctx.form())
    errors = FormErrors()
    check_person(ctx, errors, form)
    status = 400
    if not errors:
        try:
            verifier_users.request_join({k: form[k] for k in JOIN_KEEP}, language=ctx.lang)
        except RateLimited as err:
            errors.add("email", wait_message(ctx, err))
            status = 429
        else:
            return ctx.redirect("/organisations/join/sent")
    return render(ctx, "join.html", status=status, form={k: form.get(k, "") for k in JOIN_KEEP},
                  errors=errors, title=ctx.gettext("Join an existing account"))


@bp.route("/organisations/join/sent", methods=["GET"])
@page
def join_sent(ctx: Ctx) -> Response:
    return render(ctx, "join_sent.html", title=ctx.gettext("Your request has been sent"))


# ---------------------------------------------------------------- set password (emailed link)
def _bad_link(ctx: Ctx) -> Response:
    return render(ctx, "link_failed.html", status=400, title=ctx.gettext("This link does not work"))


@bp.route("/organisations/set-password", methods=["GET"])
@page
def set_password_form(ctx: Ctx) -> Response:
    from ..services.security import peek_token

    token = (ctx.request.query_params or {}).get("token") or ""
    if not token or len(token) > 200 or peek_token(token, "verifier_password") is None:
        return _bad_link(ctx)
    return render(ctx, "set_password.html", token=token, errors=FormErrors(),
                  title=ctx.gettext("Choose your password"))


@bp.route("/organisations/set-password", methods=["POST"], content_types=[FORM])
@page
def set_password(ctx: Ctx) -> Response:
    from ..domain.errors import ValidationError
    from ..services import verifier_users

    form = ctx.form()
    token = form.get("token", "")
    if not token or len(token) > 200:
        return _bad_link(ctx)
    errors = FormErrors()
    check_new_password(ctx, errors, form, "password", "confirm_password", None)
    if not errors:
        try:
            verifier_users.set_password(token, form["password"], language=ctx.lang)
        except ValidationError as err:
            fields = err.fields or {}
            if "password" not in fields:
                return _bad_link(ctx)
            errors.add("password", password_message(ctx, fields["password"]))
        else:
            ctx.end_session()  # every session of the account ended: a new sign-in follows
            return ctx.redirect("/organisations/password-saved")
    return render(ctx, "set_password.html", status=400, token=token, errors=errors,
                  title=ctx.gettext("Choose your password"))


@bp.route("/organisations/password-saved", methods=["GET"])
@page
def password_saved(ctx: Ctx) -> Response:
    return render(ctx, "password_saved.html", title=ctx.gettext("Your password is saved"))


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
    from ..services.security import end_session

    ctx.form()  # the CSRF check
    who = ctx.principal(VERIFIER)
    if who is not None:
        end_session(who)  # ended on the server, not only forgotten by the browser
    ctx.end_session()
    return ctx.redirect("/organisations/signed-out")


@bp.route("/organisations/signed-out", methods=["GET"])
@page
def signed_out(ctx: Ctx) -> Response:
    return render(ctx, "signed_out.html", title=ctx.gettext("You have signed out"))
