"""Machine API for verifiers (API.md "Machine API"), authenticated by `X-Api-Key` and
rate-limited per key (600 requests a minute, fixed window: services/api_keys.py)."""
from __future__ import annotations

from typing import Any

from .docs import CURSOR, PAGE, obj, ok, operation, query, ref
from .errors import Routes
from .http import check_date, page_params

bp = Routes(__name__)


def _key() -> Any:
    from ..services import api_keys

    headers = bp.current_request.headers or {}
    return api_keys.authenticate(headers.get("x-api-key"))


@bp.route("/api/v1/shares", methods=["GET"])
@operation("machine API", "Shares with full results, oldest first",
           {"200": ok(obj({"shares": {"type": "array", "items": ref("ShareDetail")}, "next_cursor": CURSOR,
                           "resume_cursor": {"type": ["string", "null"],
                                             "description": "where the next poll goes on from"}}))},
           api_key=True,
           params=[*PAGE, query("since", "a date or an ISO 8601 timestamp", {"type": "string"})])
def shares() -> dict:
    from ..services import api_keys

    key = _key()
    limit, cursor = page_params(bp.current_request)
    since = (bp.current_request.query_params or {}).get("since")
    return api_keys.api_shares(key, since, limit, cursor)


@bp.route("/api/v1/results", methods=["GET"])
@operation("machine API", "As POST /organisation/search", {"200": ok(ref("ShareDetail"))}, api_key=True,
           params=[query("reference_number", "from the Statement of Results", required=True),
                   query("date_of_birth", "YYYY-MM-DD", {"type": "string", "format": "date"}, True)])
def results() -> dict:
    from ..domain.errors import ValidationError
    from ..services import api_keys

    key = _key()
    q = bp.current_request.query_params or {}
    problems = {}
    if not q.get("reference_number"):
        problems["reference_number"] = "is required"
    dob = q.get("date_of_birth") or ""
    problem = check_date(dob) if dob else "is required"
    if problem:
        problems["date_of_birth"] = problem
    if problems:
        raise ValidationError(problems)
    return api_keys.api_result(key, q["reference_number"], dob)
