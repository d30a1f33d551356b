"""What the verifiers' pages read beyond the JSON views' replies, with the same checks and the
same audit trail (services/shares.py):

- the test-day photo as a `data:` URL, so the page can show it under its Content-Security-Policy
  (`img-src 'self' data:`) without handing a browser a bucket URL;
- a search hit's handle: the result view of `POST /organisations/search` links its statement
  through a handle sealed like a list cursor (db/paging.py: AES-GCM, bound to the user and
  organisation) and short-lived, so no reference number or date of birth travels in a URL.
  Opening a handle finds the result again through `shares.find_by_reference` (still released,
  verifiable, look-up not turned off), so a handle never outlives the result's availability.
"""

from __future__ import annotations

import base64

from .. import config, resources
from ..adapters import clock, storage
from ..db import models as m
from ..db.paging import decode_cursor, encode_cursor
from ..db.store import store
from ..domain import exams
from ..domain.errors import NotFound, ValidationError
from ..observability import logger
from . import audit, shares
from .actor import Actor

HIT_SECONDS = 3600
MAX_PHOTO_BYTES = 2 * 1024 * 1024
_TYPES = {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}
GONE = "That search result is no longer available. Search again."


def photo_data_url(r: m.Result) -> str | None:
    """The result's test-day photo as a `data:` URL, for the exams that have one; None when the
    exam has none, the result names none, or the file is missing or too large."""
    exam = exams.get_exam(r.exam_code)
    if not r.photo_key or exam is None or not exam.test_day_photo or not resources.is_photo_key(r.photo_key):
        return None
    try:
        if int(storage.head(config.DOCUMENTS_BUCKET, r.photo_key).get("ContentLength", 0)) > MAX_PHOTO_BYTES:
            return None
        body = storage.get(config.DOCUMENTS_BUCKET, r.photo_key)
    except Exception:  # noqa: BLE001 - a missing photo must not break the result view
        logger().warning("test-day photo not readable", extra={"result_id": r.result_id})
        return None
    kind = _TYPES.get(r.photo_key.rsplit(".", 1)[-1].lower(), "image/jpeg")
    return f"data:{kind};base64,{base64.b64encode(body).decode()}"


def share_view(actor: Actor, share_id: str) -> dict:
    """`shares.share_detail` (marks it seen; audited) with the photo as `photo_data`."""
    item, result = shares._org_share(actor, share_id)
    shares.mark_seen(item)
    audit.record(actor.org_id, actor.audit_actor, "detail", [(result.pk, result.sk, item.share_id)])
    out = shares.audited_detail(actor.org_id, actor.audit_actor, result, item)
    out["photo_data"] = photo_data_url(result) if out["photo_url"] else None
    return out


def _listing(actor: Actor) -> str:
    return f"search-hit:{actor.org_id}:{actor.user_id}"


def search_view(actor: Actor, reference_number: str, date_of_birth: str) -> dict:
    """`shares.org_search` (the same limits and audit) with `photo_data` and a `hit` handle."""
    result = shares.search(
        "org-search",
        actor.user_id,
        actor.org_id,
        actor.audit_actor,
        "search",
        reference_number,
        date_of_birth,
    )
    audit.record(actor.org_id, actor.audit_actor, "search", [(result.pk, result.sk, None)])
    out = shares.audited_detail(actor.org_id, actor.audit_actor, result)
    out["photo_data"] = photo_data_url(result) if out["photo_url"] else None
    out["hit"] = encode_cursor(
        _listing(actor), {"pk": result.pk, "sk": result.sk, "exp": int(clock.now()) + HIT_SECONDS}
    )
    return out


def open_hit(actor: Actor, hit: str) -> m.Result:
    """The result behind a search hit's handle, if this user made it, it has not expired and
    the result can still be found by its reference number and date of birth; else NotFound."""
    try:
        key = decode_cursor(_listing(actor), hit)
    except ValidationError:
        raise NotFound(GONE) from None
    if not key or int(key.get("exp", 0)) < clock.now():
        raise NotFound(GONE)
    found = store().shares.result((str(key.get("pk")), str(key.get("sk"))))
    if found is None or not found.reference_number or not found.date_of_birth:
        raise NotFound(GONE)
    try:
        return shares.find_by_reference(found.reference_number, found.date_of_birth)
    except (NotFound, ValidationError):
        raise NotFound(GONE) from None


def statement_url(r: m.Result) -> str:
    """A short-lived URL of the result's stored statement, stored now if it is missing (as the
    candidates' statement link does: services/candidate_results.py)."""
    from .deliver import statement_key, store_statement

    key = r.statement_key
    if not key or key != statement_key(r) or not storage.exists(config.DOCUMENTS_BUCKET, key):
        key = store_statement(r)
    return storage.download_url(config.DOCUMENTS_BUCKET, key, filename=f"statement-{r.reference_number}.pdf")


def share_statement(actor: Actor, share_id: str) -> str:
    """As `shares.share_statement` (marks it seen; audited `statement`), always as a URL."""
    item, result = shares._org_share(actor, share_id)
    shares.mark_seen(item)
    audit.record(actor.org_id, actor.audit_actor, "statement", [(result.pk, result.sk, item.share_id)])
    return statement_url(result)


def hit_statement(actor: Actor, hit: str) -> str:
    """The statement of a search hit (audited `statement`), as a URL."""
    result = open_hit(actor, hit)
    audit.record(actor.org_id, actor.audit_actor, "statement", [(result.pk, result.sk, None)])
    return statement_url(result)
