"""The event pump: SQS -> the Chalice event handlers, and the schedules, as Lambda would.

* SQS handlers are discovered from `app.event_sources` (`SQSEventConfig`: queue, batch size,
  handler name). Each is called with the Lambda SQS event dict and a Lambda-like context.
  A normal return deletes every message except those named in a returned
  `{"batchItemFailures": [{"itemIdentifier": <messageId>}]}` (ReportBatchItemFailures; an
  identifier that is not in the batch fails the whole batch, as on Lambda). An exception
  deletes none: they come back after the visibility timeout and, after
  `resources.MAX_RECEIVE_COUNT` receives, SQS's redrive moves them to the DLQ.
* Scheduled handlers (`ScheduledEventConfig`) run at their rate, or every
  `$SCHEDULE_SECONDS` when set.

For in-process tests under `moto.mock_aws`: `drain(app_module)` and `run_schedules(app_module)`.
"""
from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("devstack.pump")

ACCOUNT_ID = "123456789012"  # moto's default account
DEFAULT_MEMORY_MB = 128
DEFAULT_TIMEOUT_S = 60
_UNIT_SECONDS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


# ------------------------------------------------------------------ Lambda context
class LambdaContext:
    """What Lambda passes as `context` (the parts handlers and Powertools read)."""

    def __init__(self, function_name: str, region: str, memory_mb: int = DEFAULT_MEMORY_MB,
                 timeout_s: int = DEFAULT_TIMEOUT_S) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{dt.date.today():%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# ------------------------------------------------------------------ discovery
@dataclass
class SqsBinding:
    name: str  # the handler's name, e.g. "on_upload"
    queue: str
    batch_size: int
    handler: Callable[[dict[str, Any], Any], Any]
    function_name: str


@dataclass
class ScheduleBinding:
    name: str
    expression: str
    period_seconds: float | None  # None: a cron expression (see `cron_matches`)
    handler: Callable[[dict[str, Any], Any], Any]
    function_name: str
    rule_arn: str = ""


@dataclass
class Bindings:
    sqs: list[SqsBinding] = field(default_factory=list)
    schedules: list[ScheduleBinding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # event sources the pump cannot drive


def _chalice_app(app_module: Any) -> Any:
    """`app_module` is the module holding `app`, or the Chalice app itself."""
    from chalice import Chalice

    if isinstance(app_module, Chalice):
        return app_module
    app = getattr(app_module, "app", None)
    if not isinstance(app, Chalice):
        raise TypeError(f"{app_module!r} has no Chalice `app`")
    return app


def _handler(app_module: Any, app: Any, name: str, handler_string: str) -> Callable[..., Any]:
    # What Lambda calls is the module attribute named in the handler string (the wrapped
    # EventSourceHandler); `app.handler_map` holds the same object, blueprints included.
    handler = app.handler_map.get(name)
    if handler is None:
        handler = getattr(app_module, handler_string.rsplit(".", 1)[-1], None)
    if handler is None or not callable(handler):
        raise LookupError(f"no handler object for {handler_string}")
    return handler  # type: ignore[no-any-return]


def schedule_period(expression: Any) -> float | None:
    """Seconds between runs of a rate expression; None for a cron expression."""
    from chalice.app import Rate

    if isinstance(expression, Rate):
        return float(expression.value * _UNIT_SECONDS[expression.unit.lower()])
    text = expression.to_string() if hasattr(expression, "to_string") else str(expression)
    m = re.fullmatch(r"\s*rate\(\s*(\d+)\s+(\w+)\s*\)\s*", text)
    if m and m.group(2).lower() in _UNIT_SECONDS:
        return float(int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()])
    return None


def discover(app_module: Any, region: str | None = None) -> Bindings:
    from chalice.app import CloudWatchEventConfig, ScheduledEventConfig, SQSEventConfig

    app = _chalice_app(app_module)
    region = region or _region()
    stage = os.environ.get("STAGE", "local")
    out = Bindings()
    for source in app.event_sources:
        function_name = f"{app.app_name}-{stage}-{source.name}"
        if isinstance(source, SQSEventConfig):
            queue = source.queue or (source.queue_arn or "").rsplit(":", 1)[-1]
            out.sqs.append(SqsBinding(
                name=source.name, queue=queue, batch_size=max(1, min(10, source.batch_size)),
                handler=_handler(app_module, app, source.name, source.handler_string),
                function_name=function_name,
            ))
        elif isinstance(source, ScheduledEventConfig):
            expr = source.schedule_expression
            text = expr if isinstance(expr, str) else expr.to_string()
            out.schedules.append(ScheduleBinding(
                name=source.name, expression=text, period_seconds=schedule_period(expr),
                handler=_handler(app_module, app, source.name, source.handler_string),
                function_name=function_name,
                rule_arn=f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{function_name}-event",
            ))
        elif isinstance(source, CloudWatchEventConfig):
            out.skipped.append(f"{source.name} (CloudWatch event pattern: not generated locally)")
        else:
            out.skipped.append(f"{source.name} ({type(source).__name__}: not supported locally)")
    return out


def _region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "eu-west-1"


# ------------------------------------------------------------------ SQS -> Lambda event
def _lambda_message_attributes(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in (attrs or {}).items():
        item: dict[str, Any] = {
            "stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType", "String"),
        }
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            raw = value["BinaryValue"]
            item["binaryValue"] = base64.b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode()
        out[name] = item
    return out


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS poller hands to the function, from ReceiveMessage's reply."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m.get("Body", ""),
                "attributes": dict(m.get("Attributes", {})),
                "messageAttributes": _lambda_message_attributes(m.get("MessageAttributes", {})),
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def scheduled_event(binding: ScheduleBinding, region: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [binding.rule_arn],
        "detail": {},
    }


def failed_ids(result: Any, batch_ids: list[str]) -> set[str]:
    """Message ids to keep from a handler's return value (ReportBatchItemFailures)."""
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return set()
    ids = set()
    for item in result["batchItemFailures"]:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not ident or ident not in batch_ids:
            # Lambda treats a malformed or unknown identifier as a failure of the whole batch.
            log.warning("batchItemFailures has an invalid itemIdentifier %r: whole batch fails", ident)
            return set(batch_ids)
        ids.add(ident)
    return ids


@dataclass
class _Queue:
    binding: SqsBinding
    url: str
    arn: str


def _resolve_queues(sqs: Any, bindings: list[SqsBinding]) -> list[_Queue]:
    from botocore.exceptions import ClientError

    out = []
    for b in bindings:
        try:
            url = sqs.get_queue_url(QueueName=b.queue)["QueueUrl"]
        except ClientError as exc:
            log.warning("queue %s for handler %s not found: %s", b.queue, b.name, exc)
            continue
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        out.append(_Queue(b, url, arn))
    return out


def _receive(sqs: Any, q: _Queue, wait_seconds: int, visibility: int | None = None) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {
        "QueueUrl": q.url,
        "MaxNumberOfMessages": q.binding.batch_size,
        "WaitTimeSeconds": wait_seconds,
        "AttributeNames": ["All"],
        "MessageAttributeNames": ["All"],
    }
    if visibility is not None:
        kwargs["VisibilityTimeout"] = visibility
    return list(sqs.receive_message(**kwargs).get("Messages", []))


def deliver(sqs: Any, q: _Queue, messages: list[dict[str, Any]], region: str) -> list[dict[str, Any]]:
    """Invoke the handler with one batch; delete what succeeded; return the failed messages."""
    event = sqs_event(messages, q.arn, region)
    context = LambdaContext(q.binding.function_name, region)
    ids = [m["MessageId"] for m in messages]
    try:
        result = q.binding.handler(event, context)
    except Exception:
        log.exception("handler %s raised on a batch of %d from %s: the messages will be retried",
                      q.binding.name, len(messages), q.binding.queue)
        return messages
    failed = failed_ids(result, ids)
    done = [m for m in messages if m["MessageId"] not in failed]
    for start in range(0, len(done), 10):
        chunk = done[start:start + 10]
        sqs.delete_message_batch(
            QueueUrl=q.url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
        )
    log.info("handler %s: %d message(s) from %s, %d done, %d failed",
             q.binding.name, len(messages), q.binding.queue, len(done), len(failed))
    return [m for m in messages if m["MessageId"] in failed]


def _sqs_client(sqs_client: Any) -> Any:
    if sqs_client is not None:
        return sqs_client
    import boto3

    return boto3.client("sqs", region_name=_region(), endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)


# ------------------------------------------------------------------ test helpers
def drain(app_module: Any, sqs_client: Any = None, max_rounds: int = 50) -> int:
    """Deliver every SQS queue's messages to its handler until all queues are empty, without
    waiting. A round hands every visible message to its handler once; failed messages are
    made visible again at the end of the round, so retries and the DLQ redrive (after
    MAX_RECEIVE_COUNT receives) happen within a few rounds. Returns the handler invocations."""
    sqs = _sqs_client(sqs_client)
    region = sqs.meta.region_name or _region()
    queues = _resolve_queues(sqs, discover(app_module, region).sqs)
    invocations = 0
    for _ in range(max_rounds):
        failed: list[tuple[_Queue, dict[str, Any]]] = []
        delivered = False
        progress = True
        while progress:  # messages sent by one handler to another queue go in the same round
            progress = False
            for q in queues:
                while True:
                    # Hold what is received invisible for the rest of the round.
                    messages = _receive(sqs, q, wait_seconds=0, visibility=300)
                    if not messages:
                        break
                    invocations += 1
                    delivered = progress = True
                    failed.extend((q, m) for m in deliver(sqs, q, messages, region))
        for q, m in failed:
            _make_visible(sqs, q, m)
        if not delivered:
            return invocations
    log.warning("drain stopped after %d rounds with messages left", max_rounds)
    return invocations


def _make_visible(sqs: Any, q: _Queue, message: dict[str, Any]) -> None:
    """Let a failed message be received again now. A round that outlasts the visibility it was
    received with (a long test on a loaded machine) may have received it again already: its old
    receipt handle is then no longer valid, and the message is where it should be."""
    from botocore.exceptions import ClientError

    try:
        sqs.change_message_visibility(QueueUrl=q.url, ReceiptHandle=message["ReceiptHandle"],
                                      VisibilityTimeout=0)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") != "ReceiptHandleIsInvalid":
            raise


def run_schedules(app_module: Any) -> int:
    """Call each scheduled handler once (exceptions propagate). Returns how many ran."""
    region = _region()
    bindings = discover(app_module, region).schedules
    for b in bindings:
        b.handler(scheduled_event(b, region), LambdaContext(b.function_name, region))
    return len(bindings)


# ------------------------------------------------------------------ cron (AWS 6 fields)
_DOW = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MON = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}


