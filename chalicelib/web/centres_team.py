"""Your centre (issue 13): the centre's users (the manager adds and removes colleagues) and the
audit of Secret numbers reissued and accounts reset (the manager's)."""
from __future__ import annotations

from chalice import Response

from .centres import AREA, centre_actor
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp


def _page(ctx: Ctx, who, status: int = 200, form: dict | None = None, errors: FormErrors | None = None,
          **values) -> Response:  # type: ignore[no-untyped-def]
    from ..services import centre_actions, centres

    events = centre_actions.audit(who)["events"] if who.is_manager else []
    return ctx.render("centres/your_centre.html", status=status, area=AREA, signed_in=True, centre=who.centre,
                      me=who.user, users=centres.list_users(who)["users"], events=events,
                      limit=centre_actions.ACTIONS_PER_DAY, form=form or {}, errors=errors or FormErrors(),
                      title=ctx.gettext("Your centre"), **values)


@bp.route("/centres/your-centre", methods=["GET"])
@page
def your_centre(ctx: Ctx) -> Response:
    query = ctx.request.query_params or {}
    return _page(ctx, centre_actor(ctx), added=query.get("added") == "1", removed=query.get("removed") == "1")


@bp.route("/centres/your-centre/users", methods=["POST"], content_types=[FORM])
@page
def add_colleague(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict, Forbidden, ValidationError
    from ..services import centres
    from .routes import not_found_page

    who = centre_actor(ctx)
    form = ctx.form()
    if not who.is_manager:
        return not_found_page(ctx)
    errors = FormErrors()
    if not form.get("name", "").strip():
        errors.add("name", ctx.gettext("Enter their full name"))
    if not form.get("email", "").strip():
        errors.add("email", ctx.gettext("Enter their email address"))
    if not errors:
        try:
            centres.add_user(who, {"name": form["name"], "email": form["email"]})
        except ValidationError as err:
            fields = err.fields or {}
            if "name" in fields:
                errors.add("name", ctx.gettext("Enter their full name, up to 200 characters"))
            if "email" in fields:
                errors.add("email", ctx.gettext("Enter an email address like name@example.com"))
        except Conflict:
            errors.add("email", ctx.gettext("This email address already has an exam centre account"))
        except Forbidden:
            return not_found_page(ctx)
        else:
            return ctx.redirect("/centres/your-centre?added=1")
    return _page(ctx, who, status=400, form={"name": form.get("name", ""), "email": form.get("email", "")},
                 errors=errors)


@bp.route("/centres/your-centre/users/{user_id}/remove", methods=["POST"], content_types=[FORM])
@page
def remove_colleague(ctx: Ctx, user_id: str) -> Response:
    from ..domain.errors import Forbidden, NotFound
    from ..services import centres
    from .routes import not_found_page

    who = centre_actor(ctx)
    ctx.form()
    try:
        centres.remove_user(who, user_id)
    except (NotFound, Forbidden):
        return not_found_page(ctx)
    return ctx.redirect("/centres/your-centre?removed=1")
