from __future__ import annotations

import sys
from pathlib import Path

import pytest

from chalicelib.domain import passwords
from chalicelib.domain.passwords import (
    burn_verify_time,
    common_passwords,
    hash_password,
    is_common_password,
    needs_rehash,
    password_problem,
    verify_password,
)

GOOD = "correct horse battery staple"

pytestmark = pytest.mark.usefixtures("real_argon2")  # the production cost, not the tests' (conftest)


def test_common_password_list_shape() -> None:
    lines = passwords.COMMON_PASSWORDS_PATH.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10_000
    assert lines[:3] == ["123456", "password", "12345678"]
    assert all(line and line == line.strip() for line in lines)
    assert len(common_passwords()) == 10_000
    assert common_passwords() is common_passwords()  # loaded once


@pytest.mark.parametrize(
    "password",
    [
        GOOD,
        "a" * 7 + "é",  # 8 code points
        "日本語のパスワード",  # 9 code points, 27 bytes in UTF-8
        "🙂🙃🙂🙃🙂🙃🙂🙃",  # 8 code points outside the BMP
        "x" * 128,
        "        ",  # 8 spaces: no composition rules
        "Tr0ub4dor&3x",
    ],
)
def test_good_passwords(password: str) -> None:
    assert password_problem(password) is None
    assert password_problem(password, id_number="SIR094701") is None


@pytest.mark.parametrize(
    "password",
    [
        "a" * 7,
        "日本語のパスワ",  # 7 code points, 21 bytes: bytes must not count
        "🙂" * 7,
        "e\u0301" * 3 + "ab",  # NFKC composes e + combining acute into one: 5 code points
        "\ufb01" * 3,  # 'fi' ligature -> 'fi' under NFKC: 6 code points
    ],
)
def test_too_short(password: str) -> None:
    assert password_problem(password) == passwords.TOO_SHORT


def test_nfkc_can_lengthen() -> None:
    # Four ligatures are 4 code points as typed, 8 after NFKC: accepted.
    assert password_problem("\ufb01" * 4) is None


def test_too_long() -> None:
    assert password_problem("x" * 129) == passwords.TOO_LONG
    assert password_problem("é" * 129) == passwords.TOO_LONG
    assert password_problem("é" * 128) is None


@pytest.mark.parametrize("password", ["password", "PASSWORD", "Password1", "12345678", "iloveyou", "Baseball",
                                      "qwertyuiop", "trustno1"])
def test_common(password: str) -> None:
    assert is_common_password(password)
    assert password_problem(password) == passwords.TOO_COMMON


@pytest.mark.parametrize("password", ["mySIR094701pass", "sir094701!!", "xxSir094701"])
def test_contains_id(password: str) -> None:
    assert password_problem(password, id_number="SIR094701") == passwords.CONTAINS_ID
    assert password_problem(password) is None
    assert password_problem(password, id_number="ABC123456") is None


@pytest.mark.parametrize("password", [None, "", 12345678, b"password-bytes"])
def test_not_text(password: object) -> None:
    assert password_problem(password) == passwords.NOT_TEXT


def test_messages_are_sentences() -> None:
    for message in (passwords.TOO_SHORT, passwords.TOO_LONG, passwords.TOO_COMMON, passwords.CONTAINS_ID):
        assert message[0].isupper() and message.endswith(".")


def test_hash_round_trip() -> None:
    stored = hash_password(GOOD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, GOOD)
    assert not verify_password(stored, GOOD + "!")
    assert not verify_password(stored, GOOD.upper())
    assert not verify_password(stored, "")
    assert not needs_rehash(stored)
    assert hash_password(GOOD) != stored  # salted


def test_hash_normalises_unicode() -> None:
    composed = "caf\u00e9-au-lait-1"
    decomposed = "cafe\u0301-au-lait-1"
    assert verify_password(hash_password(composed), decomposed)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "not a hash",
        "$argon2id$v=19$m=19456,t=2,p=1$garbage",
        "$argon2id$v=19$m=19456,t=2,p=1$RjVY6zBHFVlP3r9KB1ZDeg$",
        "$2b$12$abcdefghijklmnopqrstuuJ3VvJ2ZW1uS2Ww1Fh8JvjlZz4u8vJqC",  # bcrypt
        12345,
    ],
)
def test_verify_malformed_hash_is_false(stored: object) -> None:
    assert verify_password(stored, GOOD) is False
    assert needs_rehash(stored) is True


def test_verify_non_text_password_is_false() -> None:
    stored = hash_password(GOOD)
    assert verify_password(stored, None) is False
    assert verify_password(stored, b"correct horse battery staple") is False


def test_needs_rehash_for_weaker_parameters() -> None:
    from argon2 import PasswordHasher, Type

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(GOOD)
    assert verify_password(weak, GOOD)
    assert needs_rehash(weak)


def test_dummy_hash_uses_current_parameters() -> None:
    assert not needs_rehash(passwords._dummy_hash())
    assert not verify_password(passwords._dummy_hash(), GOOD)


def test_burn_verify_time_runs_one_real_argon2_verification(monkeypatch) -> None:
    # Given the hasher, watched (PasswordHasher has slots: wrap it)
    hasher = passwords._hasher()
    calls: list[str] = []

    class Watched:
        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored)
            return bool(hasher.verify(stored, password))

    monkeypatch.setattr(passwords, "_hasher", lambda: Watched())
    # When an unknown account's login burns the time of a check
    burn_verify_time("wrong password")
    burn_verify_time(None)  # not text: still no error
    # Then an argon2id verification with the current parameters ran each time
    monkeypatch.undo()
    assert len(calls) == 2
    assert all(c.startswith("$argon2id$") and not needs_rehash(c) for c in calls)


def test_module_imports_only_stdlib() -> None:
    import subprocess

    code = (
        "import sys; import chalicelib.domain.passwords, chalicelib.domain.ids, chalicelib.domain.exams; "
        "print('argon2' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"
