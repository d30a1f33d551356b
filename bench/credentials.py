"""Signing a credential: credential_sign_ms, the median CPU time of signing one result's
OpenBadgeCredential with the local key (chalicelib/credentials: RDFC-1.0 canonicalisation of the
credential and of the proof options with pyld, SHA-256, Ed25519), warm (the contexts are parsed
by the first signing, which is left out). CPU seconds of this process (`time.process_time`), so
that what else the shared machine runs does not count. On AWS the Ed25519 step is a KMS Sign
call instead (~10-20 ms of network, not CPU).

``python -m bench credentials`` prints the figure.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from types import SimpleNamespace

from bench import ingest  # noqa: F401 - first: sets the fake-AWS environment the service reads

RUNS = 30


def _result() -> SimpleNamespace:
    scores = (("Reading", 172), ("Use of English", 180), ("Writing", 169), ("Listening", 177),
              ("Speaking", 178))
    comps = [SimpleNamespace(name=n, score=s) for n, s in scores]
    return SimpleNamespace(id_number="SIR094701", first_name="Zoë", family_name="Łukasiewicz-Nguyễn",
                           date_of_birth="2004-03-09", exam_code="B2FIRST", exam_date="2025-06-14",
                           overall_score=175, grade="B", cefr_level="B2", components=comps,
                           released_at="2025-07-20T08:00:00Z", version=1)


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CREDENTIAL_KEY_FILE"] = os.path.join(tmp, "key.pem")
        from chalicelib.credentials import badge, status_list
        from chalicelib.credentials.issuing import sign
        from chalicelib.credentials.signer import signer

        signer.cache_clear()
        doc = badge.credential(_result(), credential_id="urn:uuid:6f1d0b9e-3c8a-4f57-9a51-0c2d8f3e7a10",
                               valid_from="2025-07-20T08:00:00Z", salt="00" * 16,
                               status=status_list.entry(42))
        sign(doc, "2025-07-20T08:00:00Z")  # warm: contexts parsed and cached
        times = []
        for _ in range(RUNS):
            started = time.process_time()
            sign(doc, "2025-07-20T08:00:00Z")
            times.append((time.process_time() - started) * 1000)
        signer.cache_clear()
    return {"credential_sign_ms": round(statistics.median(times), 3)}
