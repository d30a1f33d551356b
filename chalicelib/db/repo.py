"""Small helpers over PynamoDB used by every repository function."""
from __future__ import annotations

from typing import TypeVar

from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.models import Model

M = TypeVar("M", bound=Model)


def get_or_none(model: type[M], pk: str, sk: str) -> M | None:
    try:
        return model.get(pk, sk)
    except DoesNotExist:
        return None


def condition_failed(err: Exception) -> bool:
    """True when a write failed only because its condition did not hold."""
    if isinstance(err, (PutError, UpdateError, DeleteError)):
        return getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException"
    if isinstance(err, TransactWriteError):
        reasons = getattr(err, "cancellation_reasons", None) or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    return False
