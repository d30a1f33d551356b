"""An in-memory table with DynamoDB's semantics, for service tests that are not about DynamoDB.

It keeps items in their DynamoDB form ({"attr": {"S": "..."}}) and evaluates PynamoDB's own
condition and update expressions against them, so a service runs unchanged on it: conditional
writes refuse as DynamoDB would, an update is atomic (one lock for the table, as DynamoDB is
atomic per item), a transaction applies all or nothing, queries read a partition or an index
in key order with the same paging keys. What it leaves out: capacity, item size limits, and
eventual consistency of indexes (reads here are always current).
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from pynamodb.expressions import condition as c
from pynamodb.expressions import operand as o
from pynamodb.expressions import update as u
from pynamodb.indexes import Index
from pynamodb.models import Model

from .table import QueryPage, Tx, TxOutcome

M = TypeVar("M", bound=Model)
Raw = dict[str, dict[str, Any]]
_MISSING: dict[str, Any] = {}


class MemoryTable:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Raw] = {}
        self._lock = threading.RLock()
        self.calls = 0  # every call counts one request, as DynamoDB bills them

    # ------------------------------------------------------------ reads
    def get(self, model: type[M], pk: str, sk: str, consistent: bool = False) -> M | None:
        with self._lock:
            self.calls += 1
            raw = self.items.get((pk, sk))
            return model.from_raw_data(copy.deepcopy(raw)) if raw is not None else None

    def batch_get(self, model: type[M], keys: Iterable[tuple[str, str]]) -> list[M]:
        with self._lock:
            self.calls += 1
            found = [self.items.get(k) for k in dict.fromkeys(keys)]
            return [model.from_raw_data(copy.deepcopy(r)) for r in found if r is not None]

    def query(self, source: type[Model] | Index, hash_key: str, range_key_condition: Any = None, *,
              filter_condition: Any = None, forward: bool = True, limit: int | None = None,
              start: dict | None = None, page_size: int | None = None,
              one_request: bool = False) -> QueryPage:
        if isinstance(source, type):
            model, hash_name, range_name = source, "pk", "sk"
            key_names: tuple[str, ...] = ("pk", "sk")
        else:
            model = source._model
            attrs = source.Meta.attributes.values()  # type: ignore[attr-defined]
            hash_name = next(a.attr_name for a in attrs if a.is_hash_key)
            range_name = next(a.attr_name for a in attrs if a.is_range_key)
            key_names = ("pk", "sk", hash_name, range_name)
        with self._lock:
            self.calls += 1
            rows = [r for r in self.items.values()
                    if r.get(hash_name) == {"S": hash_key} and range_name in r
                    and (range_key_condition is None or _holds(range_key_condition, r))]
            rows.sort(key=lambda r: (_sortable(r[range_name]), r["pk"]["S"], r["sk"]["S"]),
                      reverse=not forward)
            if start:
                wanted = (start.get("pk"), start.get("sk"))
                at = next((i for i, r in enumerate(rows) if (r["pk"], r["sk"]) == wanted), None)
                rows = rows[at + 1:] if at is not None else []
            out: list[Any] = []
            scanned = 0
            last: Raw | None = None
            per_request = page_size or limit
            for row in rows:
                if limit is not None and len(out) >= limit:
                    break
                if one_request and per_request and scanned >= per_request:
                    break
                scanned += 1
                last = row
                if filter_condition is None or _holds(filter_condition, row):
                    out.append(model.from_raw_data(copy.deepcopy(row)))
            more = last is not None and rows.index(last) < len(rows) - 1
            lek = {k: copy.deepcopy(last[k]) for k in key_names if k in last} if more and last else None
            return QueryPage(out, lek, scanned)

    def count(self, source: type[Model] | Index, hash_key: str, range_key_condition: Any = None) -> int:
        return len(self.query(source, hash_key, range_key_condition).items)

    # ------------------------------------------------------------ writes
    def put(self, item: Model, condition: Any = None) -> bool:
        with self._lock:
            self.calls += 1
            key = _key(item)
            if condition is not None and not _holds(condition, self.items.get(key, _MISSING)):
                return False
            self.items[key] = item.serialize()
            return True

    def update(self, item: Model, actions: Sequence[Any], condition: Any = None) -> bool:
        with self._lock:
            self.calls += 1
            key = _key(item)
            current = self.items.get(key)
            if condition is not None and not _holds(condition, current or _MISSING):
                return False
            new = copy.deepcopy(current) if current is not None else {"pk": {"S": key[0]},
                                                                          "sk": {"S": key[1]}}
            for action in actions:
                _apply(action, new)
            self.items[key] = new
            item.deserialize(copy.deepcopy(new))
            return True

    def delete(self, item: Model, condition: Any = None) -> bool:
        with self._lock:
            self.calls += 1
            key = _key(item)
            if condition is not None and not _holds(condition, self.items.get(key, _MISSING)):
                return False
            self.items.pop(key, None)
            return True

    def batch_write(self, puts: Iterable[Model] = (), deletes: Iterable[Model] = ()) -> None:
        with self._lock:
            self.calls += 1
            for item in puts:
                self.items[_key(item)] = item.serialize()
            for item in deletes:
                self.items.pop(_key(item), None)

    def transact(self, tx: Tx) -> TxOutcome:
        with self._lock:
            self.calls += 1
            conds = ([(_key(i), cond) for i, cond in tx.puts]
                     + [(_key(i), cond) for i, _, cond in tx.updates]
                     + [(_key(i), cond) for i, cond in tx.deletes]
                     + [((pk, sk), cond) for _, pk, sk, cond in tx.checks])
            failed = tuple(n for n, (key, cond) in enumerate(conds)
                           if cond is not None and not _holds(cond, self.items.get(key, _MISSING)))
            if failed:
                return TxOutcome(False, failed)
            calls = self.calls
            for item, _ in tx.puts:
                self.put(item)
            for item, actions, _ in tx.updates:
                self.update(item, actions)
            for item, _ in tx.deletes:
                self.delete(item)
            self.calls = calls
            return TxOutcome(True)


    # ------------------------------------------------------------ raw items
    def read_raw(self, model: type[Model], keys: Sequence[tuple[str, str]], fields: Sequence[str],
                 consistent: bool = False) -> list[Raw]:
        with self._lock:
            self.calls += 1
            found = [self.items.get(k) for k in dict.fromkeys(keys)]
            return [{f: copy.deepcopy(r[f]) for f in fields if f in r} for r in found if r is not None]

    def put_raw(self, model: type[Model], item: Raw, condition: Any = None,
                old: bool = False) -> tuple[bool, Raw | None]:
        with self._lock:
            self.calls += 1
            key = (item["pk"]["S"], item["sk"]["S"])
            current = self.items.get(key)
            if condition is not None and not _holds(condition, current or _MISSING):
                return False, None
            self.items[key] = copy.deepcopy(item)
            return True, copy.deepcopy(current) if old and current is not None else None

    def delete_raw(self, model: type[Model], pk: str, sk: str, condition: Any = None) -> bool:
        with self._lock:
            self.calls += 1
            if condition is not None and not _holds(condition, self.items.get((pk, sk), _MISSING)):
                return False
            self.items.pop((pk, sk), None)
            return True


def _key(item: Model) -> tuple[str, str]:
    return item.pk, item.sk  # type: ignore[attr-defined]


# ---------------------------------------------------------------- values
def _sortable(value: dict[str, Any]) -> Any:
    if "N" in value:
        return Decimal(value["N"])
    return next(iter(value.values()))


def _resolve(operand: Any, raw: Raw) -> dict[str, Any] | None:
    """An operand's value in DynamoDB form, or None when the attribute is missing."""
    if isinstance(operand, o.Value):
        return operand.value
    if isinstance(operand, o.Path):
        return _lookup(raw, operand.path)
    if isinstance(operand, o._Size):
        found = _resolve(operand.values[0], raw)
        return None if found is None else {"N": str(len(next(iter(found.values()))))}
    if isinstance(operand, o._IfNotExists):
        found = _resolve(operand.values[0], raw)
        return found if found is not None else _resolve(operand.values[1], raw)
    if isinstance(operand, (o._Increment, o._Decrement)):
        lhs, rhs = (_resolve(v, raw) for v in operand.values)
        if lhs is None or rhs is None:
            raise ValueError("an arithmetic operand of an update does not exist")
        sign = 1 if isinstance(operand, o._Increment) else -1
        return {"N": str(Decimal(lhs["N"]) + sign * Decimal(rhs["N"]))}
    if isinstance(operand, o._ListAppend):
        lhs, rhs = (_resolve(v, raw) for v in operand.values)
        return {"L": [*(lhs or {"L": []})["L"], *(rhs or {"L": []})["L"]]}
    if isinstance(operand, dict):  # PynamoDB keeps some right-hand values already serialised
        return operand
    raise NotImplementedError(f"operand {type(operand).__name__}")


