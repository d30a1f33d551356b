"""Candidate-side sharing (API.md "Candidates"): find an organisation, share a released
result with it, list the shares (with when each was first viewed), revoke one."""
from __future__ import annotations

from chalice import Response

from .auth import principal
from .errors import Routes
from .http import Field, json_response, no_content, page_params, parse_body

bp = Routes(__name__)

SHARE = {"result_id": Field(str, max_len=64), "org_id": Field(str, max_len=64)}


def _me() -> str:
    return str(principal(bp.current_request, "candidate").subject)


@bp.route("/institutions", methods=["GET"])
def institutions() -> dict:
    from ..services import organisations

    _me()
    q = (bp.current_request.query_params or {}).get("q") or ""
    return organisations.search_institutions(q)


@bp.route("/candidates/me/shares", methods=["POST"])
def create_share() -> Response:
    from ..services import shares

    who = _me()
    data = parse_body(bp.current_request, SHARE)
    return json_response(shares.share(who, data["result_id"], data["org_id"]), 201)


@bp.route("/candidates/me/shares", methods=["GET"])
def list_shares() -> dict:
    from ..services import shares

    who = _me()
    limit, cursor = page_params(bp.current_request)
    return shares.candidate_shares(who, limit, cursor)


@bp.route("/candidates/me/shares/{share_id}", methods=["DELETE"])
def revoke_share(share_id: str) -> Response:
    from ..services import shares

    shares.revoke(_me(), share_id)
    return no_content()
