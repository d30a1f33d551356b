"""The first step of every area's sign-in page (candidates by ID number; organisations, centres
and staff by email address): the same checks of the form, the same words for an unknown account
and a wrong password, and the same lock-out message, in the reader's language.

    attempt = password_step(ctx, centres.login)
    if attempt.reply is None:
        return _sign_in_page(ctx, attempt.form, attempt.errors, status=attempt.status)
    ctx.start_session(attempt.reply, ...)
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalice import Response

from .core import Ctx
from .forms import FormErrors

MAX_EMAIL = 254
MAX_PASSWORD = 1024


@dataclass
class Attempt:
    form: dict[str, str]
    errors: FormErrors
    status: int  # 400 for the form's errors, 429 when locked out, 200 when signed in
    reply: Any = None  # what `login` returned; None unless it succeeded


def locked_out_message(ctx: Ctx, err: Any) -> str:
    minutes = max(1, math.ceil(err.retry_after / 60))
    return ctx.ngettext("You have tried to sign in too many times. Wait %(num)d minute, then try again.",
                        "You have tried to sign in too many times. Wait %(num)d minutes, then try again.",
                        minutes)


def password_step(ctx: Ctx, login: Callable[[str, str], Any], field: str = "email") -> Attempt:
    """Read the form (CSRF checked), check it, and call `login(who, password)`; `field` is the
    form's account field, "email" or "id_number". An unknown account and a wrong password get the
    same words (the services give them the same error)."""
    from ..domain.errors import RateLimited, Unauthenticated, ValidationError

    _ = ctx.gettext
    by_id = field == "id_number"
    form = ctx.form()
    who, password = form.get(field, "").strip(), form.get("password", "")
    errors = FormErrors()
    if not who:
        errors.add(field, _("Enter your ID number") if by_id else _("Enter your email address"))
    elif not by_id and (len(who) > MAX_EMAIL or "@" not in who):
        errors.add(field, _("Enter an email address like name@example.com"))
    if not password:
        errors.add("password", _("Enter your password"))
    if errors:
        return Attempt(form, errors, 400)
    wrong = _("The ID number or password is not correct") if by_id else _(
        "The email address or password is not correct")
    try:
        reply = login(who, password[:MAX_PASSWORD])
    except RateLimited as err:
        errors.add(field, locked_out_message(ctx, err))
        return Attempt(form, errors, 429)
    except ValidationError:
        errors.add(field, _("Enter your ID number as it is printed on your Confirmation of Entry") if by_id
                   else wrong)
    except Unauthenticated:
        errors.add(field, wrong)
    if errors:
        return Attempt(form, errors, 400)
    return Attempt(form, errors, 200, reply)


def end_session_and_go(ctx: Ctx, then: str, *kinds: str) -> Response:
    """Every area's Sign out button: the form's CSRF token checked, the session ended on the
    server (not only forgotten by the browser) and its cookie cleared, then `then` (the area's
    signed-out page)."""
    from ..services.security import end_session

    ctx.form()  # the CSRF check
    who = ctx.principal(*kinds)
    if who is not None:
        end_session(who)
    ctx.end_session()
    return ctx.redirect(then)
