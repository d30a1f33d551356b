"""Sessions, single-use emailed tokens, rate limits and keyed hashes.

- Tokens (session and emailed) are 256-bit random values given to the user once; only
  their SHA-256 is stored, so a copy of the table cannot be used to log in.
- The 4-digit Secret number has only 10,000 values, so a plain hash is no protection: it is
  stored as HMAC-SHA256 under a server-side key (the pepper), with the ID number as salt.
  Online guessing is stopped by the rate limit on registration.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from pynamodb.exceptions import DeleteError, UpdateError

from .. import config
from ..adapters import clock
from ..db import models as m
from ..db.repo import condition_failed, get_or_none
from ..domain.errors import RateLimited, Unauthenticated


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def keyed_hash(*parts: str) -> str:
    key = config.settings().secret_pepper.encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def secret_number_hash(id_number: str, secret_number: str) -> str:
    return keyed_hash("secret-number", id_number, secret_number)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_token() -> str:
    return secrets.token_urlsafe(32)


# ---------------------------------------------------------------- sessions
@dataclass(frozen=True)
class Principal:
    kind: str  # candidate | verifier | staff
    subject: str
    session_key: str


def create_session(kind: str, subject: str, hours: int | None = None) -> dict:
    token = new_token()
    now = clock.now()
    expires = now + 3600 * (hours or config.settings().session_hours)
    m.Session(
        m.SESSION + sha256(token), "SESSION", kind=kind, subject=subject, expires_at=int(expires),
        created_at=clock.iso(now), gsi1pk=f"{m.SUBJECT}{kind}#{subject}", gsi1sk=clock.iso(now),
        ttl=int(expires) + 3600,
    ).save()
    return {"token": token, "expires_at": clock.iso(expires)}


def authenticate(authorization: str | None, kinds: tuple[str, ...]) -> Principal:
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthenticated("Log in first: send Authorization: Bearer <token>.")
    token = authorization[len("Bearer "):].strip()
    if not token or len(token) > 200:
        raise Unauthenticated("The session token is not valid.")
    key = m.SESSION + sha256(token)
    session = get_or_none(m.Session, key, "SESSION")
    if session is None or session.kind not in kinds:
        raise Unauthenticated("The session token is not valid or has ended. Log in again.")
    if session.expires_at <= clock.now():
        raise Unauthenticated("The session has expired. Log in again.")
    return Principal(session.kind, session.subject, key)


def end_session(principal: Principal) -> None:
    m.Session(principal.session_key, "SESSION").delete()


def end_sessions(kind: str, subject: str, keep: str | None = None) -> int:
    """End every session of a subject (except `keep`). Reads only that subject's sessions."""
    ended = 0
    with m.Session.batch_write() as batch:
        for s in m.Session.by_subject.query(f"{m.SUBJECT}{kind}#{subject}"):
            if s.pk != keep:
                batch.delete(s)
                ended += 1
    return ended


# ---------------------------------------------------------------- emailed tokens
def issue_token(purpose: str, kind: str, subject: str, seconds: int, data: dict | None = None) -> str:
    token = new_token()
    expires = clock.now() + seconds
    m.Token(m.TOKEN + sha256(token), "TOKEN", purpose=purpose, kind=kind, subject=subject, data=data,
            expires_at=int(expires), ttl=int(expires) + 86400).save()
    return token


def peek_token(token: str, purpose: str) -> m.Token | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    item = get_or_none(m.Token, m.TOKEN + sha256(token), "TOKEN")
    if item is None or item.purpose != purpose or item.expires_at <= clock.now():
        return None
    return item


def consume_token(token: str, purpose: str) -> m.Token | None:
    """The token's record, deleted so that it works once; None if unknown, used or expired."""
    item = peek_token(token, purpose)
    if item is None:
        return None
    try:
        item.delete(condition=m.Token.pk.exists())
    except DeleteError as err:
        if condition_failed(err):
            return None  # used at the same moment by another request
        raise
    return item


# ---------------------------------------------------------------- rate limits
def count_hit(scope: str, key: str, window: int) -> tuple[int, int]:
    """Count one event; returns (events in the window so far, seconds until the window ends).
    The window opens at the key's first event: windows aligned to the clock would let 2 x
    (limit - 1) guesses through around each boundary. Keys are hashed: an ID number or email
    never appears in a key."""
    now = clock.now()
    item = m.Counter(f"{m.RATE}{scope}#{keyed_hash('rate', key)}", "RL")
    try:
        item.update(actions=[m.Counter.hits.add(1)], condition=m.Counter.window_start > now - window)
    except UpdateError as err:
        if not condition_failed(err):
            raise
        # No window open for this key (none yet, or the last one is over): open one.
        item = m.Counter(item.pk, "RL", hits=1, window_start=now, ttl=int(now + window + 60))
        item.save()
    return int(item.hits), math.ceil(float(item.window_start or now) + window - now)


def locked_for(scope: str, key: str) -> int:
    """Seconds left on a lock-out, 0 when none."""
    item = get_or_none(m.Counter, f"{m.RATE}lock#{scope}#{keyed_hash('rate', key)}", "RL")
    if item is None or not item.locked_until:
        return 0
    left = item.locked_until - clock.now()
    return math.ceil(left) if left > 0 else 0


def lock(scope: str, key: str, seconds: int) -> None:
    until = clock.now() + seconds
    m.Counter(f"{m.RATE}lock#{scope}#{keyed_hash('rate', key)}", "RL", locked_until=until,
              ttl=int(until) + 60).save()


def ensure_not_locked(scope: str, key: str, message: str) -> None:
    left = locked_for(scope, key)
    if left:
        raise RateLimited(message, retry_after=left)


def record_failure(scope: str, key: str, *, limit: int, window: int, lockout: int) -> None:
    """Count a failed attempt; the `limit`-th within `window` locks the key for `lockout`."""
    count, _ = count_hit(f"fail#{scope}", key, window)
    if count >= limit:
        lock(scope, key, lockout)


LOGIN_LIMIT = 5
LOGIN_WINDOW = 15 * 60
LOGIN_LOCKOUT = 15 * 60
TOO_MANY = "Too many attempts. Try again later."


def check_password(scope: str, key: str, stored_hash: str | None, password: str, wrong: Exception) -> None:
    """The one way a password is checked, for every audience. Lock-out first (5 failures in 15
    minutes lock the key for 15 minutes); an unknown account (`stored_hash` None) still costs one
    full argon2 verification, so that neither the reply nor its timing tells it apart; a failure
    is counted and raises `wrong`, the same for both."""
    from ..domain import passwords

    ensure_not_locked(scope, key, TOO_MANY)
    if stored_hash is None:
        passwords.burn_verify_time(password)
        ok = False
    else:
        ok = passwords.verify_password(stored_hash, password)
    if not ok:
        record_failure(scope, key, limit=LOGIN_LIMIT, window=LOGIN_WINDOW, lockout=LOGIN_LOCKOUT)
        raise wrong


def limit_rate(scope: str, key: str, *, limit: int, window: int, message: str) -> None:
    """At most `limit` events per fixed `window` seconds, then 429 until the window ends."""
    count, left = count_hit(scope, key, window)
    if count > limit:
        raise RateLimited(message, retry_after=left)

