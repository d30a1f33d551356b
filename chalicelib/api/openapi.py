"""The OpenAPI 3.1 document of every route, served at `GET /openapi.json`.

Built on first use and cached (importing this module costs nothing but the standard library).
Request bodies are generated from the views' own `Field` specs (the same dicts `parse_body`
checks), so the document and the validation cannot drift apart; response schemas follow what
the services return (API.md). tests/api/test_openapi.py keeps the set of documented operations
equal to `app.routes`; tests/e2e/test_fuzz.py fuzzes the running stack from this document.
"""
from __future__ import annotations

import copy
import functools
from typing import Any

from .http import DEFAULT_LIMIT, MAX_LIMIT, Field, check_date, check_email

Schema = dict[str, Any]

_TYPES: dict[type, str] = {str: "string", bool: "boolean", int: "integer", float: "number",
                           list: "array", dict: "object"}


# ---------------------------------------------------------------- Field specs -> JSON Schema
def field_schema(field: Field) -> Schema:
    """One `Field` as JSON Schema: kind -> type, max_len -> maxLength, choices -> enum,
    check_email / check_date -> format. A field that is not required also accepts null."""
    kinds = field.kind if isinstance(field.kind, tuple) else (field.kind,)
    types = [_TYPES[k] for k in kinds]
    if not field.required:
        types.append("null")
    out: Schema = {"type": types[0] if len(types) == 1 else types}
    if str in kinds:
        if field.max_len is not None:
            out["maxLength"] = field.max_len
        if field.required:
            out["pattern"] = r"\S"  # blank is "is required"
    if field.choices is not None:
        out["enum"] = [*field.choices, *([None] if not field.required else [])]
    if field.check is check_email:
        out["format"] = "email"
    elif field.check is check_date:
        out["format"] = "date"
    return out


def body_schema(spec: dict[str, Field], *, partial: bool = False,
                overrides: dict[str, Schema] | None = None) -> Schema:
    """A `parse_body` spec as a JSON object schema: unknown fields are refused, required fields
    listed (none when the view parses with partial=True)."""
    props = {name: field_schema(f) for name, f in spec.items()}
    for name, extra in (overrides or {}).items():
        props[name] = {**props[name], **extra}
    out: Schema = {"type": "object", "properties": props, "additionalProperties": False}
    required = [name for name, f in spec.items() if f.required and not partial]
    if required:
        out["required"] = required
    return out


# ---------------------------------------------------------------- response schemas
def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Schema], required: list[str] | None = None) -> Schema:
    """A reply object: these properties always present (unless `required` says otherwise);
    more may be added later without breaking clients."""
    return {"type": "object", "properties": props,
            "required": list(props) if required is None else required}


_S: Schema = {"type": "string"}
_S_NULL: Schema = {"type": ["string", "null"]}
_INT: Schema = {"type": "integer"}
_INT_NULL: Schema = {"type": ["integer", "null"]}
_BOOL: Schema = {"type": "boolean"}
_TS: Schema = {"type": "string", "description": "ISO 8601 UTC timestamp"}
_TS_NULL: Schema = {"type": ["string", "null"], "description": "ISO 8601 UTC timestamp, or null"}
_DATE: Schema = {"type": "string", "format": "date"}
_CURSOR: Schema = {"type": ["string", "null"], "description": "pass as ?cursor= for the next page; "
                   "null on the last page"}


def _list_of(key: str, item: Schema, paged: bool = False) -> Schema:
    props: dict[str, Schema] = {key: {"type": "array", "items": item}}
    if paged:
        props["next_cursor"] = _CURSOR
    return _obj(props)


