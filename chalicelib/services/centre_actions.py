"""What an exam centre does for one of its candidates (issue 13): reissue a lost Secret number,
reset an account whose email is lost, print the Confirmation of Entry; and the manager's list of
those actions.

- A reissued Secret number is stored as a keyed hash (security.secret_number_hash) on the
  candidate's SECRET item: from then on registration accepts only it (services/candidates.py),
  so the old one stops working at once, and a later entries file cannot bring it back. It is
  shown once; the Confirmation of Entry PDF is made from a sealed copy that the page carries
  (sealing.seal, bound to the centre user and the candidate, 15 minutes), never stored.
- Reissues and resets are audited (who, when, which candidate: listed for the manager) and
  limited to ACTIONS_PER_DAY per centre per day, both kinds together (security.limit_rate).
- Only the centre's own candidates (centres.own_entries): any other is a 404.
"""
from __future__ import annotations

import json
import secrets
from typing import Any

from ..adapters import clock, sealing
from ..adapters.ids import sortable_id
from ..db.store import store
from ..domain import exams
from ..domain.errors import ValidationError
from . import security as sec
from .centres import CentreActor, own_entries

ACTIONS_PER_DAY = 20  # Secret numbers reissued + accounts reset, per centre per day (together)
ACTIONS_WINDOW = 24 * 3600
CONFIRMATION_SECONDS = 15 * 60  # how long the page can still print the Confirmation of Entry
TOO_MANY_ACTIONS = (f"Your centre has reissued {ACTIONS_PER_DAY} Secret numbers or reset accounts in the "
                    "last 24 hours. Try again later, or contact the exam board.")


# ---------------------------------------------------------------- reissue, reset
def _new_secret(who: CentreActor, id_number: str) -> str:
    secret = f"{secrets.randbelow(10_000):04d}"
    store().centres.set_secret(id_number, sec.secret_number_hash(id_number, secret),
                               centre_number=who.centre_number, issued_at=clock.iso())
    sec.clear_attempts("register", id_number)  # a locked registration opens for the new number
    return secret


def _audit(who: CentreActor, action: str, id_number: str) -> None:
    store().centres.record(who.centre_number, sortable_id(), action, id_number, who.user, clock.iso())


def _limited(who: CentreActor) -> None:
    sec.limit_rate("centre-actions", who.centre_number, limit=ACTIONS_PER_DAY, window=ACTIONS_WINDOW,
                   message=TOO_MANY_ACTIONS)


def reissue_secret(who: CentreActor, id_raw: str) -> dict:
    """A new Secret number (shown once): the old one stops working at once; an account already
    registered is unaffected."""
    mine = own_entries(who, id_raw)
    _limited(who)
    id_number = mine[0].id_number
    secret = _new_secret(who, id_number)
    _audit(who, "reissue", id_number)
    return {"id_number": id_number, "secret_number": secret,
            "confirmation": seal_confirmation(who, id_number, secret)}


def reset_account(who: CentreActor, id_raw: str) -> dict:
    """For a candidate who lost their email: the account (email, password) goes, every session
    ends, and a new Secret number is issued, with which they register again with the same ID
    number. Results, shares and look-up settings are kept (they are not the account's)."""
    mine = own_entries(who, id_raw)
    _limited(who)
    id_number = mine[0].id_number
    store().candidates.remove_account(id_number)
    sec.end_sessions("candidate", id_number)
    secret = _new_secret(who, id_number)
    sec.clear_attempts("login", id_number)
    _audit(who, "reset", id_number)
    return {"id_number": id_number, "secret_number": secret,
            "confirmation": seal_confirmation(who, id_number, secret)}


def audit(who: CentreActor, limit: int = 100) -> dict:
    who.require_manager()
    return {"events": [{"action": e.action, "id_number": e.id_number, "user_id": e.user_id,
                        "user_name": e.user_name, "at": e.at}
                       for e in store().centres.audit(who.centre_number, limit)]}


# ---------------------------------------------------------------- the Confirmation of Entry
def _bound(who: CentreActor, id_number: str) -> str:
    return f"confirmation\x1f{who.user.user_id}\x1f{id_number}"


def seal_confirmation(who: CentreActor, id_number: str, secret: str) -> str:
    """The new secret, sealed (AES-GCM) for this centre user and candidate, for 15 minutes: what
    the page posts back to print the PDF. Never stored."""
    plain = json.dumps({"s": secret, "exp": int(clock.now()) + CONFIRMATION_SECONDS})
    return sealing.seal(sealing.SECRET_AT_REST, plain.encode(), _bound(who, id_number))


def confirmation_pdf(who: CentreActor, id_raw: str, sealed: str, lang: str = "en") -> bytes:
    from ..adapters.pdf_confirmation import ConfirmationData, render_confirmation

    mine = own_entries(who, id_raw)
    id_number = mine[0].id_number
    expired = ValidationError({"confirmation": "has expired: reissue the Secret number again"})
    try:
        plain: Any = json.loads(sealing.unseal(sealing.SECRET_AT_REST, sealed, _bound(who, id_number)))
    except ValueError:  # anything that does not open (or is not JSON) is the same refusal
        raise expired from None
    if not isinstance(plain, dict) or plain.get("exp", 0) < clock.now():
        raise expired
    reissued = store().centres.secret(id_number)
    if reissued is None or not sec.same(reissued.secret_hash, sec.secret_number_hash(id_number, plain["s"])):
        raise expired  # a newer Secret number was issued since
    exam_rows = []
    for e in mine:
        exam = exams.get_exam(e.exam_code)
        exam_rows.append((exam.name if exam else e.exam_code, e.exam_date, e.exam_format))
    from . import messages as msg

    return render_confirmation(ConfirmationData(
        id_number=id_number, secret_number=plain["s"], first_name=mine[0].first_name,
        family_name=mine[0].family_name, centre_number=who.centre_number, centre_name=who.centre.name,
        exams=exam_rows, register_url=msg.link("/register"), issued_at=clock.iso()[:10], lang=lang))
