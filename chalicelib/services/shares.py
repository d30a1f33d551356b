"""Sharing a released result with an organisation, and the organisation's view of it.

Reads stay per page:
- The organisation's list is a Query of gsi1 (ORGSHARES#<org_id>, sort key
  <shared_at to the microsecond>#<share_id>) newest first with Limit = the page size; `from` /
  `to` are key conditions on the sort key. A page reads `limit` items.
- `q` (name or ID number) is a filter on those pages: DynamoDB reads pages of Q_PAGE items and
  this service stops after Q_MAX_READ items read, returning what matched and a cursor. So one
  request never reads more than Q_MAX_READ items, however many shares the organisation has.
- Revoking deletes the share item: the organisation loses access at once.
"""
from __future__ import annotations

from datetime import date

from .. import config, resources
from ..adapters import clock, storage
from ..adapters.ids import iso_us
from ..db import models as m
from ..db.store import store
from ..domain import exams
from ..domain.errors import NotFound, ValidationError
from ..domain.ids import check_reference_number
from ..domain.text import fold
from ..observability import logger
from . import audit, messages
from . import security as sec
from .actor import Actor
from .messages import send_quietly

Q_PAGE = 100
Q_MAX_READ = 1000
PHOTO_SECONDS = 300
# Guessing reference numbers: the limits, in one place. Misses are counted per user (or API key)
# and per organisation (new users or new keys do not buy more guesses), and an organisation
# creates at most API_KEYS_PER_DAY keys a day (services/api_keys.py).
SEARCH_FAILURES_PER_HOUR = 20
ORG_SEARCH_FAILURES_PER_HOUR = 50
API_KEYS_PER_DAY = 5
VERIFIABLE_FROM = "2005-01-01"
NO_MATCH = ("No result matches that reference number and date of birth. Check both against the "
            "Statement of Results.")
BEFORE_2005 = ("Results from before 2005 are not verifiable online. Contact the exam board to "
               "verify this result.")
TOO_MANY_SEARCHES = "Too many searches without a match. Try again in an hour."


# ---------------------------------------------------------------- views
def exam_name(code: str) -> str:
    exam = exams.get_exam(code)
    return exam.name if exam else code


def result_view(r: m.Result) -> dict:
    return {
        "result_id": r.result_id, "exam_code": r.exam_code, "exam_name": exam_name(r.exam_code),
        "exam_date": r.exam_date, "exam_format": r.exam_format,
        "status": "withdrawn" if r.withdrawn_at else "released",
        "overall_score": int(r.overall_score) if r.overall_score is not None else None,
        "grade": r.grade, "cefr_level": r.cefr_level,
        "components": [{"name": c.name, "score": int(c.score) if c.score is not None else None}
                       for c in (r.components or [])],
        "reference_number": r.reference_number, "released_at": r.released_at,
    }


def photo_url(r: m.Result) -> str | None:
    exam = exams.get_exam(r.exam_code)
    if not r.photo_key or exam is None or not exam.test_day_photo:
        return None
    if not resources.is_photo_key(r.photo_key):  # checked on ingest too: never sign another document
        logger().warning("photo key outside the photos prefix", extra={"result_id": r.result_id})
        return None
    return storage.download_url(config.DOCUMENTS_BUCKET, r.photo_key, seconds=PHOTO_SECONDS)


def detail_view(r: m.Result, share: m.Share | None = None) -> dict:
    out = {
        **result_view(r),
        "candidate": {"first_name": r.first_name, "family_name": r.family_name,
                      "date_of_birth": r.date_of_birth, "id_number": r.id_number},
        "photo_url": photo_url(r),
    }
    if share is not None:
        out["share_id"] = share.share_id
        out["shared_at"] = share.shared_at
    return out


def candidate_share_view(s: m.Share) -> dict:
    return {"share_id": s.share_id, "result_id": s.result_id, "org_id": s.org_id,
            "organisation_name": s.organisation_name, "shared_at": s.shared_at, "viewed_at": s.viewed_at}


def org_share_view(s: m.Share) -> dict:
    return {"share_id": s.share_id, "first_name": s.first_name, "family_name": s.family_name,
            "exam_code": s.exam_code, "exam_name": s.exam_name, "shared_at": s.shared_at,
            "new": s.viewed_at is None}


def _released(r: m.Result | None) -> m.Result | None:
    return r if r is not None and r.status == "released" else None