def _field_matches(spec: str, value: int, lo: int, hi: int, names: dict[str, int]) -> bool:
    if spec in ("*", "?"):
        return True
    for part in spec.upper().split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", ""):
            start, end = lo, hi
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = int(names.get(a, a)), int(names.get(b, b))
        else:
            start = int(names.get(part, part))
            end = hi if step > 1 else start
        if start <= value <= end and (value - start) % step == 0:
            return True
    return False


def cron_matches(expression: str, when: dt.datetime) -> bool:
    """Whether `cron(min hour dom month dow year)` (UTC) fires in the minute `when`.
    L, W and # are not supported locally (they never match)."""
    m = re.fullmatch(r"\s*cron\((.*)\)\s*", expression)
    if not m:
        return False
    fields = m.group(1).split()
    if len(fields) != 6 or any(c in m.group(1) for c in "LW#"):
        return False
    minute, hour, dom, month, dow, year = fields
    aws_dow = (when.isoweekday() % 7) + 1  # SUN=1 .. SAT=7
    return (
        _field_matches(minute, when.minute, 0, 59, {})
        and _field_matches(hour, when.hour, 0, 23, {})
        and _field_matches(dom, when.day, 1, 31, {})
        and _field_matches(month, when.month, 1, 12, _MON)
        and _field_matches(dow, aws_dow, 1, 7, _DOW)
        and _field_matches(year, when.year, 1970, 2199, {})
    )


