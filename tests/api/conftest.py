"""API tests: the Chalice app through `chalice.test.Client`, AWS played by moto in-process."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Api:
    """A thin JSON client over chalice.test.Client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def call(self, method: str, path: str, body: Any = None, token: str | None = None,
             headers: dict | None = None, raw: bytes | None = None) -> Reply:
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        r = self.client.http.request(method, path, headers=h, body=payload)
        return Reply(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.body)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.call("DELETE", path, **kw)


@pytest.fixture
def app_module(aws):
    import app as app_module

    return app_module


@pytest.fixture
def api(app_module):
    from chalice.test import Client

    with Client(app_module.app) as client:
        yield Api(client)


def csv_bytes(rows: list[dict], bom: bool = False, crlf: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n" if crlf else "\n")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode()
    return b"\xef\xbb\xbf" + data if bom else data


def entry_row(id_number: str = "SIR094701", secret: str = "4821", **over: str) -> dict:
    row = {"id_number": id_number, "secret_number": secret, "first_name": "Zoë",
           "family_name": "Łukasiewicz-Nguyễn", "date_of_birth": "2004-03-09", "centre_number": "GB123",
           "exam_code": "B2FIRST", "exam_date": "2026-06-14", "exam_format": "paper"}
    row.update(over)
    return row


@pytest.fixture
def drop(app_module):
    """Put a file into the batch bucket (as staff would) and run the event pump until idle."""
    from chalicelib import config
    from chalicelib.adapters.aws import client
    from devstack.pump import drain

    def _drop(key: str, data: bytes) -> None:
        client("s3").put_object(Bucket=config.BATCH_BUCKET, Key=key, Body=data)
        drain(app_module)

    return _drop


@pytest.fixture
def entries(aws):
    """Store entries as an entries file would (the entries importer's checks and writes),
    without the S3 -> SQS -> handler round trip: for tests where entries are a precondition.
    The pipeline itself is the subject of `drop` (test_staff_batches, test_results)."""
    from types import SimpleNamespace

    from chalicelib.services.entries import EntriesImporter

    def _load(*rows: dict, name: str = "entries.csv") -> None:
        importer = EntriesImporter(SimpleNamespace(batch_id=f"fixture-{name}"))  # type: ignore[arg-type]
        for n, row in enumerate(rows, start=2):  # row 1 is the header
            problems = importer.row(n, {k: str(v) for k, v in row.items()})
            assert not problems, f"entry row {n} would be refused: {problems}"
        importer.flush()

    return _load


@pytest.fixture
def entries_via_pipeline(drop):
    """Load entries through the real pipeline (S3 -> SQS -> handler)."""

    def _load(*rows: dict, name: str = "entries.csv") -> None:
        drop(f"incoming/entries/{name}", csv_bytes(list(rows)))

    return _load


@pytest.fixture
def outbox(app_module):
    """Emails SES accepted, as parsed MIME messages, once the event pump has delivered what
    was queued (some emails are sent by the worker: password resets, results)."""
    from email import message_from_bytes, policy

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from devstack.pump import drain

    def _mails(to: str | None = None) -> list:
        drain(app_module)
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"]
        mails = [message_from_bytes(msg.raw_data.encode() if isinstance(msg.raw_data, str) else msg.raw_data,
                                    policy=policy.default) for msg in backend.sent_messages
                 if hasattr(msg, "raw_data")]
        return [mm for mm in mails if to is None or to in str(mm["To"])]

    return _mails


def token_in(mail: Any) -> str:
    import re

    text = mail.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"[?&]token=([A-Za-z0-9_\-]+)", text)
    assert found, text
    return found.group(1)


def readable(mail: Any) -> str:
    """What the reader of `mail` sees: its subject and every text part, decoded. Not
    `mail.as_string()`, whose MIME boundaries and ids hold random digits that may contain any
    short number a test looks for."""
    parts = [str(mail["Subject"])]
    parts += [part.get_content() for part in mail.walk() if part.get_content_maintype() == "text"]
    return "\n".join(parts)
