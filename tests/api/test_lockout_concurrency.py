# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Lock-outs and rate limits under REAL concurrency: threads call the service functions
against moto in-process (chalice.test.Client is not thread-safe). Evaluations of a guess are
counted by wrapping the check itself; whatever the concurrency, at most the limit get through.

moto's DynamoDB does not apply a conditional write atomically under threads (measured: 50
threads doing `hits + 1 if hits < 5` let 6 to 8 through and lost updates); DynamoDB does.
tests/conftest.py installs `devstack.moto_locks` to model DynamoDB's per-item
atomicity, and `test_moto_conditional_writes_are_atomic_under_threads` checks that it holds.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import entry_row
from .verifier_kit import make_org, staff  # noqa: F401 - fixtures

PASSWORD = "violet-harbour-lantern"
REG = {"id_number": "SIR094701", "secret_number": "4821", "email": "zoe@example.org",
       "password": PASSWORD, "country": "PL", "first_language": "prefer_not_to_say", "accept_terms": True,
       "marketing_opt_in": False}


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same moment; each outcome is the return value
    or the exception's class name."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[i] = call()
        except Exception as err:
            outcomes[i] = type(err).__name__

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


class Calls:
    """Wraps a function and counts its calls (thread-safe)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn, self.n, self._lock = fn, 0, threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.n += 1
        return self.fn(*args, **kwargs)


@pytest.fixture
def counted_checks(monkeypatch):
    """Count every password verification (known and unknown accounts) and every Secret number
    check."""
    from chalicelib.domain import passwords
    from chalicelib.services import security

    counts = {"verify": Calls(passwords.verify_password), "burn": Calls(passwords.burn_verify_time),
              "secret": Calls(security.secret_number_hash)}
    monkeypatch.setattr(passwords, "verify_password", counts["verify"])
    monkeypatch.setattr(passwords, "burn_verify_time", counts["burn"])
    monkeypatch.setattr(security, "secret_number_hash", counts["secret"])
    return counts


@pytest.fixture
def account(app_module, entries):
    from chalicelib.services import candidates

    entries(entry_row())
    candidates.register(dict(REG))
    return "SIR094701"


def test_moto_conditional_writes_are_atomic_under_threads(aws):
    from pynamodb.exceptions import UpdateError

    from chalicelib.db import models as m

    m.Counter("RL#atomic", "RL", hits=0).save()

    def bump() -> bool:
        try:
            m.Counter("RL#atomic", "RL").update(actions=[m.Counter.hits.add(1)], condition=m.Counter.hits < 5)
            return True
        except UpdateError:
            return False

    assert together([bump] * 50).count(True) == 5
    assert m.Counter.get("RL#atomic", "RL").hits == 5


def test_fifty_concurrent_wrong_secrets_check_at_most_five_then_lock(app_module, entries, counted_checks):
    from chalicelib.services import candidates

    entries(entry_row())
    counted_checks["secret"].n = 0  # the entries file's own hashing
    calls = [lambda n=n: candidates.register({**REG, "secret_number": f"{n:04d}"}) for n in range(50)]
    outcomes = Counter(together(calls))
    assert counted_checks["secret"].n <= 5
    assert outcomes["Forbidden"] == counted_checks["secret"].n
    assert outcomes["Forbidden"] + outcomes["RateLimited"] == 50
    # five wrong secrets lock the ID: the right one is refused too, and not even checked
    with pytest.raises(Exception) as err:
        candidates.register(dict(REG))
    assert type(err.value).__name__ == "RateLimited"


def test_eleven_wrong_secrets_and_the_right_one_together(app_module, entries, counted_checks):
    from chalicelib.services import candidates

    entries(entry_row())
    counted_checks["secret"].n = 0  # the entries file's own hashing
    calls = [lambda: candidates.register({**REG, "secret_number": "0000"})] * 11
    calls.append(lambda: candidates.register(dict(REG)))
    outcomes = Counter(str(o) if isinstance(o, str) else "registered" for o in together(calls))
    assert outcomes["Forbidden"] <= 5
    # a right guess gives its slot back, so at most one more guess than the limit is checked
    assert counted_checks["secret"].n <= 6


@pytest.mark.parametrize("known", [True, False], ids=["known ID", "unknown ID"])
def test_fifty_concurrent_wrong_passwords_verify_at_most_five(account, counted_checks, known):
    from chalicelib.domain.errors import RateLimited
    from chalicelib.services import candidates

    id_number = account if known else "QQQ111111"
    outcomes = Counter(together([lambda: candidates.login(id_number, "wrong-password-here")] * 50))
    evaluated = counted_checks["verify"].n + counted_checks["burn"].n
    assert 1 <= evaluated <= 5
    assert outcomes == {"Unauthenticated": evaluated, "RateLimited": 50 - evaluated}
    with pytest.raises(RateLimited):
        candidates.login(id_number, PASSWORD)  # locked: even the right password is not checked
    assert counted_checks["verify"].n + counted_checks["burn"].n == evaluated


def test_staff_and_verifier_logins_are_guarded_the_same_way(app_module, counted_checks):
    from chalicelib.services import staff, verifier_users

    staff_out = Counter(together([lambda: staff.login("no@exam-board.example", "wrong-pass")] * 30))
    verifier_out = Counter(together([lambda: verifier_users.login("no@org.example", "wrong-pass")] * 30))
    assert staff_out == {"Unauthenticated": 5, "RateLimited": 25}
    assert verifier_out == {"Unauthenticated": 5, "RateLimited": 25}
    assert counted_checks["burn"].n == 10


def test_concurrent_first_events_are_all_counted(aws):
    """The old count_hit wrote hits=1 when it found no open window, so concurrent first
    events overwrote each other (16 counted as 3 to 16)."""
    from chalicelib.db import models as m
    from chalicelib.services import security as sec

    together([lambda: sec.limit_rate("probe", "k", limit=100, window=3600, message="no")] * 16)
    assert m.Counter.get(sec._counter_pk("probe", "k"), "RL").hits == 16
    three = [lambda: sec.limit_rate("probe2", "k", limit=3, window=3600, message="no")] * 40
    outcomes = Counter(together(three))
    assert outcomes == {None: 3, "RateLimited": 37}


def test_successes_give_their_slot_back(account):
    """Logging in right many times never locks; earlier failures still count."""
    from chalicelib.domain.errors import RateLimited, Unauthenticated
    from chalicelib.services import candidates

    for _ in range(4):
        with pytest.raises(Unauthenticated):
            candidates.login(account, "wrong-password-here")
    for _ in range(8):
        assert candidates.login(account, PASSWORD)["token"]
    with pytest.raises(Unauthenticated):
        candidates.login(account, "wrong-password-here")  # the fifth failure of the window
    with pytest.raises(RateLimited):
        candidates.login(account, PASSWORD)


def test_a_new_window_opens_after_the_old_one(account, _clock):
    from chalicelib.domain.errors import Unauthenticated
    from chalicelib.services import candidates

    for _ in range(4):
        with pytest.raises(Unauthenticated):
            candidates.login(account, "wrong-password-here")
    _clock.advance(15 * 60 + 1)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            candidates.login(account, "wrong-password-here")
    assert candidates.login(account, PASSWORD)["token"]


def test_concurrent_identical_shares_get_the_re_share_reply(api, make_org, monkeypatch):
    """The same share made by 12 requests at once: one share, one webhook event, and every
    request gets the reply a sequential re-share gets (no 500 from the conditional put)."""
    from chalicelib.services import shares

    from .verifier_kit import make_candidate, make_result

    org = make_org()
    make_candidate()
    rid = make_result()
    notified = Calls(lambda item: None)
    monkeypatch.setattr(shares, "_notify_webhooks", notified)
    # every request looks for the share before any of them writes it: the race, every time
    looked = threading.Barrier(12)
    from chalicelib.db.repos.shares import Shares

    real_get = Shares.get

    def get_then_wait(self: Shares, share_id: str, consistent: bool = False) -> Any:
        found = real_get(self, share_id, consistent)
        if not consistent:  # the look before the write (the loser's read-back is consistent)
            looked.wait(timeout=30)
        return found

    monkeypatch.setattr(Shares, "get", get_then_wait)
    outcomes = together([lambda: shares.share("SIR094701", rid, org.org_id)] * 12)
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert len({o["share_id"] for o in outcomes}) == 1
    assert notified.n == 1
