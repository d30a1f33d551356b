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
from .repos.auth import Sessions, Tokens
from .repos.batches import Batches
from .repos.candidates import Candidates
from .repos.centres import Centres
from .repos.checks import Checks
from .repos.credentials import Credentials
from .repos.downloads import Downloads
from .repos.invitations import Invitations
from .repos.limits import Counters
from .repos.mfa import Mfa
from .repos.organisations import Organisations
from .repos.results import Results
from .repos.shares import Shares
from .repos.staff import Staff
from .repos.templates import Templates
from .repos.verifier_users import VerifierUsers
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
    def batches(self) -> Batches:
        return Batches(self.table)

    @cached_property
    def candidates(self) -> Candidates:
        return Candidates(self.table)

    @cached_property
    def centres(self) -> Centres:
        return Centres(self.table)

    @cached_property
    def checks(self) -> Checks:
        return Checks(self.table)

    @cached_property
    def counters(self) -> Counters:
        return Counters(self.table)

    @cached_property
    def credentials(self) -> Credentials:
        return Credentials(self.table)

    @cached_property
    def downloads(self) -> Downloads:
        return Downloads(self.table)

    @cached_property
    def invitations(self) -> Invitations:
        return Invitations(self.table)

    @cached_property
    def mfa(self) -> Mfa:
        return Mfa(self.table)

    @cached_property
    def organisations(self) -> Organisations:
        return Organisations(self.table)

    @cached_property
    def results(self) -> Results:
        return Results(self.table)

    @cached_property
    def sessions(self) -> Sessions:
        return Sessions(self.table)

    @cached_property
    def shares(self) -> Shares:
        return Shares(self.table)

    @cached_property
    def staff(self) -> Staff:
        return Staff(self.table)

    @cached_property
    def templates(self) -> Templates:
        return Templates(self.table)

    @cached_property
    def tokens(self) -> Tokens:
        return Tokens(self.table)

    @cached_property
    def verifier_users(self) -> VerifierUsers:
        return VerifierUsers(self.table)

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
