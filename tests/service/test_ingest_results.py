"""The results pipeline's use cases on the in-memory table (no AWS): ingest, release, delivery."""
from __future__ import annotations

import pytest

HEAD = {"exam_code": "B2FIRST", "exam_date": "2026-06-14", "overall_score": "174", "grade": "B",
        "cefr_level": "B2", "component:Reading": "175", "component:Use of English": "170",
        "component:Writing": "168", "component:Listening": "181", "component:Speaking": "177"}


@pytest.fixture
def sent(monkeypatch):
    """Jobs handed to the work queue (the queue adapter replaced). Every module that imports
    `send_jobs` is imported before any is patched: one imported after deliver's was patched would
    bind the fake as its original, which the undo would then leave in place for later tests."""
    from chalicelib.services import deliver, ingest_results, release_held

    out: list[dict] = []
    for module in (deliver, ingest_results, release_held):
        monkeypatch.setattr(module, "send_jobs", lambda jobs: out.extend(jobs))
    return out


def entry(table, id_number: str) -> None:
    from chalicelib.db import models as m

    table.put(m.Entry(*m.Entry.keys(id_number, "2026-06-14", "B2FIRST"), id_number=id_number,
                      first_name="Ana", family_name="Ruiz", date_of_birth="2004-03-09", centre_number="GB1",
                      exam_code="B2FIRST", exam_date="2026-06-14", exam_format="paper", secret_hash="x",
                      batch_id="e", created_at="2026-01-01"))


def ingest(rows: list[dict], batch_id: str = "b1"):
    from chalicelib.db import models as m
    from chalicelib.services.ingest_results import ResultsImporter

    imp = ResultsImporter(m.Batch("BATCH#" + batch_id, "BATCH", batch_id=batch_id))
    early = {n: imp.row(n, {**HEAD, **row}) for n, row in enumerate(rows, start=2)}
    late = imp.flush()
    return imp, {n: p for n, p in early.items() if p}, late


def stored(id_number: str):
    from chalicelib.db.store import store

    return store().results.get(id_number, "RESULT#2026-06-14#B2FIRST")


def test_good_and_bad_rows(memory_store, sent):
    # Given an entry for one candidate only
    entry(memory_store, "SIR000001")
    # When a file has a good row, a row without entry and a row with a bad score
    _, early, late = ingest([{"id_number": "SIR000001", "reference_number": "SOR-2026-000001"},
                               {"id_number": "SIR000002", "reference_number": "SOR-2026-000002"},
                               {"id_number": "SIR000001", "reference_number": "SOR-2026-000003",
                                "overall_score": "abc"}])
    # Then the good row is stored and has one job; the others are row errors
    assert stored("SIR000001").version == 1 and [j["id_number"] for j in sent] == ["SIR000001"]
    assert list(early) == [4] and [(n, f) for n, f, _ in late] == [(3, "id_number")]


def test_a_correction_keeps_the_reference_number_and_bumps_the_version(memory_store, sent):
    # Given a released result
    entry(memory_store, "SIR000001")
    ingest([{"id_number": "SIR000001", "reference_number": "SOR-2026-000001"}])
    # When another file changes its score and gives another reference number
    ingest([{"id_number": "SIR000001", "reference_number": "SOR-2026-000009", "overall_score": "175"}], "b2")
    # Then it is version 2 with the first number, and an "updated" job
    r = stored("SIR000001")
    assert (r.version, r.reference_number, int(r.overall_score)) == (2, "SOR-2026-000001", 175)
    assert [j["kind"] for j in sent] == ["released", "updated"]


def test_the_same_file_twice_changes_nothing(memory_store, sent):
    # Given a stored result
    entry(memory_store, "SIR000001")
    row = {"id_number": "SIR000001", "reference_number": "SOR-2026-000001"}
    ingest([row])
    # When the same file comes again as another batch
    imp, _, late = ingest([row], "b2")
    # Then nothing changes and no job is sent
    assert imp.counts() == {"rows_unchanged": 1, "jobs_total": 0} and late == []
    assert stored("SIR000001").version == 1 and len(sent) == 1


