"""Machine API for verifiers (API.md "Machine API"), authenticated by `X-Api-Key` and
rate-limited per key (600 requests a minute, fixed window: services/api_keys.py)."""
from __future__ import annotations

from typing import Any

from .errors import Routes
from .http import check_date, page_params

bp = Routes(__name__)


def _key() -> Any:
    from ..services import api_keys

    headers = bp.current_request.headers or {}
    return api_keys.authenticate(headers.get("x-api-key"))


@bp.route("/api/v1/shares", methods=["GET"])
def shares() -> dict:
    from ..services import api_keys

    key = _key()
    limit, cursor = page_params(bp.current_request)
    since = (bp.current_request.query_params or {}).get("since")
    return api_keys.api_shares(key, since, limit, cursor)


@bp.route("/api/v1/results", methods=["GET"])
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
