"""Exam board staff: the organisations waiting for approval (API.md "Exam board staff")."""
from __future__ import annotations

from .auth import principal
from .errors import Routes
from .http import Field, page_params, parse_body

bp = Routes(__name__)
STATUSES = ("pending", "approved", "rejected")
REJECT = {"reason": Field(str, max_len=1000)}


def _staff() -> None:
    principal(bp.current_request, "staff")


@bp.route("/staff/organisations", methods=["GET"])
def organisations() -> dict:
    from ..domain.errors import ValidationError
    from ..services import organisations as svc

    _staff()
    status = (bp.current_request.query_params or {}).get("status") or "pending"
    if status not in STATUSES:
        raise ValidationError({"status": "must be one of: " + ", ".join(STATUSES)})
    limit, cursor = page_params(bp.current_request)
    return svc.list_page(status, limit, cursor)


@bp.route("/staff/organisations/{org_id}/approve", methods=["POST"])
def approve(org_id: str) -> dict:
    from ..services import organisations as svc

    _staff()
    return svc.approve(org_id)


@bp.route("/staff/organisations/{org_id}/reject", methods=["POST"])
def reject(org_id: str) -> dict:
    from ..services import organisations as svc

    _staff()
    data = parse_body(bp.current_request, REJECT)
    return svc.reject(org_id, data["reason"])
