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

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from .. import config
from ..adapters import clock
from ..db import models as m
from ..db.repo import condition_failed, get_or_none
from ..domain.errors import AppError, RateLimited, Unauthenticated


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
# Every limit is one Counter item per (scope, key), whose key is an HMAC of the ID number or
# email (never the value itself). A window opens at the key's first event, not at a clock
# boundary: windows aligned to the clock would let 2 x (limit - 1) guesses through around
# each boundary.
#
# A slot is taken atomically BEFORE the work it guards: a conditional update adds one to
# `hits` only while `hits < limit`, the window is open and the key is not locked. DynamoDB
# applies it to the item atomically, so whatever the number of requests in flight at most
# `limit` of them get through per window (counting after the work, as before, let every
# concurrent request be evaluated).

_RETRIES = 8


def _counter_pk(scope: str, key: str) -> str:
    return f"{m.RATE}{scope}#{keyed_hash('rate', key)}"


def _take_slot(pk: str, *, limit: int, window: int) -> tuple[m.Counter | None, int]:
    """Take one of the `limit` slots of the key's current window. Returns (the counter, with
    the window it was taken in, 0), or (None, seconds to wait) when the window is full or the
    key is locked.

    When no window is open (none yet, or the last one is over) a new one is opened by a put
    conditional on that still being so: of two requests opening one at the same moment one
    wins, and the other goes back to the conditional increment (never overwriting the
    winner's count)."""
    c = m.Counter
    for _ in range(_RETRIES):
        now = round(clock.now(), 3)
        not_locked = c.locked_until.does_not_exist() | (c.locked_until <= now)
        item = c(pk, "RL")
        try:
            item.update(actions=[c.hits.add(1)],
                        condition=(c.window_start > now - window) & (c.hits < limit) & not_locked)
            return item, 0
        except UpdateError as err:
            if not condition_failed(err):
                raise
        try:
            current: m.Counter | None = c.get(pk, "RL", consistent_read=True)
        except c.DoesNotExist:
            current = None
        if current is not None:
            if current.locked_until and current.locked_until > now:
                return None, math.ceil(current.locked_until - now)
            if current.window_start is not None and current.window_start > now - window:
                if (current.hits or 0) >= limit:
                    return None, max(1, math.ceil(current.window_start + window - now))
                continue  # a slot was given back meanwhile: increment again
        fresh = c(pk, "RL", hits=1, fails=0, window_start=now, ttl=int(now + window + 60))
        over = c.window_start.does_not_exist() | (c.window_start <= now - window)
        try:
            fresh.save(condition=c.pk.does_not_exist() | (over & not_locked))
            return fresh, 0
        except PutError as err:
            if not condition_failed(err):
                raise
        # another request opened the window first: take a slot in it
    return None, 1  # contended beyond reason: refuse rather than let a guess through


class Attempt:
    """One guess (a password, a Secret number, a reference number), counted before it is
    evaluated. Call `failed()` when the guess was wrong; anything else gives the slot back."""

    def __init__(self, item: m.Counter, *, limit: int, lockout: int) -> None:
        self._item = item
        self._window = item.window_start
        self._limit = limit
        self._lockout = lockout
        self.done = False

    def failed(self) -> None:
        """A wrong guess keeps its slot and counts as a failure; the `limit`-th failure of the
        window locks the key for `lockout` seconds. (A failure that ends after its window was
        replaced by a new one is not carried into the new one: it was counted in its own.)"""
        self.done = True
        c = m.Counter
        try:
            self._item.update(actions=[c.fails.add(1)], condition=c.window_start == self._window)
        except UpdateError as err:
            if condition_failed(err):
                return
            raise
        if (self._item.fails or 0) >= self._limit:
            until = clock.now() + self._lockout
            try:
                self._item.update(actions=[c.locked_until.set(until), c.ttl.set(int(until) + 60)],
                                  condition=c.window_start == self._window)
            except UpdateError as err:
                if not condition_failed(err):
                    raise

    def succeeded(self) -> None:
        """A right guess (or one that ended without an answer) gives its slot back: a user who
        types the right password is never locked by their own successes. It does not wipe the
        window's earlier failures, so an attacker gains nothing by interleaving with them."""
        self.done = True
        c = m.Counter
        try:
            self._item.update(actions=[c.hits.add(-1)],
                              condition=(c.window_start == self._window) & (c.hits > 0))
        except UpdateError as err:
            if not condition_failed(err):
                raise


@contextlib.contextmanager
def attempt(scope: str, key: str, *, limit: int, window: int, lockout: int,
            message: str = "Too many attempts. Try again later.") -> Iterator[Attempt]:
    """Guard the evaluation of one guess: `limit` guesses per `window` seconds per key, the
    `limit`-th failure locks the key for `lockout` seconds (429 with Retry-After, even for the
    right guess). The slot is taken before the block runs, so requests in flight together
    cannot evaluate more than `limit` guesses; the block calls `failed()` on a wrong guess.
    Leaving it normally or with a domain error (AppError) gives the slot back (see
    `Attempt.succeeded`); an unexpected exception keeps it, uncounted as a failure."""
    item, left = _take_slot(_counter_pk(f"try#{scope}", key), limit=limit, window=window)
    if item is None:
        raise RateLimited(message, retry_after=left)
    guess = Attempt(item, limit=limit, lockout=lockout)
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
    m.Counter(_counter_pk(f"try#{scope}", key), "RL").delete()


LOGIN_LIMIT = 5
LOGIN_WINDOW = 15 * 60
LOGIN_LOCKOUT = 15 * 60
TOO_MANY = "Too many attempts. Try again later."


def login_attempt(scope: str, key: str) -> contextlib.AbstractContextManager[Attempt]:
    """One sign-in guess (a password, or a second-factor code): the login lock-out's numbers."""
    return attempt(scope, key, limit=LOGIN_LIMIT, window=LOGIN_WINDOW, lockout=LOGIN_LOCKOUT,
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
    item, left = _take_slot(_counter_pk(scope, key), limit=limit, window=window)
    if item is None:
        raise RateLimited(message, retry_after=left)


def within_rate(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event; False (and not counted) when the key has had `limit` in its window."""
    item, _ = _take_slot(_counter_pk(scope, key), limit=limit, window=window)
    return item is not None
