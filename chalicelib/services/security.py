"""Sessions, single-use emailed tokens, rate limits and keyed hashes.

- Tokens (session and emailed) are 256-bit random values given to the user once; only
  their SHA-256 is stored, so a copy of the table cannot be used to log in.
- The 4-digit Secret number has only 10,000 values, so a plain hash is no protection: it is
  stored as HMAC-SHA256 under a server-side key (the pepper), with the ID number as salt.
  Online guessing is stopped by the rate limit on registration.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import math
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import config
from ..adapters import clock
from ..db.store import store
from ..domain.errors import AppError, RateLimited, Unauthenticated

if TYPE_CHECKING:
    from ..db import models as m
    from ..db.repos.limits import Slot


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
    kind: str  # candidate | verifier | staff | centre (services/centres.py)
    subject: str
    session_key: str  # the session's id in the store (opaque): what end_session(s) take


def create_session(kind: str, subject: str, hours: int | None = None) -> dict:
    token = new_token()
    now = clock.now()
    expires = now + 3600 * (hours or config.settings().session_hours)
    store().sessions.add(sha256(token), kind, subject, expires_at=int(expires), created_at=clock.iso(now))
    return {"token": token, "expires_at": clock.iso(expires)}


def authenticate(authorization: str | None, kinds: tuple[str, ...]) -> Principal:
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthenticated("Log in first: send Authorization: Bearer <token>.")
    token = authorization[len("Bearer "):].strip()
    if not token or len(token) > 200:
        raise Unauthenticated("The session token is not valid.")
    session = store().sessions.find(sha256(token))
    if session is None or session.kind not in kinds:
        raise Unauthenticated("The session token is not valid or has ended. Log in again.")
    if session.expires_at <= clock.now():
        raise Unauthenticated("The session has expired. Log in again.")
    return Principal(session.kind, session.subject, session.pk)


def end_session(principal: Principal) -> None:
    store().sessions.end(principal.session_key)


def end_sessions(kind: str, subject: str, keep: str | None = None) -> int:
    """End every session of a subject (except `keep`). Reads only that subject's sessions."""
    return store().sessions.end_all(kind, subject, keep=keep)


# ---------------------------------------------------------------- emailed tokens
def issue_token(purpose: str, kind: str, subject: str, seconds: int, data: dict | None = None) -> str:
    token = new_token()
    expires = int(clock.now() + seconds)
    store().tokens.add(sha256(token), purpose, kind, subject, expires_at=expires, data=data)
    return token


def peek_token(token: str, purpose: str) -> m.Token | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    item = store().tokens.find(sha256(token))
    if item is None or item.purpose != purpose or item.expires_at <= clock.now():
        return None
    return item


def credential_tag(password_hash: str | None) -> str:
    """A keyed fingerprint of an account's current password hash, put into every password-reset
    and set-password token when it is issued and compared when the token is used. Each password
    change makes a new hash (new salt), so it ends every outstanding link of the account at
    once, with no scan and no index of tokens. A token without a tag (an invitation to an
    account that has no password yet) works only while the account has no password."""
    return keyed_hash("credential", password_hash or "")


def for_credential(item: m.Token, password_hash: str | None) -> bool:
    """True when the token was issued for the account's current password (see credential_tag)."""
    tag = (item.data or {}).get("cred", credential_tag(None))
    return isinstance(tag, str) and same(tag, credential_tag(password_hash))


def consume_token(token: str, purpose: str) -> m.Token | None:
    """The token's record, deleted so that it works once; None if unknown, used or expired
    (or used at the same moment by another request: the delete is conditional)."""
    item = peek_token(token, purpose)
    if item is None or not store().tokens.use(item):
        return None
    return item


# ---------------------------------------------------------------- rate limits
# Every limit is one counter per (scope, key), whose key is an HMAC of the ID number or
# email (never the value itself: the store only ever gets the hash). A window opens at the
# key's first event, not at a clock boundary: windows aligned to the clock would let
# 2 x (limit - 1) guesses through around each boundary.
#
# A slot is taken atomically BEFORE the work it guards: a conditional update adds one to
# `hits` only while `hits < limit`, the window is open and the key is not locked. DynamoDB
# applies it to the item atomically, so whatever the number of requests in flight at most
# `limit` of them get through per window (counting after the work, as before, let every
# concurrent request be evaluated). The conditional writes are db/repos/limits.py's.

_RETRIES = 8


def _rate_key(key: str) -> str:
    return keyed_hash("rate", key)


def _counter_pk(scope: str, key: str) -> str:
    """The counter's item key (tests read the counter by it)."""
    from ..db.repos.limits import counter_pk

    return counter_pk(scope, _rate_key(key))


def _take_slot(scope: str, key: str, *, limit: int, window: int) -> tuple[Slot | None, int]:
    """Take one of the `limit` slots of the (hashed) key's current window. Returns (the slot,
    with the window it was taken in, 0), or (None, seconds to wait) when the window is full or
    the key is locked.

    When no window is open (none yet, or the last one is over) a new one is opened by a put
    conditional on that still being so: of two requests opening one at the same moment one
    wins, and the other goes back to the conditional increment (never overwriting the
    winner's count)."""
    counters = store().counters
    for _ in range(_RETRIES):
        now = round(clock.now(), 3)
        slot = counters.take(scope, key, limit=limit, window=window, now=now)
        if slot is not None:
            return slot, 0
        current = counters.state(scope, key)
        if current is not None:
            if current.locked_until and current.locked_until > now:
                return None, math.ceil(current.locked_until - now)
            if current.window_start is not None and current.window_start > now - window:
                if current.hits >= limit:
                    return None, max(1, math.ceil(current.window_start + window - now))
                continue  # a slot was given back meanwhile: increment again
        slot = counters.open_window(scope, key, window=window, now=now)
        if slot is not None:
            return slot, 0
        # another request opened the window first: take a slot in it
    return None, 1  # contended beyond reason: refuse rather than let a guess through


