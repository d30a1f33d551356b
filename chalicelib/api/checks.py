"""Verifiable results (API.md "Additions, v1.1"): the public JSON twin of /check/<code>, the
candidate's switch of a result's check link, and the staff's look-up and withdrawal."""
from __future__ import annotations

from typing import Any

from .auth import principal
from .body import body, parse_as, spec
from .docs import BOOL, S_NULL, TS_NULL, S, list_of, obj, ok, operation, path_param, query, ref
from .errors import Routes
from .http import Field

bp = Routes(__name__)


@body
class CheckLink:
    enabled: bool = spec(Field(bool))


@body
class Withdraw:
    reason: str = spec(Field(str, max_len=2000))


def client_of(request: Any) -> str:
    """The client a public check is counted against: its source IP (API Gateway's)."""
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


_CHECK = obj({
    "status": {"enum": ["valid", "withdrawn", "superseded"]},
    "result": obj({"exam_code": S, "exam_name": S, "exam_date": S,
                   "overall_score": {"type": ["integer", "null"]}, "grade": S_NULL, "cefr_level": S_NULL,
                   "components": {"type": "array"}, "reference_number": S, "released_at": TS_NULL}),
    "candidate": obj({"first_name": S, "family_name": S}),
    "superseded_by": {"type": ["string", "null"], "description": "the check code of the correction"},
})


@bp.route("/verify/{code}", methods=["GET"])
@operation("public", "Check a result by the check code printed on its statement (404 for any code that "
           "does not match; 429 after repeated misses from one client)", {"200": ok(_CHECK)},
           public=True, params=[path_param("code")])
def verify(code: str) -> dict:
    from urllib.parse import unquote

    from ..services import check_codes

    return check_codes.check_code(unquote(code), client_of(bp.current_request), how="verify")


@bp.route("/candidates/me/results/{result_id}/check-link", methods=["PUT"])
@operation("candidates", "Turn the check link (check code) of a released result off, or on again with a "
           "new code", {"200": ok(obj({"result_id": S, "check_enabled": BOOL, "check_code": S_NULL,
                                       "check_url": S_NULL}))},
           body=CheckLink, params=[path_param("result_id")])
def check_link(result_id: str) -> dict:
    from ..services import check_codes

    who = principal(bp.current_request, "candidate")
    data = parse_as(bp.current_request, CheckLink)
    return check_codes.set_link(who.subject, result_id, data.enabled)


@bp.route("/staff/results", methods=["GET"])
@operation("staff", "Find results by reference number or by ID number (`result_id` here is the staff id "
           "<id_number>.<result id>)", {"200": ok(list_of("results", ref("StaffResult")))},
           params=[query("reference_number", "from the Statement of Results"),
                   query("id_number", "the candidate's ID number")])
def staff_results() -> dict:
    from ..services import withdrawal

    principal(bp.current_request, "staff")
    q = bp.current_request.query_params or {}
    return withdrawal.find(q.get("reference_number"), q.get("id_number"))


@bp.route("/staff/results/{result_id}/withdraw", methods=["POST"])
@operation("staff", "Withdraw a released result (the candidate is told; every view says withdrawn)",
           {"200": ok(ref("StaffResult"))}, body=Withdraw, params=[path_param("result_id")])
def withdraw(result_id: str) -> dict:
    from ..services import withdrawal

    who = principal(bp.current_request, "staff")
    data = parse_as(bp.current_request, Withdraw)
    return withdrawal.withdraw(who.subject, result_id, data.reason)