def _schemas() -> dict[str, Schema]:
    from ..services import downloads, organisations, verifier_users

    result_props: dict[str, Schema] = {
        "result_id": _S, "exam_code": _S, "exam_name": _S, "exam_date": _DATE,
        "exam_format": {"type": "string", "enum": ["paper", "computer"]},
        "status": {"type": "string", "description": "`released`, or `pending` while waiting"},
        "overall_score": _INT_NULL, "grade": _S_NULL, "cefr_level": _S_NULL,
        "components": {"type": "array", "items": _obj({"name": _S, "score": _INT_NULL})},
        "reference_number": _S_NULL, "released_at": _TS_NULL,
    }
    result = _obj({**result_props, "expected_release": _obj({"from": _DATE, "to": _DATE}),
                   "lookup_enabled": {"type": "boolean", "description": "candidate's view only: whether "
                                      "organisations may find it by reference number + date of birth"}},
                  required=list(result_props))
    result["description"] = ("A result; score fields are null while pending, and a pending "
                             "result carries `expected_release`.")
    detail = {
        "allOf": [_ref("Result"), _obj({
            "candidate": _obj({"first_name": _S, "family_name": _S, "date_of_birth": _DATE, "id_number": _S}),
            "photo_url": {"type": ["string", "null"], "description": "short-lived URL of the test day "
                          "photo (B2 First, C1 Advanced, C2 Proficiency and their For Schools forms)"},
            "share_id": _S, "shared_at": _TS}, required=["candidate", "photo_url"])],
        "description": "A result as an organisation sees it; `share_id`/`shared_at` when read "
                       "through a share.",
    }
    org_public = {"org_id": _S, "name": _S, "type": {"type": "string", "enum": list(organisations.ORG_TYPES)},
                  "website": _S, "country": _S,
                  "status": {"type": "string", "enum": ["pending", "approved", "rejected"]}}
    user = _obj({"user_id": _S, "email": _S, "first_name": _S, "family_name": _S, "job_title": _S,
                 "role": {"type": "string", "enum": ["primary", "admin"]},
                 "status": {"type": "string", "enum": ["pending", "invited", "active"]}})
    api_key = {"key_id": _S, "name": _S, "prefix": _S, "created_at": _TS, "last_used_at": _TS_NULL}
    webhook = {"webhook_id": _S, "url": _S, "status": {"type": "string", "enum": ["active", "failing"]},
               "created_at": _TS, "last_success_at": _TS_NULL, "last_failure_at": _TS_NULL,
               "last_error": _S_NULL, "deliveries_ok": _INT, "deliveries_parked": _INT,
               "events": {"type": "array", "items": _S}}
    batch_statuses = ["awaiting_upload", "processing", "completed", "completed_with_errors", "failed"]
    return {
        "Error": {
            "type": "object", "required": ["error", "message"],
            "properties": {
                "error": {"type": "string", "enum": [
                    "validation_error", "unauthenticated", "forbidden", "not_found", "conflict",
                    "payload_too_large", "rate_limited", "internal_error"]},
                "message": {"type": "string", "description": "for a person"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "validation_error only: what is wrong with each field"},
            },
        },
        "Session": _obj({"token": {"type": "string", "description": "send as Authorization: Bearer"},
                         "expires_at": _TS}),
        **_mfa_schemas(),
        "Accepted": _obj({"status": _S, "message": _S}, required=["status"]),
        "Exam": _obj({"code": _S, "name": _S, "previous_name": _S_NULL, "verifiable": _BOOL,
                      "test_day_photo": _BOOL,
                      "release_after": _obj({"paper": _S_NULL, "computer": _S_NULL})},
                     required=["code", "name", "previous_name", "verifiable", "test_day_photo",
                               "release_after"]),
        "CandidateProfile": _obj({"id_number": _S, "first_name": _S, "family_name": _S, "email": _S,
                                  "email_verified": _BOOL, "country": _S, "first_language": _S,
                                  "marketing_opt_in": _BOOL}),
        "Result": result,
        "ShareDetail": detail,
        "Institution": _obj({"org_id": _S, "name": _S, "type": _S, "country": _S}),
        "CandidateShare": _obj({"share_id": _S, "result_id": _S, "org_id": _S, "organisation_name": _S,
                                "shared_at": _TS, "viewed_at": _TS_NULL}),
        "OrgShare": _obj({"share_id": _S, "first_name": _S, "family_name": _S, "exam_code": _S,
                          "exam_name": _S, "shared_at": _TS,
                          "new": {"type": "boolean",
                                  "description": "nobody in the organisation opened it yet"}}),
        "Organisation": _obj({**org_public, "mfa_required": {"type": "boolean", "description": (
            "the Primary User requires two-factor sign-in of every user (in GET /verifiers/me)")}},
            required=list(org_public)),
        "StaffOrganisation": _obj({**org_public, "domain": _S, "reason": _S_NULL, "created_at": _TS,
                                   "decided_at": _TS_NULL}),
        "VerifierUser": user,
        "VerifierMe": {"allOf": [_ref("VerifierUser"), _obj({
            "organisation": _ref("Organisation"),
            "notifications": _ref("Notifications"),
            "mfa_enabled": {"type": "boolean", "description": "two-factor sign-in is on"}})]},
        "Notifications": _obj({"frequency": {"type": "string", "enum": list(verifier_users.FREQUENCIES)}}),
        "JoinRequest": _obj({"request_id": _S, "email": _S, "first_name": _S, "family_name": _S,
                             "job_title": _S, "created_at": _TS}),
        "Download": _obj({"download_id": _S, "status": {"type": "string", "enum": ["ready", "expired"]},
                          "format": {"type": "string", "enum": ["pdf", "csv"]}, "template_id": _S_NULL,
                          "share_count": _INT, "created_at": _TS, "expires_at": _TS,
                          "url": {"type": ["string", "null"], "description": (
                              f"a presigned URL valid {downloads.URL_SECONDS} s (ZIP of PDFs, or CSV); "
                              "null in the history and once expired")}}),
        "Template": _obj({"template_id": _S, "name": _S, "fields": {"type": "array", "items": _S}}),
        "TemplateField": _obj({"field": _S, "label": _S}),
        "ApiKey": _obj(api_key),
        "ApiKeyCreated": _obj({**api_key, "key": {"type": "string", "description": "shown once"}}),
        "Webhook": _obj(webhook),
        "WebhookCreated": _obj({**webhook, "secret": {"type": "string", "description": "signing secret, "
                                                      "shown once"}}),
        "Batch": _obj({
            "batch_id": _S, "kind": {"type": "string", "enum": ["entries", "results"]}, "filename": _S,
            "status": {"type": "string", "enum": batch_statuses}, "message": _S_NULL,
            "rows_total": _INT, "rows_ok": _INT, "rows_failed": _INT, "rows_unchanged": _INT,
            "errors": {"type": "array", "items": _obj({"row": _INT, "field": _S, "message": _S})},
            "error_report_url": _S_NULL, "jobs_total": _INT, "jobs_failed": _INT, "emails_sent": _INT,
            "statements_generated": _INT, "created_at": _TS, "completed_at": _TS_NULL}),
        "BatchUpload": _obj({"batch_id": _S, "upload_url": {"type": "string", "description": "presigned"},
                             "method": {"const": "PUT"},
                             "headers": {"type": "object", "additionalProperties": _S}}),
    }


