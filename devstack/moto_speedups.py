"""Make moto's SQS cost O(1) per message instead of O(queue depth), so that a release of
20,000 candidates finishes on the local stack.

What stalled a 20,000-row release (statements stuck at a few hundred, the worker inside moto's
SendMessageBatch with thousands of messages queued) was moto, not the service: in moto 5,

* every SendMessage evaluates `queue.attributes` (for `ContentBasedDeduplication`), and
  every message a ReceiveMessage hands out evaluates it 3-4 times more (the retention check
  goes through `get_queue_attributes`); `attributes` recomputes the three
  `ApproximateNumberOf...` counts, each a pass over every message in the queue with two
  datetime conversions per message;
* every DeleteMessage scans the whole queue twice and rebuilds its list;
* every ReceiveMessage builds the list of all visible messages, again with datetime
  conversions per message.

So each job cost several passes over the queue: quadratic in the release size, with the
worker's sends and the pump's receives taking turns on one GIL. `apply()` replaces those
with: the counts cached for a second (AWS documents them as approximate and eventually
consistent, so this is what SQS does too), the retention check reading the queue's own
attribute, a delete that stops at the message it deletes, and the visible-message list
built with one clock reading. Behaviour is otherwise unchanged; the pump's tests and the
API tests run on it.

DynamoDB: moto 5.2 writes every response through its generic serializer, which walks the
botocore shape of each item attribute (`AttributeValue`: ten members, each looked up under
several aliases), so a fifth of the fault-injection test's time went into writing items it already
held in wire form ({"S": "..."}). `apply()` writes an `AttributeValue` directly, by the same
rules (strings as text, binaries in base64, sets and lists and maps member by member); anything
unexpected goes to moto's own serializer. tests/unit/test_moto_speedups.py checks both give the
same JSON for every kind of value.

`apply()` is idempotent; the local stack and the in-process tests call it before starting moto.
"""
from __future__ import annotations

import time
from typing import Any

COUNTS_TTL_S = 1.0
_COUNT_NAMES = ("approximate_number_of_messages", "approximate_number_of_messages_delayed",
                "approximate_number_of_messages_not_visible")


def _now_ms() -> float:
    from moto.core.utils import unix_time_millis

    return float(unix_time_millis())  # moto's clock (it follows freezegun in tests)


def _counts(queue: Any) -> dict[str, int]:
    cached = queue.__dict__.get("_devstack_counts")
    wall = time.monotonic()
    if cached is not None and wall - cached[0] < COUNTS_TTL_S:
        return cached[1]  # type: ignore[no-any-return]
    now = _now_ms()
    visible = delayed = not_visible = 0
    for m in queue._messages:
        is_visible = now > m.visible_at
        is_delayed = now < m.delayed_until
        if is_delayed:
            delayed += 1
        if not is_visible:
            not_visible += 1
        elif not is_delayed:
            visible += 1
    counts = {"approximate_number_of_messages": visible, "approximate_number_of_messages_delayed": delayed,
              "approximate_number_of_messages_not_visible": not_visible}
    queue.__dict__["_devstack_counts"] = (wall, counts)
    return counts


def _forget_counts(queue: Any) -> None:
    queue.__dict__.pop("_devstack_counts", None)


def _attribute_value(value: Any, b64: Any) -> Any:
    """An AttributeValue in DynamoDB's JSON, or None for anything moto's serializer should see."""
    if type(value) is not dict:
        return None
    out: dict[str, Any] = {}
    for kind, v in value.items():
        if v is None:
            continue
        if kind in ("S", "N"):
            out[kind] = v if v in ([], {}) else str(v)
        elif kind in ("NULL", "BOOL"):
            out[kind] = v
        elif kind == "B":
            out[kind] = b64(v)
        elif kind in ("SS", "NS") and type(v) is list:
            out[kind] = [str(x) for x in v]
        elif kind == "BS" and type(v) is list:
            out[kind] = [b64(x) for x in v]
        elif kind == "M" and type(v) is dict:
            members = {k: _attribute_value(x, b64) for k, x in v.items()}
            if any(x is None for x in members.values()):
                return None
            out[kind] = members
        elif kind == "L" and type(v) is list:
            items = [_attribute_value(x, b64) for x in v]
            if any(x is None for x in items):
                return None
            out[kind] = items
        else:
            return None
    return out


def _fast_attribute_values() -> None:
    from moto.core.serialize import BaseJSONSerializer

    generic = BaseJSONSerializer._serialize_type_structure

    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if shape.name == "AttributeValue":
            wire = _attribute_value(value, self._base64)
            if wire is not None:
                self._default_serialize(serialized, wire, shape, key)
                return
        generic(self, serialized, value, shape, key)

    setattr(BaseJSONSerializer, "_serialize_type_structure", serialize_structure)  # noqa: B010


def apply() -> None:
    from moto.sqs import models
    from moto.sqs.exceptions import ReceiptHandleIsInvalid

    queue_cls, backend_cls = models.Queue, models.SQSBackend
    if getattr(queue_cls, "_devstack_speedups", False):
        return

    def count(name: str) -> property:
        return property(lambda self: _counts(self)[name])

    for name in _COUNT_NAMES:
        setattr(queue_cls, name, count(name))

    def messages(self: Any) -> list[Any]:
        now = _now_ms()
        return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]

    setattr(queue_cls, "messages", property(messages))  # noqa: B010 (mypy: a property)

    def delete_message(self: Any, receipt_handle: str) -> None:
        if receipt_handle in self.deleted_messages:
            return  # deleting twice is fine, as in moto and SQS
        for i, message in enumerate(self._messages):
            if message.had_receipt_handle(receipt_handle):
                del self._messages[i]
                self.pending_messages.discard(message)
                self.deleted_messages.update(message.all_receipt_handles)
                _forget_counts(self)
                return
        raise ReceiptHandleIsInvalid()

    setattr(queue_cls, "delete_message", delete_message)  # noqa: B010

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention_s = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention_s + message.sent_timestamp / 1000 > _now_ms() / 1000)

    setattr(backend_cls, "is_message_valid_based_on_retention_period",  # noqa: B010
            is_message_valid_based_on_retention_period)
    _fast_attribute_values()
    setattr(queue_cls, "_devstack_speedups", True)  # noqa: B010
