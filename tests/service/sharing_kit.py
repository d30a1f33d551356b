"""What the sharing service tests share: released results on the in-memory table, fakes of S3
and SQS, and a bridge for the collaborators that other areas have not moved onto the store yet.

The bridge (`unmigrated`) routes PynamoDB's own Model/Index calls (get, save, update, delete,
query) to the in-memory table, so `organisations.get_approved`, `verifier_users.org_users`
and the counters of `security` (the search limits) run unchanged, without AWS. Once those
services go through the store it has nothing left to route and can be dropped."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.indexes import Index
from pynamodb.models import Model

from chalicelib.db import models as m
from chalicelib.db.memory import MemoryTable


def _failed(cls: type[Exception], op: str) -> Exception:
    return cls(cause=ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, op))  # type: ignore[call-arg]


@pytest.fixture
def unmigrated(monkeypatch, memory_store: MemoryTable):
    t = memory_store

    def get(cls, hash_key, range_key=None, consistent_read=False, **_: Any):
        found = t.get(cls, hash_key, range_key)
        if found is None:
            raise cls.DoesNotExist()
        return found

    def save(self, condition=None, **_: Any):
        if not t.put(self, condition):
            raise _failed(PutError, "PutItem")
        return {}

    def update(self, actions, condition=None, **_: Any):
        if not t.update(self, actions, condition):
            raise _failed(UpdateError, "UpdateItem")
        return {}

    def delete(self, condition=None, **_: Any):
        if not t.delete(self, condition):
            raise _failed(DeleteError, "DeleteItem")
        return {}

    def query(source, hash_key, range_key_condition=None, filter_condition=None, scan_index_forward=True,
              limit=None, last_evaluated_key=None, page_size=None, **_: Any):
        return iter(t.query(source, hash_key, range_key_condition, filter_condition=filter_condition,
                            forward=scan_index_forward is not False, limit=limit, start=last_evaluated_key,
                            page_size=page_size).items)

    monkeypatch.setattr(Model, "get", classmethod(get))
    monkeypatch.setattr(Model, "save", save)
    monkeypatch.setattr(Model, "update", update)
    monkeypatch.setattr(Model, "delete", delete)
    monkeypatch.setattr(Model, "query", classmethod(query))
    monkeypatch.setattr(Index, "query", classmethod(lambda cls, *a, **k: query(cls, *a, **k)))
    return t


@pytest.fixture
def bucket(monkeypatch) -> dict[str, bytes]:
    """S3 as a dict: key -> body; a URL names its key."""
    from chalicelib.adapters import storage

    files: dict[str, bytes] = {}
    monkeypatch.setattr(storage, "put", lambda b, key, body, ctype: files.__setitem__(key, body))
    monkeypatch.setattr(storage, "exists", lambda b, key: key in files)
    monkeypatch.setattr(storage, "get", lambda b, key: files[key])
    monkeypatch.setattr(storage, "download_url", lambda b, key, filename=None, seconds=0: f"https://s3/{key}")
    return files


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict]]:
    """SQS as a list of (queue, body)."""
    from chalicelib.adapters import queue

    out: list[tuple[str, dict]] = []

    def send_many(name, bodies):
        items = [(name, b) for b in bodies]
        out.extend(items)
        return len(items)

    monkeypatch.setattr(queue, "send", lambda name, body, delay_seconds=0: out.append((name, body)))
    monkeypatch.setattr(queue, "send_many", send_many)
    return out


def put_org(t: MemoryTable, org_id: str, status: str = "approved") -> m.Organisation:
    org = m.Organisation(m.ORG + org_id, "ORG", org_id=org_id, name=f"Org {org_id}", type="university",
                         website=f"https://{org_id}.example", domain=f"{org_id}.example", country="ES",
                         status=status, primary_user_id="u1", created_at="2026-01-01T00:00:00Z",
                         gsi1pk=f"x{org_id}", gsi1sk="y")
    t.put(org)
    return org


def put_result(t: MemoryTable, id_number: str = "X1234567", *, exam_code: str = "B2FIRST",
               exam_date: str = "2025-06-14", status: str = "released", first_name: str = "Lucía",
               family_name: str = "García", date_of_birth: str = "2004-02-29",
               reference: str | None = None) -> m.Result:
    pk, sk = m.Result.keys(id_number, exam_date, exam_code)
    ref = reference or f"R{abs(hash((id_number, exam_code, exam_date))) % 10**9:09d}"
    r = m.Result(pk, sk, id_number=id_number, first_name=first_name, family_name=family_name,
                 date_of_birth=date_of_birth, centre_number="ES001", exam_code=exam_code, exam_date=exam_date,
                 exam_format="paper", reference_number=ref, overall_score=170, grade="B", cefr_level="B2",
                 components=[], status=status,
                 released_at="2025-08-01T00:00:00Z" if status == "released" else None,
                 content_hash="h", batch_id="b1", updated_at="2025-08-01T00:00:00Z",
                 gsi1pk=m.REF + ref, gsi1sk="RESULT")
    t.put(r)
    return r
