from __future__ import annotations

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import (
    ID_NUMBER_MESSAGE,
    check_reference_number,
    check_secret_number,
    is_id_number,
    normalise_id_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SIR094701", "SIR094701"),
        ("sir094701", "SIR094701"),
        ("  SIR094701\t", "SIR094701"),
        ("SIR 094701", "SIR094701"),
        ("SIR-094-701", "SIR094701"),
        ("S I R 0 9 4 7 0 1", "SIR094701"),
        ("SIR\u2013094701", "SIR094701"),  # en dash
        ("\uff33\uff29\uff32\uff10\uff19\uff14\uff17\uff10\uff11", "SIR094701"),  # full-width
        # Digit part: O -> 0, I/L -> 1.
        ("SIRO947O1", "SIR094701"),
        ("SIR0947OI", "SIR094701"),
        ("SIR0947Ol", "SIR094701"),
        ("sirl0l0l0", "SIR101010"),
        ("SIROOOOOO", "SIR000000"),
        # Letter part: 0 -> O, 1 -> I.
        ("S1R094701", "SIR094701"),
        ("0AK123456", "OAK123456"),
        ("10N123456", "ION123456"),
        # An L in the letter part is a real letter and stays; only the digit part is fixed here.
        (" SlR O947O1 ", "SLR094701"),
        # Both parts at once.
        ("s1r o947o1", "SIR094701"),
    ],
)
def test_normalise_id_number(raw: str, expected: str) -> None:
    assert normalise_id_number(raw) == expected
    assert is_id_number(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "SIR09470",  # 5 digits
        "SIR0947011",  # 7 digits
        "SI094701",  # 2 letters
        "SIRS094701",
        "123094701",  # digits other than 0/1 in the letter part
        "SIR09A701",  # letter other than O/I/L in the digit part
        "SIR09470Z",
        "SÏR094701",
        "SIR094701!",
        "SIR/094701",
        "094701SIR",
        "SIR" + "\u0660" * 6,  # Arabic-Indic digits are not ASCII digits
        "X" * 1000,
        None,
        94701,
        ["SIR094701"],
    ],
)
def test_normalise_id_number_refuses(raw: object) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_id_number(raw)
    assert exc.value.fields == {"id_number": ID_NUMBER_MESSAGE}
    assert "SIR094701" in exc.value.fields["id_number"]
    assert not is_id_number(raw)


def test_normalise_id_number_field_name() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_id_number("nope", field="candidate.id_number")
    assert list(exc.value.fields or {}) == ["candidate.id_number"]
    assert exc.value.body()["error"] == "validation_error"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0427", "0427"), (" 1234 ", "1234"), ("0000", "0000"), ("\uff11\uff12\uff13\uff14", "1234"),
     (9876, "9876")],
)
def test_secret_number(raw: object, expected: str) -> None:
    assert check_secret_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "123", "12345", "12 34", "12a4", "abcd", "-123", "+123", "1.23", "\u0661\u0662\u0663\u0664",
            None, 427, True, 12345, 12.34],
)
def test_secret_number_refuses(raw: object) -> None:
    with pytest.raises(ValidationError) as exc:
        check_secret_number(raw)
    assert set(exc.value.fields or {}) == {"secret_number"}
    assert "4 digits" in (exc.value.fields or {})["secret_number"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ABCD1234", "ABCD1234"),
        ("  abcd1234  ", "ABCD1234"),
        ("ref-2024/001#X", "REF-2024/001#X"),
        ("!" * 8, "!" * 8),
        ("A" * 40, "A" * 40),
    ],
)
def test_reference_number(raw: str, expected: str) -> None:
    assert check_reference_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "ABC1234", "A" * 41, "ABCD 1234", "ABCD\t1234", "ABCDÉ1234", "ABCD\x001234", None, 12345678],
)
def test_reference_number_refuses(raw: object) -> None:
    with pytest.raises(ValidationError) as exc:
        check_reference_number(raw)
    assert set(exc.value.fields or {}) == {"reference_number"}