def _mfa_schemas() -> dict[str, Schema]:
    """Two-factor sign-in (services/mfa.py): the first step's replies and the second's."""
    token = {"type": "string", "description": "single-use, short-lived: send it to .../login/mfa "
             "with a code; not a session"}
    secret = {"type": "string", "description": "base32 TOTP secret (30 s, 6 digits, SHA-1)"}
    uri = {"type": "string", "description": "otpauth:// URI of the secret, for a QR code"}
    return {
        "MfaChallenge": _obj({"mfa_required": {"const": True}, "mfa_token": token, "expires_at": _TS}),
        "MfaSetup": _obj({"mfa_setup_required": {"const": True}, "mfa_token": token, "expires_at": _TS,
                          "secret": secret, "otpauth_uri": uri}),
        "LoginReply": {"oneOf": [_ref("Session"), _ref("MfaChallenge"), _ref("MfaSetup")],
                       "description": "A session when two-factor does not apply; else the second "
                                      "step: a challenge, or a secret to enrol with first"},
        "MfaSession": _obj({"token": {"type": "string", "description": "send as Authorization: Bearer"},
                            "expires_at": _TS,
                            "recovery_codes": {"type": "array", "items": _S, "description": (
                                "single-use recovery codes, shown once: only when this completed an "
                                "enrolment")}}, required=["token", "expires_at"]),
        "MfaEnrolment": _obj({"secret": secret, "otpauth_uri": uri}),
        "MfaEnabled": _obj({"mfa_enabled": {"const": True},
                            "recovery_codes": {"type": "array", "items": _S,
                                               "description": "single-use, shown once"}}),
        "OrganisationMfa": _obj({"mfa_required": _BOOL}),
    }


