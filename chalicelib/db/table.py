"""The table gateway: every read and write of the main table goes through one of these.

`Table` is the interface the store's repositories (and nothing above `db/`) use. It speaks
PynamoDB's own vocabulary (model classes, items, condition and update expressions), and turns
DynamoDB's failure modes into values: a write whose condition did not hold returns False
instead of raising, so no caller checks `ConditionalCheckFailedException` itself.

Two implementations:
- `DynamoTable`: PynamoDB on DynamoDB (moto in tests and the local stack).
- `MemoryTable` (db/memory.py): an in-memory table with the same semantics, including
  conditions and atomic updates, for service tests that are not about DynamoDB.

`table()` is the process's table, built lazily on first use (as Chalice's `get_app_db()`);
tests swap it with `use_table()`.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.indexes import Index
from pynamodb.models import Model

M = TypeVar("M", bound=Model)


@dataclass
class QueryPage:
    """Items of one query, and the key to start the next one from (None at the end)."""

    items: list[Any]
    last_evaluated_key: dict | None
    scanned: int = 0


@dataclass
class Tx:
    """A transaction: every condition holds and every write is made, or nothing is."""

    puts: list[tuple[Model, Any]] = field(default_factory=list)
    updates: list[tuple[Model, list, Any]] = field(default_factory=list)
    deletes: list[tuple[Model, Any]] = field(default_factory=list)
    checks: list[tuple[type[Model], str, str, Any]] = field(default_factory=list)

    def put(self, item: Model, condition: Any = None) -> Tx:
        self.puts.append((item, condition))
        return self

    def update(self, item: Model, actions: list, condition: Any = None) -> Tx:
        self.updates.append((item, actions, condition))
        return self

    def delete(self, item: Model, condition: Any = None) -> Tx:
        self.deletes.append((item, condition))
        return self

    def check(self, model: type[Model], pk: str, sk: str, condition: Any) -> Tx:
        self.checks.append((model, pk, sk, condition))
        return self


@dataclass
class TxOutcome:
    """`ok`, or which operations' conditions failed (their positions, in the order puts,
    updates, deletes, checks were added)."""

    ok: bool
    failed: tuple[int, ...] = ()


class Table(Protocol):
    def get(self, model: type[M], pk: str, sk: str, consistent: bool = False) -> M | None: ...

    def batch_get(self, model: type[M], keys: Iterable[tuple[str, str]]) -> list[M]: ...

    def put(self, item: Model, condition: Any = None) -> bool: ...

    def update(self, item: Model, actions: Sequence[Any], condition: Any = None) -> bool: ...

    def delete(self, item: Model, condition: Any = None) -> bool: ...

    def batch_write(self, puts: Iterable[Model] = (), deletes: Iterable[Model] = ()) -> None: ...

    def transact(self, tx: Tx) -> TxOutcome: ...

    def query(self, source: type[Model] | Index, hash_key: str, range_key_condition: Any = None, *,
              filter_condition: Any = None, forward: bool = True, limit: int | None = None,
              start: dict | None = None, page_size: int | None = None,
              one_request: bool = False) -> QueryPage: ...

    def count(self, source: type[Model] | Index, hash_key: str, range_key_condition: Any = None) -> int: ...

    # Items in DynamoDB's own form ({"attr": {"S": ...}}), for the bulk paths (the results
    # importer) where building a model per row costs more than the write: only repositories
    # build such items.
    def read_raw(self, model: type[Model], keys: Sequence[tuple[str, str]], fields: Sequence[str],
                 consistent: bool = False) -> list[Raw]: ...

    def put_raw(self, model: type[Model], item: Raw, condition: Any = None,
                old: bool = False) -> tuple[bool, Raw | None]: ...

    def delete_raw(self, model: type[Model], pk: str, sk: str, condition: Any = None) -> bool: ...


Raw = dict[str, dict[str, Any]]


def _failed(err: Exception) -> bool:
    return getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoTable:
    """PynamoDB on DynamoDB."""

    def __init__(self) -> None:
        self._fast: list[Any] = []  # [the adapter's client, ours made from it]

    def raw_client(self) -> Any:
        """The adapter's DynamoDB client without client-side parameter validation (DynamoDB
        validates every request anyway; botocore's walk of each request was ~10% of a results
        ingest). Made again whenever the adapter's client is (tests switch moto modes)."""
        from botocore.config import Config

        from ..adapters.aws import client, new_client

        base = client("dynamodb")
        if not self._fast or self._fast[0] is not base:
            self._fast[:] = [base, new_client("dynamodb", Config(parameter_validation=False))]
        return self._fast[1]

    def read_raw(self, model: type[Model], keys: Sequence[tuple[str, str]], fields: Sequence[str],
                 consistent: bool = False) -> list[Raw]:
        """The items at these keys (absent ones left out) with only `fields`, in pages of 100.
        When no two keys of a page share a partition key, the sort key is not read back (the
        partition key says which key an item is). `AttributesToGet` rather than a projection:
        the same read for DynamoDB, but moto rebuilds the whole item once per expression path."""
        import time

        name = model.Meta.table_name
        ddb = self.raw_client()
        out: list[Raw] = []
        for start in range(0, len(keys), 100):
            page = keys[start:start + 100]
            by_pk = {pk: sk for pk, sk in page}
            wanted = [f for f in fields if f != "sk"] if len(by_pk) == len(page) else list(fields)
            request: dict[str, Any] = {name: {
                "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in page], "AttributesToGet": wanted,
                "ConsistentRead": consistent}}
            attempt = 0
            while request:
                resp = ddb.batch_get_item(RequestItems=request)
                items = resp.get("Responses", {}).get(name, [])
                if "sk" not in wanted:
                    for item in items:
                        item["sk"] = {"S": by_pk[item["pk"]["S"]]}
                out.extend(items)
                request = resp.get("UnprocessedKeys") or {}
                if request:
                    if attempt >= 8:
                        raise RuntimeError("DynamoDB left items unprocessed after retries")
                    time.sleep(min(0.05 * 2 ** attempt, 2.0))
                    attempt += 1
        return out

    def put_raw(self, model: type[Model], item: Raw, condition: Any = None,
                old: bool = False) -> tuple[bool, Raw | None]:
        """Put the item if the condition holds: (written, the item it replaced if `old`)."""
        extra = _expression(condition)
        if old:
            extra["ReturnValues"] = "ALL_OLD"
        try:
            resp = self.raw_client().put_item(TableName=model.Meta.table_name, Item=item, **extra)
        except Exception as err:
            if _client_failed(err):
                return False, None
            raise
        return True, resp.get("Attributes") if old else None

    def delete_raw(self, model: type[Model], pk: str, sk: str, condition: Any = None) -> bool:
        try:
            self.raw_client().delete_item(TableName=model.Meta.table_name,
                                          Key={"pk": {"S": pk}, "sk": {"S": sk}}, **_expression(condition))
        except Exception as err:
            if _client_failed(err):
                return False
            raise
        return True

    def get(self, model: type[M], pk: str, sk: str, consistent: bool = False) -> M | None:
        try:
            return model.get(pk, sk, consistent_read=consistent)
        except DoesNotExist:
            return None

    def batch_get(self, model: type[M], keys: Iterable[tuple[str, str]]) -> list[M]:
        unique = list(dict.fromkeys(keys))
        return list(model.batch_get(unique)) if unique else []

    def put(self, item: Model, condition: Any = None) -> bool:
        try:
            item.save(condition=condition)
        except PutError as err:
            if _failed(err):
                return False
            raise
        return True

    def update(self, item: Model, actions: Sequence[Any], condition: Any = None) -> bool:
        try:
            item.update(actions=list(actions), condition=condition)
        except UpdateError as err:
            if _failed(err):
                return False
            raise
        return True

    def delete(self, item: Model, condition: Any = None) -> bool:
        try:
            item.delete(condition=condition)
        except DeleteError as err:
            if _failed(err):
                return False
            raise
        return True

    def batch_write(self, puts: Iterable[Model] = (), deletes: Iterable[Model] = ()) -> None:
        puts, deletes = list(puts), list(deletes)
        model = type((puts or deletes)[0]) if (puts or deletes) else None
        if model is None:
            return
        with model.batch_write() as batch:
            for item in puts:
                batch.save(item)
            for item in deletes:
                batch.delete(item)

    def transact(self, tx: Tx) -> TxOutcome:
        from pynamodb.transactions import TransactWrite

        from .models.base import transaction_connection

        try:
            with TransactWrite(connection=transaction_connection()) as t:
                for item, cond in tx.puts:
                    t.save(item, condition=cond)
                for item, actions, cond in tx.updates:
                    t.update(item, actions=actions, condition=cond)
                for item, cond in tx.deletes:
                    t.delete(item, condition=cond)
                for model, pk, sk, cond in tx.checks:
                    t.condition_check(model, pk, sk, condition=cond)
        except TransactWriteError as err:
            reasons = getattr(err, "cancellation_reasons", None) or []
            # DynamoDB reports reasons in the order PynamoDB sends: checks, deletes, puts, updates.
            p, u, d = len(tx.puts), len(tx.updates), len(tx.deletes)
            ours = ([p + u + d + i for i in range(len(tx.checks))] + [p + u + i for i in range(d)]
                    + list(range(p)) + [p + i for i in range(u)])
            failed = tuple(sorted(ours[i] for i, r in enumerate(reasons)
                                  if r is not None and r.code == "ConditionalCheckFailed"))
            if failed:
                return TxOutcome(False, failed)
            raise
        return TxOutcome(True)

    def query(self, source: type[Model] | Index, hash_key: str, range_key_condition: Any = None, *,
              filter_condition: Any = None, forward: bool = True, limit: int | None = None,
              start: dict | None = None, page_size: int | None = None,
              one_request: bool = False) -> QueryPage:
        results = source.query(hash_key, range_key_condition, filter_condition=filter_condition,
                               scan_index_forward=forward, limit=limit, last_evaluated_key=start,
                               page_size=page_size or limit)
        if one_request:
            raw = next(results.page_iter, None) or {}
            model = source if isinstance(source, type) else source._model
            items = [model.from_raw_data(row) for row in raw.get("Items", [])]
            return QueryPage(items, raw.get("LastEvaluatedKey"), int(raw.get("ScannedCount", 0)))
        items = list(results)
        return QueryPage(items, results.last_evaluated_key, len(items))

    def count(self, source: type[Model] | Index, hash_key: str, range_key_condition: Any = None) -> int:
        """How many items a query would give (Select=COUNT: no item leaves DynamoDB)."""
        return int(source.count(hash_key, range_key_condition))


def _expression(condition: Any) -> dict[str, Any]:
    """A PynamoDB condition as the low-level client's parameters."""
    if condition is None:
        return {}
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    out: dict[str, Any] = {"ConditionExpression": condition.serialize(names, values),
                           "ExpressionAttributeNames": {v: k for k, v in names.items()}}
    if values:
        out["ExpressionAttributeValues"] = values
    return out


def _client_failed(err: Exception) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(err, ClientError) and err.response.get("Error", {}).get("Code") == \
        "ConditionalCheckFailedException"


_lock = threading.Lock()
_table: Table | None = None


def table() -> Table:
    """The process's table: DynamoDB, unless a test has put another in its place."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = DynamoTable()
    return _table


def use_table(replacement: Table | None) -> None:
    """Put `replacement` in place of the process's table (None: back to DynamoDB on next use)."""
    global _table
    _table = replacement
