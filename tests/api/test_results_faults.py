"""Injected faults at size: SES throttling on 10% of sends, one worker crash mid-batch -> every
registered candidate gets exactly one email. 250 candidates in `make test`; 2,000 in
`make test-deep` (TEST_DEPTH=deep), or any number with FAULT_CANDIDATES."""
from __future__ import annotations

import os
import random
import time
from collections import Counter

import pytest

from .conftest import csv_bytes
from .test_results import SCORES

N = int(os.environ.get("FAULT_CANDIDATES") or (2000 if os.environ.get("TEST_DEPTH") == "deep" else 250))


@pytest.fixture
def cheap_queue_depth(monkeypatch):
    """moto's SendMessage recomputes the queue-depth attributes over every message in the
    queue (O(n) per send, O(n^2) for a fan-out); they are reporting only, not used by the pump."""
    from moto.sqs.models import Queue

    for name in ("approximate_number_of_messages", "approximate_number_of_messages_delayed",
                 "approximate_number_of_messages_not_visible"):
        monkeypatch.setattr(Queue, name, property(lambda self: 0))


@pytest.mark.slow
def test_every_registered_candidate_gets_exactly_one_email_despite_throttling_and_a_crash(
        app_module, drop, monkeypatch, cheap_queue_depth):
    from botocore.exceptions import ClientError
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from chalicelib.adapters import email as mailer
    from chalicelib.adapters import queue
    from chalicelib.db import models as m
    from chalicelib.services import deliver as results
    from chalicelib.services import deliver as work
    from chalicelib.services.security import secret_number_hash
    from devstack.pump import drain

    # Given N entries, 3 in 4 of the candidates registered (items written directly)
    ids = [f"RES{i:06d}" for i in range(N)]
    registered = {i for n, i in enumerate(ids) if n % 4}
    with m.Entry.batch_write() as w:
        for i in ids:
            w.save(m.Entry(*m.Entry.keys(i, "2026-06-14", "B2FIRST"), id_number=i, first_name="Zoë",
                           family_name="Łukasiewicz-Nguyễn", date_of_birth="2004-03-09", centre_number="GB1",
                           exam_code="B2FIRST", exam_date="2026-06-14", exam_format="paper",
                           secret_hash=secret_number_hash(i, "1234"), batch_id="seed",
                           created_at="2026-01-01"))
    with m.CandidateAccount.batch_write() as w:
        for i in registered:
            w.save(m.CandidateAccount(*m.CandidateAccount.keys(i), id_number=i,
                                      email=f"{i.lower()}@example.org",
                                      password_hash="x", country="PL", first_language="pl",
                                      created_at="2026-01-01"))
    # And SES throttles 10% of sends (fixed seed), and one worker crashes once after rendering
    rng = random.Random(20260614)
    real_send = mailer.send
    throttled = Counter()

    def flaky_send(mail):
        if rng.random() < 0.10:
            throttled[mail.to] += 1
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}},
                              "SendRawEmail")
        return real_send(mail)

    monkeypatch.setattr(mailer, "send", flaky_send)
    crashed = []
    real_account_for = results.account_for

    def crash_once(id_number):
        if not crashed and id_number == ids[N // 2]:
            crashed.append(id_number)
            raise RuntimeError("worker crashed after rendering, before the email")
        return real_account_for(id_number)

    monkeypatch.setattr(results, "account_for", crash_once)
    monkeypatch.setattr(work, "BACKOFF_BASE_S", 1)  # seconds, so the test waits a little

    # When the results file for all of them arrives
    rows = [{"id_number": i, "exam_code": "B2FIRST", "exam_date": "2026-06-14",
             "reference_number": f"SOR-FAULT-{n:06d}", "overall_score": "174", "grade": "B",
             "cefr_level": "B2",
             **SCORES} for n, i in enumerate(ids)]
    drop("incoming/results/big.csv", csv_bytes(rows))
    # (throttled jobs come back after their delay: pump until the work queue holds no message at
    # all: visible, delayed or in flight. A probe with ReceiveMessage would race the delay: a
    # message becoming visible as the probe's wait ends is neither received nor "delayed".)
    from chalicelib import config
    from chalicelib.adapters.aws import client

    url = queue.queue_url(config.WORK_QUEUE)
    deadline = time.monotonic() + 120
    while _messages_left(url):
        drain(app_module)
        if time.monotonic() > deadline:
            pytest.fail("the work queue did not empty")
        time.sleep(0.1)

    # Then every registered candidate got exactly one email, the others none
    backend = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"]
    # (moto lists a raw message's recipient twice: from Destinations and from its To header)
    per_recipient = Counter(d for msg in backend.sent_messages for d in set(msg.destinations))
    assert crashed and sum(throttled.values()) > N // 20
    assert set(per_recipient) == {f"{i.lower()}@example.org" for i in registered}
    assert set(per_recipient.values()) == {1}
    batch = m.Batch.get(m.BATCH + next(iter(m.Batch.listing.query(m.BATCHES, limit=5))).batch_id, "BATCH")
    assert batch.rows_ok == N and batch.jobs_total == N and batch.jobs_failed == 0
    assert batch.statements_generated == N and batch.emails_sent == len(registered)
    dlq = queue.queue_url(config.WORK_QUEUE + "-dlq")
    assert not client("sqs").receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages")


def _messages_left(url: str) -> int:
    """Every message moto holds for the queue, whatever its state."""
    from moto.sqs.models import sqs_backends

    return len(sqs_backends["123456789012"]["eu-west-1"].queues[url.rsplit("/", 1)[-1]]._messages)
