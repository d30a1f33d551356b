"""The candidates' account pages (PAGES.md "Candidates"): register, check your email, confirm the
email address from its link, forgotten ID / secret number, forgotten password and reset from its
link, your details and the password change. Each view checks every field of its form at once
(the error summary lists them all), then calls the same service as the JSON view."""
from __future__ import annotations

import math
from typing import Any

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp

CANDIDATE = "candidate"
PREFER_NOT_TO_SAY = "prefer_not_to_say"


# ---------------------------------------------------------------- shared checks
def wait_message(ctx: Ctx, err: Any) -> str:
    """A lock-out or rate limit, in minutes a person can act on (Retry-After is in seconds)."""
    minutes = max(1, math.ceil(err.retry_after / 60))
    return ctx.ngettext("You have tried too many times. Wait %(num)d minute, then try again.",
                        "You have tried too many times. Wait %(num)d minutes, then try again.", minutes)


def password_message(ctx: Ctx, problem: str) -> str:
    """The policy's sentence (domain/passwords.py) in the reader's language."""
    from ..domain import passwords as p

    _ = ctx.gettext
    known = {
        p.NOT_TEXT: _("Enter a password"),
        p.TOO_SHORT: _("Your password must be at least %(num)s characters long", num=p.MIN_LENGTH),
        p.TOO_LONG: _("Your password must be at most %(num)s characters long", num=p.MAX_LENGTH),
        p.TOO_COMMON: _("This password is one of the most common and easy to guess. Choose another"),
        p.CONTAINS_ID: _("Your password must not contain your ID number"),
    }
    return known.get(problem, _("Choose a different password"))


def check_new_password(ctx: Ctx, errors: FormErrors, form: dict, field: str, confirm: str,
                       id_number: str | None) -> None:
    """A new password and its confirmation: the policy, then that both are the same."""
    from ..domain.passwords import password_problem

    password = form.get(field, "")
    problem = password_problem(password, id_number=id_number)
    if problem:
        errors.add(field, password_message(ctx, problem))
    if not form.get(confirm):
        errors.add(confirm, ctx.gettext("Confirm your password"))
    elif not problem and form.get(confirm) != password:
        errors.add(confirm, ctx.gettext("The passwords do not match"))


def check_id_number(ctx: Ctx, errors: FormErrors, value: str) -> str | None:
    from ..domain.ids import is_id_number, normalise_id_number

    if not value:
        errors.add("id_number", ctx.gettext("Enter your ID number"))
    elif not is_id_number(value):
        errors.add("id_number", ctx.gettext(
            "Enter your ID number as it is printed on your Confirmation of Entry, like SIR094701"))
    else:
        return normalise_id_number(value)
    return None


def check_email(ctx: Ctx, errors: FormErrors, value: str, field: str = "email") -> None:
    from ..api.http import check_email as problem

    if not value:
        errors.add(field, ctx.gettext("Enter your email address"))
    elif len(value) > 254 or problem(value):
        errors.add(field, ctx.gettext("Enter an email address in the correct format, like name@example.com"))


