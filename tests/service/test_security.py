"""Sessions, single-use tokens and the slot-taking limiter, on the in-memory table."""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.domain.errors import RateLimited, Unauthenticated
from chalicelib.services import security as sec


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at once; each outcome is the return value or the
    exception's class name."""
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


def bearer(session: dict) -> str:
    return "Bearer " + session["token"]


# ---------------------------------------------------------------- sessions
def test_a_session_authenticates_its_kind_until_it_ends():
    # Given a candidate's session
    session = sec.create_session("candidate", "SIR1")
    # Then it authenticates as that candidate, and only for candidates' routes
    who = sec.authenticate(bearer(session), ("candidate",))
    assert (who.kind, who.subject) == ("candidate", "SIR1")
    with pytest.raises(Unauthenticated):
        sec.authenticate(bearer(session), ("staff",))
    # When it is ended, it no longer authenticates
    sec.end_session(who)
    with pytest.raises(Unauthenticated):
        sec.authenticate(bearer(session), ("candidate",))


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "Bearer " + "x" * 201,
                                    "Bearer unknown"])
def test_a_missing_malformed_or_unknown_token_is_refused(header):
    with pytest.raises(Unauthenticated):
        sec.authenticate(header, ("candidate",))


def test_a_session_expires(_clock):
    session = sec.create_session("staff", "a@board.example", hours=8)
    _clock.advance(8 * 3600)
    with pytest.raises(Unauthenticated):
        sec.authenticate(bearer(session), ("staff",))


def test_ending_every_session_of_a_subject_but_one(memory_store):
    # Given three sessions of one candidate and one of another
    mine = [sec.create_session("candidate", "SIR1") for _ in range(3)]
    other = sec.create_session("candidate", "SIR2")
    keep = sec.authenticate(bearer(mine[0]), ("candidate",))
    # When every session of SIR1 but the current one is ended
    assert sec.end_sessions("candidate", "SIR1", keep=keep.session_key) == 2
    # Then the kept one and the other candidate's still work; the rest do not
    sec.authenticate(bearer(mine[0]), ("candidate",))
    sec.authenticate(bearer(other), ("candidate",))
    for s in mine[1:]:
        with pytest.raises(Unauthenticated):
            sec.authenticate(bearer(s), ("candidate",))
    # And no token is stored in clear
    assert not any(s["token"] in str(memory_store.items) for s in mine)


# ---------------------------------------------------------------- emailed tokens
def test_a_token_works_once_and_for_its_purpose_only():
    token = sec.issue_token("password_reset", "candidate", "SIR1", 3600, data={"x": 1})
    assert sec.peek_token(token, "verify_email") is None
    assert sec.consume_token(token, "verify_email") is None  # the wrong purpose does not use it up
    assert sec.peek_token(token, "password_reset").data == {"x": 1}
    used = sec.consume_token(token, "password_reset")
    assert used is not None and used.subject == "SIR1"
    assert sec.consume_token(token, "password_reset") is None
    assert sec.peek_token(token, "password_reset") is None


def test_a_token_expires(_clock):
    token = sec.issue_token("verify_email", "candidate", "SIR1", 60)
    _clock.advance(60)
    assert sec.consume_token(token, "verify_email") is None


@pytest.mark.parametrize("token", ["", "x" * 201, None, 42])
def test_a_malformed_token_is_no_token(token):
    assert sec.peek_token(token, "verify_email") is None


def test_twenty_requests_using_one_token_at_once_one_wins():
    token = sec.issue_token("verify_email", "candidate", "SIR1", 3600)
    outcomes = together([lambda: sec.consume_token(token, "verify_email")] * 20)
    assert sum(o is not None for o in outcomes) == 1


# ---------------------------------------------------------------- the limiter
def guess(key: str, right: bool, evaluated: list[int]) -> str:
    with sec.login_attempt("probe", key) as attempt:
        evaluated.append(1)
        if not right:
            attempt.failed()
            raise Unauthenticated("wrong")
    return "ok"


def test_fifty_threads_evaluate_at_most_five_guesses():
    # Given 50 wrong guesses at one key, all at the same moment
    evaluated: list[int] = []
    outcomes = Counter(together([lambda: guess("k", False, evaluated)] * 50))
    # Then at most 5 are evaluated; every other is refused before it is looked at
    assert 1 <= len(evaluated) <= sec.LOCKOUT_LIMIT
    assert outcomes == {"Unauthenticated": len(evaluated), "RateLimited": 50 - len(evaluated)}
    # And the key is locked: even the right guess is not evaluated
    with pytest.raises(RateLimited):
        guess("k", True, evaluated)
    assert len(evaluated) == outcomes["Unauthenticated"]


def test_five_failures_lock_for_the_lockout_then_it_ends(_clock):
    evaluated: list[int] = []
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            guess("k", False, evaluated)
    with pytest.raises(RateLimited) as err:
        guess("k", True, evaluated)
    assert 0 < err.value.retry_after <= sec.LOCKOUT_SECONDS
    _clock.advance(sec.LOCKOUT_SECONDS + 1)
    assert guess("k", True, evaluated) == "ok"


def test_successes_give_their_slot_back_but_keep_earlier_failures():
    evaluated: list[int] = []
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            guess("k", False, evaluated)
    for _ in range(10):
        assert guess("k", True, evaluated) == "ok"
    with pytest.raises(Unauthenticated):
        guess("k", False, evaluated)  # the fifth failure of the window
    with pytest.raises(RateLimited):
        guess("k", True, evaluated)


def test_an_unexpected_error_keeps_its_slot():
    for _ in range(5):
        with pytest.raises(ZeroDivisionError), sec.login_attempt("probe", "k"):
            1 / 0
    with pytest.raises(RateLimited):
        guess("k", True, [])


def test_a_new_window_opens_after_the_old_one(_clock):
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            guess("k", False, [])
    _clock.advance(sec.LOCKOUT_WINDOW + 1)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            guess("k", False, [])
    assert guess("k", True, []) == "ok"


def test_clearing_attempts_ends_a_lockout():
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            guess("k", False, [])
    sec.clear_attempts("probe", "k")
    assert guess("k", True, []) == "ok"


def test_limit_rate_counts_concurrent_events_exactly(memory_store):
    together([lambda: sec.limit_rate("probe", "k", limit=100, window=3600, message="no")] * 16)
    assert memory_store.get(type_counter(), sec._counter_pk("probe", "k"), "RL").hits == 16
    three = [lambda: sec.limit_rate("probe2", "k", limit=3, window=3600, message="no")] * 40
    outcomes = Counter(together(three))
    assert outcomes == {None: 3, "RateLimited": 37}


def test_within_rate_says_no_without_counting(_clock):
    assert [sec.within_rate("join", "o1", limit=2, window=60) for _ in range(3)] == [True, True, False]
    _clock.advance(61)
    assert sec.within_rate("join", "o1", limit=2, window=60)


def test_the_store_never_sees_the_limited_value(memory_store):
    sec.limit_rate("reset", "SIR094701", limit=3, window=3600, message="no")
    with pytest.raises(Unauthenticated):
        guess("zoe@example.org", False, [])
    assert "SIR094701" not in str(memory_store.items) and "zoe@" not in str(memory_store.items)


def type_counter() -> Any:
    from chalicelib.db import models as m

    return m.Counter