def _lookup(raw: Raw, path: list[str]) -> dict[str, Any] | None:
    node: Any = {"M": raw}
    for segment in path:
        name, _, index = segment.partition("[")
        node = node.get("M", {}).get(name) if isinstance(node, dict) else None
        if node is None:
            return None
        if index:
            items = node.get("L", [])
            i = int(index.rstrip("]"))
            node = items[i] if i < len(items) else None
            if node is None:
                return None
    return node


def _compare(op: str, a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return op == "<>" and (a is None) != (b is None)
    if op in ("=", "<>"):
        equal = (_sortable(a) == _sortable(b)) if ("N" in a and "N" in b) else a == b
        return equal if op == "=" else not equal
    if next(iter(a)) != next(iter(b)) or next(iter(a)) not in ("S", "N", "B"):
        return False
    x, y = _sortable(a), _sortable(b)
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _holds(cond: Any, raw: Raw) -> bool:
    op, values = cond.operator, cond.values
    if isinstance(cond, c.And):
        return _holds(values[0], raw) and _holds(values[1], raw)
    if isinstance(cond, c.Or):
        return _holds(values[0], raw) or _holds(values[1], raw)
    if isinstance(cond, c.Not):
        return not _holds(values[0], raw)
    if isinstance(cond, c.Exists):
        return _resolve(values[0], raw) is not None
    if isinstance(cond, c.NotExists):
        return _resolve(values[0], raw) is None
    if isinstance(cond, c.Comparison):
        return _compare(op, _resolve(values[0], raw), _resolve(values[1], raw))
    if isinstance(cond, c.Between):
        x, lo, hi = (_resolve(v, raw) for v in values)
        return _compare(">=", x, lo) and _compare("<=", x, hi)
    if isinstance(cond, c.In):
        x = _resolve(values[0], raw)
        return any(_compare("=", x, _resolve(v, raw)) for v in values[1:])
    if isinstance(cond, c.BeginsWith):
        x, prefix = _resolve(values[0], raw), _resolve(values[1], raw)
        return x is not None and prefix is not None and "S" in x and x["S"].startswith(prefix["S"])
    if isinstance(cond, c.Contains):
        x, part = _resolve(values[0], raw), _resolve(values[1], raw)
        if x is None or part is None:
            return False
        if "S" in x:
            return "S" in part and part["S"] in x["S"]
        if "L" in x:
            return part in x["L"]
        kind = next(iter(x))
        return kind in ("SS", "NS", "BS") and next(iter(part.values())) in x[kind]
    if isinstance(cond, c.IsType):
        x = _resolve(values[0], raw)
        return x is not None and next(iter(x)) == _resolve(values[1], raw)["S"]  # type: ignore[index]
    raise NotImplementedError(f"condition {op}")


def _apply(action: Any, raw: Raw) -> None:
    path = action.values[0].path
    if len(path) != 1 or "[" in path[0]:
        raise NotImplementedError("updates of nested attributes")
    name = path[0]
    if isinstance(action, u.RemoveAction):
        raw.pop(name, None)
    elif isinstance(action, u.SetAction):
        value = _resolve(action.values[1], raw)
        if value is not None:
            raw[name] = copy.deepcopy(value)
    elif isinstance(action, u.AddAction):
        value = _resolve(action.values[1], raw)
        assert value is not None
        current = raw.get(name)
        if "N" in value:
            base = Decimal(current["N"]) if current else Decimal(0)
            raw[name] = {"N": str(base + Decimal(value["N"]))}
        else:
            kind = next(iter(value))
            merged = set(current[kind]) if current else set()
            raw[name] = {kind: sorted(merged | set(value[kind]))}
    elif isinstance(action, u.DeleteAction):
        value = _resolve(action.values[1], raw)
        current = raw.get(name)
        if current and value:
            kind = next(iter(value))
            left = set(current[kind]) - set(value[kind])
            if left:
                raw[name] = {kind: sorted(left)}
            else:
                raw.pop(name)
    else:
        raise NotImplementedError(f"update {type(action).__name__}")
