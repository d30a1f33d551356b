"""Signing with the service's key as the issuer, and the keys the DID document lists."""
from __future__ import annotations

from ..db.store import store
from .multibase import ed25519_multikey

_registered: set[str] = set()  # KMS key names seen in the table (they never leave it)


def known_keys() -> dict[str, str]:
    """{key name: publicKeyMultibase}: every key recorded in the table, and the local signer's
    own key (a file key is never recorded: it is the key of this machine's stack alone)."""
    from .signer import signer

    keys = store().credentials.keys()
    s = signer()
    public = s.public_key()
    if public is not None:
        keys.setdefault(s.key_name, ed25519_multikey(public))
    return keys


def sign(doc: dict, created: str) -> dict:
    """`doc` with an eddsa-rdfc-2022 proof by the service's current key. A KMS key must be
    recorded in the table first (infra/register_signing_key.py): a proof by a key that
    did.json does not list would verify nowhere."""
    from .. import config
    from .did import verification_method
    from .proof import add_proof
    from .signer import signer

    s = signer()
    if s.public_key() is None and s.key_name not in _registered:
        if s.key_name not in store().credentials.keys():
            raise config.ConfigurationError(
                f"the signing key {s.key_name} is not recorded: run infra/register_signing_key.py")
        _registered.add(s.key_name)
    return add_proof(doc, s, verification_method(s.key_name), created)
