"""Check codes and the public check (`/check`, `/check/<code>`, `GET /verify/<code>`).

A check code is the result's reference number, a hyphen and a random token of 80 bits written
as 16 upper-case letters and digits (RFC 4648 base32: A-Z, 2-7), e.g. `SOR-2025-000001-K7Q2…`.
The Statement of Results prints it under a QR code of `<PUBLIC_BASE_URL>/CHECK/<code>` in upper
case (alphanumeric mode: a smaller symbol), which /CHECK/<code> sends on to /check/<code>.

Tokens are given lazily: the first time a released result's code is needed (its statement is
rendered, its candidate opens it, a check finds it superseded) and again after a correction (a
token names the version it was issued for; a code of an older version than the result's is
"superseded", pointing at the current code). So results stored before check codes existed get
one the same way, with no migration. A look-up is one GetItem of the token, one of the result and
one of its link: never a Scan.

Every miss (unknown token, wrong reference number, a link the candidate turned off, a result not
released) is one and the same 404, counted per client (source IP): CODE_MISSES an hour, then 429.
The reference number + date of birth form is limited more tightly (REFERENCE_MISSES). Every read
is audited like an organisation's (organisation PUBLIC, actor client:<keyed hash of the IP>)."""
from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from .. import config
from ..adapters import clock
from ..db import models as m
from ..db.store import store
from ..domain import exams
from ..domain.errors import NotFound, ValidationError
from . import audit
from . import security as sec

TOKEN_BYTES = 10  # 80 bits
TOKEN_RE = re.compile(r"[A-Z2-7]{16}")
CODE_MISSES_PER_HOUR = 20
REFERENCE_MISSES_PER_HOUR = 5
WINDOW = 3600
PUBLIC_ORG = "PUBLIC"
NO_MATCH = ("No result matches. Check the code, or the reference number and date of birth, against the "
            "statement.")
TOO_MANY = "Too many checks without a match. Try again in an hour."
VALID, WITHDRAWN, SUPERSEDED = "valid", "withdrawn", "superseded"


def new_token() -> str:
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode()


def code_of(reference_number: str, token: str) -> str:
    return f"{reference_number.strip().upper()}-{token}"


def check_url(code: str) -> str:
    """What the statement's QR code holds: upper case throughout (QR alphanumeric mode)."""
    return f"{config.settings().public_base_url}/check/{quote(code, safe='')}".upper()


def check_page(code: str) -> str:
    return f"{config.settings().public_base_url}/check/{quote(code, safe='')}"


def parse(code: str) -> tuple[str, str] | None:
    """(reference number in upper case, token), or None for anything that is not a code."""
    if not isinstance(code, str) or len(code) > 200:
        return None
    ref, sep, token = code.strip().upper().rpartition("-")
    if not sep or not ref or not TOKEN_RE.fullmatch(token):
        return None
    return ref, token


# ---------------------------------------------------------------- a result's current code
def current_code(r: m.Result) -> str | None:
    """The result's current check code, giving it a token first if it has none for this version;
    None while the result is not released or its candidate has turned the link off."""
    if r.status != "released":
        return None
    checks = store().checks
    version = int(r.version)
    link = checks.link(r.id_number, r.sk)
    for _ in range(4):
        if link is not None and link.off:
            return None
        if link is not None and link.token and link.version == version:
            return code_of(r.reference_number, link.token)
        token = _issue(r, version)
        if checks.set_current(r.id_number, r.sk, token, version, link):
            return code_of(r.reference_number, token)
        checks.retire(token)  # another request gave it one first: read it
        link = checks.link(r.id_number, r.sk, consistent=True)
    raise RuntimeError("check link contended beyond reason")


def _issue(r: m.Result, version: int) -> str:
    while True:
        token = new_token()
        if store().checks.add_code(token, r.id_number, r.sk, r.reference_number, version, clock.iso()):
            return token


def link_state(r: m.Result) -> dict:
    """What the candidate's result page shows: the code and its page, or that the link is off."""
    code = current_code(r)
    return {"check_enabled": code is not None or r.status != "released",
            "check_code": code, "check_url": check_page(code) if code else None}


