"""Results and their reference numbers.

- Result: pk CAND#<id>, sk RESULT#<exam_date>#<exam_code>; gsi1 REF#<ref> / RESULT (the
  verifier's look-up); gsi2, only while held or being released: HELD#<shard> or
  RELEASING#<shard> / <release_at>#<pk>#<sk> (models.held_key spreads it over HELD_SHARDS).
- RefClaim: pk REF#<ref>, sk REF, owner "<pk>|<sk>": one reference number, one result.

A result is named above db/ by its `Key` (id_number, exam_date, exam_code); a job names it by
(id_number, result_sk), `job_sk(key)` being that sort key, carried opaquely on the queue.

The importer's path works on items in DynamoDB's own form through the table's raw methods
(`read_raw`/`put_raw`/`delete_raw`): at 100,000 rows a PynamoDB model per row was most of the
upload handler's time. Every write is conditional and answers with an outcome; the writes of
a chunk are made WRITERS at a time (each is one request of a few ms on AWS).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..table import Raw, Table

Key = tuple[str, str, str]  # (id_number, exam_date, exam_code)
ENTRY_COPIED = ["first_name", "family_name", "date_of_birth", "centre_number", "exam_format"]
STATE_FIELDS = ["pk", "sk", "reference_number", "version", "content_hash", "status", "release_at",
                "released_at", "batch_id", "notice", "withdrawn_at"]
WRITERS = 16
R = m.Result


@dataclass(slots=True)
class Stored:
    """A result as read, for deciding what a row does to it."""

    reference_number: str | None
    version: int
    content_hash: str | None
    status: str | None
    release_at: str | None
    released_at: str | None
    batch_id: str | None
    notice: str | None
    withdrawn_at: str | None = None  # a withdrawn result is not corrected (a row error)


@dataclass(slots=True)
class Write:
    """A result to store: created if absent (`as_read` None), else replaced if still as read."""

    key: Key
    item: Raw
    as_read: Stored | None


def _s(item: Raw, name: str) -> str | None:
    value = item.get(name)
    return None if value is None else value.get("S")


def _pk_sk(key: Key) -> tuple[str, str]:
    return R.keys(*key)


def _owner(key: Key) -> str:
    pk, sk = _pk_sk(key)
    return f"{pk}|{sk}"


def _key_of(pk: str, sk: str) -> Key:
    exam_date, _, exam_code = sk[len(m.RESULT):].partition("#")
    return pk[len(m.CAND):], exam_date, exam_code


_POOL: list[Any] = []


def _parallel(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """fn over the items, WRITERS at a time (the requests wait on the network, not the CPU)."""
    if len(items) <= 1:
        return [fn(i) for i in items]
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor

        _POOL.append(ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="results-write"))
    return list(_POOL[0].map(fn, items))


def _as_read(old: Stored) -> Any:
    """The condition that the result is still as read: same version, status, content and
    release time (a correction, a release and a moved release each change one of them)."""
    cond: Any = R.version == old.version
    for attr, value in ((R.status, old.status), (R.content_hash, old.content_hash),
                        (R.release_at, old.release_at), (R.withdrawn_at, old.withdrawn_at)):
        cond &= attr.does_not_exist() if value is None else attr == value
    return cond


class Results:
    def __init__(self, table: Table) -> None:
        self.t = table

    # ------------------------------------------------------------ names
    @staticmethod
    def job_sk(key: Key) -> str:
        return _pk_sk(key)[1]

    @staticmethod
    def key_of_job(id_number: str, result_sk: str) -> Key:
        return _key_of(m.CAND + id_number, result_sk)

    # ------------------------------------------------------------ the importer
    def entries_for(self, keys: Sequence[Key]) -> dict[Key, Raw]:
        """The entries of these sittings, as the part a result copies (opaque above db/)."""
        wanted = [(m.CAND + k[0], f"{m.ENTRY}{k[1]}#{k[2]}") for k in keys]
        found = self.t.read_raw(m.Entry, wanted, ["pk", "sk", *ENTRY_COPIED])
        return {_key_of(e["pk"]["S"], m.RESULT + e["sk"]["S"][len(m.ENTRY):]): e for e in found}

    def states(self, keys: Sequence[Key], consistent: bool = False) -> dict[Key, Stored]:
        found = self.t.read_raw(R, [_pk_sk(k) for k in keys], STATE_FIELDS, consistent)
        return {_key_of(i["pk"]["S"], i["sk"]["S"]): Stored(
            _s(i, "reference_number"), int(i["version"]["N"]), _s(i, "content_hash"), _s(i, "status"),
            _s(i, "release_at"), _s(i, "released_at"), _s(i, "batch_id"), _s(i, "notice"),
            _s(i, "withdrawn_at")) for i in found}

    def claim_refs(self, claims: Sequence[tuple[str, Key]]) -> list[str | None]:
        """Claim each reference number for its result: "created", "ours" (already its claim) or
        None (another result holds it)."""
        def one(claim: tuple[str, Key]) -> str | None:
            ref, key = claim
            owner = _owner(key)
            item = {"pk": {"S": m.REF + ref}, "sk": {"S": "REF"}, "owner": {"S": owner}}
            ok, old = self.t.put_raw(m.RefClaim, item, m.RefClaim.pk.does_not_exist() |
                                     (m.RefClaim.owner == owner), old=True)
            return None if not ok else "ours" if old else "created"

        return _parallel(one, claims)

    def unclaim_refs(self, claims: Sequence[tuple[str, Key]]) -> None:
        """Give back these claims (each only while it is still that result's)."""
        _parallel(lambda c: self.t.delete_raw(m.RefClaim, m.REF + c[0], "REF",
                                              m.RefClaim.owner == _owner(c[1])), claims)

    def write(self, writes: Sequence[Write]) -> list[bool]:
        """Each write if its condition holds (absent / still as read); False: it lost a race."""
        return _parallel(lambda w: self.t.put_raw(R, w.item, R.pk.does_not_exist() if w.as_read is None
                                                  else _as_read(w.as_read))[0], writes)

    @staticmethod
    def item(key: Key, c: dict[str, Any], entry: Raw, ref: str, version: int, notice: str, digest: str,
             batch_id: str, now: str, held: bool, released_at: str | None) -> Raw:
        """The Result item (as `m.Result` would store it) of a clean row."""
        pk, sk = _pk_sk(key)
        comps: list[Any] = []
        for name, score in c["components"]:
            value: dict[str, Any] = {"name": {"S": name}}
            if score is not None:
                value["score"] = {"N": str(score)}
            comps.append({"M": value})
        item: Raw = {
            "pk": {"S": pk}, "sk": {"S": sk}, "id_number": {"S": c["id_number"]},
            **{name: entry[name] for name in ENTRY_COPIED},
            "exam_code": {"S": c["exam_code"]}, "exam_date": {"S": c["exam_date"]},
            "reference_number": {"S": ref}, "components": {"L": comps},
            "status": {"S": "held" if held else "released"}, "version": {"N": str(version)},
            "content_hash": {"S": digest}, "batch_id": {"S": batch_id},
            "updated_at": {"S": now}, "gsi1pk": {"S": m.REF + ref}, "gsi1sk": {"S": "RESULT"},
            "notice": {"S": notice},
        }
        if c["overall_score"] is not None:
            item["overall_score"] = {"N": str(c["overall_score"])}
        for name in ("grade", "cefr_level", "photo_key", "release_at"):
            if c[name] is not None:
                item[name] = {"S": c[name]}
        if held:
            item["gsi2pk"], item["gsi2sk"] = {"S": m.held_key(pk)}, {"S": f"{c['release_at']}#{pk}#{sk}"}
        else:
            item["released_at"] = {"S": released_at or now}
        return item

    # ------------------------------------------------------------ held results
    @staticmethod
    def release_lanes() -> Iterator[tuple[str, int]]:
        """The index partitions to read: those being released (a run died midway) first."""
        for marker in (m.RELEASING, m.HELD):
            for shard in range(m.HELD_SHARDS):
                yield marker, shard

    def due(self, lane: tuple[str, int], now: str, limit: int) -> list[m.Result]:
        marker, shard = lane
        return self.t.query(R.held, f"{marker}#{shard}", R.gsi2sk <= f"{now}#~", limit=limit).items

    def mark_releasing(self, r: m.Result, now: str) -> bool:
        """Held -> released (still indexed as RELEASING until `unindex`), if still that version;
        True for a result already marked (a run that died in between)."""
        if r.status == "released":
            return True
        return self.t.update(r, [R.status.set("released"), R.released_at.set(now),
                                 R.gsi2pk.set(m.held_key(r.pk, m.RELEASING))],
                             (R.status == "held") & (R.version == r.version))

    def unindex(self, r: m.Result) -> None:
        self.t.update(r, [R.gsi2pk.remove(), R.gsi2sk.remove()])

    # ------------------------------------------------------------ reads, statements
    def get(self, id_number: str, result_sk: str, consistent: bool = False) -> m.Result | None:
        return self.t.get(R, m.CAND + id_number, result_sk, consistent)

    def by_result_id(self, id_number: str, rid: str) -> m.Result | None:
        parsed = m.parse_result_id(rid)
        return self.t.get(R, *R.keys(id_number, parsed[1], parsed[0])) if parsed else None

    def of_candidate(self, id_number: str) -> list[m.Result]:
        return self.t.query(R, m.CAND + id_number, R.sk.startswith(m.RESULT)).items

    def by_reference(self, reference_number: str, limit: int = 5) -> list[m.Result]:
        """The result holding this reference number (one Query of gsi1)."""
        return self.t.query(R.by_reference, m.REF + reference_number, limit=limit).items

    def withdraw(self, r: m.Result, at: str, reason: str, by: str) -> bool:
        """Mark a released result withdrawn, if it is still that version and not withdrawn."""
        actions = [R.withdrawn_at.set(at), R.withdrawn_reason.set(reason), R.withdrawn_by.set(by)]
        return self.t.update(r, actions, (R.version == r.version) & (R.status == "released")
                             & R.withdrawn_at.does_not_exist())

    def set_statement(self, r: m.Result, key: str) -> bool:
        """Point the result at its statement, if it is still that version."""
        return self.t.update(r, [R.statement_key.set(key)], R.version == r.version)

    def account(self, id_number: str) -> m.CandidateAccount | None:
        """The candidate's account, if registered (to whom a result's email goes)."""
        return self.t.get(m.CandidateAccount, *m.CandidateAccount.keys(id_number))

    @staticmethod
    def result_id(key: Key) -> str:
        return m.result_id(key[2], key[1])
