"""The OpenAPI 3.1 document of every route, served at `GET /openapi.json`.

Built on first use and cached (importing this module costs nothing but the standard library).
Each route declares its operation beside it (`@operation`, api/docs.py: summary, responses,
request body type); request bodies are generated from the body dataclasses' own `Field` specs
(api/body.py, the same specs `parse_as` checks), so the document and the validation cannot
drift apart; response schemas follow what the services return (API.md).
tests/api/test_openapi.py keeps the set of documented operations equal to `app.routes`;
tests/e2e/test_fuzz.py fuzzes the running stack from this document.
"""
from __future__ import annotations

import copy
import functools

from ..resources import BATCH_KINDS
from .body import field_specs, is_partial, schema_extras
from .docs import BOOL as _BOOL
from .docs import DATE as _DATE
from .docs import INT as _INT
from .docs import INT_NULL as _INT_NULL
from .docs import JSON as _JSON
from .docs import OPERATIONS, Schema
from .docs import S_NULL as _S_NULL
from .docs import TS as _TS
from .docs import TS_NULL as _TS_NULL
from .docs import S as _S
from .docs import obj as _obj
from .docs import ref as _ref
from .http import Field, check_date, check_email

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
    """A body's {name: Field} spec as a JSON object schema: unknown fields are refused, required fields
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
def _schemas() -> dict[str, Schema]:
    from ..services import downloads, organisations, verifier_users

    result_props: dict[str, Schema] = {
        "result_id": _S, "exam_code": _S, "exam_name": _S, "exam_date": _DATE,
        "exam_format": {"type": "string", "enum": ["paper", "computer"]},
        "status": {"type": "string", "description": "`released`, `withdrawn` (by the exam board), or "
                   "`pending` while waiting"},
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
                      "release_after": _obj({"paper": _S_NULL, "computer": _S_NULL}),
                      "display_name": _S,
                      "score_range": {"oneOf": [_obj({"min": _INT, "max": _INT}), {"type": "null"}],
                                      "description": "the overall score's range (Cambridge English "
                                                     "Scale); null: the exam reports no overall score"},
                      "component_names": {"type": ["array", "null"], "items": _S, "description": (
                          "the component columns of a results file (component:<name>); null: not checked")},
                      "component_range": {"oneOf": [_obj({"min": _INT, "max": _INT}), {"type": "null"}],
                                          "description": "each component score's range"}},
                     required=["code", "name", "previous_name", "verifiable", "test_day_photo",
                               "release_after"]),
        "CandidateProfile": _obj({"id_number": _S, "first_name": _S, "family_name": _S, "email": _S,
                                  "email_verified": _BOOL, "country": _S, "first_language": _S,
                                  "marketing_opt_in": _BOOL}),
        "Result": result,
        "ShareDetail": detail,
        "StaffResult": {"allOf": [_ref("Result"), _obj({
            "id_number": _S, "first_name": _S, "family_name": _S, "withdrawn_at": _TS_NULL,
            "withdrawn_reason": _S_NULL})], "description": "A result as staff see it; `result_id` is "
            "<id_number>.<result id>."},
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
                                   "decided_at": _TS_NULL,
                                   "applicant": {"oneOf": [_obj({"first_name": _S, "family_name": _S,
                                                                 "job_title": _S, "email": _S}),
                                                           {"type": "null"}],
                                                 "description": "who registered the organisation "
                                                                "(its Primary User)"}}),
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
            "batch_id": _S, "kind": {"type": "string", "enum": list(BATCH_KINDS)}, "filename": _S,
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
_SECURITY: dict[str, list[dict[str, list]]] = {"public": [], "bearer": [{"bearerAuth": []}],
                                               "api_key": [{"apiKey": []}]}


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


def request_schema(cls: type) -> Schema:
    """A request body dataclass (api/body.py) as JSON Schema, nested bodies included."""
    overrides = {name: request_schema(extra["nested"]) if "nested" in extra else extra
                 for name, extra in schema_extras(cls).items()}
    return body_schema(field_specs(cls), partial=is_partial(cls), overrides=overrides)


def _operations() -> list[tuple[str, str, Schema]]:
    """(method, path, operation) for every route of app.py's blueprints, from what each route
    declares beside it (`@operation`, api/docs.py)."""
    from . import (  # noqa: F401
        candidates,
        centres,
        checks,
        credentials,
        examples,
        machine,
        public,
        sharing,
        staff,
        staff_orgs,
        verifiers,
        webhooks,
    )

    ops: list[tuple[str, str, Schema]] = []
    for (method, path), op in OPERATIONS.items():
        o: Schema = {"tags": [op.tag], "summary": op.summary, "operationId": _op_id(method, path),
                     "security": _SECURITY[op.security], "responses": {**op.responses, **_ERRORS}}
        if op.body is not None:
            o["requestBody"] = {"required": True, "content": {_JSON: {"schema": request_schema(op.body)}}}
        if op.params:
            o["parameters"] = list(op.params)
        examples.apply(method, path, o)
        ops.append((method, path, o))
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
