"""Exam board staff: the organisations waiting for approval (API.md "Exam board staff")."""
from __future__ import annotations

from .auth import principal
from .body import body, parse_as, spec
from .docs import PAGE, list_of, ok, operation, path_param, query, ref
from .errors import Routes
from .http import Field, page_params

bp = Routes(__name__)
STATUSES = ("pending", "approved", "rejected")
_ORG_ID = path_param("org_id")


@body
class Reject:
    reason: str = spec(Field(str, max_len=1000))


def _staff() -> None:
    principal(bp.current_request, "staff")


@bp.route("/staff/organisations", methods=["GET"])
@operation("staff", "Organisations by status",
           {"200": ok(list_of("organisations", ref("StaffOrganisation"), paged=True))},
           params=[*PAGE, query("status", "default pending", {"type": "string", "enum": list(STATUSES)})])
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
@operation("staff", "Approve; the Primary User is invited", {"200": ok(ref("StaffOrganisation"))},
           params=[_ORG_ID])
def approve(org_id: str) -> dict:
    from ..services import organisations as svc

    _staff()
    return svc.approve(org_id)


@bp.route("/staff/organisations/{org_id}/reject", methods=["POST"])
@operation("staff", "Reject with a reason", {"200": ok(ref("StaffOrganisation"))}, params=[_ORG_ID],
           body=Reject)
def reject(org_id: str) -> dict:
    from ..services import organisations as svc

    _staff()
    return svc.reject(org_id, parse_as(bp.current_request, Reject).reason)
