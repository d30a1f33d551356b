"""The key that signs credentials, behind one interface.

    s = signer()
    signature = s.sign(message)        # Ed25519 over the message (the proof's 64 bytes)
    s.key_name                         # the fragment of its verification method in did.json

- On AWS (`CREDENTIAL_KEY_ID` set, infra/ declares the key): `KmsSigner`, KMS `Sign` with a
  key of spec ECC_NIST_EDWARDS25519, algorithm ED25519_SHA_512, MessageType RAW (pure Ed25519
  of the message). The functions may only `kms:Sign` with it, so the public key does not come
  from KMS at run time: infra/register_signing_key.py records it in the table at deploy time
  (`store().credentials.add_key`), and did.json lists every key recorded there.
- Elsewhere (stages "local" and "test" only): `FileSigner`, an Ed25519 key in a PEM file under
  `.local/` (`CREDENTIAL_KEY_FILE`), created on first use; it knows its public key, which
  did.json adds to the recorded ones.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from .. import config

KMS_ALGORITHM = "ED25519_SHA_512"
DEFAULT_KEY_FILE = Path(__file__).resolve().parents[2] / ".local" / "credential-signing-key.pem"


class Signer(Protocol):
    key_name: str

    def sign(self, message: bytes) -> bytes: ...

    def public_key(self) -> bytes | None:
        """The raw 32-byte public key, when the signer can tell it (a file key can; KMS, with
        Sign only, cannot)."""


def kms_key_name(key_id: str) -> str:
    """The verification method fragment of a KMS key: its key id (the last part of an ARN)."""
    return "kms-" + key_id.rsplit("/", 1)[-1]


class KmsSigner:
    def __init__(self, key_id: str, client: Any = None) -> None:
        self.key_id = key_id
        self.key_name = kms_key_name(key_id)
        self._client = client

    def sign(self, message: bytes) -> bytes:
        if self._client is None:
            from ..adapters.aws import client

            self._client = client("kms")
        reply = self._client.sign(KeyId=self.key_id, Message=message, MessageType="RAW",
                                  SigningAlgorithm=KMS_ALGORITHM)
        return bytes(reply["Signature"])

    def public_key(self) -> bytes | None:
        return None


class FileSigner:
    def __init__(self, path: Path) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.path = path
        self._key: Ed25519PrivateKey = _load_or_create(path)
        raw = self.public_key()
        self.key_name = "local-" + hashlib.sha256(raw).hexdigest()[:16]

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def public_key(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _load_or_create(path: Path) -> Any:
    """The key in `path`; made on first use. Two processes starting at once: each writes its own
    key to a temporary file and links it into place, and the one that loses reads the winner's."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


@lru_cache(maxsize=1)
def signer() -> Signer:
    """The process's signer: KMS when CREDENTIAL_KEY_ID is set, else the local key file."""
    if config.CREDENTIAL_KEY_ID:
        return KmsSigner(config.CREDENTIAL_KEY_ID)
    if not config.settings().is_local:
        raise config.ConfigurationError(
            f"stage {config.STAGE!r}: credentials are signed with KMS (CREDENTIAL_KEY_ID), not a key file")
    return FileSigner(Path(os.environ.get("CREDENTIAL_KEY_FILE") or DEFAULT_KEY_FILE))
