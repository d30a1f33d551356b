"""Check codes: their form, their parsing, and the QR code's URL (upper case: alphanumeric mode)."""
from __future__ import annotations

import re

import pytest

from chalicelib.services import check_codes


def test_a_token_is_80_bits_of_upper_case_letters_and_digits() -> None:
    tokens = {check_codes.new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(re.fullmatch(r"[A-Z2-7]{16}", t) for t in tokens)  # 16 x 5 bits


def test_a_code_is_the_reference_number_and_the_token_and_parses_back() -> None:
    code = check_codes.code_of(" sor-2025-000001 ", "ABCDEFGHIJKLMNOP")
    assert code == "SOR-2025-000001-ABCDEFGHIJKLMNOP"
    assert check_codes.parse(code) == ("SOR-2025-000001", "ABCDEFGHIJKLMNOP")
    assert check_codes.parse(f"  {code.lower()} ") == ("SOR-2025-000001", "ABCDEFGHIJKLMNOP")


@pytest.mark.parametrize("bad", [
    "", "ABCDEFGHIJKLMNOP", "-ABCDEFGHIJKLMNOP", "SOR-2025-000001-ABCDEFGHIJKLMNO",
    "SOR-2025-000001-ABCDEFGHIJKLMNOP1", "SOR-2025-000001-ABCDEFGHIJKLMN01", "X" * 300, None])
def test_anything_else_is_no_code(bad: object) -> None:
    assert check_codes.parse(bad) is None  # type: ignore[arg-type]


def test_the_qr_url_is_upper_case_and_fits_alphanumeric_mode() -> None:
    import segno

    from chalicelib import config

    base = config.settings().public_base_url
    url = check_codes.check_url("SOR-2025-000001-ABCDEFGHIJKLMNOP")
    assert url == f"{base}/CHECK/SOR-2025-000001-ABCDEFGHIJKLMNOP".upper()
    assert segno.make_qr(url, error="m").mode == "alphanumeric"