# ---------------------------------------------------------------- candidate side
def share(id_number: str, result_id: str, org_id: str) -> dict:
    from .organisations import get_approved

    parsed = m.parse_result_id(result_id)
    result = _released(store().shares.candidate_result(id_number, *parsed)) if parsed else None
    if result is None:
        raise NotFound("There is no released result with that id on your account.")
    exam = exams.get_exam(result.exam_code)
    if exam is not None and not exam.verifiable:
        raise ValidationError({"result_id": f"{exam.name} results cannot be verified by organisations"})
    org = get_approved(org_id)
    # One share per result and organisation: the id is derived (a keyed hash, not guessable).
    share_id = sec.keyed_hash("share", id_number, result.result_id, org.org_id)[:24]
    existing = store().shares.get(share_id)
    if existing is not None:
        return candidate_share_view(existing)
    now = clock.now()
    item, created = store().shares.add(
        share_id, org.org_id, id_number, f"{iso_us(now)}#{share_id}", organisation_name=org.name,
        result_pk=result.pk, result_sk=result.sk, result_id=result.result_id,
        first_name=result.first_name, family_name=result.family_name, exam_code=result.exam_code,
        exam_name=exam_name(result.exam_code),
        search=" ".join([fold(result.first_name), fold(result.family_name), result.id_number.lower()]),
        shared_at=clock.iso(now),
    )
    if not created:
        # The same share made by a request at the same moment: the same reply as a re-share
        # (and its alerts and webhooks were sent once, by the request that made it).
        return candidate_share_view(item)
    _alert_immediately(org)
    _notify_webhooks(item)
    return candidate_share_view(item)


def _notify_webhooks(item: m.Share) -> None:
    """Enqueue the organisation's webhook deliveries. A failure here must not undo the share:
    the organisation still finds it through the shares list and `GET /api/v1/shares?since=`."""
    from .webhooks import share_created

    try:
        share_created(item.org_id, item.share_id, item.shared_at)
    except Exception:  # noqa: BLE001
        logger().exception("webhook events not enqueued", extra={"share_id": item.share_id})


def _alert_immediately(org: m.Organisation) -> None:
    from .verifier_users import org_users

    for user in org_users(org.org_id):
        if user.frequency == "immediate" and user.status == "active":
            send_quietly(messages.shares_alert(user.email, user.first_name, org.name, 1,
                                                   language=messages.language_of(user)), "shares_alert")


def candidate_shares(id_number: str, limit: int, cursor: str | None) -> dict:
    page = store().shares.page_of_candidate(id_number, limit, cursor)
    return {"shares": [candidate_share_view(s) for s in page.items], "next_cursor": page.next_cursor}


def revoke(id_number: str, share_id: str) -> None:
    item = store().shares.get(share_id)
    if item is None or item.id_number != id_number:
        raise NotFound("There is no share with that id on your account.")
    store().shares.remove(item)


# ---------------------------------------------------------------- organisation side
def _bound(value: str | None, field: str, end: bool) -> str | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: "must be a date YYYY-MM-DD"}) from None
    return f"{day.isoformat()}T23:59:59.999999Z~" if end else f"{day.isoformat()}T00:00:00"


def org_shares(actor: Actor, limit: int, cursor: str | None, date_from: str | None = None,
               date_to: str | None = None, q: str | None = None) -> dict:
    scope = f"{date_from or ''}:{date_to or ''}:{q or ''}"
    db = store().shares
    lo, hi = _bound(date_from, "from", False), _bound(date_to, "to", True)
    if lo and hi and lo > hi:
        raise ValidationError({"to": "must not be before from"})
    needle = fold(q).strip() if q else ""
    if len(needle) > 100:
        raise ValidationError({"q": "must be at most 100 characters"})
    if not needle:
        page = db.page_of_org(actor.org_id, limit, cursor, scope=scope, lo=lo, hi=hi)
    else:
        # Filtered: pages of Q_PAGE, at most Q_MAX_READ items read, then a cursor to go on.
        page = db.search_of_org(actor.org_id, needle, limit, cursor, scope=scope, lo=lo, hi=hi,
                                page_size=Q_PAGE, max_read=Q_MAX_READ)
    return {"shares": [org_share_view(s) for s in page.items], "next_cursor": page.next_cursor}


def _org_share(actor: Actor, share_id: str) -> tuple[m.Share, m.Result]:
    item = store().shares.get(share_id)
    result = _released(store().shares.result((item.result_pk, item.result_sk))) if item is not None else None
    if item is None or item.org_id != actor.org_id or result is None:
        raise NotFound("There is no share with that id for your organisation.")
    return item, result