class Attempt:
    """One guess (a password, a Secret number, a reference number), counted before it is
    evaluated. Call `failed()` when the guess was wrong; anything else gives the slot back."""

    def __init__(self, slot: Slot, *, limit: int, lockout: int) -> None:
        self._slot = slot
        self._limit = limit
        self._lockout = lockout
        self.done = False

    def failed(self) -> None:
        """A wrong guess keeps its slot and counts as a failure; the `limit`-th failure of the
        window locks the key for `lockout` seconds. (A failure that ends after its window was
        replaced by a new one is not carried into the new one: it was counted in its own.)"""
        self.done = True
        fails = store().counters.fail(self._slot)
        if fails is not None and fails >= self._limit:
            store().counters.lock(self._slot, round(clock.now(), 3) + self._lockout)  # as `now` in _take_slot

    def succeeded(self) -> None:
        """A right guess (or one that ended without an answer) gives its slot back: a user who
        types the right password is never locked by their own successes. It does not wipe the
        window's earlier failures, so an attacker gains nothing by interleaving with them."""
        self.done = True
        store().counters.give_back(self._slot)


@contextlib.contextmanager
def attempt(scope: str, key: str, *, limit: int, window: int, lockout: int,
            message: str = "Too many attempts. Try again later.") -> Iterator[Attempt]:
    """Guard the evaluation of one guess: `limit` guesses per `window` seconds per key, the
    `limit`-th failure locks the key for `lockout` seconds (429 with Retry-After, even for the
    right guess). The slot is taken before the block runs, so requests in flight together
    cannot evaluate more than `limit` guesses; the block calls `failed()` on a wrong guess.
    Leaving it normally or with a domain error (AppError) gives the slot back (see
    `Attempt.succeeded`); an unexpected exception keeps it, uncounted as a failure."""
    slot, left = _take_slot(f"try#{scope}", _rate_key(key), limit=limit, window=window)
    if slot is None:
        raise RateLimited(message, retry_after=left)
    guess = Attempt(slot, limit=limit, lockout=lockout)
    try:
        yield guess
    except AppError:
        if not guess.done:  # an answer that is not "wrong" (a 400, a 404 of another kind)
            guess.succeeded()
        raise
    except BaseException:
        # An unexpected error keeps the slot (an attempt, not a failure): a guess whose check
        # crashes must not be free, or a crash could be used to guess without limit.
        guess.done = True
        raise
    if not guess.done:
        guess.succeeded()


def clear_attempts(scope: str, key: str) -> None:
    """End the key's window and lock-out (a completed password reset proves the account's
    owner: the new password must work at once)."""
    store().counters.clear(f"try#{scope}", _rate_key(key))


# The one lock-out, for every guess at what proves who someone is (a password, a second-factor
# code, a Secret number): 5 guesses per key in 15 minutes; the 5th failure locks for 15 minutes.
LOCKOUT_LIMIT = 5
LOCKOUT_WINDOW = 15 * 60
LOCKOUT_SECONDS = 15 * 60
TOO_MANY = "Too many attempts. Try again later."


def login_attempt(scope: str, key: str) -> contextlib.AbstractContextManager[Attempt]:
    """One guess under the lock-out (a password, a second-factor code, a Secret number)."""
    return attempt(scope, key, limit=LOCKOUT_LIMIT, window=LOCKOUT_WINDOW, lockout=LOCKOUT_SECONDS,
                   message=TOO_MANY)


def check_password(scope: str, key: str, stored_hash: str | None, password: str, wrong: Exception) -> None:
    """The one way a password is checked, for every audience: 5 guesses per key in 15 minutes,
    taken before the check (see `attempt`); 5 failures lock the key for 15 minutes. An unknown
    account (`stored_hash` None) is counted the same way and still costs one full argon2
    verification, so that neither the reply nor its timing tells it apart; a failure raises
    `wrong`, the same for both. A right password gives its slot back."""
    from ..domain import passwords

    with login_attempt(scope, key) as guess:
        if stored_hash is None:
            passwords.burn_verify_time(password)
            ok = False
        else:
            ok = passwords.verify_password(stored_hash, password)
        if not ok:
            guess.failed()
            raise wrong


def limit_rate(scope: str, key: str, *, limit: int, window: int, message: str) -> None:
    """At most `limit` events per `window` seconds (from the key's first event), then 429 until
    the window ends. The event is counted by the same conditional update as a guess, so
    concurrent requests cannot exceed the limit nor overwrite each other's count."""
    slot, left = _take_slot(scope, _rate_key(key), limit=limit, window=window)
    if slot is None:
        raise RateLimited(message, retry_after=left)


def within_rate(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event; False (and not counted) when the key has had `limit` in its window."""
    slot, _ = _take_slot(scope, _rate_key(key), limit=limit, window=window)
    return slot is not None
