"""Verifier routes (API.md "Verifiers"): organisation users, shares, search, downloads,
templates, API keys. Thin: parse, call one service, reply."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .auth import principal
from .body import given, parse_as
from .docs import NO_CONTENT, PAGE, S, list_of, obj, ok, operation, path_param, pdf, query, ref, reply
from .errors import Routes
from .http import json_response, no_content, page_params
from .verifier_bodies import (
    ApiKey,
    Download,
    Login,
    LoginMfa,
    MfaCode,
    Notifications,
    OrgMfa,
    PasswordReset,
    Person,
    Register,
    Search,
    SetPassword,
    Template,
    UserUpdate,
)
from .verifier_bodies import organisation_spec as organisation_spec  # the nested body's specs, re-exported

bp = Routes(__name__)

_USER_ID = path_param("user_id")
_REQUEST_ID = path_param("request_id")
_SHARE_ID = path_param("share_id")


def _actor() -> Any:
    from ..services.actor import actor

    return actor(principal(bp.current_request, "verifier"))


def _query() -> dict:
    return bp.current_request.query_params or {}


# ---------------------------------------------------------------- accounts
@bp.route("/verifiers/register", methods=["POST"])
@operation("verifiers", "Register an organisation and its Primary User",
           {"202": reply(obj({"org_id": S, "status": {"const": "pending"}}), "Waiting for approval")},
           public=True, body=Register)
def register() -> Response:
    from ..services import organisations

    data = parse_as(bp.current_request, Register)  # the organisation's problems as "organisation.<field>"
    return json_response(organisations.register(given(data)), 202)


@bp.route("/verifiers/join", methods=["POST"])
@operation("verifiers", "Ask to join an organisation (no enumeration)",
           {"202": reply(obj({"status": {"const": "pending"}}), "Accepted, whatever the domain")},
           public=True, body=Person)
def join() -> Response:
    from ..services import verifier_users

    verifier_users.request_join(given(parse_as(bp.current_request, Person)))
    return json_response({"status": "pending"}, 202)


@bp.route("/verifiers/set-password", methods=["POST"])
@operation("verifiers", "Set the password from the emailed token", NO_CONTENT, public=True,
           body=SetPassword)
def set_password() -> Response:
    from ..services import verifier_users

    data = parse_as(bp.current_request, SetPassword)
    verifier_users.set_password(data.token, data.password)
    return no_content()


@bp.route("/verifiers/password-reset", methods=["POST"])
@operation("verifiers", "Ask for a link to choose a new password (no enumeration)",
           {"202": reply(ref("Accepted"), "Accepted, whatever the address")}, public=True, body=PasswordReset)
def password_reset() -> Response:
    from ..services import verifier_users

    verifier_users.request_password_reset(parse_as(bp.current_request, PasswordReset).email)
    return json_response({"status": "accepted", "message": "If the address belongs to an active "
                          "user, we have sent a link to choose a new password."}, 202)


@bp.route("/verifiers/login", methods=["POST"])
@operation("verifiers", "Log in: a session, or the second step when two-factor applies",
           {"200": ok(ref("LoginReply"))}, public=True, body=Login)
def login() -> dict:
    from ..services import verifier_users

    data = parse_as(bp.current_request, Login)
    return verifier_users.login(data.email, data.password)


@bp.route("/verifiers/login/mfa", methods=["POST"])
@operation("verifiers", "Log in, second step: a TOTP or recovery code", {"200": ok(ref("MfaSession"))},
           public=True, body=LoginMfa)
def login_mfa() -> dict:
    from ..services import verifier_users

    data = parse_as(bp.current_request, LoginMfa)
    return verifier_users.login_mfa(data.mfa_token, data.code)


@bp.route("/verifiers/me", methods=["GET"])
@operation("verifiers", "The user, the organisation and alert settings", {"200": ok(ref("VerifierMe"))})
def me() -> dict:
    from ..services import mfa, verifier_users

    who = _actor()
    out = verifier_users.me(who)
    state = mfa.state(who)
    return {**out, "mfa_enabled": state["mfa_enabled"],
            "organisation": {**out["organisation"], "mfa_required": state["mfa_required"]}}


# ---------------------------------------------------------------- two-factor sign-in
@bp.route("/verifiers/me/mfa", methods=["POST"])
@operation("verifiers", "Start turning on two-factor sign-in: a new secret", {"200": ok(ref("MfaEnrolment"))})
def start_mfa() -> dict:
    from ..services import mfa

    return mfa.start_enrolment(_actor())


@bp.route("/verifiers/me/mfa/confirm", methods=["POST"])
@operation("verifiers", "Turn on two-factor sign-in with a code of the new secret; recovery codes, "
           "shown once", {"200": ok(ref("MfaEnabled"))}, body=MfaCode)
def confirm_mfa() -> dict:
    from ..services import mfa

    who = _actor()
    return mfa.confirm_enrolment(who, parse_as(bp.current_request, MfaCode).code)


@bp.route("/verifiers/me/mfa", methods=["DELETE"])
@operation("verifiers", "Turn off two-factor sign-in (with a code; refused when the organisation "
           "requires it)", NO_CONTENT, body=MfaCode)
def disable_mfa() -> Response:
    from ..services import mfa

    who = _actor()
    mfa.disable(who, parse_as(bp.current_request, MfaCode).code)
    return no_content()


@bp.route("/organisation/mfa", methods=["PUT"])
@operation("organisation users", "Require two-factor sign-in of every user; users without it enrol at "
           "their next sign-in (Primary User only)", {"200": ok(ref("OrganisationMfa"))}, body=OrgMfa)
def organisation_mfa() -> dict:
    from ..services import mfa

    who = _actor()
    who.require_primary()
    return mfa.set_org_required(who, parse_as(bp.current_request, OrgMfa).required)


@bp.route("/verifiers/me/notifications", methods=["PUT"])
@operation("verifiers", "How often to be told of new shares", {"200": ok(ref("Notifications"))},
           body=Notifications)
def notifications() -> dict:
    from ..services import verifier_users

    who = _actor()
    return verifier_users.set_frequency(who, parse_as(bp.current_request, Notifications).frequency)


# ---------------------------------------------------------------- users and join requests
@bp.route("/organisation/users", methods=["GET"])
@operation("organisation users", "The organisation's users",
           {"200": ok(list_of("users", ref("VerifierUser")))})
def users() -> dict:
    from ..services import verifier_users

    return verifier_users.list_users(_actor())


@bp.route("/organisation/users", methods=["POST"])
@operation("organisation users", "Invite an Admin User (Primary User only)",
           {"201": reply(ref("VerifierUser"), "Invited; a set-password email is on its way")}, body=Person)
def add_user() -> Response:
    from ..services import verifier_users

    who = _actor()
    who.require_primary()
    return json_response(verifier_users.add_user(who, given(parse_as(bp.current_request, Person))), 201)


@bp.route("/organisation/users/{user_id}", methods=["PATCH"])
@operation("organisation users", "Change a user's name or job title (Primary User only)",
           {"200": ok(ref("VerifierUser"))}, params=[_USER_ID], body=UserUpdate)
def update_user(user_id: str) -> dict:
    from ..services import verifier_users

    who = _actor()
    who.require_primary()
    data = parse_as(bp.current_request, UserUpdate)
    return verifier_users.update_user(who, user_id, given(data))


@bp.route("/organisation/users/{user_id}", methods=["DELETE"])
@operation("organisation users", "Delete an Admin User; their sessions end (Primary User only)",
           NO_CONTENT, params=[_USER_ID])
def delete_user(user_id: str) -> Response:
    from ..services import verifier_users

    verifier_users.delete_user(_actor(), user_id)
    return no_content()


@bp.route("/organisation/join-requests", methods=["GET"])
@operation("organisation users", "Join requests (Primary User only)",
           {"200": ok(list_of("join_requests", ref("JoinRequest")))})
def join_requests() -> dict:
    from ..services import verifier_users

    return verifier_users.list_join_requests(_actor())


@bp.route("/organisation/join-requests/{request_id}/approve", methods=["POST"])
@operation("organisation users", "Approve: the user is invited (Primary User only)",
           {"200": ok(ref("VerifierUser"))}, params=[_REQUEST_ID])
def approve_join(request_id: str) -> dict:
    from ..services import verifier_users

    return verifier_users.approve_join(_actor(), request_id)


@bp.route("/organisation/join-requests/{request_id}/decline", methods=["POST"])
@operation("organisation users", "Decline (Primary User only)", NO_CONTENT, params=[_REQUEST_ID])
def decline_join(request_id: str) -> Response:
    from ..services import verifier_users

    verifier_users.decline_join(_actor(), request_id)
    return no_content()


# ---------------------------------------------------------------- shares and search
@bp.route("/organisation/shares", methods=["GET"])
@operation("organisation shares", "Results shared with the organisation, newest first",
           {"200": ok(list_of("shares", ref("OrgShare"), paged=True))},
           params=[*PAGE, query("from", "shared on or after", {"type": "string", "format": "date"}),
                   query("to", "shared on or before", {"type": "string", "format": "date"}),
                   query("q", "part of a name or an ID number", {"type": "string", "maxLength": 100})])
def shares() -> dict:
    from ..services import shares as svc

    who = _actor()
    limit, cursor = page_params(bp.current_request)
    q = _query()
    return svc.org_shares(who, limit, cursor, q.get("from"), q.get("to"), q.get("q"))


@bp.route("/organisation/shares/{share_id}", methods=["GET"])
@operation("organisation shares", "A shared result (marks it seen; audited)", {"200": ok(ref("ShareDetail"))},
           params=[_SHARE_ID])
def share(share_id: str) -> dict:
    from ..services import shares as svc

    return svc.share_detail(_actor(), share_id)


@bp.route("/organisation/shares/{share_id}/statement", methods=["GET"])
@operation("organisation shares", "The shared result's Statement of Results PDF (audited)", pdf("303"),
           params=[_SHARE_ID])
def statement(share_id: str) -> Response:
    from ..services import shares as svc

    pdf, url = svc.share_statement(_actor(), share_id)
    if url:
        return Response(body="", status_code=303, headers={"Location": url, "Cache-Control": "no-store"})
    return Response(body=pdf, status_code=200, headers={
        "Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="statement.pdf"',
        "Cache-Control": "no-store"})


@bp.route("/organisation/search", methods=["POST"])
@operation("organisation shares", "Find a result by reference number and date of birth (audited)",
           {"200": ok(ref("ShareDetail"))}, body=Search)
def search() -> dict:
    from ..services import shares as svc

    who = _actor()
    data = parse_as(bp.current_request, Search)
    return svc.org_search(who, data.reference_number, data.date_of_birth)


# ---------------------------------------------------------------- downloads and templates
@bp.route("/organisation/downloads", methods=["POST"])
@operation("downloads", "Make a ZIP of statements or a CSV of shares",
           {"201": reply(ref("Download"), "Made; `url` fetches it")}, body=Download)
def create_download() -> Response:
    from ..services import downloads

    who = _actor()
    data = parse_as(bp.current_request, Download)
    made = downloads.create(who, data.share_ids, data.format, data.template_id)
    return json_response(made, 201)


@bp.route("/organisation/downloads", methods=["GET"])
@operation("downloads", "Download history, newest first",
           {"200": ok(list_of("downloads", ref("Download"), paged=True))}, params=PAGE)
def list_downloads() -> dict:
    from ..services import downloads

    who = _actor()
    limit, cursor = page_params(bp.current_request)
    return downloads.history(who, limit, cursor)


@bp.route("/organisation/downloads/{download_id}", methods=["GET"])
@operation("downloads", "One download with a fresh `url`", {"200": ok(ref("Download"))},
           params=[path_param("download_id")])
def get_download(download_id: str) -> dict:
    from ..services import downloads

    return downloads.get(_actor(), download_id)


@bp.route("/organisation/templates/fields", methods=["GET"])
@operation("downloads", "The fields a CSV template can hold",
           {"200": ok(list_of("fields", ref("TemplateField")))})
def template_fields() -> dict:
    from ..services import templates

    _actor()
    return templates.field_list()


@bp.route("/organisation/templates", methods=["GET"])
@operation("downloads", "CSV templates (the default first)",
           {"200": ok(list_of("templates", ref("Template")))})
def list_templates() -> dict:
    from ..services import templates

    return templates.list_templates(_actor())


@bp.route("/organisation/templates", methods=["POST"])
@operation("downloads", "Make a CSV template", {"201": reply(ref("Template"), "Made")}, body=Template)
def create_template() -> Response:
    from ..services import templates

    who = _actor()
    data = parse_as(bp.current_request, Template)
    return json_response(templates.create(who, data.name, data.fields), 201)


@bp.route("/organisation/templates/{template_id}", methods=["DELETE"])
@operation("downloads", "Delete a CSV template", NO_CONTENT, params=[path_param("template_id")])
def delete_template(template_id: str) -> Response:
    from ..services import templates

    templates.delete(_actor(), template_id)
    return no_content()


# ---------------------------------------------------------------- API keys (Primary User only)
@bp.route("/organisation/api-keys", methods=["POST"])
@operation("api keys", "Make an API key, shown once (Primary User only)",
           {"201": reply(ref("ApiKeyCreated"), "Made")}, body=ApiKey)
def create_key() -> Response:
    from ..services import api_keys

    who = _actor()
    who.require_primary()
    return json_response(api_keys.create(who, parse_as(bp.current_request, ApiKey).name), 201)


@bp.route("/organisation/api-keys", methods=["GET"])
@operation("api keys", "The organisation's API keys (Primary User only)",
           {"200": ok(list_of("api_keys", ref("ApiKey")))})
def list_keys() -> dict:
    from ..services import api_keys

    return api_keys.list_keys(_actor())


@bp.route("/organisation/api-keys/{key_id}", methods=["DELETE"])
@operation("api keys", "Revoke an API key (Primary User only)", NO_CONTENT, params=[path_param("key_id")])
def revoke_key(key_id: str) -> Response:
    from ..services import api_keys

    api_keys.revoke(_actor(), key_id)
    return no_content()
