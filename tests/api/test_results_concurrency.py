"""Results files processed at the same time, as Lambda runs two `on_upload` invocations in
parallel: a reference number belongs to one result, no correction is lost, the same file twice
stores and queues each row once. Given / When / Then.

Two threads run `batches.process_object` against moto. A barrier holds each importer's first
DynamoDB write until both have read the table: the race the tests are about happens every
run, not by chance of scheduling.

moto checks a write's condition and then stores the item in Python, without a lock: a thread
switch between the two lets two conditional puts of the same item both succeed. DynamoDB
applies a conditional write to one item atomically; the `aws` fixture (tests/conftest.py)
models that with one lock around moto's item operations (devstack/moto_locks.py)."""
from __future__ import annotations

import threading
from typing import Any

import pytest

from .conftest import csv_bytes, entry_row
from .test_results import result_row, results_file  # noqa: F401 - a fixture

N = 30
OTHER = {"overall_score": "160", "grade": "C", "cefr_level": "B2", "component:Reading": "160",
         "component:Use of English": "160", "component:Writing": "160", "component:Listening": "160",
         "component:Speaking": "160"}
OTHER2 = {**OTHER, "component:Speaking": "161"}


def id_of(tag: str, i: int) -> str:
    return f"SIR{tag}{i:04d}"


