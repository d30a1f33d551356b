"""The integrators' example (examples/poll_shares.py, docs/integrating.md) against the running
local stack: it reads the share made to its organisation, saves where to go on from, and reads
nothing twice; its webhook check accepts a real signature and refuses a changed body."""
from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import PROJECT_ROOT, Stack, wait_for
from .test_fuzz import set_up

pytestmark = pytest.mark.e2e
EXAMPLE = PROJECT_ROOT / "examples" / "poll_shares.py"


def run_example(stack: Stack, api_key: str, state: Path) -> list[dict]:
    out = subprocess.run([sys.executable, str(EXAMPLE), "--base-url", stack.base_url, "--api-key", api_key,
                          "--state", str(state), "--since", "2020-01-01"],
                         capture_output=True, text=True, timeout=60, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_the_example_reads_each_share_once(stack: Stack, tmp_path: Path) -> None:
    who = set_up(stack, requests.Session())
    share_id = who.known["GET /organisation/shares/{share_id}"]["share_id"]
    state = tmp_path / "state.json"
    # a share is served once it is 10 s old; until then a run reads nothing (and saves nothing)
    first = wait_for(lambda: run_example(stack, who.api_key, state), bool, timeout=40)
    assert [s["share_id"] for s in first] == [share_id]
    assert first[0]["first_name"] == "Zoë" and first[0]["overall_score"] == 185
    assert first[0]["cefr_level"] == "C1" and first[0]["reference_number"].startswith("SOR-FUZZ-")
    assert json.loads(state.read_text())["resume_cursor"]
    # the next poll goes on from the saved cursor: nothing again
    assert run_example(stack, who.api_key, state) == []


def test_a_revoked_or_made_up_key_is_a_clear_error(stack: Stack, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(EXAMPLE), "--base-url", stack.base_url, "--api-key",
                          "rvs_made_up", "--state", str(tmp_path / "s.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "401 unauthenticated" in out.stderr


def test_the_webhook_check_accepts_what_the_service_signs() -> None:
    from chalicelib.services.webhooks import signature as service_signature

    sys.path.insert(0, str(EXAMPLE.parent))
    try:
        from poll_shares import verify_webhook
    finally:
        sys.path.remove(str(EXAMPLE.parent))
    secret, body, ts = "whsec_test", b'{"type":"share.created"}', str(int(time.time()))
    signature = service_signature(secret, int(ts), body)
    expected = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert signature == "v1=" + expected
    headers = {"X-Results-Webhook-Timestamp": ts, "X-Results-Webhook-Signature": signature}
    assert verify_webhook(secret, headers, body)
    assert not verify_webhook(secret, headers, body.replace(b"created", b"deleted"))
    assert not verify_webhook(secret, {**headers, "X-Results-Webhook-Timestamp": str(int(ts) - 3600)}, body)
    assert not verify_webhook("whsec_other", headers, body)
