"""Two-factor sign-in: TOTP (RFC 6238, pyotp) and single-use recovery codes.

- Required of exam board staff; optional for organisation users, unless their Primary User
  requires it for the whole organisation (`Organisation.mfa_required`).
- Login is two steps. A right password answers with a challenge (`mfa_required`, or
  `mfa_setup_required` with a new secret when the account must enrol first): a short-lived,
  single-use `mfa_token`, stored hashed like every token (security.issue_token), never a
  session. `.../login/mfa` with that token and a code then gives the session.
- A wrong code is counted by the same lock-out as a wrong password (security.login_attempt,
  same scope and key): 5 failures of either kind in 15 minutes lock the account.
- A code works once: the time step it matched is stored (`totp_last_step`, a conditional
  update) and a code of that step or an earlier one is refused.
- The secret is stored sealed (AES-GCM under a key derived from the server-side pepper, the
  account bound in as associated data), recovery codes only as keyed hashes. Neither is
  ever logged.
"""
from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from ..adapters import clock, sealing
from ..db.store import store
from ..domain.errors import Conflict, Forbidden, Unauthenticated, ValidationError
from . import security as sec

ISSUER = "Exam results"
STEP_SECONDS = 30
VALID_WINDOW = 1  # one step either side, as pyotp's verify(valid_window=1)
CHALLENGE_SECONDS = 5 * 60
CHALLENGE = "mfa_login"  # the purpose of the mfa_token
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
_SIX_DIGITS = re.compile(r"^\d{6}$")

BAD_CODE = "The code is not correct, or was used already."
BAD_CHALLENGE = "This sign-in has expired or was completed already. Sign in again."


# ---------------------------------------------------------------- the account
@dataclass(frozen=True)
class Account:
    """Who is signing in, whatever the audience: a StaffUser or a VerifierUser (both carry the
    totp_* attributes), the session it would get, and its lock-out key."""

    kind: str  # staff | verifier (the session kind)
    subject: str  # the session subject
    user: Any  # m.StaffUser | m.VerifierUser
    scope: str  # the lock-out scope of its password login
    key: str  # the lock-out key (the email)
    label: str  # shown in the authenticator app
    session_hours: int | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.user.totp_secret)


# ---------------------------------------------------------------- secrets at rest
def seal(secret: str, subject: str) -> str:
    return sealing.seal(sealing.SECRET_AT_REST, secret.encode(), subject)


def unseal(blob: str, subject: str) -> str:
    return sealing.unseal(sealing.SECRET_AT_REST, blob, subject).decode()


# ---------------------------------------------------------------- codes
def new_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def otpauth_uri(secret: str, label: str) -> str:
    import pyotp

    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=label, issuer_name=ISSUER)


def check_secret(secret: str) -> str | None:
    """A problem with a given TOTP secret (e.g. STAFF_TOTP_SECRET), or None."""
    import binascii

    import pyotp

    if len(secret) < 16:
        return "must be at least 16 base32 characters (80 bits), e.g. from pyotp.random_base32()"
    try:
        pyotp.TOTP(secret).now()
    except (binascii.Error, ValueError):
        return "must be base32 (A-Z, 2-7)"
    return None


def matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step whose code `code` is, within one step of now (pyotp's verify with
    valid_window=1, which does not say which step matched: the step is what makes a code
    single-use), and later than `after`; None otherwise."""
    import pyotp

    if not _SIX_DIGITS.match(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now_step = int(clock.now() // STEP_SECONDS)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_hash(subject: str, code: str) -> str:
    return sec.keyed_hash("mfa-recovery", subject, code)


def _normal_recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def new_recovery_codes(subject: str) -> tuple[list[str], set[str]]:
    """RECOVERY_CODES codes of 10 characters (~49 bits) shown once as 'abcde-fghjk', and
    their keyed hashes (what is stored)."""
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in codes], {_recovery_hash(subject, c) for c in codes}


def _use_step(account: Account, step: int) -> bool:
    """Store `step` as the last one used, unless it (or a later one) was used already: two
    requests with the same code cannot both pass."""
    return store().mfa.use_step(account.user, step)


def _use_recovery_code(account: Account, code: str) -> bool:
    normal = _normal_recovery(code)
    if not re.fullmatch(r"[a-z0-9]{10}", normal):
        return False
    hashed = _recovery_hash(account.subject, normal)
    if hashed not in (account.user.recovery_hashes or set()):
        return False
    # removed atomically: a code works once, even for two requests at the same moment
    return store().mfa.use_recovery_code(account.user, hashed)


def _code_ok(account: Account, code: str) -> bool:
    """A TOTP code of a step not used yet, or an unused recovery code (then used up)."""
    secret = unseal(account.user.totp_secret, account.subject)
    if _SIX_DIGITS.match(code):
        step = matching_step(secret, code, account.user.totp_last_step)
        return step is not None and _use_step(account, step)
    return _use_recovery_code(account, code)


def _check_code(account: Account, code: str, wrong: Exception) -> None:
    """The code, counted as a sign-in guess before it is checked (the password's lock-out); a
    wrong one counts as a failed login and raises `wrong`."""
    with sec.login_attempt(account.scope, account.key) as guess:
        if not _code_ok(account, code):
            guess.failed()
            raise wrong


def _enable(account: Account, sealed_pending: str, step: int) -> list[str]:
    """The pending secret becomes the account's; returns new recovery codes (shown once)."""
    codes, hashes = new_recovery_codes(account.subject)
    # only the secret that was checked: a restarted enrolment in between wins
    if not store().mfa.enable(account.user, sealed_pending, step, hashes, clock.iso()):
        raise Conflict("Enrolment was started again meanwhile: use the newest secret.")
    return codes


def _start(account: Account) -> tuple[str, str]:
    """A new secret, stored sealed as pending; returns (secret, otpauth URI)."""
    secret = new_secret()
    store().mfa.start(account.user, seal(secret, account.subject))
    return secret, otpauth_uri(secret, account.label)


# ---------------------------------------------------------------- login, step 1 and 2
def after_password(account: Account, *, must_enrol: bool) -> dict:
    """What a right password gets: a session when two-factor does not apply, else a challenge
    (with a new secret to enrol when the account must and has none)."""
    if not account.enabled and not must_enrol:
        return sec.create_session(account.kind, account.subject, hours=account.session_hours)
    reply: dict[str, Any] = {}
    if account.enabled:
        reply["mfa_required"] = True
    else:
        secret, uri = _start(account)
        reply.update({"mfa_setup_required": True, "secret": secret, "otpauth_uri": uri})
    token = sec.issue_token(CHALLENGE, account.kind, account.subject, CHALLENGE_SECONDS,
                            data={"setup": not account.enabled})
    return {**reply, "mfa_token": token, "expires_at": clock.iso(clock.now() + CHALLENGE_SECONDS)}


def complete(kind: str, mfa_token: str, code: str, load: Any) -> dict:
    """Step 2: `load(subject)` gives the Account (None when it is gone). Returns the session,
    plus `recovery_codes` when this completed an enrolment."""
    challenge = sec.peek_token(mfa_token, CHALLENGE)
    account = load(challenge.subject) if challenge is not None and challenge.kind == kind else None
    if challenge is None or account is None:
        raise Unauthenticated(BAD_CHALLENGE)
    code = code.strip()
    recovery: list[str] | None = None
    if (challenge.data or {}).get("setup"):
        with sec.login_attempt(account.scope, account.key) as guess:
            pending = account.user.totp_pending
            step = matching_step(unseal(pending, account.subject), code, None) if pending else None
            if step is None:
                guess.failed()
                raise Unauthenticated(BAD_CODE)
        if sec.consume_token(mfa_token, CHALLENGE) is None:
            raise Unauthenticated(BAD_CHALLENGE)
        recovery = _enable(account, pending, step)
    else:
        if not account.enabled:  # turned off since step 1: sign in again
            raise Unauthenticated(BAD_CHALLENGE)
        _check_code(account, code, Unauthenticated(BAD_CODE))
        if sec.consume_token(mfa_token, CHALLENGE) is None:
            raise Unauthenticated(BAD_CHALLENGE)
    session = sec.create_session(account.kind, account.subject, hours=account.session_hours)
    return {**session, "recovery_codes": recovery} if recovery is not None else session


# ---------------------------------------------------------------- organisation users' own settings
def verifier_account(user: Any) -> Account:
    from ..domain.domains import norm_email

    return Account("verifier", user.user_id, user, "verifier-login", norm_email(user.email), user.email)


def state(actor: Any) -> dict:
    return {"mfa_enabled": bool(actor.user.totp_secret), "mfa_required": bool(actor.org.mfa_required)}


def start_enrolment(actor: Any) -> dict:
    account = verifier_account(actor.user)
    if account.enabled:
        raise Conflict("Two-factor sign-in is on already; turn it off first to change the device.")
    secret, uri = _start(account)
    return {"secret": secret, "otpauth_uri": uri}


def confirm_enrolment(actor: Any, code: str) -> dict:
    account = verifier_account(actor.user)
    if account.enabled:
        raise Conflict("Two-factor sign-in is on already.")
    pending = actor.user.totp_pending
    if not pending:
        raise Conflict("Start with POST /verifiers/me/mfa: it gives the secret to enter in the app.")
    step = matching_step(unseal(pending, account.subject), code.strip(), None)
    if step is None:
        raise ValidationError({"code": "is not the current code of the authenticator app"})
    return {"mfa_enabled": True, "recovery_codes": _enable(account, pending, step)}


def disable(actor: Any, code: str) -> None:
    if actor.org.mfa_required:
        raise Forbidden("Your organisation requires two-factor sign-in: it cannot be turned off.")
    account = verifier_account(actor.user)
    if not account.enabled:
        raise Conflict("Two-factor sign-in is not on.")
    _check_code(account, code.strip(), ValidationError({"code": "is not correct, or was used already"}))
    store().mfa.disable(actor.user)


def set_org_required(actor: Any, required: bool) -> dict:
    """Primary User only. Users without two-factor are asked to enrol at their next sign-in."""
    actor.require_primary()
    store().mfa.require_for_org(actor.org, required)
    return {"mfa_required": required}
