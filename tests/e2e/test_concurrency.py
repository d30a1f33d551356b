"""Lock-outs under real concurrency over HTTP, against the local stack (threaded API server,
threaded moto server with DynamoDB's per-item atomicity modelled by devstack/moto_locks):
50 guesses at once are answered with at most 5 evaluations, the rest 429; never a 5xx."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .conftest import Stack

pytestmark = pytest.mark.e2e


def at_once(url: str, bodies: list[dict]) -> Counter[int]:
    barrier = threading.Barrier(len(bodies))

    def post(body: dict) -> int:
        barrier.wait()
        return requests.post(url, json=body, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return Counter(pool.map(post, bodies))


@pytest.mark.parametrize(("path", "body"), [
    ("/candidates/login", {"id_number": "CON100001", "password": "wrong-password-here"}),
    ("/staff/login", {"email": "nobody-con@exam-board.example", "password": "wrong-password-here"}),
    ("/verifiers/login", {"email": "nobody-con@uni-north.ac.uk", "password": "wrong-password-here"}),
])
def test_fifty_concurrent_wrong_logins_evaluate_at_most_five(stack: Stack, path: str, body: dict) -> None:
    replies = at_once(f"{stack.base_url}{path}", [body] * 50)
    # every evaluated guess is a 401; every other request was refused before the check
    assert set(replies) <= {401, 429}, replies
    assert 1 <= replies[401] <= 5 and replies[401] + replies[429] == 50, replies


def test_concurrent_wrong_secret_numbers_check_at_most_five(stack: Stack) -> None:
    body = {"id_number": "CON100002", "email": "con@example.org", "password": "a long pass phrase",
            "country": "GB", "first_language": "prefer_not_to_say", "accept_terms": True,
            "marketing_opt_in": False}
    replies = at_once(f"{stack.base_url}/candidates/register",
                      [{**body, "secret_number": f"{n:04d}"} for n in range(50)])
    assert set(replies) <= {403, 429}, replies
    assert 1 <= replies[403] <= 5 and replies[403] + replies[429] == 50, replies


@pytest.mark.parametrize("raw", [
    b'{"id_number": "CON100003", "password": "' + b"\\ud800" * 8 + b'"}',
    b"[" * 100_000 + b"]" * 100_000,
], ids=["lone surrogate", "nested brackets"])
def test_hostile_bodies_are_a_400(stack: Stack, raw: bytes) -> None:
    r = requests.post(f"{stack.base_url}/candidates/login", data=raw,
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400 and r.json()["error"] == "validation_error"
