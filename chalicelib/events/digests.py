"""Scheduled: the verifiers' daily and weekly digests of new shares (services/digests.py)."""
from __future__ import annotations

from typing import Any

from ..observability import lambda_handler


@lambda_handler  # each log line carries the request id
def handle(event: dict, context: Any) -> dict:
    from ..observability import logger
    from ..services import digests

    sent = digests.run_due()
    logger().info("digests sent", extra={"sent": sent})
    return sent
