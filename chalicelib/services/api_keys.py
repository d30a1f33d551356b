"""API keys of an organisation and the machine API (X-Api-Key).

- A key is `rvs_<key_id>_<secret>`; only its SHA-256 is stored (pk APIKEY#<hash>), listed per
  organisation from gsi1 (ORGKEYS#<org_id>). Revoking deletes the item: the key stops at once.
- Rate limit: at most RATE_LIMIT requests per key per RATE_WINDOW seconds (600 a minute), a
  fixed window counted with security.limit_rate; beyond it 429 with Retry-After.
- GET /api/v1/shares reads gsi1 ORGSHARES#<org_id> oldest first. Its sort key is the share's
  time to the microsecond + share id, and a page never goes past now - SETTLE_SECONDS, so a
  share being written while a client pages (or not yet in the index) is never skipped: the
  cursor only moves over settled time. The last page still carries `resume_cursor` for the
  next poll.
"""
from __future__ import annotations

import secrets

from ..adapters import clock
from ..adapters.ids import iso_us, random_id
from ..db import models as m
from ..db.store import store
from ..domain.errors import Conflict, NotFound, Unauthenticated, ValidationError
from . import audit, shares
from . import security as sec
from .actor import Actor

RATE_LIMIT = 600
RATE_WINDOW = 60
SETTLE_SECONDS = 10
MAX_KEYS = 20
LAST_USED_EVERY = 60  # seconds: last_used_at is written at most this often


def view(k: m.ApiKey) -> dict:
    return {"key_id": k.key_id, "name": k.name, "prefix": k.prefix, "created_at": k.created_at,
            "last_used_at": k.last_used_at}


def create(actor: Actor, name: str) -> dict:
    actor.require_primary()
    if len(store().api_keys.of_org(actor.org_id, MAX_KEYS + 1)) >= MAX_KEYS:
        raise ValidationError({"name": f"an organisation has at most {MAX_KEYS} keys: revoke one first"})
    # Revoking and creating keys must not buy more reference-number guesses (counted per
    # organisation too, in shares.search), nor keys without end.
    sec.limit_rate("api-key-create", actor.org_id, limit=shares.API_KEYS_PER_DAY, window=86400,
                   message=f"An organisation can create at most {shares.API_KEYS_PER_DAY} API keys a day.")
    key_id = random_id()
    key = f"rvs_{key_id}_{secrets.token_urlsafe(32)}"
    item = store().api_keys.add(sec.sha256(key), key_id, actor.org_id, name.strip(), key[:12], clock.iso(),
                                actor.user_id)
    if item is None:  # 256 random bits the same as a stored key's: never in practice
        raise Conflict("Try again.")
    return {**view(item), "key": key}


def list_keys(actor: Actor) -> dict:
    actor.require_primary()
    keys = store().api_keys.of_org(actor.org_id, MAX_KEYS * 2)
    return {"api_keys": [view(k) for k in keys]}


def revoke(actor: Actor, key_id: str) -> None:
    actor.require_primary()
    found = store().api_keys.of_org_by_id(actor.org_id, key_id) if key_id else None
    if found is None:
        raise NotFound("There is no API key with that id.")
    store().api_keys.remove(found)


# ---------------------------------------------------------------- machine API
def authenticate(key: str | None) -> m.ApiKey:
    if not key or len(key) > 200:
        raise Unauthenticated("Send your API key in the X-Api-Key header.")
    from .organisations import get_approved

    item = store().api_keys.by_hash(sec.sha256(key.strip()))
    if item is None:
        raise Unauthenticated("The API key is not valid or was revoked.")
    try:
        get_approved(item.org_id)
    except NotFound:
        raise Unauthenticated("The API key is not valid or was revoked.") from None
    sec.limit_rate("api-key", item.key_id, limit=RATE_LIMIT, window=RATE_WINDOW,
                   message=f"At most {RATE_LIMIT} requests a minute per API key.")
    now = clock.now()
    if not item.last_used_at or item.last_used_at < clock.iso(now - LAST_USED_EVERY):
        store().api_keys.used(item, clock.iso(now))
    return item


def _since(value: str | None) -> str:
    if not value:
        return "0"
    from datetime import datetime

    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError({"since": "must be a date or an ISO 8601 timestamp"}) from None
    if dt.tzinfo is not None:
        return iso_us(dt.timestamp())
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def api_shares(key: m.ApiKey, since: str | None, limit: int, cursor: str | None) -> dict:
    settled = iso_us(clock.now() - SETTLE_SECONDS)
    page = store().shares.settled_of_org(key.org_id, _since(since), settled, limit, cursor)
    rows = []
    reads: list[audit.Read] = []
    photos: list[audit.Read] = []
    results = store().shares.results_by_keys((s.result_pk, s.result_sk) for s in page.items)
    for s in page.items:
        r = results.get((s.result_pk, s.result_sk))
        if r is None or r.status != "released":
            continue
        row = shares.detail_view(r, s)
        rows.append(row)
        reads.append((r.pk, r.sk, s.share_id))
        if row["photo_url"]:
            photos.append((r.pk, r.sk, s.share_id))
    audit.record(key.org_id, f"key:{key.key_id}", "api_shares", reads)
    audit.record(key.org_id, f"key:{key.key_id}", "photo", photos)
    return {"shares": rows, "next_cursor": page.next_cursor, "resume_cursor": page.resume_cursor}


def api_result(key: m.ApiKey, reference_number: str, date_of_birth: str) -> dict:
    who = f"key:{key.key_id}"
    result = shares.search("api-search", key.key_id, key.org_id, who, "api_results", reference_number,
                           date_of_birth)
    audit.record(key.org_id, who, "api_results", [(result.pk, result.sk, None)])
    return shares.audited_detail(key.org_id, who, result)
