"""Logger and metrics singletons, built on first use (Powertools costs ~60 ms to import).

Log lines are JSON. Never log a password, secret number, token or email address: pass
identifiers that are not secret (a batch id, a hashed subject) and counts."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

SERVICE = "exam-results"


@lru_cache(maxsize=1)
def logger() -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service=SERVICE)


@lru_cache(maxsize=1)
def metrics() -> Any:
    from aws_lambda_powertools import Metrics

    return Metrics(service=SERVICE, namespace="ExamResults")
