"""The console's organisations (PAGES.md "Exam board staff", organisations): those waiting for
approval, with who applied; `Approve`, or `Reject` with a `Reason` (the same services as
/staff/organisations)."""
from __future__ import annotations

from chalice import Response

from .board import STAFF_PAGE, staff
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp

PAGE_SIZE = 50
REASON_MAX = 1000


def _page(ctx: Ctx, errors: FormErrors | None = None, status: int = 200, notice: str | None = None,
          reject: dict | None = None) -> Response:
    from ..domain.errors import ValidationError
    from ..services import organisations

    cursor = (ctx.request.query_params or {}).get("cursor") or None
    try:
        listing = organisations.list_page("pending", PAGE_SIZE, cursor)
    except ValidationError:
        listing = organisations.list_page("pending", PAGE_SIZE, None)
    return ctx.render("board/organisations.html", status=status, organisations=listing["organisations"],
                      next_cursor=listing["next_cursor"], errors=errors or FormErrors(), notice=notice,
                      reject=reject or {}, title="Organisations", **STAFF_PAGE)


@bp.route("/board/organisations", methods=["GET"])
@page
def board_organisations(ctx: Ctx) -> Response:
    staff(ctx)
    done = (ctx.request.query_params or {}).get("done")
    notice = {
        "approved": "The organisation was approved; its Primary User was emailed a link to set a password.",
        "rejected": "The organisation was rejected; its Primary User was emailed the reason.",
    }.get(done or "")
    return _page(ctx, notice=notice)


def _decided(ctx: Ctx, err: Exception) -> Response:
    errors = FormErrors()
    errors.add("organisations", getattr(err, "message", "This organisation was decided already."))
    return _page(ctx, errors, status=409)


@bp.route("/board/organisations/{org_id}/approve", methods=["POST"], content_types=[FORM])
@page
def board_approve(ctx: Ctx, org_id: str) -> Response:
    from ..domain.errors import Conflict, NotFound
    from ..services import organisations

    staff(ctx)
    ctx.form()  # the CSRF check
    try:
        organisations.approve(org_id[:100])
    except (Conflict, NotFound) as err:  # decided already (twice, or by a colleague), or gone
        return _decided(ctx, err)
    return ctx.redirect("/board/organisations?done=approved")


@bp.route("/board/organisations/{org_id}/reject", methods=["POST"], content_types=[FORM])
@page
def board_reject(ctx: Ctx, org_id: str) -> Response:
    from ..domain.errors import Conflict, NotFound
    from ..services import organisations

    staff(ctx)
    form = ctx.form()
    reason = form.get("reason", "").strip()
    field = f"reason-{org_id[:100]}"
    errors = FormErrors()
    if not reason:
        errors.add(field, "Enter the reason for rejecting the organisation")
    elif len(reason) > REASON_MAX:
        errors.add(field, f"The reason must be {REASON_MAX} characters or fewer")
    if errors:
        return _page(ctx, errors, status=400, reject={org_id: reason[:REASON_MAX * 2]})
    try:
        organisations.reject(org_id[:100], reason)
    except (Conflict, NotFound) as err:
        return _decided(ctx, err)
    return ctx.redirect("/board/organisations?done=rejected")