def same_email(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def check_choices(ctx: Ctx, errors: FormErrors, form: dict) -> None:
    from ..domain.locales import country_problem, language_problem

    if not form.get("country") or country_problem(form["country"]):
        errors.add("country", ctx.gettext("Select your country"))
    if not form.get("first_language") or language_problem(form["first_language"]):
        errors.add("first_language", ctx.gettext("Select your first language"))


def choices(ctx: Ctx, values: dict) -> dict:
    """The country and first-language selects' items, named and sorted in the reader's language,
    with the current value selected."""
    from ..domain.locales import countries, languages

    def items(pairs: Any, current: str, placeholder: str) -> list[dict]:
        head = [{"value": "", "text": placeholder},
                {"value": PREFER_NOT_TO_SAY, "text": ctx.gettext("Prefer not to say")}]
        out = head + [{"value": code, "text": name} for code, name in pairs]
        for item in out:
            item["selected"] = item["value"] == current
        return out

    return {
        "country_items": items(countries(ctx.lang), values.get("country", ""),
                               ctx.gettext("Select a country")),
        "language_items": items(languages(ctx.lang), values.get("first_language", ""),
                                ctx.gettext("Select a language")),
    }


# ---------------------------------------------------------------- register
REGISTER_KEEP = ("id_number", "email", "confirm_email", "country", "first_language", "accept_terms",
                 "marketing_opt_in")  # shown again after an error: never a password nor the secret


def _register_page(ctx: Ctx, form: dict, errors: FormErrors, status: int = 200) -> Response:
    kept = {k: form.get(k, "") for k in REGISTER_KEEP}
    return ctx.render("candidates/register.html", status=status, form=kept, errors=errors,
                      title=ctx.gettext("Register"), **choices(ctx, kept))


@bp.route("/register", methods=["GET"])
@page
def register_form(ctx: Ctx) -> Response:
    if ctx.principal(CANDIDATE) is not None:
        return ctx.redirect("/results")
    return _register_page(ctx, {}, FormErrors())


@bp.route("/register", methods=["POST"], content_types=[FORM])
@page
def register(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict, Forbidden, RateLimited, ValidationError
    from ..domain.ids import check_secret_number
    from ..services import candidates

    _ = ctx.gettext
    form = {k: v.strip() if "password" not in k else v for k, v in ctx.form().items()}
    errors = FormErrors()
    id_number = check_id_number(ctx, errors, form.get("id_number", ""))
    secret = form.get("secret_number", "")
    if not secret:
        errors.add("secret_number", _("Enter your Secret number"))
    else:
        try:
            check_secret_number(secret)
        except ValidationError:
            errors.add("secret_number", _("Enter your Secret number as it is printed on your Confirmation "
                                          "of Entry: 4 digits, like 0427"))
    check_email(ctx, errors, form.get("email", ""))
    if not form.get("confirm_email"):
        errors.add("confirm_email", _("Confirm your email address"))
    elif not same_email(form.get("email", ""), form["confirm_email"]):
        errors.add("confirm_email", _("The email addresses do not match"))
    check_new_password(ctx, errors, form, "password", "confirm_password", id_number)
    check_choices(ctx, errors, form)
    if form.get("accept_terms") != "yes":
        errors.add("accept_terms", _("Agree to the terms of use to register"))
    if not errors:
        try:
            candidates.register({
                "id_number": form["id_number"], "secret_number": secret, "email": form["email"],
                "password": form["password"], "country": form["country"],
                "first_language": form["first_language"], "accept_terms": True,
                "marketing_opt_in": form.get("marketing_opt_in") == "yes"}, language=ctx.lang)
        except RateLimited as err:
            errors.add("secret_number", wait_message(ctx, err))
        except Forbidden:
            errors.add("secret_number", _(
                "The ID number and Secret number do not match. Check both against your Confirmation of "
                "Entry, where they are printed. If you cannot find it, your exam centre can help."))
        except Conflict:
            errors.add("id_number", _("There is already an account for this ID number. Sign in, or reset "
                                      "your password"))
        except ValidationError as err:
            for field in err.fields or {}:
                errors.add(field if field in form else "id_number", _("Check this answer"))
        else:
            return ctx.redirect("/check-your-email")
    return _register_page(ctx, form, errors, status=400)


@bp.route("/check-your-email", methods=["GET"])
@page
def check_your_email(ctx: Ctx) -> Response:
    return ctx.render("candidates/check_email.html", title=ctx.gettext("Check your email"))


@bp.route("/forgotten-id", methods=["GET"])
@page
def forgotten_id(ctx: Ctx) -> Response:
    return ctx.render("candidates/forgotten_id.html",
                      title=ctx.gettext("If you have forgotten your ID number or Secret number"))


@bp.route("/terms", methods=["GET"])
@page
def terms(ctx: Ctx) -> Response:
    return ctx.render("candidates/terms.html", title=ctx.gettext("Terms of use"))


# ---------------------------------------------------------------- confirm the email address
@bp.route("/verify-email", methods=["GET"])
@page
def verify_email(ctx: Ctx) -> Response:
    from ..domain.errors import ValidationError
    from ..services import candidates

    token = (ctx.request.query_params or {}).get("token") or ""
    try:
        if not token or len(token) > 200:
            raise ValidationError({"token": "missing"})
        candidates.verify_email(token)
    except ValidationError:
        signed_in = ctx.principal(CANDIDATE) is not None
        return ctx.render("candidates/verify_failed.html", status=400, signed_in=signed_in,
                          title=ctx.gettext("This link does not work"))
    # 303 to a page without the token: the language link and the history do not replay a used link
    return ctx.redirect("/email-confirmed")


@bp.route("/email-confirmed", methods=["GET"])
@page
def email_confirmed(ctx: Ctx) -> Response:
    return ctx.render("candidates/verified.html", signed_in=ctx.principal(CANDIDATE) is not None,
                      title=ctx.gettext("Your email address is confirmed"))


@bp.route("/verify-email/resend", methods=["POST"], content_types=[FORM])
@page
def resend_verification(ctx: Ctx) -> Response:
    from ..domain.errors import RateLimited
    from ..services import candidates

    ctx.form()
    who = ctx.require(CANDIDATE)
    try:
        candidates.resend_verification(who.subject)
    except RateLimited as err:
        errors = FormErrors()
        errors.add("resend", wait_message(ctx, err))
        return ctx.render("candidates/verify_failed.html", status=429, signed_in=True, errors=errors,
                          title=ctx.gettext("This link does not work"))
    return ctx.redirect("/verify-email/sent")


@bp.route("/verify-email/sent", methods=["GET"])
@page
def verification_sent(ctx: Ctx) -> Response:
    ctx.require(CANDIDATE)
    return ctx.render("candidates/check_email.html", signed_in=True, resent=True,
                      title=ctx.gettext("Check your email"))


# ---------------------------------------------------------------- forgotten password
@bp.route("/forgotten-password", methods=["GET"])
@page
def forgotten_password_form(ctx: Ctx) -> Response:
    return ctx.render("candidates/forgotten_password.html", form={}, errors=FormErrors(),
                      title=ctx.gettext("Reset your password"))


@bp.route("/forgotten-password", methods=["POST"], content_types=[FORM])
@page
def forgotten_password(ctx: Ctx) -> Response:
    from ..domain.errors import RateLimited
    from ..services import candidates

    form = {k: v.strip() for k, v in ctx.form().items()}
    errors = FormErrors()
    check_id_number(ctx, errors, form.get("id_number", ""))
    check_email(ctx, errors, form.get("email", ""))
    if not errors:
        try:
            candidates.request_password_reset(form["id_number"], form["email"])
        except RateLimited as err:
            errors.add("id_number", wait_message(ctx, err))
        else:
            return ctx.redirect("/forgotten-password/sent")
    kept = {"id_number": form.get("id_number", ""), "email": form.get("email", "")}
    return ctx.render("candidates/forgotten_password.html", status=400, form=kept, errors=errors,
                      title=ctx.gettext("Reset your password"))


@bp.route("/forgotten-password/sent", methods=["GET"])
@page
def reset_sent(ctx: Ctx) -> Response:
    return ctx.render("candidates/reset_sent.html", title=ctx.gettext("Check your email"))


def _bad_reset_link(ctx: Ctx) -> Response:
    return ctx.render("candidates/reset_failed.html", status=400,
                      title=ctx.gettext("This password reset link does not work"))


@bp.route("/reset-password", methods=["GET"])
@page
def reset_password_form(ctx: Ctx) -> Response:
    from ..services.security import peek_token

    token = (ctx.request.query_params or {}).get("token") or ""
    if peek_token(token, "password_reset") is None:
        return _bad_reset_link(ctx)
    return ctx.render("candidates/reset_password.html", token=token, errors=FormErrors(),
                      title=ctx.gettext("Choose a new password"))


@bp.route("/reset-password", methods=["POST"], content_types=[FORM])
@page
def reset_password(ctx: Ctx) -> Response:
    from ..domain.errors import ValidationError
    from ..services import candidates
    from ..services.security import peek_token

    form = ctx.form()
    token = form.get("token", "")
    item = peek_token(token, "password_reset")
    if item is None:
        return _bad_reset_link(ctx)
    errors = FormErrors()
    check_new_password(ctx, errors, form, "new_password", "confirm_password", item.subject)
    if not errors:
        try:
            candidates.confirm_password_reset(token, form["new_password"])
        except ValidationError as err:
            fields = err.fields or {}
            if "new_password" not in fields:
                return _bad_reset_link(ctx)
            errors.add("new_password", password_message(ctx, fields["new_password"]))
        else:
            ctx.end_session()  # every session of the account ended: a new sign-in follows
            return ctx.redirect("/password-saved")
    return ctx.render("candidates/reset_password.html", status=400, token=token, errors=errors,
                      title=ctx.gettext("Choose a new password"))


@bp.route("/password-saved", methods=["GET"])
@page
def password_saved(ctx: Ctx) -> Response:
    return ctx.render("candidates/password_saved.html", title=ctx.gettext("Your new password is saved"))
