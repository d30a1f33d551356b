"""SQS "work": one job per message (services/deliver.py: fan-out, statement + email, account
emails). The BatchProcessor reports failed records (batchItemFailures); SQS retries them and
after resources.MAX_RECEIVE_COUNT receives parks them in the DLQ."""
from __future__ import annotations

import json
from typing import Any

from ..observability import lambda_handler


@lambda_handler  # each log line carries the request id
def handle(event: dict, context: Any) -> dict:
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    from ..services import deliver

    def record_handler(record: Any) -> None:
        receives = int(record.attributes.approximate_receive_count or 1)
        deliver.handle_message(json.loads(record.body), receives, context)

    processor = BatchProcessor(event_type=EventType.SQS)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
