#!/usr/bin/env python3
"""Poll the results shared with your organisation, the way an admissions system would.

    python examples/poll_shares.py --base-url https://results.example.org --api-key rvs_... \
        --state shares-state.json [--since 2026-07-01] [--webhook-secret whsec_...]

Each run reads every share that arrived since the last run (the first run: since `--since`),
prints one JSON line per share (candidate, exam, overall score, CEFR level, reference number),
and saves where to go on from in the state file. Run it from cron every few minutes, or when a
webhook says that something was shared (`verify_webhook` below checks such a delivery). It
needs only the Python standard library. docs/integrating.md explains each step.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any


def get(base_url: str, path: str, api_key: str, params: dict[str, str]) -> dict[str, Any]:
    """GET a machine API path; waits and tries again when the key's rate limit answers 429."""
    if not base_url.startswith(("https://", "http://")):
        raise SystemExit("--base-url must start with https:// (or http:// for a local stack)")
    url = f"{base_url.rstrip('/')}{path}?{urllib.parse.urlencode(params)}"
    for _ in range(5):
        request = urllib.request.Request(url, headers={"X-Api-Key": api_key,  # noqa: S310 - http(s) only
                                                        "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - http(s) only
                return dict(json.load(reply))
        except urllib.error.HTTPError as err:
            if err.code != 429:
                body = json.loads(err.read() or b"{}")
                raise SystemExit(f"{err.code} {body.get('error')}: {body.get('message')}") from None
            time.sleep(int(err.headers.get("Retry-After", "5")))
    raise SystemExit("still rate limited after 5 tries")


def poll(base_url: str, api_key: str, state: dict[str, str], since: str) -> list[dict[str, Any]]:
    """Every share after the saved position (or since `since`), oldest first. Updates `state`
    with the resume cursor, which the next poll starts from, so that nothing is read twice and
    nothing is missed."""
    shares: list[dict[str, Any]] = []
    params = {"cursor": state["resume_cursor"]} if state.get("resume_cursor") else {"since": since}
    while True:
        page = get(base_url, "/api/v1/shares", api_key, {**params, "limit": "100"})
        shares.extend(page["shares"])
        if page.get("resume_cursor"):
            state["resume_cursor"] = page["resume_cursor"]
        if not page.get("next_cursor"):
            return shares
        params = {"cursor": page["next_cursor"]}


def verify_webhook(secret: str, headers: dict[str, str], raw_body: bytes, tolerance_s: int = 300) -> bool:
    """A webhook delivery is ours when its signature matches (docs/webhooks.md)."""
    timestamp = headers.get("X-Results-Webhook-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance_s:
        return False
    signed = timestamp.encode() + b"." + raw_body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Results-Webhook-Signature", ""))


def summary(share: dict[str, Any]) -> dict[str, Any]:
    """A share of the machine API is the result with its candidate and the share's id and time."""
    candidate = share["candidate"]
    return {"share_id": share["share_id"], "shared_at": share["shared_at"],
            "first_name": candidate["first_name"], "family_name": candidate["family_name"],
            "exam": share["exam_name"], "overall_score": share["overall_score"],
            "cefr_level": share["cefr_level"], "reference_number": share["reference_number"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--state", type=Path, default=Path("shares-state.json"))
    parser.add_argument("--since", default="2000-01-01", help="the first run's start (a date)")
    args = parser.parse_args(argv)
    state = json.loads(args.state.read_text()) if args.state.exists() else {}
    for share in poll(args.base_url, args.api_key, state, args.since):
        print(json.dumps(summary(share), ensure_ascii=False))
    args.state.write_text(json.dumps(state))
    return 0


if __name__ == "__main__":
    sys.exit(main())
