"""Statement of Results rendering: its rate, and its share of a delivery job.

- statements_per_s: statements rendered per CPU second (reportlab, single-threaded, warm: the
  fonts are registered by the first render). All times here are CPU seconds of this process
  (``time.process_time``), so that what else the shared machine runs does not count. There is no
  separate baseline any more: the service's renderer *is* reportlab drawing the page with the
  DejaVu TTF fonts (the old ``statements_vs_baseline`` compared our own writer with reportlab).
- render_share_of_job: how much of one delivery job (chalicelib/services/deliver.py `run_job`: render
  and store the statement, then email the candidate, each an idempotent Powertools function)
  the rendering is (budget <= 0.2). The jobs run as the worker runs them, against moto in-process
  (`mock_aws`), on candidates whose results file went through the real ingest and who have an
  account (so the email is sent). Moto answers an AWS call in well under a millisecond where AWS
  takes ~10-30 ms, so the job's measured wall time would overstate the share; instead the AWS
  calls each job makes are counted (botocore API calls, boto3 and PynamoDB alike) and costed at
  AWS_CALL_MS each: share = render / (render + calls x AWS_CALL_MS). The job's own CPU time
  outside rendering is left out of the denominator, so the share is, if anything, overstated.
- render_ms, aws_calls_per_job, aws_call_ms_assumed: the parts of that figure (medians over the
  jobs); job_cpu_ms_moto: the whole job's CPU time, moto's in-process work included.

``python -m bench statements`` prints one figure a line.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

from bench import ingest  # first: sets the fake-AWS environment the service reads
from chalicelib.adapters.pdf import render_statement
from chalicelib.domain.statement import StatementData

AWS_CALL_MS = 15.0  # a typical DynamoDB / S3 / SES call from Lambda in the same region (~10-30 ms)
JOBS = 40

FIRST_NAMES = ["Zoë", "John", "Ελένη", "Дмитрий", "María José", "Nguyễn Thị", "Søren", "Ana-Lucía",
               "Oluwaseun", "Chloé", "Jürgen", "Αλέξανδρος", "Ольга", "Łucja", "Siobhán", "Ahmed", "Priya",
               "Björk"]
FAMILY_NAMES = ["Łukasiewicz-Nguyễn", "Smith", "Παπαδοπούλου", "Иванов", "García Pérez", "Thị Minh Khai",
                "Kierkegaard", "Fernández de Córdoba", "Adébáyọ̀", "Dupont-Lefèvre", "Müller", "Οικονόμου",
                "Кузнецова", "Wójcik", "Ní Bhraonáin", "Al-Rashid", "Venkataraman", "Guðmundsdóttir"]
EXAMS = [("FCE", "B2 First"), ("CAE", "C1 Advanced"), ("CPE", "C2 Proficiency"), ("PET", "B1 Preliminary")]


def check_token(seed: int) -> str:
    import base64

    return base64.b32encode(seed.to_bytes(10, "big")).decode()


def statements(n: int) -> list[StatementData]:
    out = []
    for i in range(n):
        code, exam = EXAMS[i % len(EXAMS)]
        token = (i * 2654435761) % 2**32
        scores = [160 + (i * 7 + k * 13) % 50 for k in range(5)]
        out.append(StatementData(
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            family_name=FAMILY_NAMES[(i * 7) % len(FAMILY_NAMES)],
            date_of_birth=f"{1990 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            id_number=f"ID{100000 + i * 37}",
            centre_number=f"GB{100 + i % 400}",
            exam_code=code, exam_name=exam, exam_date="2025-06-14",
            exam_format="paper" if i % 3 else "computer",
            overall_score=sum(scores) // 5, grade="ABC"[i % 3], cefr_level=exam[:2],
            components=[("Reading", scores[0]), ("Use of English", scores[1]), ("Writing", scores[2]),
                        ("Listening", scores[3]), ("Speaking", None if i % 11 == 0 else scores[4])],
            reference_number=f"SOR-2025-{i:06d}-{(i * 7919) % 10000:04d}",
            # as services/check_codes.py writes them: the code (reference number + 80-bit token in
            # base32) under the QR, the upper-case check URL in it (alphanumeric mode)
            verification_url=f"HTTPS://RESULTS.EXAMPLE.ORG/CHECK/SOR-2025-{i:06d}-{(i * 7919) % 10000:04d}-"
                             f"{check_token(token)}",
            check_code=f"SOR-2025-{i:06d}-{(i * 7919) % 10000:04d}-{check_token(token)}",
            issued_on="2025-07-20",
        ))
    return out


def _rate(render: Callable[[StatementData], Any], items: list[StatementData]) -> float:
    render(items[0])  # warm: fonts loaded, static parts built
    start = time.process_time()
    for item in items:
        render(item)
    return len(items) / (time.process_time() - start)


def _released_jobs(n: int) -> list[dict[str, Any]]:
    """Entries, accounts and a released results file for n candidates, ingested as the upload
    handler does; returns the delivery jobs it queued (read back from the work queue)."""
    import json

    from chalicelib import config
    from chalicelib.adapters import queue
    from chalicelib.adapters.aws import client
    from chalicelib.db import models as m
    from chalicelib.services import batches

    tag = "STM"
    table = client("dynamodb")
    for i in range(n):
        item = ingest.entry_item(tag, i)
        table.put_item(TableName=config.MAIN_TABLE, Item={k: {"S": v} for k, v in item.items()})
        m.CandidateAccount(*m.CandidateAccount.keys(item["id_number"]), id_number=item["id_number"],
                           email=f"candidate{i}@example.org", email_verified=True, password_hash="x",
                           first_name=item["first_name"], family_name=item["family_name"], country="GB",
                           first_language="en", created_at="2026-06-01T09:00:00Z").save()
    data = ingest.csv_file(tag, n)
    key = f"incoming/results/bench-statements-{n}.csv"
    etag = client("s3").put_object(Bucket=config.BATCH_BUCKET, Key=key, Body=data)["ETag"].strip('"')
    assert batches.process_object(config.BATCH_BUCKET, key, etag, len(data)) is not None

    jobs: list[dict[str, Any]] = []
    sqs, url = client("sqs"), queue.queue_url(config.WORK_QUEUE)
    while len(jobs) < n:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        assert messages, f"{len(jobs)} of {n} jobs queued"
        for message in messages:
            body = json.loads(message["Body"])
            jobs.extend(body["jobs"] if body.get("kind") == "fanout" else [body])
    return jobs


def _delivery_jobs(n: int) -> dict[str, float]:
    """Run n delivery jobs as the worker does; per job: render time, AWS calls, wall time."""
    from botocore.client import BaseClient
    from moto import mock_aws

    from chalicelib.adapters import aws as aws_adapter
    from chalicelib.adapters import pdf, queue
    from chalicelib.services import deliver as work

    renders: list[float] = []
    calls = [0]

    def timed_render(data: StatementData) -> bytes:
        start = time.process_time()
        try:
            return render_statement(data)
        finally:
            renders.append(time.process_time() - start)

    api_call = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counted(self: Any, operation: str, params: Any) -> Any:
        calls[0] += 1
        return api_call(self, operation, params)

    rows: list[tuple[float, int, float]] = []  # (render s, AWS calls, job s)
    with mock_aws(), warnings.catch_warnings():
        # Powertools warns that no Lambda context gives it the time left: there is none here.
        warnings.filterwarnings("ignore", "Couldn't determine the remaining time left")
        from devstack.bootstrap import bootstrap

        aws_adapter.reset_clients()
        queue.queue_url.cache_clear()
        work._effects.clear()
        bootstrap()
        jobs = _released_jobs(n + 1)
        fx = work.effects()
        pdf.render_statement, BaseClient._make_api_call = timed_render, counted  # type: ignore[method-assign,attr-defined]
        try:
            for job in jobs:
                renders.clear()
                calls[0] = 0
                start = time.process_time()
                work.run_job(job, fx)
                took = time.process_time() - start
                assert len(renders) == 1, "one statement rendered per job"
                rows.append((renders[0], calls[0], took))
        finally:
            pdf.render_statement, BaseClient._make_api_call = render_statement, api_call  # type: ignore[method-assign,attr-defined]
            aws_adapter.reset_clients()
            queue.queue_url.cache_clear()
            work._effects.clear()
    rows = rows[1:]  # the first job also builds the idempotency layer and clients (a cold container)
    render_ms = statistics.median(r for r, _, _ in rows) * 1000
    aws_calls = statistics.median(c for _, c, _ in rows)
    return {
        "render_share_of_job": round(render_ms / (render_ms + aws_calls * AWS_CALL_MS), 3),
        "render_ms": round(render_ms, 2),
        "aws_calls_per_job": aws_calls,
        "aws_call_ms_assumed": AWS_CALL_MS,
        "job_cpu_ms_moto": round(statistics.median(t for _, _, t in rows) * 1000, 2),
    }


def run(n: int = 300) -> dict[str, float]:
    out = {"statements_per_s": round(_rate(render_statement, statements(n)), 1)}
    out.update(_delivery_jobs(JOBS))
    return out


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
