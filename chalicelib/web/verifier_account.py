"""The verifiers' account pages (PAGES.md "Verifiers"): the start page, register your
organisation, join an existing account, set a password from the emailed link (signing in and
out: verifier_sign_in.py). Each view checks every field of its form at once, then calls the same
service as the JSON view (services/organisations.py, verifier_users.py). The language in use is
stored for the user's emails."""
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