@pytest.fixture
def at_once(app_module):
    """Process these results files in two threads at once; then run the event pump."""
    from chalicelib import config
    from chalicelib.adapters.aws import client
    from chalicelib.services import batches
    from devstack.pump import drain

    def _run(*files: tuple[str, bytes]) -> list[str]:
        s3 = client("s3")
        objects = []
        for name, data in files:
            key = f"incoming/results/{name}"
            etag = s3.put_object(Bucket=config.BATCH_BUCKET, Key=key, Body=data)["ETag"].strip('"')
            objects.append((key, etag, len(data)))
        barrier = threading.Barrier(len(files))
        passed = threading.local()

        def hold_first_write(**_: Any) -> None:
            if not getattr(passed, "done", False):
                passed.done = True
                try:
                    barrier.wait(timeout=60)  # a safety net, not an assertion
                except threading.BrokenBarrierError:
                    pass

        from chalicelib.db.table import DynamoTable, table

        t = table()
        assert isinstance(t, DynamoTable)
        ddb = t.raw_client()
        names = ("PutItem", "BatchWriteItem", "DeleteItem", "UpdateItem", "TransactWriteItems")
        for op in names:
            ddb.meta.events.register(f"before-call.dynamodb.{op}", hold_first_write, unique_id=f"hold-{op}")
        ids: list[str] = [""] * len(objects)
        errors: list[BaseException] = []

        def work(i: int, key: str, etag: str, size: int) -> None:
            try:
                ids[i] = batches.process_object(config.BATCH_BUCKET, key, etag, size) or ""
            except BaseException as err:  # reported in the test's thread
                errors.append(err)
                barrier.abort()

        threads = [threading.Thread(target=work, args=(i, *obj)) for i, obj in enumerate(objects)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            for op in names:
                ddb.meta.events.unregister(f"before-call.dynamodb.{op}", unique_id=f"hold-{op}")
        assert not errors, errors
        drain(app_module)
        return ids

    return _run


def batch(batch_id: str) -> dict:
    from chalicelib.services import batches

    return batches.get(batch_id)


def results_with_ref(ref: str) -> list:
    from chalicelib.db import models as m

    return list(m.Result.by_reference.query(m.REF + ref))


def stored(id_number: str) -> Any:
    from chalicelib.db import models as m

    return m.Result.get(*m.Result.keys(id_number, "2026-06-14", "B2FIRST"), consistent_read=True)


def ref(i: int) -> str:
    return f"SOR-2026-{i:06d}"


def test_two_files_at_once_never_give_one_reference_number_to_two_candidates(entries, at_once):
    # Given entries for 2 x N candidates
    entries(*[entry_row(id_of(tag, i)) for tag in ("01", "02") for i in range(N)])
    # When two files claim the same N reference numbers for different candidates, at once
    a = csv_bytes([result_row(id_of("01", i), ref(i)) for i in range(N)])
    b = csv_bytes([result_row(id_of("02", i), ref(i)) for i in range(N)])
    ids = at_once(("a.csv", a), ("b.csv", b))
    # Then each reference number belongs to exactly one result
    for i in range(N):
        assert len(results_with_ref(ref(i))) == 1, ref(i)
    # And every row of the losing side is a row error on reference_number, none lost silently
    got = [batch(i) for i in ids]
    assert sum(g["rows_ok"] for g in got) == N and sum(g["rows_failed"] for g in got) == N
    errors = [e for g in got for e in g["errors"]]
    assert len(errors) == N and {e["field"] for e in errors} == {"reference_number"}
    assert sum(g["jobs_total"] for g in got) == N


def test_two_corrections_at_once_are_both_applied_one_after_the_other(entries, results_file,  # noqa: F811
                                                                      at_once):
    # Given N released results (version 1)
    entries(*[entry_row(id_of("03", i)) for i in range(N)])
    results_file(*[result_row(id_of("03", i), ref(100 + i)) for i in range(N)])
    # When two correction files for them are processed at once
    a = csv_bytes([result_row(id_of("03", i), ref(100 + i), **OTHER) for i in range(N)])
    b = csv_bytes([result_row(id_of("03", i), ref(100 + i), **OTHER2) for i in range(N)])
    ids = at_once(("fix-a.csv", a), ("fix-b.csv", b))
    # Then no correction is lost: each result went through both (version 3), as if the files
    # had come one after the other, and each correction was queued for its statement and email
    got = [batch(i) for i in ids]
    assert [g["rows_failed"] for g in got] == [0, 0], [g["errors"][:2] for g in got]
    assert [g["status"] for g in got] == ["completed"] * 2
    assert sum(g["jobs_total"] for g in got) == 2 * N
    for i in range(N):
        r = stored(id_of("03", i))
        assert int(r.version) == 3 and r.reference_number == ref(100 + i)
        assert int(r.overall_score) == 160 and r.notice == "updated"


def test_the_same_file_twice_at_once_stores_and_queues_each_row_once(entries, at_once):
    # Given entries
    entries(*[entry_row(id_of("04", i)) for i in range(N)])
    # When the same file arrives twice at once (two uploads: two batch records, same content)
    data = csv_bytes([result_row(id_of("04", i), ref(200 + i)) for i in range(N)])
    ids = at_once(("same-1.csv", data), ("same-2.csv", data))
    # Then each row is stored once and queued once; the other file finds nothing changed
    got = [batch(i) for i in ids]
    assert [g["rows_failed"] for g in got] == [0, 0]
    assert sum(g["jobs_total"] for g in got) == N
    assert sum(g["rows_unchanged"] or 0 for g in got) == N
    for i in range(N):
        assert int(stored(id_of("04", i)).version) == 1
        assert len(results_with_ref(ref(200 + i))) == 1
    # And the statements were generated once each
    assert sum(g["statements_generated"] or 0 for g in got) == N


def test_a_new_result_created_twice_at_once_with_two_numbers_keeps_one_and_frees_the_other(entries, at_once):
    # Given an entry
    entries(entry_row(id_of("05", 0)))
    # When two files create its result at once with different reference numbers
    ids = at_once(("n-1.csv", csv_bytes([result_row(id_of("05", 0), ref(300))])),
                  ("n-2.csv", csv_bytes([result_row(id_of("05", 0), ref(301), **OTHER)])))
    # Then the result keeps the number it was created with; the later file corrected it
    r = stored(id_of("05", 0))
    assert r.reference_number in (ref(300), ref(301)) and int(r.version) == 2
    assert sum(batch(i)["rows_failed"] for i in ids) == 0
    # And the other number's claim was given back: another candidate can have it
    from chalicelib.db import models as m
    from chalicelib.db.repo import get_or_none

    other = ref(301) if r.reference_number == ref(300) else ref(300)
    assert get_or_none(m.RefClaim, *m.RefClaim.keys(other)) is None
    assert get_or_none(m.RefClaim, *m.RefClaim.keys(r.reference_number)) is not None