def mark_seen(item: m.Share) -> None:
    if item.viewed_at is None:
        store().shares.mark_seen(item, clock.iso())


def audited_detail(org_id: str, who: str, result: m.Result, share: m.Share | None = None) -> dict:
    """`detail_view`, and a signed test-day photo URL in it is a read of its own (how `photo`)."""
    out = detail_view(result, share)
    if out["photo_url"]:
        audit.record(org_id, who, "photo", [(result.pk, result.sk, share.share_id if share else None)])
    return out


def share_detail(actor: Actor, share_id: str) -> dict:
    item, result = _org_share(actor, share_id)
    mark_seen(item)
    audit.record(actor.org_id, actor.audit_actor, "detail", [(result.pk, result.sk, item.share_id)])
    return audited_detail(actor.org_id, actor.audit_actor, result, item)


def share_statement(actor: Actor, share_id: str) -> tuple[bytes | None, str | None]:
    """(PDF bytes, None) or (None, a short-lived URL of the stored PDF)."""
    item, result = _org_share(actor, share_id)
    mark_seen(item)
    audit.record(actor.org_id, actor.audit_actor, "statement", [(result.pk, result.sk, item.share_id)])
    if result.statement_key and storage.exists(config.DOCUMENTS_BUCKET, result.statement_key):
        return None, storage.download_url(config.DOCUMENTS_BUCKET, result.statement_key,
                                          filename=f"statement-{result.reference_number}.pdf")
    return statement_pdf(result), None


def statement_pdf(result: m.Result) -> bytes:
    """The stored Statement of Results, or one rendered now from the result."""
    if result.statement_key and storage.exists(config.DOCUMENTS_BUCKET, result.statement_key):
        return storage.get(config.DOCUMENTS_BUCKET, result.statement_key)
    from ..adapters.pdf import render_statement
    from .deliver import statement_data

    return render_statement(statement_data(result))


# ---------------------------------------------------------------- search by reference number
def lookup_off(id_number: str) -> set[str]:
    """The result ids whose look-up by reference number + date of birth the candidate turned off."""
    return store().shares.lookup_off(id_number)


def find_by_reference(reference_number: str, date_of_birth: str) -> m.Result:
    """The released, verifiable result with this reference and date of birth, else NotFound
    (one and the same error for an unknown reference, a wrong date of birth, a held result, a
    result whose candidate turned look-ups off)."""
    ref = check_reference_number(reference_number)
    for r in store().shares.by_reference(ref, limit=5):
        if r.reference_number != ref or r.date_of_birth != date_of_birth or r.status != "released":
            continue
        exam = exams.get_exam(r.exam_code)
        if exam is not None and not exam.verifiable:
            continue
        if r.result_id in lookup_off(r.id_number):
            continue
        if r.exam_date < VERIFIABLE_FROM:
            raise NotFound(BEFORE_2005)
        return r
    raise NotFound(NO_MATCH)


def search(scope: str, who: str, org_id: str, audit_actor: str, how: str, reference_number: str,
           date_of_birth: str) -> m.Result:
    """`find_by_reference` with at most SEARCH_FAILURES_PER_HOUR misses per `who` (a user or an
    API key) and ORG_SEARCH_FAILURES_PER_HOUR per organisation an hour (then 429), each guess
    counted before it is evaluated. A hit is audited by the caller; a miss is audited here
    (how `<how>_miss`)."""
    with sec.attempt(scope, who, limit=SEARCH_FAILURES_PER_HOUR, window=3600, lockout=3600,
                     message=TOO_MANY_SEARCHES) as guess, \
            sec.attempt("org-search-misses", org_id, limit=ORG_SEARCH_FAILURES_PER_HOUR, window=3600,
                        lockout=3600, message=TOO_MANY_SEARCHES) as org_guess:
        try:
            return find_by_reference(reference_number, date_of_birth)
        except NotFound as err:
            if err.message == NO_MATCH:
                guess.failed()
                org_guess.failed()
                audit.record_miss(org_id, audit_actor, f"{how}_miss", reference_number)
            raise


def org_search(actor: Actor, reference_number: str, date_of_birth: str) -> dict:
    result = search("org-search", actor.user_id, actor.org_id, actor.audit_actor, "search",
                    reference_number, date_of_birth)
    audit.record(actor.org_id, actor.audit_actor, "search", [(result.pk, result.sk, None)])
    return audited_detail(actor.org_id, actor.audit_actor, result)
