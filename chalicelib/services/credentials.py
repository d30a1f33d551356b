"""A candidate's result as a signed credential; the issuer's DID document; the status lists.

Each version of a result gets its credential once (models/credentials.py `CredentialIssue`):
the first download allocates its status index and fixes its validFrom and salt, and every
later download serves the same credential (an Ed25519 signature is deterministic). A
correction is a new version: the next download issues a new credential with the same `id`, a
newer `validFrom` and a new index, and sets the bit of every earlier version's (as
`status_list.revoke_superseded` does when the correction lands).
"""
from __future__ import annotations

from typing import Any

from ..db.store import store
from ..domain.errors import NotFound

MEDIA_TYPE = "application/ld+json"


def _released(id_number: str, rid: str) -> Any:
    r = store().results.by_result_id(id_number, rid) if rid and len(rid) <= 64 else None
    if r is None or r.status != "released" or r.withdrawn_at:  # a withdrawn result is never vouched for
        raise NotFound("There is no released result with that id on your account.")
    return r


def _issue(r: Any) -> Any:
    """The credential record of this version of the result, made on first use."""
    import secrets
    import uuid

    from ..adapters import clock
    from ..credentials import status_list

    db = store().credentials
    version = int(r.version)
    found = db.issue(r.id_number, r.exam_date, r.exam_code, version)
    if found is not None:
        return found
    earlier = db.issues_of(r.id_number, r.exam_date, r.exam_code)
    credential_id = earlier[0].credential_id if earlier else f"urn:uuid:{uuid.uuid4()}"
    index = db.allocate_index()  # lost to a concurrent first download: an index never used
    made = db.add_issue(r.id_number, r.exam_date, r.exam_code, version, credential_id=credential_id,
                        status_index=index, valid_from=clock.iso(), salt=secrets.token_hex(16))
    found = db.issue(r.id_number, r.exam_date, r.exam_code, version, consistent=True)
    if found is None:
        raise RuntimeError("credential record vanished")
    if made:
        status_list.revoke_superseded_before(r)
    return found


def credential(id_number: str, rid: str) -> dict:
    """The signed OpenBadgeCredential of the candidate's released result (404 otherwise)."""
    from ..credentials import badge, status_list
    from ..credentials.issuing import sign

    r = _released(id_number, rid)
    issue = _issue(r)
    again = store().results.get(r.id_number, r.sk, consistent=True)
    if again is None or again.status != "released" or again.withdrawn_at:  # withdrawn while we issued
        status_list.revoke_result(r)
        raise NotFound("There is no released result with that id on your account.")
    doc = badge.credential(r, credential_id=issue.credential_id, valid_from=issue.valid_from, salt=issue.salt,
                           status=status_list.entry(int(issue.status_index)))
    return sign(doc, issue.valid_from)


def did_document() -> dict:
    from ..credentials.did import did_document as document
    from ..credentials.issuing import known_keys

    return document(known_keys())


def status_list(number: str) -> dict:
    from ..credentials.status_list import status_list_credential

    plain = number.isascii() and number.isdigit() and len(number) <= 6  # not "²": isdigit, no int
    found = status_list_credential(int(number)) if plain else None
    if found is None:
        raise NotFound("There is no such status list.")
    return found
