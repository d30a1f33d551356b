"""Exam board staff routes (API.md "Exam board staff")."""
from __future__ import annotations

from chalice import Response

from .auth import principal
from .errors import Routes
from .http import Field, check_email, json_response, page_params, parse_body

bp = Routes(__name__)

LOGIN = {"email": Field(str, check=check_email), "password": Field(str, max_len=1024)}
# The second step of a login: the challenge's token and a 6-digit TOTP code or a recovery code
LOGIN_MFA = {"mfa_token": Field(str, max_len=200), "code": Field(str, max_len=32)}
CREATE_BATCH = {"kind": Field(str, choices=("entries", "results")), "filename": Field(str, max_len=200)}


def _staff():  # type: ignore[no-untyped-def]
    return principal(bp.current_request, "staff")


@bp.route("/staff/login", methods=["POST"])
def login() -> dict:
    from ..services import staff

    data = parse_body(bp.current_request, LOGIN)
    return staff.login(data["email"], data["password"])


@bp.route("/staff/login/mfa", methods=["POST"])
def login_mfa() -> dict:
    from ..services import staff

    data = parse_body(bp.current_request, LOGIN_MFA)
    return staff.login_mfa(data["mfa_token"], data["code"])


@bp.route("/staff/batches", methods=["POST"])
def create_batch() -> Response:
    from ..services import batches

    who = _staff()
    data = parse_body(bp.current_request, CREATE_BATCH)
    return json_response(batches.create(data["kind"], data["filename"], who.subject), 201)


@bp.route("/staff/batches", methods=["GET"])
def list_batches() -> dict:
    from ..services import batches

    _staff()
    limit, cursor = page_params(bp.current_request)
    return batches.list_page(limit, cursor)


@bp.route("/staff/batches/{batch_id}", methods=["GET"])
def get_batch(batch_id: str) -> dict:
    from ..services import batches

    _staff()
    return batches.get(batch_id)