def test_a_reference_number_of_another_result_is_refused(memory_store, sent):
    # Given a result holding a reference number
    entry(memory_store, "SIR000001")
    entry(memory_store, "SIR000002")
    ingest([{"id_number": "SIR000001", "reference_number": "SOR-2026-000001"}])
    # When another candidate's row gives the same number
    _, _, late = ingest([{"id_number": "SIR000002", "reference_number": "SOR-2026-000001"}], "b2")
    # Then it is a row error and nothing is stored for them
    assert [(n, f) for n, f, _ in late] == [(2, "reference_number")] and stored("SIR000002") is None


def test_a_held_result_is_released_when_due(memory_store, sent, monkeypatch):
    from chalicelib.adapters import clock
    from chalicelib.db.store import store
    from chalicelib.services.release_held import release_due

    # Given a result held until 2030 (no job yet)
    entry(memory_store, "SIR000001")
    imp, _, _ = ingest([{"id_number": "SIR000001", "reference_number": "SOR-2026-000001",
                         "release_at": "2030-01-01T09:00:00Z"}])
    assert stored("SIR000001").status == "held" and sent == [] and imp.held == 1
    # When the release runs before, then after that time
    assert release_due() == 0
    monkeypatch.setattr(clock, "iso", lambda *a: "2030-01-01T09:05:00Z")
    assert release_due() == 1
    # Then it is released once, with one job, counted on its batch
    assert stored("SIR000001").status == "released" and len(sent) == 1
    assert store().batches.get("b1").jobs_total == 1
    assert release_due() == 0


def test_batch_counters_add_up_and_refuse_unknown_names(memory_store):
    from chalicelib.db.store import store

    # Given a batch
    batches = store().batches
    batches.create("b9", "results", "r.csv", "incoming/results/b9/r.csv", "2026-01-01T00:00:00Z", "staff")
    # When counters are added from several places (one negative delta)
    batches.add_counts("b9", rows_ok=3, emails_sent=1)
    batches.add_counts("b9", rows_ok=-1, statements_generated=2)
    # Then they add up
    b = batches.get("b9")
    assert (b.rows_ok, b.emails_sent, b.statements_generated) == (2, 1, 2)
    with pytest.raises(ValueError):
        batches.add_counts("b9", status=1)


def test_a_delivery_job_renders_and_sends_once(memory_store, sent, monkeypatch):
    from chalicelib.adapters import email as mailer
    from chalicelib.adapters import storage
    from chalicelib.db import models as m
    from chalicelib.db.store import store
    from chalicelib.services import deliver

    # Given a released result of a registered candidate, and fake PDF, S3 and email adapters
    entry(memory_store, "SIR000001")
    memory_store.put(m.CandidateAccount(*m.CandidateAccount.keys("SIR000001"), id_number="SIR000001",
                                        email="ana@example.org", first_name="Ana", password_hash="x",
                                        country="ES", first_language="es", created_at="2026-01-01"))
    ingest([{"id_number": "SIR000001", "reference_number": "SOR-2026-000001"}])
    mails, puts = [], []
    monkeypatch.setattr("chalicelib.adapters.pdf.render_statement", lambda data: b"%PDF")
    monkeypatch.setattr(storage, "put", lambda *a: puts.append(a[1]))
    monkeypatch.setattr(mailer, "send", lambda mail: mails.append(mail) or "id-1")
    done: dict[str, dict] = {}

    def once(prefix, fn):  # the idempotent functions' contract, keyed by `key`
        def run(key):
            return done.setdefault(prefix + repr(sorted(key["key"].items())), fn(key=key)
                                   if (prefix + repr(sorted(key["key"].items()))) not in done else {})
        return run

    fx = {"render": once("s", deliver.render_for_job), "email": once("e", deliver.email_for_job)}
    # When its job runs twice
    deliver.run_job(sent[0], fx)
    deliver.run_job(sent[0], fx)
    # Then one statement and one email, counted once on the batch, the result pointing at it
    assert len(puts) == 1 and len(mails) == 1
    b = store().batches.get("b1")
    assert (b.statements_generated, b.emails_sent) == (1, 1)
    assert stored("SIR000001").statement_key == puts[0]
