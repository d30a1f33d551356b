"""SQS "uploads" (fed by the S3 notification on incoming/): one batch file per message."""
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

    from ..services import batches

    def record_handler(record: Any) -> None:
        remaining = context.get_remaining_time_in_millis() if context is not None else 900_000
        batches.handle_s3_message(json.loads(record.body), remaining)

    processor = BatchProcessor(event_type=EventType.SQS)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context))
