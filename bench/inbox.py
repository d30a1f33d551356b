"""The verifiers' shared-results page (`GET /organisations/shared-results`, the inbox): DynamoDB
items read to render one page, at 100 and 10,000 shares, and the time to render it.

The same organisations and counting as bench/shares.py (botocore `after-call` hooks: a Query's
ScannedCount, 1 per GetItem found, the items of a BatchGetItem), through the page with the
session in its cookie. The page reads the session, the user and the organisation (GetItems),
one Query of 50 shares, and the organisation's templates (one Query: none here), so the figure
must be the same at both sizes. `inbox_page_render_ms` is the median of 5 renders of the
10,000-share page (moto included, whose Query walks the whole partition: an upper bound, not a
Lambda figure); `inbox_page_render_ms_100` the same at 100 shares, for comparison.

    inbox_page_items_100, inbox_page_items_10000: items read by one page (budget: equal)
    inbox_page_render_ms: median render time of the 10,000-share page under moto
    inbox_page_render_ms_100: the same at 100 shares
"""

from __future__ import annotations

import statistics
import time

from bench import moto_app
from bench.shares import PAGE, Meter, _seed

HTML = "text/html"


def run() -> dict[str, float]:
    from chalicelib.web.core import SESSION_COOKIE

    with moto_app() as (_app, client):
        meter = Meter()
        meter.hook()
        out: dict[str, float] = {}
        for n, domain in ((100, "inbox-small.ac.uk"), (10_000, "inbox-large.ac.uk")):
            _, token = _seed(n, domain)
            headers = {"Accept": HTML, "Cookie": f"{SESSION_COOKIE}={token}"}
            client.http.get("/organisations/shared-results", headers=headers)  # warm: templates, imports
            with meter.counting():
                r = client.http.get("/organisations/shared-results", headers=headers)
            assert r.status_code == 200, r.status_code
            assert r.body.decode().count('name="share_ids"') == PAGE
            out[f"inbox_page_items_{n}"] = meter.items
            times = []
            for _ in range(5):
                started = time.perf_counter()
                client.http.get("/organisations/shared-results", headers=headers)
                times.append((time.perf_counter() - started) * 1000)
            key = "inbox_page_render_ms" if n == 10_000 else f"inbox_page_render_ms_{n}"
            out[key] = round(statistics.median(times), 1)
        return out


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:g}")
