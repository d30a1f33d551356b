"""Demo data for `DEMO=1 make run`: an entries file, then a results file, through the real
pipeline (S3 `incoming/` -> SQS uploads -> the upload handler -> work queue -> statements and
email). Local only: these people do not exist."""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from chalicelib import config, resources

log = logging.getLogger("devstack.demo")

ENTRIES_KEY = f"{resources.INCOMING_PREFIX}entries/demo-entries.csv"
RESULTS_KEY = f"{resources.INCOMING_PREFIX}results/demo-results.csv"

# The candidate to try: register with this ID number and secret number, then see the result.
DEMO_ID_NUMBER = "SIR094701"
DEMO_SECRET_NUMBER = "0427"

ENTRIES_CSV = """\
id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,exam_format
SIR094701,0427,Łucja,Wiśniewska,2006-03-14,PL096,B2FIRST,2025-06-14,computer
KLM204518,3810,José,Núñez García,2004-11-02,ES021,C1ADV,2025-06-21,paper
ABC123456,9052,Aoife,O'Brien,2009-07-30,IE004,A2KEYS,2025-05-24,paper
DEF654321,1177,Mehmet,Yılmaz,1998-01-09,TR015,B2BUS,2025-06-07,computer
"""

# One result, for the first entry: B2 First, 176, grade B, CEFR B2 (components average 176).
RESULTS_CSV = """\
id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,\
component:Reading,component:Writing,component:Listening,component:Speaking,component:Use of English
SIR094701,B2FIRST,2025-06-14,B2F25-0614-0001,176,B,B2,178,172,180,175,175
"""


def put_entries(s3: Any) -> str:
    s3.put_object(Bucket=config.BATCH_BUCKET, Key=ENTRIES_KEY, Body=ENTRIES_CSV.encode("utf-8"),
                  ContentType="text/csv")
    return ENTRIES_KEY


def put_results(s3: Any) -> str:
    s3.put_object(Bucket=config.BATCH_BUCKET, Key=RESULTS_KEY, Body=RESULTS_CSV.encode("utf-8"),
                  ContentType="text/csv")
    return RESULTS_KEY


def _uploads_idle(sqs: Any) -> bool:
    url = sqs.get_queue_url(QueueName=config.UPLOADS_QUEUE)["QueueUrl"]
    attrs = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in attrs.values()) == 0


def load(s3: Any, sqs: Any, stop: threading.Event, timeout: float = 60.0) -> None:
    """Put the entries file; once the uploads queue has drained (the entries are stored, as a
    result row needs its entry), put the results file."""
    put_entries(s3)
    log.info("demo: put s3://%s/%s", config.BATCH_BUCKET, ENTRIES_KEY)
    deadline = time.monotonic() + timeout
    stop.wait(1.0)  # let the notification reach the queue
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            if _uploads_idle(sqs):
                break
        except Exception:
            log.exception("demo: could not read the uploads queue")
        stop.wait(0.5)
    else:
        if not stop.is_set():
            log.warning("demo: the entries file is still being processed; putting the results anyway")
    if stop.is_set():
        return
    put_results(s3)
    log.info("demo: put s3://%s/%s", config.BATCH_BUCKET, RESULTS_KEY)


def start(s3: Any, sqs: Any, stop: threading.Event) -> threading.Thread:
    t = threading.Thread(target=load, args=(s3, sqs, stop), name="demo", daemon=True)
    t.start()
    return t
