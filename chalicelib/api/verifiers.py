"""Verifier routes (API.md "Verifiers"): organisation users, shares, search, downloads,
templates, API keys. Thin: parse, call one service, reply."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .auth import principal
from .errors import Routes
from .http import Field, check_date, check_email, json_response, no_content, page_params, parse_body, validate

bp = Routes(__name__)

_NAME = Field(str, max_len=100)
_PASSWORD = Field(str, max_len=1024)
PERSON = {"first_name": _NAME, "family_name": _NAME, "job_title": _NAME,
          "email": Field(str, check=check_email)}
REGISTER = {**PERSON, "confirm_email": Field(str, max_len=320), "organisation": Field(dict, max_len=None)}
SET_PASSWORD = {"token": Field(str, max_len=200), "password": _PASSWORD}
LOGIN = {"email": Field(str, check=check_email), "password": _PASSWORD}
LOGIN_MFA = {"mfa_token": Field(str, max_len=200), "code": Field(str, max_len=32)}
MFA_CODE = {"code": Field(str, max_len=32)}
ORG_MFA = {"required": Field(bool)}
USER_UPDATE = {"first_name": _NAME, "family_name": _NAME, "job_title": _NAME}  # partial
SEARCH = {"reference_number": Field(str, max_len=160), "date_of_birth": Field(str, check=check_date)}
DOWNLOAD = {"share_ids": Field(list, max_len=None), "format": Field(str, choices=("pdf", "csv")),
            "template_id": Field(str, required=False, max_len=64)}
TEMPLATE = {"name": _NAME, "fields": Field(list, max_len=None)}
API_KEY = {"name": _NAME}


def organisation_spec() -> dict[str, Field]:
    """The `organisation` object of REGISTER (its types live in the service: a lazy import)."""
    from ..domain.locales import organisation_country_problem
    from ..services.organisations import ORG_TYPES

    return {"name": Field(str, max_len=200), "type": Field(str, choices=ORG_TYPES),
            "website": Field(str, max_len=300),
            "country": Field(str, max_len=100, check=organisation_country_problem)}


def notifications_spec() -> dict[str, Field]:
    from ..services.verifier_users import FREQUENCIES

    return {"frequency": Field(str, choices=FREQUENCIES)}


def _actor() -> Any:
    from ..services.actor import actor

    return actor(principal(bp.current_request, "verifier"))


def _query() -> dict:
    return bp.current_request.query_params or {}


# ---------------------------------------------------------------- accounts
@bp.route("/verifiers/register", methods=["POST"])
def register() -> Response:
    from ..domain.errors import ValidationError
    from ..services import organisations

    data = parse_body(bp.current_request, REGISTER)
    try:
        data["organisation"] = validate(data["organisation"], organisation_spec())
    except ValidationError as err:
        raise ValidationError({f"organisation.{k}": v for k, v in (err.fields or {}).items()}) from None
    return json_response(organisations.register(data), 202)


@bp.route("/verifiers/join", methods=["POST"])
def join() -> Response:
    from ..services import verifier_users

    verifier_users.request_join(parse_body(bp.current_request, PERSON))
    return json_response({"status": "pending"}, 202)


@bp.route("/verifiers/set-password", methods=["POST"])
def set_password() -> Response:
    from ..services import verifier_users

    data = parse_body(bp.current_request, SET_PASSWORD)
    verifier_users.set_password(data["token"], data["password"])
    return no_content()


PASSWORD_RESET = {"email": Field(str, check=check_email)}


@bp.route("/verifiers/password-reset", methods=["POST"])
def password_reset() -> Response:
    from ..services import verifier_users

    data = parse_body(bp.current_request, PASSWORD_RESET)
    verifier_users.request_password_reset(data["email"])
    return json_response({"status": "accepted", "message": "If the address belongs to an active "
                          "user, we have sent a link to choose a new password."}, 202)


@bp.route("/verifiers/login", methods=["POST"])
def login() -> dict:
    from ..services import verifier_users

    data = parse_body(bp.current_request, LOGIN)
    return verifier_users.login(data["email"], data["password"])


@bp.route("/verifiers/login/mfa", methods=["POST"])
def login_mfa() -> dict:
    from ..services import verifier_users

    data = parse_body(bp.current_request, LOGIN_MFA)
    return verifier_users.login_mfa(data["mfa_token"], data["code"])


@bp.route("/verifiers/me", methods=["GET"])
def me() -> dict:
    from ..services import mfa, verifier_users

    who = _actor()
    out = verifier_users.me(who)
    state = mfa.state(who)
    return {**out, "mfa_enabled": state["mfa_enabled"],
            "organisation": {**out["organisation"], "mfa_required": state["mfa_required"]}}


# ---------------------------------------------------------------- two-factor sign-in
@bp.route("/verifiers/me/mfa", methods=["POST"])
def start_mfa() -> dict:
    from ..services import mfa

    return mfa.start_enrolment(_actor())


@bp.route("/verifiers/me/mfa/confirm", methods=["POST"])
def confirm_mfa() -> dict:
    from ..services import mfa

    who = _actor()
    return mfa.confirm_enrolment(who, parse_body(bp.current_request, MFA_CODE)["code"])


@bp.route("/verifiers/me/mfa", methods=["DELETE"])
def disable_mfa() -> Response:
    from ..services import mfa

    who = _actor()
    mfa.disable(who, parse_body(bp.current_request, MFA_CODE)["code"])
    return no_content()


@bp.route("/organisation/mfa", methods=["PUT"])
def organisation_mfa() -> dict:
    from ..services import mfa

    who = _actor()
    who.require_primary()
    return mfa.set_org_required(who, parse_body(bp.current_request, ORG_MFA)["required"])


@bp.route("/verifiers/me/notifications", methods=["PUT"])
def notifications() -> dict:
    from ..services import verifier_users

    who = _actor()
    data = parse_body(bp.current_request, notifications_spec())
    return verifier_users.set_frequency(who, data["frequency"])


# ---------------------------------------------------------------- users and join requests
@bp.route("/organisation/users", methods=["GET"])
def users() -> dict:
    from ..services import verifier_users

    return verifier_users.list_users(_actor())


@bp.route("/organisation/users", methods=["POST"])
def add_user() -> Response:
    from ..services import verifier_users

    who = _actor()
    who.require_primary()
    return json_response(verifier_users.add_user(who, parse_body(bp.current_request, PERSON)), 201)


@bp.route("/organisation/users/{user_id}", methods=["PATCH"])
def update_user(user_id: str) -> dict:
    from ..services import verifier_users

    who = _actor()
    who.require_primary()
    data = parse_body(bp.current_request, USER_UPDATE, partial=True)
    return verifier_users.update_user(who, user_id, data)


@bp.route("/organisation/users/{user_id}", methods=["DELETE"])
def delete_user(user_id: str) -> Response:
    from ..services import verifier_users

    verifier_users.delete_user(_actor(), user_id)
    return no_content()


@bp.route("/organisation/join-requests", methods=["GET"])
def join_requests() -> dict:
    from ..services import verifier_users

    return verifier_users.list_join_requests(_actor())


@bp.route("/organisation/join-requests/{request_id}/approve", methods=["POST"])
def approve_join(request_id: str) -> dict:
    from ..services import verifier_users

    return verifier_users.approve_join(_actor(), request_id)


@bp.route("/organisation/join-requests/{request_id}/decline", methods=["POST"])
def decline_join(request_id: str) -> Response:
    from ..services import verifier_users

    verifier_users.decline_join(_actor(), request_id)
    return no_content()


# ---------------------------------------------------------------- shares and search
@bp.route("/organisation/shares", methods=["GET"])
def shares() -> dict:
    from ..services import shares as svc

    who = _actor()
    limit, cursor = page_params(bp.current_request)
    q = _query()
    return svc.org_shares(who, limit, cursor, q.get("from"), q.get("to"), q.get("q"))


@bp.route("/organisation/shares/{share_id}", methods=["GET"])
def share(share_id: str) -> dict:
    from ..services import shares as svc

    return svc.share_detail(_actor(), share_id)


@bp.route("/organisation/shares/{share_id}/statement", methods=["GET"])
def statement(share_id: str) -> Response:
    from ..services import shares as svc

    pdf, url = svc.share_statement(_actor(), share_id)
    if url:
        return Response(body="", status_code=303, headers={"Location": url, "Cache-Control": "no-store"})
    return Response(body=pdf, status_code=200, headers={
        "Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="statement.pdf"',
        "Cache-Control": "no-store"})


@bp.route("/organisation/search", methods=["POST"])
def search() -> dict:
    from ..services import shares as svc

    who = _actor()
    data = parse_body(bp.current_request, SEARCH)
    return svc.org_search(who, data["reference_number"], data["date_of_birth"])


# ---------------------------------------------------------------- downloads and templates
@bp.route("/organisation/downloads", methods=["POST"])
def create_download() -> Response:
    from ..services import downloads

    who = _actor()
    data = parse_body(bp.current_request, DOWNLOAD)
    made = downloads.create(who, data["share_ids"], data["format"], data.get("template_id"))
    return json_response(made, 201)


@bp.route("/organisation/downloads", methods=["GET"])
def list_downloads() -> dict:
    from ..services import downloads

    who = _actor()
    limit, cursor = page_params(bp.current_request)
    return downloads.history(who, limit, cursor)


@bp.route("/organisation/downloads/{download_id}", methods=["GET"])
def get_download(download_id: str) -> dict:
    from ..services import downloads

    return downloads.get(_actor(), download_id)


@bp.route("/organisation/templates/fields", methods=["GET"])
def template_fields() -> dict:
    from ..services import templates

    _actor()
    return templates.field_list()


@bp.route("/organisation/templates", methods=["GET"])
def list_templates() -> dict:
    from ..services import templates

    return templates.list_templates(_actor())


@bp.route("/organisation/templates", methods=["POST"])
def create_template() -> Response:
    from ..services import templates

    who = _actor()
    data = parse_body(bp.current_request, TEMPLATE)
    return json_response(templates.create(who, data["name"], data["fields"]), 201)


@bp.route("/organisation/templates/{template_id}", methods=["DELETE"])
def delete_template(template_id: str) -> Response:
    from ..services import templates

    templates.delete(_actor(), template_id)
    return no_content()


# ---------------------------------------------------------------- API keys (Primary User only)
@bp.route("/organisation/api-keys", methods=["POST"])
def create_key() -> Response:
    from ..services import api_keys

    who = _actor()
    who.require_primary()
    data = parse_body(bp.current_request, API_KEY)
    return json_response(api_keys.create(who, data["name"]), 201)


@bp.route("/organisation/api-keys", methods=["GET"])
def list_keys() -> dict:
    from ..services import api_keys

    return api_keys.list_keys(_actor())


@bp.route("/organisation/api-keys/{key_id}", methods=["DELETE"])
def revoke_key(key_id: str) -> Response:
    from ..services import api_keys

    api_keys.revoke(_actor(), key_id)
    return no_content()
