"""The candidate's details: email, country, first language, marketing choice, and the password."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .candidate_account import (
    CANDIDATE,
    check_choices,
    check_email,
    check_new_password,
    choices,
    password_message,
    same_email,
    wait_message,
)
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp


# ---------------------------------------------------------------- your details
def _details_page(ctx: Ctx, who: Any, *, form: dict | None = None, errors: FormErrors | None = None,
                  pw_errors: FormErrors | None = None, status: int = 200) -> Response:
    from ..services import candidates

    profile = candidates.get_profile(who.subject)
    values = form if form is not None else {
        "email": profile["email"], "country": profile["country"], "first_language": profile["first_language"],
        "marketing_opt_in": "yes" if profile["marketing_opt_in"] else ""}
    saved = (ctx.request.query_params or {}).get("saved") if status == 200 else None
    every = FormErrors()  # one error summary for whichever form was sent
    for source in (errors, pw_errors):
        for field, message in (source.by_field if source else {}).items():
            every.add(field, message)
    return ctx.render("candidates/your_details.html", status=status, signed_in=True, profile=profile,
                      form=values, errors=every, saved=saved, title=ctx.gettext("Your details"),
                      **choices(ctx, values))


@bp.route("/your-details", methods=["GET"])
@page
def your_details(ctx: Ctx) -> Response:
    return _details_page(ctx, ctx.require(CANDIDATE))


@bp.route("/your-details", methods=["POST"], content_types=[FORM])
@page
def save_details(ctx: Ctx) -> Response:
    from ..domain.errors import RateLimited, ValidationError
    from ..services import candidates

    form = ctx.form()
    who = ctx.require(CANDIDATE)
    _ = ctx.gettext
    errors = FormErrors()
    email = form.get("email", "").strip()
    check_email(ctx, errors, email)
    check_choices(ctx, errors, form)
    profile = candidates.get_profile(who.subject)
    changing_email = not errors.get("email") and not same_email(email, profile["email"])
    if changing_email and not form.get("details_password"):
        errors.add("details_password", _("Enter your password to change your email address"))
    kept = {"email": email, "country": form.get("country", ""),
            "first_language": form.get("first_language", ""),
            "marketing_opt_in": form.get("marketing_opt_in", "")}
    if not errors:
        data: dict[str, Any] = {"country": form["country"], "first_language": form["first_language"],
                                "marketing_opt_in": form.get("marketing_opt_in") == "yes"}
        if changing_email:
            data |= {"email": email, "current_password": form["details_password"]}
        try:
            candidates.update_profile(who.subject, data, language=ctx.lang)
        except RateLimited as err:
            errors.add("details_password", wait_message(ctx, err))
        except ValidationError as err:
            for field in err.fields or {}:
                if field == "current_password":
                    errors.add("details_password", _("Your password is not correct"))
                else:
                    errors.add(field if field in kept else "email", _("Check this answer"))
        else:
            return ctx.redirect("/your-details?saved=details")
    return _details_page(ctx, who, form=kept, errors=errors, status=400)


@bp.route("/your-details/password", methods=["POST"], content_types=[FORM])
@page
def change_password(ctx: Ctx) -> Response:
    from ..domain.errors import RateLimited, ValidationError
    from ..services import candidates

    form = ctx.form()
    who = ctx.require(CANDIDATE)
    _ = ctx.gettext
    errors = FormErrors()
    if not form.get("current_password"):
        errors.add("current_password", _("Enter your current password"))
    check_new_password(ctx, errors, form, "new_password", "confirm_new_password", who.subject)
    if not errors:
        try:
            candidates.change_password(who, form["current_password"], form["new_password"])
        except RateLimited as err:
            errors.add("current_password", wait_message(ctx, err))
        except ValidationError as err:
            fields = err.fields or {}
            if "current_password" in fields:
                errors.add("current_password", _("Your current password is not correct"))
            if "new_password" in fields:
                errors.add("new_password", password_message(ctx, fields["new_password"]))
        else:
            return ctx.redirect("/your-details?saved=password")
    return _details_page(ctx, who, pw_errors=errors, status=400)