def set_link(id_number: str, rid: str, enabled: bool) -> dict:
    """The candidate turns the result's check link off (its code answers 404 from then on) or on
    again (always a new token: a code once turned off never works again)."""
    r = store().results.by_result_id(id_number, rid)
    if r is None or r.status != "released":
        raise NotFound("There is no released result with that id on your account.")
    checks = store().checks
    for _ in range(4):
        link = checks.link(r.id_number, r.sk, consistent=True)
        if enabled:
            if link is not None and not link.off and link.token and link.version == int(r.version):
                break
            token = _issue(r, int(r.version))
            if checks.set_current(r.id_number, r.sk, token, int(r.version), link):
                break
            checks.retire(token)
        else:
            if link is not None and link.off:
                break
            if checks.turn_off(r.id_number, r.sk, link):
                break
    return {"result_id": rid, **link_state(r)}


# ---------------------------------------------------------------- the public check
@dataclass(frozen=True)
class Found:
    result: m.Result
    status: str
    superseded_by: str | None


def public_view(found: Found) -> dict:
    r = found.result
    exam = exams.get_exam(r.exam_code)
    scored = found.status != SUPERSEDED  # a superseded statement's scores are not the current ones
    return {
        "status": found.status,
        "result": {
            "exam_code": r.exam_code, "exam_name": exam.name if exam else r.exam_code,
            "exam_date": r.exam_date,
            "overall_score": int(r.overall_score) if scored and r.overall_score is not None else None,
            "grade": r.grade if scored else None, "cefr_level": r.cefr_level if scored else None,
            "components": [{"name": c.name, "score": int(c.score) if c.score is not None else None}
                           for c in r.components or []] if scored else [],
            "reference_number": r.reference_number, "released_at": r.released_at,
        },
        "candidate": {"first_name": r.first_name, "family_name": r.family_name},
        "superseded_by": found.superseded_by,
    }


def _find(code: str) -> Found | None:
    parsed = parse(code)
    if parsed is None:
        return None
    ref, token = parsed
    item = store().checks.code(token)
    if item is None or item.off or item.reference_number.strip().upper() != ref:
        return None
    r = store().results.get(item.id_number, item.result_sk)
    if r is None or r.status != "released" or r.reference_number.strip().upper() != ref:
        return None
    if int(item.version) < int(r.version):
        return Found(r, SUPERSEDED, current_code(r))
    link = store().checks.link(r.id_number, r.sk)
    if link is None or link.off or link.token != token:
        return None
    return Found(r, WITHDRAWN if r.withdrawn_at else VALID, None)


def client_actor(client: str) -> str:
    return "client:" + sec.keyed_hash("check-client", client)[:24]


def check_code(code: str, client: str, how: str = "check") -> dict:
    """The public view of the result a code names (NotFound for any miss; 429 after
    CODE_MISSES_PER_HOUR misses from this client in an hour). Audited."""
    with sec.attempt("check-code", client, limit=CODE_MISSES_PER_HOUR, window=WINDOW, lockout=WINDOW,
                     message=TOO_MANY) as guess:
        found = _find(code)
        if found is None:
            guess.failed()
            audit.record_miss(PUBLIC_ORG, client_actor(client), f"{how}_miss", (code or "")[:200])
            raise NotFound(NO_MATCH)
    audit.record(PUBLIC_ORG, client_actor(client), how, [(found.result.pk, found.result.sk, None)])
    return public_view(found)


def check_reference(reference_number: str, date_of_birth: str, client: str) -> dict:
    """The reference number + date of birth form: a released, verifiable result whose candidate
    has not turned look-ups off; REFERENCE_MISSES_PER_HOUR misses per client an hour."""
    from .shares import find_by_reference

    with sec.attempt("check-reference", client, limit=REFERENCE_MISSES_PER_HOUR, window=WINDOW,
                     lockout=WINDOW, message=TOO_MANY) as guess:
        try:
            r = find_by_reference(reference_number, date_of_birth)
        except (NotFound, ValidationError):
            guess.failed()
            audit.record_miss(PUBLIC_ORG, client_actor(client), "check_reference_miss",
                              str(reference_number)[:200])
            raise NotFound(NO_MATCH) from None
    audit.record(PUBLIC_ORG, client_actor(client), "check_reference", [(r.pk, r.sk, None)])
    code = current_code(r)
    return public_view(Found(r, WITHDRAWN if r.withdrawn_at else VALID, None)) | {"check_code": code}
