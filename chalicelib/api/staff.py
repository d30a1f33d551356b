"""Exam board staff routes (API.md "Exam board staff")."""
from __future__ import annotations

from chalice import Response

from ..resources import BATCH_KINDS
from .auth import principal
from .body import body, parse_as, spec
from .docs import PAGE, list_of, ok, operation, path_param, ref, reply
from .errors import Routes
from .http import Field, check_email, json_response, page_params

bp = Routes(__name__)



@body
class Login:
    email: str = spec(Field(str, check=check_email))
    password: str = spec(Field(str, max_len=1024))


@body
class LoginMfa:
    """The second step of a login: the challenge's token and a 6-digit TOTP code or a recovery code."""
    mfa_token: str = spec(Field(str, max_len=200))
    code: str = spec(Field(str, max_len=32))


@body
class CreateBatch:
    kind: str = spec(Field(str, choices=BATCH_KINDS))
    filename: str = spec(Field(str, max_len=200))


def _staff():  # type: ignore[no-untyped-def]
    return principal(bp.current_request, "staff")


@bp.route("/staff/login", methods=["POST"])
@operation("staff", "Log in, first step (two-factor is required of staff): a challenge, or a secret to "
           "enrol with", {"200": ok(ref("LoginReply"))}, public=True, body=Login)
def login() -> dict:
    from ..services import staff

    data = parse_as(bp.current_request, Login)
    return staff.login(data.email, data.password)


@bp.route("/staff/login/mfa", methods=["POST"])
@operation("staff", "Log in, second step: a TOTP or recovery code", {"200": ok(ref("MfaSession"))},
           public=True, body=LoginMfa)
def login_mfa() -> dict:
    from ..services import staff

    data = parse_as(bp.current_request, LoginMfa)
    return staff.login_mfa(data.mfa_token, data.code)


@bp.route("/staff/batches", methods=["POST"])
@operation("staff", "Start a batch: PUT the CSV file to `upload_url`",
           {"201": reply(ref("BatchUpload"), "Created")}, body=CreateBatch)
def create_batch() -> Response:
    from ..services import batches

    who = _staff()
    data = parse_as(bp.current_request, CreateBatch)
    return json_response(batches.create(data.kind, data.filename, who.subject), 201)


@bp.route("/staff/batches", methods=["GET"])
@operation("staff", "Batches, newest first", {"200": ok(list_of("batches", ref("Batch"), paged=True))},
           params=PAGE)
def list_batches() -> dict:
    from ..services import batches

    _staff()
    limit, cursor = page_params(bp.current_request)
    return batches.list_page(limit, cursor)


@bp.route("/staff/batches/{batch_id}", methods=["GET"])
@operation("staff", "One batch and its report", {"200": ok(ref("Batch"))},
           params=[path_param("batch_id")])
def get_batch(batch_id: str) -> dict:
    from ..services import batches

    _staff()
    return batches.get(batch_id)
