"""The verifiers' signed-in account pages (PAGES.md "Verifiers"): Your organisation (the Primary
User's users, join requests, API keys and webhooks; an Admin User sees the details only, and
the services refuse the Primary-only actions anyway) and Email notifications (two-factor
sign-in: verifier_two_factor.py). Same services as the JSON views (verifier_users, api_keys,
webhooks)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp, not_found_page
from .verifier_account import ORG_TYPE_NAMES, actor_of, check_person, clean, render, wait_message

ORG_PAGE = "/organisations/your-organisation"
NOTIFICATIONS = "/organisations/notifications"
PERSON = ("first_name", "family_name", "job_title", "email")


def _(message: str) -> str:  # marks a message for pybabel extract; translated when shown
    return message


# what a redirect back to Your organisation says happened (`?done=`)
DONE = {
    "user-added": _("The user is added. We have emailed them a link to choose their password."),
    "user-saved": _("The user's details are saved."),
    "user-removed": _("The user is removed."),
    "join-approved": _("The request is approved. We have emailed them a link to choose their password."),
    "join-declined": _("The request is declined."),
    "join-has-account": _("That person already has an account, so the request is removed."),
    "key-revoked": _("The API key is revoked. It no longer works."),
    "webhook-removed": _("The webhook is removed."),
}
FREQUENCY_NAMES = (("off", _("Off")), ("immediate", _("Immediately")), ("daily", _("Daily")),
                   ("weekly", _("Weekly")))


def refused_page(ctx: Ctx) -> Response:
    return render(ctx, "forbidden.html", status=403, signed_in=True,
                  title=ctx.gettext("You cannot do this"))


def _guard(ctx: Ctx, action: Callable[[], Response]) -> Response:
    """A Primary-only or one-item action: the service's refusals become the 403 or 404 page."""
    from ..domain.errors import Forbidden, NotFound

    try:
        return action()
    except Forbidden:
        return refused_page(ctx)
    except NotFound:
        return not_found_page(ctx)


def _country_name(ctx: Ctx, code: str) -> str:
    from ..domain.locales import countries

    return dict(countries(ctx.lang)).get(code, code)


# ---------------------------------------------------------------- your organisation
def org_page(ctx: Ctx, who: Any, status: int = 200, form: dict | None = None,
             errors: FormErrors | None = None, **extra: Any) -> Response:
    from ..services import api_keys, verifier_users, webhooks

    org = who.org
    values: dict[str, Any] = {
        "org": {"name": org.name, "type": ctx.gettext(ORG_TYPE_NAMES.get(org.type, "Other")),
                "website": org.website, "domain": org.domain, "country": _country_name(ctx, org.country)},
        "me": verifier_users.view(who.user), "is_primary": who.is_primary,
        "users": verifier_users.list_users(who)["users"],
    }
    if who.is_primary:
        values.update(join_requests=verifier_users.list_join_requests(who)["join_requests"],
                      api_keys=api_keys.list_keys(who)["api_keys"],
                      webhooks=[webhooks.view(w) for w in webhooks.org_webhooks(who.org_id)])
    done = (ctx.request.query_params or {}).get("done") or ""
    if done in DONE and status == 200:
        values["done"] = ctx.gettext(DONE[done])
    return render(ctx, "your_organisation.html", status=status, signed_in=True, form=form or {},
                  errors=errors or FormErrors(), title=ctx.gettext("Your organisation"), **values, **extra)


@bp.route(ORG_PAGE, methods=["GET"])
@page
def your_organisation(ctx: Ctx) -> Response:
    return org_page(ctx, actor_of(ctx))


