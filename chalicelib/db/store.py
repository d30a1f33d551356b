"""The store: the one way services reach the data.

    from ..db.store import store
    db = store()
    template = db.templates.get(org_id, template_id)

- A repository (chalicelib/db/repos/<area>.py) owns its entities' keys, key prefixes, indexes and
  access patterns, and answers in domain terms: `claim(...) -> bool`, `page(...) -> Page`. Nothing
  above `db/` names a key prefix, builds a key, catches a PynamoDB exception, or imports boto3.
- Every repository works through a `Table` (db/table.py): conditional writes come back as
  True/False, transactions as a `TxOutcome`, pages with a sealed cursor (db/paging.py).
- `store()` is built lazily on first use over the process's table (DynamoDB); a service test puts
  an in-memory table in its place (`use_table(MemoryTable())`, tests/conftest.py: `memory_store`)
  and runs the service unchanged, with the repository code in the loop.
"""
from __future__ import annotations

from functools import cached_property

from .repos.api_keys import ApiKeys
from .repos.audit import Audit
from .repos.downloads import Downloads
from .repos.shares import Shares
from .repos.templates import Templates
from .repos.webhooks import Webhooks
from .table import Table, table


class Store:
    def __init__(self, t: Table) -> None:
        self.table = t

    @cached_property
    def api_keys(self) -> ApiKeys:
        return ApiKeys(self.table)

    @cached_property
    def audit(self) -> Audit:
        return Audit(self.table)

    @cached_property
    def downloads(self) -> Downloads:
        return Downloads(self.table)

    @cached_property
    def shares(self) -> Shares:
        return Shares(self.table)

    @cached_property
    def templates(self) -> Templates:
        return Templates(self.table)

    @cached_property
    def webhooks(self) -> Webhooks:
        return Webhooks(self.table)


_store: Store | None = None


def store() -> Store:
    """The process's store, over the process's table (rebuilt when a test swaps the table)."""
    global _store
    current = table()
    if _store is None or _store.table is not current:
        _store = Store(current)
    return _store
