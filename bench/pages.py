"""The web pages' cost, through chalice.test.Client under moto (same process, same data).

- page_render_ms: median server time of the signed-in "Your results" page (GET /results).
- page_vs_json: that over the median of the JSON `GET /candidates/me/results` for the same
  candidate and results, alternated in the same run (budget <= 1.5).
- page_kb: the results page's HTML + CSS + JS, each gzipped, in KB (budget <= 60; every
  asset from the page's own origin: a third-party URL fails the run).
"""
from __future__ import annotations

import gzip
import re
import statistics
import time
from pathlib import Path

from bench import moto_app, use_moto_env

ROOT = Path(__file__).resolve().parents[1]
RUNS = 41

use_moto_env()

ID_NUMBER = "BEN100001"
ENTRIES = ("id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,"
           "exam_format\n"
           f"{ID_NUMBER},2468,Zoë,Nguyễn,2003-02-01,GB123,B2FIRST,2026-06-14,paper\n"
           f"{ID_NUMBER},2468,Zoë,Nguyễn,2003-02-01,GB123,C1ADV,2026-06-10,computer\n"
           f"{ID_NUMBER},2468,Zoë,Nguyễn,2003-02-01,GB123,A2KEY,2026-05-10,paper\n")
RESULTS = ("id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,"
           "component:Reading,component:Use of English,component:Writing,component:Listening,"
           "component:Speaking\n"
           f"{ID_NUMBER},B2FIRST,2026-06-14,SOR-BEN-000001,176,B,B2,175,170,168,180,185\n")


def _timed(client: object, path: str, headers: dict) -> float:
    t = time.perf_counter()
    r = client.http.get(path, headers=headers)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - t
    assert r.status_code == 200, (path, r.status_code, r.body[:200])
    return elapsed


def run() -> dict[str, float]:
    import sys

    sys.path.insert(0, str(ROOT))
    with moto_app() as (app, c):
        from chalicelib import config
        from chalicelib.adapters.aws import client as aws_client
        from chalicelib.services import candidates
        from devstack.pump import drain

        s3 = aws_client("s3")
        s3.put_object(Bucket=config.BATCH_BUCKET, Key="incoming/entries/bench.csv", Body=ENTRIES.encode())
        drain(app)
        candidates.register({"id_number": ID_NUMBER, "secret_number": "2468", "email": "zoe@example.org",
                             "password": "violet-harbour-lantern", "country": "PL", "first_language": "pl",
                             "accept_terms": True, "marketing_opt_in": False})
        s3.put_object(Bucket=config.BATCH_BUCKET, Key="incoming/results/bench.csv", Body=RESULTS.encode())
        drain(app)
        token = candidates.login(ID_NUMBER, "violet-harbour-lantern")["token"]

        page_h = {"Accept": "text/html", "Cookie": f"__Host-session={token}"}
        json_h = {"Accept": "application/json", "Authorization": f"Bearer {token}"}
        body = c.http.get("/results", headers=page_h).body.decode()
        assert "176" in body and "Pending" in body, body[:500]
        json_body = c.http.get("/candidates/me/results", headers=json_h).json_body
        assert len(json_body["results"]) == 3
        for _ in range(5):  # warm both (templates compiled, catalogues read)
            _timed(c, "/results", page_h)
            _timed(c, "/candidates/me/results", json_h)
        page, api = [], []
        for _ in range(RUNS):
            page.append(_timed(c, "/results", page_h))
            api.append(_timed(c, "/candidates/me/results", json_h))

        # What a browser downloads for the page: the HTML and every script and stylesheet.
        urls = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', body)
        urls += re.findall(r'<script[^>]+src="([^"]+)"', body)
        urls += re.findall(r'import [^"]*"([^"]+)"', body)
        for url in re.findall(r'(?:src|href)="([^"]+)"', body) + urls:
            if re.match(r"^(https?:)?//", url):
                raise AssertionError(f"a third-party origin on the results page: {url}")
        total = len(gzip.compress(body.encode()))
        for url in sorted(set(urls)):
            r = c.http.get(url)
            assert r.status_code == 200, url
            total += len(gzip.compress(r.body))

    page_ms, api_ms = statistics.median(page) * 1000, statistics.median(api) * 1000
    return {"page_render_ms": page_ms, "page_json_ms": api_ms, "page_vs_json": page_ms / api_ms,
            "page_kb": total / 1024}


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.3f}")
