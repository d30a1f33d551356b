"""Revocation: each credential gets an index in a status list; a withdrawn result, or a
version replaced by a correction, has its bit set, and the list is served as a signed
`BitstringStatusListCredential` (W3C Bitstring Status List 1.0) by the same issuer.

- Indexes come from one atomic counter (`store().credentials.allocate_index`): index i is bit
  i % LIST_SIZE of list i // LIST_SIZE, served at `<PUBLIC_BASE_URL>/credentials/status/<list>`.
- Setting a bit is one atomic set-add on the list's item that also counts a revision; the
  setter signs the list as it was right after its change and keeps it unless a later
  revision's is kept already, so the copy served always includes every bit set so far (a
  reader that finds it behind, after a crash, signs it again).

For the result hooks (services/result_events.py):
    on_result_withdrawn(result):         status_list.revoke_result(result)
    on_result_superseded(old, new):      status_list.revoke_superseded(old)
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from typing import Any

from .. import config
from ..db.store import store

LIST_SIZE = 131_072  # bits: the minimum the specification asks for (16 KiB), for herd privacy
PURPOSE = "revocation"


def list_url(number: int) -> str:
    return f"{config.settings().public_base_url}/credentials/status/{number}"


def entry(index: int) -> dict:
    """A credential's `credentialStatus` for its global index."""
    number, bit = divmod(index, LIST_SIZE)
    url = list_url(number)
    return {"id": f"{url}#{bit}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(bit), "statusListCredential": url}


def encode(revoked: Iterable[int]) -> str:
    """The bitstring (bit 0 is the first byte's most significant bit), gzipped, as multibase
    base64url without padding."""
    bits = bytearray(LIST_SIZE // 8)
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)
    return "u" + _b64url(gzip.compress(bytes(bits), mtime=0))


def decode(encoded: str) -> set[int]:
    """The indexes whose bit is set (tests, and anyone checking our encoding)."""
    from .multibase import unu

    bits = gzip.decompress(unu(encoded))
    return {i * 8 + b for i, byte in enumerate(bits) if byte for b in range(8) if byte & (0x80 >> b)}


def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _sign(number: int, revoked: Iterable[int]) -> dict:
    from ..adapters import clock
    from .did import issuer_did
    from .issuing import sign

    url = list_url(number)
    now = clock.iso()
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": now,
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": PURPOSE,
                              "encodedList": encode(revoked)},
    }
    return sign(doc, now)


def _publish(number: int, revoked: Iterable[int], rev: int) -> dict:
    doc = _sign(number, revoked)
    store().credentials.save_signed(number, rev, json.dumps(doc, ensure_ascii=False))
    return doc


def revoke_index(index: int) -> None:
    """Set the bit of this global index, and publish the list."""
    number, bit = divmod(index, LIST_SIZE)
    state = store().credentials.revoke(number, bit)
    _publish(number, state.revoked, state.rev)


def status_list_credential(number: int) -> dict | None:
    """The signed list `number`, or None for a list no credential points into."""
    db = store().credentials
    if number < 0 or number * LIST_SIZE >= db.allocated():
        return None
    state = db.status_list(number)
    if state is None:
        return _publish(number, (), 0)
    if state.signed is not None and state.signed_rev == state.rev:
        return json.loads(state.signed)
    return _publish(number, state.revoked, state.rev)


def _revoke(issues: Iterable[Any]) -> int:
    from ..adapters import clock

    done = 0
    for issue in issues:
        if issue.revoked_at is None:
            revoke_index(int(issue.status_index))
            store().credentials.mark_revoked(issue, clock.iso())
            done += 1
    return done


def revoke_result(result: Any) -> int:
    """A withdrawn result: every credential issued for it, of any version, is revoked.
    Returns how many were newly revoked (again: 0)."""
    return _revoke(store().credentials.issues_of(result.id_number, result.exam_date, result.exam_code))


def revoke_superseded_before(current: Any) -> int:
    """Every credential of a version before `current`'s is revoked (a correction's first
    download: the same as the hook did when it landed, unless the hook never ran)."""
    issues = store().credentials.issues_of(current.id_number, current.exam_date, current.exam_code)
    return _revoke(i for i in issues if i.version < int(current.version))


def revoke_superseded(old: Any) -> int:
    """A corrected result: the credentials of `old`'s version and before are revoked (the new
    version's credential, issued when next downloaded, has a new index and a newer validFrom)."""
    issues = store().credentials.issues_of(old.id_number, old.exam_date, old.exam_code)
    return _revoke(i for i in issues if i.version <= int(old.version))