# ------------------------------------------------------------------ the running pump
class Pump:
    """Threads: one long-polling each SQS handler's queue, one for the schedules."""

    def __init__(
        self, app_module: Any, sqs_client: Any = None, schedule_seconds: float | None = None
    ) -> None:
        self.region = _region()
        self.bindings = discover(app_module, self.region)
        self._sqs = _sqs_client(sqs_client)
        env_period = os.environ.get("SCHEDULE_SECONDS")
        self.schedule_seconds = schedule_seconds or (float(env_period) if env_period else None)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for q in _resolve_queues(self._sqs, self.bindings.sqs):
            t = threading.Thread(target=self._poll, args=(q,), name=f"pump-{q.binding.name}", daemon=True)
            t.start()
            self._threads.append(t)
        if self.bindings.schedules:
            t = threading.Thread(target=self._schedules, name="pump-schedules", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def _poll(self, q: _Queue) -> None:
        while not self._stop.is_set():
            try:
                messages = _receive(self._sqs, q, wait_seconds=1)
                if messages and not self._stop.is_set():
                    deliver(self._sqs, q, messages, self.region)
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("polling %s failed", q.binding.queue)
                self._stop.wait(1.0)

    def describe_schedule(self, b: ScheduleBinding) -> str:
        if self.schedule_seconds:
            return f"every {self.schedule_seconds:g}s (SCHEDULE_SECONDS; really {b.expression})"
        if b.period_seconds is None:
            return f"{b.expression} (UTC)"
        return f"every {b.period_seconds:g}s ({b.expression})"

    def _schedules(self) -> None:
        start = time.monotonic()
        next_run = {
            b.name: start + (self.schedule_seconds or b.period_seconds or 0) for b in self.bindings.schedules
        }
        last_cron_minute: dict[str, str] = {}
        while not self._stop.wait(0.2):
            now = time.monotonic()
            for b in self.bindings.schedules:
                if self.schedule_seconds or b.period_seconds is not None:
                    if now < next_run[b.name]:
                        continue
                    next_run[b.name] = now + (self.schedule_seconds or b.period_seconds or 60)
                else:
                    utc = dt.datetime.now(dt.UTC)
                    minute = utc.strftime("%Y%m%d%H%M")
                    if last_cron_minute.get(b.name) == minute or not cron_matches(b.expression, utc):
                        continue
                    last_cron_minute[b.name] = minute
                try:
                    b.handler(scheduled_event(b, self.region), LambdaContext(b.function_name, self.region))
                    log.info("scheduled handler %s ran", b.name)
                except Exception:
                    log.exception("scheduled handler %s raised", b.name)
