"""Schedule (every 5 minutes): release the held results whose time has come, then fan out
their emails (services/release_held.py)."""
from __future__ import annotations

from typing import Any

from ..observability import lambda_handler


@lambda_handler  # each log line carries the request id
def handle(event: dict, context: Any) -> dict:
    from ..services import release_held

    def time_left() -> int:
        return int(context.get_remaining_time_in_millis()) if context is not None else 900_000

    return {"released": release_held.release_due(time_left)}
