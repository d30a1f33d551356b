"""Signed credentials (API.md "Additions, v1.1"): a candidate's result as an Open Badges 3.0
credential, the issuer's DID document and the revocation status lists (public)."""
from __future__ import annotations

from chalice import Response

from .auth import principal
from .docs import S, obj, operation, path_param
from .errors import Routes
from .http import json_response

bp = Routes(__name__)

LD_JSON = "application/ld+json"


def _ld(description: str, schema: dict) -> dict:
    return {"description": description, "content": {LD_JSON: {"schema": schema}}}


_CREDENTIAL = obj({"@context": {"type": "array"}, "id": S, "type": {"type": "array"},
                   "issuer": {"type": ["object", "string"]}, "validFrom": S,
                   "credentialSubject": {"type": "object"},
                   "credentialStatus": {"type": "object"}, "proof": {"type": "object"}})


@bp.route("/candidates/me/results/{result_id}/credential", methods=["GET"])
@operation("candidates", "The released result as a signed W3C Verifiable Credential 2.0 / Open Badges 3.0 "
           "OpenBadgeCredential (DataIntegrityProof, eddsa-rdfc-2022); 404 while pending",
           {"200": _ld("The signed credential", _CREDENTIAL)}, params=[path_param("result_id")])
def result_credential(result_id: str) -> Response:
    from ..services import credentials

    who = principal(bp.current_request, "candidate")
    doc = credentials.credential(who.subject, result_id)
    return json_response(doc, headers={"Content-Type": LD_JSON, "Cache-Control": "no-store"})


@bp.route("/.well-known/did.json", methods=["GET"])
@operation("public", "The issuer's DID document (did:web): every key the service has signed credentials "
           "with, as Multikey verification methods under assertionMethod",
           {"200": {"description": "OK", "content": {"application/did+json": {"schema": obj(
               {"@context": {"type": "array"}, "id": S, "verificationMethod": {"type": "array"},
                "assertionMethod": {"type": "array"}})}}}}, public=True)
def did_document() -> Response:
    from ..services import credentials

    return json_response(credentials.did_document(), headers={"Content-Type": "application/did+json",
                                                              "Cache-Control": "public, max-age=300"})


@bp.route("/credentials/status/{list_id}", methods=["GET"])
@operation("public", "A revocation status list: a signed BitstringStatusListCredential (131,072 entries, "
           "gzip + base64url); 404 for a list no credential points into",
           {"200": _ld("The signed status list", _CREDENTIAL | {"required": [
               "@context", "id", "type", "issuer", "validFrom", "credentialSubject", "proof"]})},
           public=True, params=[path_param("list_id")])
def status_list(list_id: str) -> Response:
    from ..services import credentials

    return json_response(credentials.status_list(list_id),
                         headers={"Content-Type": LD_JSON, "Cache-Control": "public, max-age=60"})
