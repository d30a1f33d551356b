"""Data Integrity proofs of cryptosuite `eddsa-rdfc-2022` (W3C vc-di-eddsa, section 3.3):

    proof config = the proof's options (no proofValue), with the document's @context
    hash data    = SHA-256(RDFC(proof config)) || SHA-256(RDFC(document without proof))
    proofValue   = "z" + base58btc(Ed25519 signature of the 64 bytes of hash data)
"""
from __future__ import annotations

import hashlib
from typing import Any

from . import jsonld
from .multibase import unz, z

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


def _hash_data(unsecured: dict, options: dict) -> bytes:
    config = {"@context": unsecured["@context"], **options}
    return (hashlib.sha256(jsonld.canonize(config).encode()).digest()
            + hashlib.sha256(jsonld.canonize(unsecured).encode()).digest())


def add_proof(doc: dict, signer: Any, verification_method: str, created: str,
              purpose: str = "assertionMethod") -> dict:
    """The document with its embedded proof (a set of one) (`created`: an XML Schema dateTime, UTC)."""
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    options = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": verification_method, "proofPurpose": purpose}
    signature = signer.sign(_hash_data(unsecured, options))
    # A one-proof set: the OB 3.0 JSON schema wants `proof` as an array (Data Integrity allows both).
    return {**unsecured, "proof": [{**options, "proofValue": z(signature)}]}


def verify(doc: dict, public_key: bytes) -> bool:
    """True when the document's proof is a valid eddsa-rdfc-2022 signature by `public_key`
    (our own check, for tests and for refusing to serve a bad signature; verifiers use theirs)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    proofs = doc.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else proofs
    if not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE:
        return False
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(unz(proof["proofValue"]),
                                                              _hash_data(unsecured, options))
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True
