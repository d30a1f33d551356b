"""SQS "webhooks": one delivery attempt per message (services/webhooks.py reschedules)."""
from __future__ import annotations

import json
from typing import Any

from ..observability import lambda_handler


@lambda_handler  # each log line carries the request id
def handle(event: dict, context: Any) -> dict:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    from ..services import webhooks

    def record_handler(record: Any) -> None:
        webhooks.deliver(json.loads(record.body))

    processor = BatchProcessor(event_type=EventType.SQS)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
