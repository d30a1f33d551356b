"""The exam board console's results page (`/board/results`, staff, English only): find a result
by reference number or ID number and withdraw it with a reason. The same service as
`GET /staff/results` and `POST /staff/results/{result_id}/withdraw` (services/withdrawal.py)."""
from __future__ import annotations

from urllib.parse import quote

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp

STAFF = "staff"
PAGE = "/board/results"


def _find(q: str) -> list[dict]:
    from ..domain.errors import ValidationError
    from ..domain.ids import is_id_number
    from ..services import withdrawal

    if not q:
        return []
    try:
        if is_id_number(q):
            return withdrawal.find(id_number=q)["results"]
        return withdrawal.find(reference_number=q)["results"]
    except ValidationError:
        return []


def _page(ctx: Ctx, q: str, errors: FormErrors | None = None, form: dict | None = None,
          status: int = 200) -> Response:
    query = ctx.request.query_params or {}
    return ctx.render("board/results.html", status=status, area=STAFF, signed_in=True, q=q,
                      searched=bool(q), results=_find(q), errors=errors or FormErrors(), form=form or {},
                      withdrawn=query.get("withdrawn"), title="Results")


@bp.route(PAGE, methods=["GET"])
@page
def board_results(ctx: Ctx) -> Response:
    ctx.require(STAFF)
    q = ((ctx.request.query_params or {}).get("q") or "").strip()[:100]
    return _page(ctx, q)


@bp.route(PAGE + "/{result_id}/withdraw", methods=["POST"], content_types=[FORM])
@page
def board_withdraw(ctx: Ctx, result_id: str) -> Response:
    from ..domain.errors import Conflict, NotFound, ValidationError
    from ..services import withdrawal

    form = ctx.form()
    who = ctx.require(STAFF)
    q = form.get("q", "").strip()[:100]
    reason = form.get("reason", "").strip()
    errors = FormErrors()
    try:
        withdrawal.withdraw(who.subject, result_id[:100], reason)
    except ValidationError:
        errors.add("reason", "Enter the reason for withdrawing the result (at most 500 characters)")
    except NotFound:
        errors.add("reason", "There is no released result with that id")
    except Conflict as err:
        errors.add("reason", err.message)
    if errors:
        return _page(ctx, q, errors, {"reason": reason, "result_id": result_id}, status=400)
    return ctx.redirect(f"{PAGE}?q={quote(q)}&withdrawn=1")