# ---------------------------------------------------------------- operations
_JSON = "application/json"
_PUBLIC: list[dict[str, list]] = []
_BEARER: list[dict[str, list]] = [{"bearerAuth": []}]
_API_KEY: list[dict[str, list]] = [{"apiKey": []}]


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _error_responses() -> dict[str, Schema]:
    err = {_JSON: {"schema": _ref("Error")}}
    return {
        "ClientError": {"description": "The request cannot be served: validation_error 400, unauthenticated "
                "401, forbidden 403, not_found 404, conflict 409, payload_too_large 413", "content": err},
        "RateLimited": {
            "description": "rate_limited: try again after Retry-After seconds", "content": err,
            "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}},
        "ServerError": {"description": "internal_error: something went wrong on the service's side",
                        "content": err},
    }


_ERRORS = {"4XX": {"$ref": "#/components/responses/ClientError"},
           "429": {"$ref": "#/components/responses/RateLimited"},
           "5XX": {"$ref": "#/components/responses/ServerError"}}
_NO_CONTENT = {"204": {"description": "Done; no body."}}


def _query(name: str, description: str, schema: Schema | None = None, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema or {"type": "string"}}


_PAGE = [
    _query("limit", f"page size (default {DEFAULT_LIMIT})", {"type": "integer", "minimum": 1,
                                                             "maximum": MAX_LIMIT}),
    _query("cursor", "the `next_cursor` of the previous page", {"type": "string", "maxLength": 2000}),
]


def _pdf(redirect: str) -> dict[str, Schema]:
    return {
        "200": {"description": "The Statement of Results", "content": {"application/pdf": {
            "schema": {"type": "string", "contentMediaType": "application/pdf"}}}},
        redirect: {"description": "Redirect to a short-lived URL of the stored PDF",
                   "headers": {"Location": {"schema": {"type": "string"}, "required": True}}},
    }


def _operations() -> list[tuple[str, str, Schema]]:
    """(method, path, operation) for every route of app.py's blueprints."""
    from ..services import templates
    from . import candidates as cand
    from . import sharing, staff, staff_orgs, verifiers, webhooks

    ops: list[tuple[str, str, Schema]] = []

    def op(method: str, path: str, tag: str, summary: str, responses: dict[str, Schema], *,
           security: list = _BEARER, body: Schema | None = None, params: list[Schema] | None = None) -> None:
        o: Schema = {"tags": [tag], "summary": summary, "operationId": _op_id(method, path),
                     "security": security, "responses": {**responses, **_ERRORS}}
        if body is not None:
            o["requestBody"] = {"required": True, "content": {_JSON: {"schema": body}}}
        if params:
            o["parameters"] = params
        ops.append((method, path, o))

    ok = functools.partial(_json, description="OK")

    # public
    op("GET", "/health", "public", "Health check", {"200": ok(_obj({"status": {"const": "ok"}}))},
       security=_PUBLIC)
    op("GET", "/exams", "public", "The exam catalogue",
       {"200": ok(_list_of("exams", _ref("Exam")))}, security=_PUBLIC)
    op("GET", "/openapi.json", "public", "This document",
       {"200": ok({"type": "object", "required": ["openapi", "paths"]})}, security=_PUBLIC)

    # candidates
    op("POST", "/candidates/register", "candidates", "Register with ID number and Secret number",
       {"201": _json(_obj({"id_number": _S, "email": _S, "email_verified": {"const": False}}), "Registered; "
                     "a confirmation email is on its way")},
       security=_PUBLIC, body=body_schema(cand.REGISTER))
    op("POST", "/candidates/verify-email", "candidates", "Verify the email address with the emailed token",
       {"200": ok(_obj({"email_verified": {"const": True}}))}, security=_PUBLIC,
       body=body_schema(cand.VERIFY_EMAIL))
    op("POST", "/candidates/verify-email/resend", "candidates", "Send the verification email again",
       {"202": _json(_obj({"status": _S}), "Sent (unless already verified)")})
    op("POST", "/candidates/login", "candidates", "Log in", {"200": ok(_ref("Session"))},
       security=_PUBLIC, body=body_schema(cand.LOGIN))
    op("POST", "/auth/logout", "sessions", "End this session (candidate, verifier or staff)", _NO_CONTENT)
    op("GET", "/candidates/me", "candidates", "The candidate's profile",
       {"200": ok(_ref("CandidateProfile"))})
    op("PATCH", "/candidates/me", "candidates", "Change profile fields (the email needs current_password)",
       {"200": ok(_ref("CandidateProfile"))}, body=body_schema(cand.PROFILE, partial=True))
    op("POST", "/candidates/me/password", "candidates", "Change the password; other sessions end",
       _NO_CONTENT, body=body_schema(cand.CHANGE_PASSWORD))
    op("POST", "/candidates/password-reset", "candidates", "Ask for a password reset link (no enumeration)",
       {"202": _json(_ref("Accepted"), "Accepted, whatever the account")}, security=_PUBLIC,
       body=body_schema(cand.PASSWORD_RESET))
    op("POST", "/candidates/password-reset/confirm", "candidates",
       "Set a new password with the emailed token",
       _NO_CONTENT, security=_PUBLIC, body=body_schema(cand.PASSWORD_RESET_CONFIRM))
    op("GET", "/candidates/me/results", "candidates", "Released results and pending entries",
       {"200": ok(_list_of("results", _ref("Result")))})
    result_id = {"name": "result_id", "in": "path", "required": True, "schema": {"type": "string"}}
    op("GET", "/candidates/me/results/{result_id}", "candidates", "One result", {"200": ok(_ref("Result"))},
       params=[result_id])
    op("PUT", "/candidates/me/results/{result_id}/lookup", "candidates", "Turn look-ups of this result "
       "by reference number + date of birth on or off (on by default; shares are not affected)",
       {"200": ok(_ref("Result"))}, body=body_schema(cand.LOOKUP), params=[result_id])
    op("GET", "/candidates/me/results/{result_id}/statement", "candidates", "The Statement of Results PDF "
       "of a released result: a redirect to a short-lived URL of it",
       {"302": _pdf("302")["302"]}, params=[result_id])

    # candidate sharing
    op("GET", "/institutions", "sharing", "Approved organisations whose name matches",
       {"200": ok(_list_of("institutions", _ref("Institution")))},
       params=[_query("q", "at least 2 letters of the name; at most 8 words", {"type": "string"}, True)])
    op("POST", "/candidates/me/shares", "sharing", "Share a released result with an organisation",
       {"201": _json(_ref("CandidateShare"), "Shared (or the existing share of this result with it)")},
       body=body_schema(sharing.SHARE))
    op("GET", "/candidates/me/shares", "sharing", "The candidate's shares, newest first",
       {"200": ok(_list_of("shares", _ref("CandidateShare"), paged=True))}, params=_PAGE)
    share_id = {"name": "share_id", "in": "path", "required": True, "schema": {"type": "string"}}
    op("DELETE", "/candidates/me/shares/{share_id}", "sharing", "Revoke a share", _NO_CONTENT,
       params=[share_id])

    # verifiers: accounts
    org_schema = body_schema(verifiers.organisation_spec())
    op("POST", "/verifiers/register", "verifiers", "Register an organisation and its Primary User",
       {"202": _json(_obj({"org_id": _S, "status": {"const": "pending"}}), "Waiting for approval")},
       security=_PUBLIC, body=body_schema(verifiers.REGISTER, overrides={"organisation": org_schema}))
    op("POST", "/verifiers/join", "verifiers", "Ask to join an organisation (no enumeration)",
       {"202": _json(_obj({"status": {"const": "pending"}}), "Accepted, whatever the domain")},
       security=_PUBLIC, body=body_schema(verifiers.PERSON))
    op("POST", "/verifiers/set-password", "verifiers", "Set the password from the emailed token",
       _NO_CONTENT, security=_PUBLIC, body=body_schema(verifiers.SET_PASSWORD))
    op("POST", "/verifiers/password-reset", "verifiers", "Ask for a link to choose a new password "
       "(no enumeration)", {"202": _json(_ref("Accepted"), "Accepted, whatever the address")},
       security=_PUBLIC, body=body_schema(verifiers.PASSWORD_RESET))
    op("POST", "/verifiers/login", "verifiers", "Log in: a session, or the second step when two-factor "
       "applies", {"200": ok(_ref("LoginReply"))}, security=_PUBLIC, body=body_schema(verifiers.LOGIN))
    op("POST", "/verifiers/login/mfa", "verifiers", "Log in, second step: a TOTP or recovery code",
       {"200": ok(_ref("MfaSession"))}, security=_PUBLIC, body=body_schema(verifiers.LOGIN_MFA))
    op("POST", "/verifiers/me/mfa", "verifiers", "Start turning on two-factor sign-in: a new secret",
       {"200": ok(_ref("MfaEnrolment"))})
    op("POST", "/verifiers/me/mfa/confirm", "verifiers", "Turn on two-factor sign-in with a code of the "
       "new secret; recovery codes, shown once", {"200": ok(_ref("MfaEnabled"))},
       body=body_schema(verifiers.MFA_CODE))
    op("DELETE", "/verifiers/me/mfa", "verifiers", "Turn off two-factor sign-in (with a code; refused "
       "when the organisation requires it)", _NO_CONTENT, body=body_schema(verifiers.MFA_CODE))
    op("GET", "/verifiers/me", "verifiers", "The user, the organisation and alert settings",
       {"200": ok(_ref("VerifierMe"))})
    op("PUT", "/verifiers/me/notifications", "verifiers", "How often to be told of new shares",
       {"200": ok(_ref("Notifications"))}, body=body_schema(verifiers.notifications_spec()))

    op("PUT", "/organisation/mfa", "organisation users", "Require two-factor sign-in of every user; "
       "users without it enrol at their next sign-in (Primary User only)",
       {"200": ok(_ref("OrganisationMfa"))}, body=body_schema(verifiers.ORG_MFA))

    # verifiers: users and join requests
    user_id = {"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}
    op("GET", "/organisation/users", "organisation users", "The organisation's users",
       {"200": ok(_list_of("users", _ref("VerifierUser")))})
    op("POST", "/organisation/users", "organisation users", "Invite an Admin User (Primary User only)",
       {"201": _json(_ref("VerifierUser"), "Invited; a set-password email is on its way")},
       body=body_schema(verifiers.PERSON))
    op("PATCH", "/organisation/users/{user_id}", "organisation users", "Change a user's name or job title "
       "(Primary User only)", {"200": ok(_ref("VerifierUser"))}, params=[user_id],
       body=body_schema(verifiers.USER_UPDATE, partial=True))
    op("DELETE", "/organisation/users/{user_id}", "organisation users", "Delete an Admin User; their "
       "sessions end (Primary User only)", _NO_CONTENT, params=[user_id])
    request_id = {"name": "request_id", "in": "path", "required": True, "schema": {"type": "string"}}
    op("GET", "/organisation/join-requests", "organisation users", "Join requests (Primary User only)",
       {"200": ok(_list_of("join_requests", _ref("JoinRequest")))})
    op("POST", "/organisation/join-requests/{request_id}/approve", "organisation users",
       "Approve: the user is invited (Primary User only)", {"200": ok(_ref("VerifierUser"))},
       params=[request_id])
    op("POST", "/organisation/join-requests/{request_id}/decline", "organisation users",
       "Decline (Primary User only)", _NO_CONTENT, params=[request_id])

    # verifiers: shares and search
    op("GET", "/organisation/shares", "organisation shares", "Results shared with the organisation, "
       "newest first", {"200": ok(_list_of("shares", _ref("OrgShare"), paged=True))},
       params=[*_PAGE, _query("from", "shared on or after", {"type": "string", "format": "date"}),
               _query("to", "shared on or before", {"type": "string", "format": "date"}),
               _query("q", "part of a name or an ID number", {"type": "string", "maxLength": 100})])
    op("GET", "/organisation/shares/{share_id}", "organisation shares", "A shared result (marks it seen; "
       "audited)", {"200": ok(_ref("ShareDetail"))}, params=[share_id])
    op("GET", "/organisation/shares/{share_id}/statement", "organisation shares", "The shared result's "
       "Statement of Results PDF (audited)", _pdf("303"), params=[share_id])
    op("POST", "/organisation/search", "organisation shares", "Find a result by reference number and date "
       "of birth (audited)", {"200": ok(_ref("ShareDetail"))}, body=body_schema(verifiers.SEARCH))

    # verifiers: downloads, templates, API keys, webhooks
    op("POST", "/organisation/downloads", "downloads", "Make a ZIP of statements or a CSV of shares",
       {"201": _json(_ref("Download"), "Made; `url` fetches it")},
       body=body_schema(verifiers.DOWNLOAD, overrides={"share_ids": {
           "items": {"type": "string", "minLength": 1, "maxLength": 64}, "minItems": 1}}))
    op("GET", "/organisation/downloads", "downloads", "Download history, newest first",
       {"200": ok(_list_of("downloads", _ref("Download"), paged=True))}, params=_PAGE)
    op("GET", "/organisation/downloads/{download_id}", "downloads", "One download with a fresh `url`",
       {"200": ok(_ref("Download"))},
       params=[{"name": "download_id", "in": "path", "required": True, "schema": {"type": "string"}}])
    op("GET", "/organisation/templates/fields", "downloads", "The fields a CSV template can hold",
       {"200": ok(_list_of("fields", _ref("TemplateField")))})
    op("GET", "/organisation/templates", "downloads", "CSV templates (the default first)",
       {"200": ok(_list_of("templates", _ref("Template")))})
    op("POST", "/organisation/templates", "downloads", "Make a CSV template",
       {"201": _json(_ref("Template"), "Made")},
       body=body_schema(verifiers.TEMPLATE, overrides={"fields": {
           "items": {"type": "string", "enum": list(templates.FIELDS)}, "minItems": 1, "uniqueItems": True}}))
    op("DELETE", "/organisation/templates/{template_id}", "downloads", "Delete a CSV template", _NO_CONTENT,
       params=[{"name": "template_id", "in": "path", "required": True, "schema": {"type": "string"}}])
    op("POST", "/organisation/api-keys", "api keys", "Make an API key, shown once (Primary User only)",
       {"201": _json(_ref("ApiKeyCreated"), "Made")}, body=body_schema(verifiers.API_KEY))
    op("GET", "/organisation/api-keys", "api keys", "The organisation's API keys (Primary User only)",
       {"200": ok(_list_of("api_keys", _ref("ApiKey")))})
    op("DELETE", "/organisation/api-keys/{key_id}", "api keys", "Revoke an API key (Primary User only)",
       _NO_CONTENT, params=[{"name": "key_id", "in": "path", "required": True, "schema": {"type": "string"}}])
    op("POST", "/organisation/webhooks", "webhooks", "Register a webhook for share.created (Primary User "
       "only)", {"201": _json(_ref("WebhookCreated"), "Registered; `secret` signs the deliveries")},
       body=body_schema(webhooks.WEBHOOK))
    op("GET", "/organisation/webhooks", "webhooks", "Webhooks with delivery status (Primary User only)",
       {"200": ok(_list_of("webhooks", _ref("Webhook")))})
    op("DELETE", "/organisation/webhooks/{webhook_id}", "webhooks", "Delete a webhook (Primary User only)",
       _NO_CONTENT,
       params=[{"name": "webhook_id", "in": "path", "required": True, "schema": {"type": "string"}}])

    # machine API
    op("GET", "/api/v1/shares", "machine API", "Shares with full results, oldest first",
       {"200": ok(_obj({"shares": {"type": "array", "items": _ref("ShareDetail")}, "next_cursor": _CURSOR,
                        "resume_cursor": {"type": ["string", "null"], "description": "where the next poll "
                                          "goes on from"}}))},
       security=_API_KEY,
       params=[*_PAGE, _query("since", "a date or an ISO 8601 timestamp", {"type": "string"})])
    op("GET", "/api/v1/results", "machine API", "As POST /organisation/search",
       {"200": ok(_ref("ShareDetail"))}, security=_API_KEY,
       params=[_query("reference_number", "from the Statement of Results", required=True),
               _query("date_of_birth", "YYYY-MM-DD", {"type": "string", "format": "date"}, True)])

    # staff
    batch_id = {"name": "batch_id", "in": "path", "required": True, "schema": {"type": "string"}}
    op("POST", "/staff/login", "staff", "Log in, first step (two-factor is required of staff): a "
       "challenge, or a secret to enrol with", {"200": ok(_ref("LoginReply"))}, security=_PUBLIC,
       body=body_schema(staff.LOGIN))
    op("POST", "/staff/login/mfa", "staff", "Log in, second step: a TOTP or recovery code",
       {"200": ok(_ref("MfaSession"))}, security=_PUBLIC, body=body_schema(staff.LOGIN_MFA))
    op("POST", "/staff/batches", "staff", "Start a batch: PUT the CSV file to `upload_url`",
       {"201": _json(_ref("BatchUpload"), "Created")}, body=body_schema(staff.CREATE_BATCH))
    op("GET", "/staff/batches", "staff", "Batches, newest first",
       {"200": ok(_list_of("batches", _ref("Batch"), paged=True))}, params=_PAGE)
    op("GET", "/staff/batches/{batch_id}", "staff", "One batch and its report", {"200": ok(_ref("Batch"))},
       params=[batch_id])
    org_id = {"name": "org_id", "in": "path", "required": True, "schema": {"type": "string"}}
    op("GET", "/staff/organisations", "staff", "Organisations by status",
       {"200": ok(_list_of("organisations", _ref("StaffOrganisation"), paged=True))},
       params=[*_PAGE, _query("status", "default pending",
                              {"type": "string", "enum": list(staff_orgs.STATUSES)})])
    op("POST", "/staff/organisations/{org_id}/approve", "staff", "Approve; the Primary User is invited",
       {"200": ok(_ref("StaffOrganisation"))}, params=[org_id])
    op("POST", "/staff/organisations/{org_id}/reject", "staff", "Reject with a reason",
       {"200": ok(_ref("StaffOrganisation"))}, params=[org_id], body=body_schema(staff_orgs.REJECT))
    return ops


def _op_id(method: str, path: str) -> str:
    words = [w.strip("{}").replace("-", "_").replace(".", "_") for w in path.strip("/").split("/")]
    return method.lower() + "_" + "_".join(w for w in words if w)


@functools.lru_cache(maxsize=1)
def _build() -> Schema:
    paths: dict[str, dict[str, Schema]] = {}
    for method, path, operation in _operations():
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Exam results service", "version": "1",
                 "description": "Candidates' results, their sharing with recognising organisations, "
                                "and the exam board's batch uploads. Errors always have the body "
                                "{error, message, fields?} (API.md)."},
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "responses": _error_responses(),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque",
                               "description": "the token of POST /candidates/login, /verifiers/login or "
                                              "/staff/login (or of their /mfa second step); each "
                                              "path takes its own audience's"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key",
                           "description": "an organisation's key (POST /organisation/api-keys)"},
            },
        },
    }


def document(base_url: str | None = None) -> Schema:
    """The document (a fresh copy: callers may change it), with `servers` when base_url is given."""
    doc = copy.deepcopy(_build())
    if base_url:
        doc["servers"] = [{"url": base_url.rstrip("/")}]
    return doc


def operations() -> set[tuple[str, str]]:
    """(METHOD, path) of every documented operation."""
    return {(method.upper(), path) for path, item in _build()["paths"].items() for method in item}
