"""DynamoDB reads of one page of an organisation's shares, at 100 and 10,000 shares.

An organisation user asks `GET /organisation/shares?limit=50` through the Chalice app (under
moto). Every DynamoDB call the request makes is counted with botocore `after-call` hooks on
the clients PynamoDB uses: items read are a Query's ScannedCount, 1 for a GetItem that found an
item, and the items of a BatchGetItem. The figure is the whole request (the session, the user
and the organisation are three GetItems; the page is one Query). moto's own query time grows
with the table, so this counts instead of timing.

    shares_page_items_100, shares_page_items_10000: items read by the page (budget: equal)
    shares_page_calls_10000: DynamoDB calls made by the page (budget: a handful)
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from bench import moto_app, use_moto_env

PAGE = 50

use_moto_env()


class Meter:
    """Counts DynamoDB calls and items read on every PynamoDB botocore client."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.items = 0
        self.on = False
        self._hooked: set[int] = set()

    def hook(self) -> None:
        from chalicelib.db import models as m

        for cls in vars(m).values():
            # Not the abstract base: PynamoDB caches a connection (with its indexes) per class,
            # and subclasses would inherit the base's, which knows no index.
            if isinstance(cls, type) and issubclass(cls, m.Item) and cls is not m.Item:
                client = cls._get_connection().connection.client
                if id(client) not in self._hooked:
                    self._hooked.add(id(client))
                    client.meta.events.register("after-call.dynamodb", self._after)

    def _after(self, http_response: Any = None, parsed: Any = None, model: Any = None, **_: Any) -> None:
        if not self.on or model is None:
            return
        op = model.name
        self.calls[op] += 1
        parsed = parsed or {}
        if op in ("Query", "Scan"):
            self.items += int(parsed.get("ScannedCount", 0))
        elif op == "GetItem":
            self.items += 1 if parsed.get("Item") else 0
        elif op == "BatchGetItem":
            self.items += sum(len(v) for v in parsed.get("Responses", {}).values())

    def reset(self) -> None:
        self.calls.clear()
        self.items = 0

    @contextlib.contextmanager
    def counting(self) -> Iterator[None]:
        """Count only what happens inside (from zero)."""
        self.reset()
        self.on = True
        try:
            yield
        finally:
            self.on = False


def _seed(n: int, domain: str) -> tuple[str, str]:
    """An approved organisation with `n` shares; returns (org_id, a verifier session token)."""
    from chalicelib.adapters.ids import iso_us
    from chalicelib.db import models as m
    from chalicelib.services import organisations, security

    org_id = organisations.register(
        {
            "first_name": "Ada",
            "family_name": "Okafor",
            "job_title": "Admissions",
            "email": f"ada@{domain}",
            "confirm_email": f"ada@{domain}",
            "organisation": {
                "name": f"Bench {domain}",
                "type": "university",
                "website": domain,
                "country": "GB",
            },
        }
    )["org_id"]
    organisations.approve(org_id)
    org = m.Organisation.get(m.ORG + org_id, "ORG")
    user = m.VerifierUser.get(m.VUSER + org.primary_user_id, "VUSER")
    user.update(actions=[m.VerifierUser.status.set("active")])
    base = 1_700_000_000.0
    with m.Share.batch_write() as batch:
        for i in range(n):
            sid = f"{domain[:4]}{i:08d}"
            seq = f"{iso_us(base + i)}#{sid}"
            batch.save(
                m.Share(
                    m.SHARE + sid,
                    "SHARE",
                    share_id=sid,
                    org_id=org_id,
                    organisation_name=org.name,
                    id_number=f"BEN{i % 1000000:06d}",
                    result_pk=f"CAND#BEN{i:06d}",
                    result_sk="RESULT#2025-06-14#B2FIRST",
                    result_id="B2FIRST-20250614",
                    first_name="Zoë",
                    family_name=f"Family{i}",
                    exam_code="B2FIRST",
                    exam_name="B2 First",
                    search=f"zoe family{i} ben{i:06d}",
                    shared_at=iso_us(base + i)[:19] + "Z",
                    gsi1pk=m.ORG_SHARES + org_id,
                    gsi1sk=seq,
                    gsi2pk=f"{m.CAND_SHARES}BEN{i:06d}",
                    gsi2sk=seq,
                )
            )
    return org_id, security.create_session("verifier", user.user_id)["token"]


def run() -> dict[str, float]:
    import json

    with moto_app() as (_app, client):
        meter = Meter()
        meter.hook()
        out: dict[str, float] = {}
        for n, domain in ((100, "small.ac.uk"), (10_000, "large.ac.uk")):
            _, token = _seed(n, domain)
            with meter.counting():
                r = client.http.get(f"/organisation/shares?limit={PAGE}",
                                    headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, r.body
            assert len(json.loads(r.body)["shares"]) == PAGE
            out[f"shares_page_items_{n}"] = float(meter.items)
            if n == 10_000:
                out["shares_page_calls_10000"] = float(sum(meter.calls.values()))
        return out


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:g}")
