"""Candidate-side sharing (API.md "Candidates"): find an organisation, share a released
result with it, list the shares (with when each was first viewed), revoke one."""
from __future__ import annotations

from chalice import Response

from .auth import principal
from .body import body, parse_as, spec
from .docs import NO_CONTENT, PAGE, S, list_of, obj, ok, operation, path_param, query, ref, reply
from .errors import Routes
from .http import Field, check_email, json_response, no_content, page_params

bp = Routes(__name__)



@body
class Share:
    result_id: str = spec(Field(str, max_len=64))
    org_id: str = spec(Field(str, max_len=64))


@body
class Invitation:
    email: str = spec(Field(str, max_len=254, check=check_email))
    website: str = spec(Field(str, max_len=200))
    result_id: str | None = spec(Field(str, max_len=64, required=False))


def _me() -> str:
    return str(principal(bp.current_request, "candidate").subject)


@bp.route("/institutions", methods=["GET"])
@operation("sharing", "Approved organisations whose name matches",
           {"200": ok(list_of("institutions", ref("Institution")))},
           params=[query("q", "at least 2 letters of the name; at most 8 words", {"type": "string"}, True)])
def institutions() -> dict:
    from ..services import organisations

    _me()
    q = (bp.current_request.query_params or {}).get("q") or ""
    return organisations.search_institutions(q)


@bp.route("/candidates/me/shares", methods=["POST"])
@operation("sharing", "Share a released result with an organisation",
           {"201": reply(ref("CandidateShare"), "Shared (or the existing share of this result with it)")},
           body=Share)
def create_share() -> Response:
    from ..services import shares

    who = _me()
    data = parse_as(bp.current_request, Share)
    return json_response(shares.share(who, data.result_id, data.org_id), 201)


@bp.route("/candidates/me/shares", methods=["GET"])
@operation("sharing", "The candidate's shares, newest first",
           {"200": ok(list_of("shares", ref("CandidateShare"), paged=True))}, params=PAGE)
def list_shares() -> dict:
    from ..services import shares

    who = _me()
    limit, cursor = page_params(bp.current_request)
    return shares.candidate_shares(who, limit, cursor)


@bp.route("/candidates/me/shares/{share_id}", methods=["DELETE"])
@operation("sharing", "Revoke a share", NO_CONTENT, params=[path_param("share_id")])
def revoke_share(share_id: str) -> Response:
    from ..services import shares

    shares.revoke(_me(), share_id)
    return no_content()


@bp.route("/candidates/me/invitations", methods=["POST"])
@operation("sharing", "Invite an organisation that is not listed to register (at most 3 a day; "
           "the email address must be at the website's domain)",
           {"202": reply(obj({"email": S, "website": S, "domain": S,
                              "status": {"type": "string", "enum": ["sent", "already_invited",
                                                                    "awaiting_approval"]}}),
                         "Invited (or invited before, or registered and awaiting approval)")},
           body=Invitation)
def create_invitation() -> Response:
    from ..services import invitations

    who = _me()
    data = parse_as(bp.current_request, Invitation)
    return json_response(invitations.invite(who, data.email, data.website, data.result_id), 202)
