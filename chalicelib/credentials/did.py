"""The issuer: `did:web:<host of PUBLIC_BASE_URL>` (a port is percent-encoded, as did:web says),
whose DID document (`GET /.well-known/did.json`) lists every key the service has signed with."""
from __future__ import annotations

from urllib.parse import urlsplit

from .. import config
from .jsonld import DID_V1, MULTIKEY_V1


def issuer_did() -> str:
    host = urlsplit(config.settings().public_base_url).netloc
    return "did:web:" + host.replace(":", "%3A")


def verification_method(key_name: str) -> str:
    return f"{issuer_did()}#{key_name}"


def did_document(keys: dict[str, str]) -> dict:
    """{key name: publicKeyMultibase} -> the DID document, each key a Multikey under
    assertionMethod (in key name order, so the document is stable)."""
    did = issuer_did()
    methods = [{"id": f"{did}#{name}", "type": "Multikey", "controller": did, "publicKeyMultibase": value}
               for name, value in sorted(keys.items())]
    return {"@context": [DID_V1, MULTIKEY_V1], "id": did, "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods]}