@bp.route(ORG_PAGE + "/users", methods=["POST"], content_types=[FORM])
@page
def add_user(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict, ValidationError
    from ..services import verifier_users

    form = clean(ctx.form())
    who = actor_of(ctx)
    if not who.is_primary:
        return refused_page(ctx)
    errors = FormErrors()
    check_person(ctx, errors, form)
    if not errors:
        try:
            verifier_users.add_user(who, {k: form[k] for k in PERSON}, language=ctx.lang)
        except ValidationError:
            errors.add("email", ctx.gettext("Enter an address at %(domain)s, your organisation's website",
                                            domain=who.org.domain))
        except Conflict:
            errors.add("email", ctx.gettext("This email address already has an account"))
        else:
            return ctx.redirect(ORG_PAGE + "?done=user-added")
    return _guard(ctx, lambda: org_page(ctx, who, 400, {k: form.get(k, "") for k in PERSON}, errors))


def _user_page(ctx: Ctx, user: dict, errors: FormErrors, status: int = 200) -> Response:
    return render(ctx, "edit_user.html", status=status, signed_in=True, user=user, form=user, errors=errors,
                  title=ctx.gettext("Change a user's details"))


def _org_user(who: Any, user_id: str) -> dict:
    from ..domain.errors import NotFound
    from ..services import verifier_users

    who.require_primary()
    for user in verifier_users.list_users(who)["users"]:
        if user["user_id"] == user_id:
            return dict(user)
    raise NotFound("no such user")


@bp.route(ORG_PAGE + "/users/{user_id}", methods=["GET"])
@page
def edit_user_form(ctx: Ctx, user_id: str) -> Response:
    who = actor_of(ctx)
    return _guard(ctx, lambda: _user_page(ctx, _org_user(who, user_id), FormErrors()))


@bp.route(ORG_PAGE + "/users/{user_id}", methods=["POST"], content_types=[FORM])
@page
def edit_user(ctx: Ctx, user_id: str) -> Response:
    from ..services import verifier_users

    form = clean(ctx.form())
    who = actor_of(ctx)

    def act() -> Response:
        user = _org_user(who, user_id)
        errors = FormErrors()
        check_person(ctx, errors, {**form, "email": user["email"]})
        if errors:
            return _user_page(ctx, {**user, **{k: form.get(k, "") for k in PERSON[:3]}}, errors, 400)
        verifier_users.update_user(who, user_id, {k: form[k] for k in PERSON[:3]})
        return ctx.redirect(ORG_PAGE + "?done=user-saved")

    return _guard(ctx, act)


@bp.route(ORG_PAGE + "/users/{user_id}/remove", methods=["POST"], content_types=[FORM])
@page
def remove_user(ctx: Ctx, user_id: str) -> Response:
    from ..services import verifier_users

    ctx.form()
    who = actor_of(ctx)

    def act() -> Response:
        verifier_users.delete_user(who, user_id)
        return ctx.redirect(ORG_PAGE + "?done=user-removed")

    return _guard(ctx, act)


@bp.route(ORG_PAGE + "/join-requests/{request_id}/{decision}", methods=["POST"], content_types=[FORM])
@page
def decide_join(ctx: Ctx, request_id: str, decision: str) -> Response:
    from ..domain.errors import Conflict
    from ..services import verifier_users

    ctx.form()
    who = actor_of(ctx)
    if decision not in ("approve", "decline"):
        return not_found_page(ctx)

    def act() -> Response:
        if decision == "approve":
            try:
                verifier_users.approve_join(who, request_id)
            except Conflict:  # the address got an account meanwhile: the request is removed
                return ctx.redirect(ORG_PAGE + "?done=join-has-account")
            return ctx.redirect(ORG_PAGE + "?done=join-approved")
        verifier_users.decline_join(who, request_id)
        return ctx.redirect(ORG_PAGE + "?done=join-declined")

    return _guard(ctx, act)


# ---------------------------------------------------------------- API keys
@bp.route(ORG_PAGE + "/api-keys", methods=["POST"], content_types=[FORM])
@page
def create_key(ctx: Ctx) -> Response:
    from ..domain.errors import RateLimited, ValidationError
    from ..services import api_keys

    form = clean(ctx.form())
    who = actor_of(ctx)
    if not who.is_primary:
        return refused_page(ctx)
    errors = FormErrors()
    name = form.get("key_name", "")
    status = 400
    if not name:
        errors.add("key_name", ctx.gettext("Enter a name for the key, like HR system"))
    elif len(name) > 100:
        errors.add("key_name", ctx.gettext("Use at most %(num)s characters", num=100))
    else:
        try:
            created = api_keys.create(who, name)
        except RateLimited as err:
            errors.add("key_name", wait_message(ctx, err))
            status = 429
        except ValidationError:
            errors.add("key_name", ctx.gettext(
                "Your organisation has as many keys as it can have. Revoke one first"))
        else:
            # shown once, in this reply (never in a URL or a redirect)
            return render(ctx, "secret_shown.html", signed_in=True, secret=created["key"], kind="key",
                          name=created["name"], title=ctx.gettext("Your new API key"))
    return org_page(ctx, who, status, {"key_name": name}, errors)


@bp.route(ORG_PAGE + "/api-keys/{key_id}/revoke", methods=["POST"], content_types=[FORM])
@page
def revoke_key(ctx: Ctx, key_id: str) -> Response:
    from ..services import api_keys

    ctx.form()
    who = actor_of(ctx)

    def act() -> Response:
        api_keys.revoke(who, key_id)
        return ctx.redirect(ORG_PAGE + "?done=key-revoked")

    return _guard(ctx, act)


# ---------------------------------------------------------------- webhooks
@bp.route(ORG_PAGE + "/webhooks", methods=["POST"], content_types=[FORM])
@page
def add_webhook(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict, ValidationError
    from ..services import webhooks

    form = clean(ctx.form())
    who = actor_of(ctx)
    if not who.is_primary:
        return refused_page(ctx)
    errors = FormErrors()
    url = form.get("url", "")
    if not url:
        errors.add("url", ctx.gettext("Enter the web address to send events to"))
    elif len(url) > 2000:
        errors.add("url", ctx.gettext("Use at most %(num)s characters", num=2000))
    else:
        try:
            created = webhooks.create(who.org_id, who.user_id, url)
        except ValidationError as err:
            if "at most" in (err.fields or {}).get("url", ""):
                errors.add("url", ctx.gettext("Your organisation has as many webhooks as it can have. "
                                              "Remove one first"))
            else:
                errors.add("url", ctx.gettext("Enter a public web address that starts with https://, like "
                                              "https://example.org/hooks/results"))
        except Conflict:
            errors.add("url", ctx.gettext("This web address is registered already"))
        else:
            return render(ctx, "secret_shown.html", signed_in=True, secret=created["secret"], kind="webhook",
                          name=created["url"], title=ctx.gettext("Your new webhook"))
    return org_page(ctx, who, 400, {"url": url}, errors)


@bp.route(ORG_PAGE + "/webhooks/{webhook_id}/remove", methods=["POST"], content_types=[FORM])
@page
def remove_webhook(ctx: Ctx, webhook_id: str) -> Response:
    from ..services import webhooks

    ctx.form()
    who = actor_of(ctx)

    def act() -> Response:
        who.require_primary()
        webhooks.delete(who.org_id, webhook_id)
        return ctx.redirect(ORG_PAGE + "?done=webhook-removed")

    return _guard(ctx, act)


# ---------------------------------------------------------------- email notifications
def _notifications_page(ctx: Ctx, current: str, errors: FormErrors, status: int = 200,
                        saved: bool = False) -> Response:
    items = [{"value": value, "text": ctx.gettext(text), "checked": value == current}
             for value, text in FREQUENCY_NAMES]
    return render(ctx, "notifications.html", status=status, signed_in=True, items=items, errors=errors,
                  saved=saved, title=ctx.gettext("Email notifications"))


@bp.route(NOTIFICATIONS, methods=["GET"])
@page
def notifications_form(ctx: Ctx) -> Response:
    who = actor_of(ctx)
    saved = (ctx.request.query_params or {}).get("saved") == "1"
    return _notifications_page(ctx, who.user.frequency or "off", FormErrors(), saved=saved)


@bp.route(NOTIFICATIONS, methods=["POST"], content_types=[FORM])
@page
def save_notifications(ctx: Ctx) -> Response:
    from ..services import verifier_users

    form = ctx.form()
    who = actor_of(ctx)
    frequency = form.get("frequency", "")
    if frequency not in verifier_users.FREQUENCIES:
        errors = FormErrors()
        errors.add("frequency", ctx.gettext("Select how often you want to be emailed"))
        return _notifications_page(ctx, "", errors, status=400)
    verifier_users.set_frequency(who, frequency, language=ctx.lang)
    return ctx.redirect(NOTIFICATIONS + "?saved=1")
