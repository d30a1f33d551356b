"""Reading a batch CSV as a stream: UTF-8 with or without BOM, CRLF or LF, quoted fields
(including line breaks inside quotes). Memory stays flat however large the file."""
from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator


class NotCsv(Exception):
    """The file as a whole cannot be read as the expected CSV."""


def decoded(lines: Iterable[bytes]) -> Iterator[str]:
    first = True
    for n, raw in enumerate(lines, start=1):
        if first:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            first = False
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NotCsv(f"line {n} is not UTF-8 text: save the file as CSV UTF-8") from None


Rows = Iterator[tuple[int, dict[str, str]]]


def delimiter(first_line: str) -> str:
    """`,`, or `;` for a file whose header is separated by semicolons (what Excel saves as
    "CSV" where the decimal separator is a comma: much of Europe and Latin America)."""
    def width(sep: str) -> int:
        try:
            return len(next(csv.reader([first_line], delimiter=sep)))
        except (csv.Error, StopIteration):
            return 0

    return ";" if width(",") < 2 and width(";") >= 2 else ","


def rows(lines: Iterable[bytes], required: list[str]) -> tuple[list[str], Rows]:
    """The header and an iterator of (row number, {column: value}); row 1 is the header. The
    separator is a comma, or a semicolon when the header row is separated by semicolons."""
    text = decoded(lines)
    first = next(text, None)
    sep = delimiter(first) if first is not None else ","
    reader = csv.reader(itertools.chain([first] if first is not None else [], text), delimiter=sep,
                        strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise NotCsv("the file is empty") from None
    except csv.Error as err:
        raise NotCsv(f"the header row is not CSV ({err})") from None
    header = [h.strip() for h in header]
    if len(header) < 2 or any("\x00" in h for h in header):
        raise NotCsv("the first row must be a CSV header of column names")
    missing = [c for c in required if c not in header]
    if missing:
        raise NotCsv("required columns are missing: " + ", ".join(missing))
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise NotCsv("columns appear twice: " + ", ".join(dupes))

    def iterate() -> Rows:
        n = 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                raise NotCsv(f"row {n + 1} cannot be read as CSV ({err})") from None
            n += 1
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield n, {"__width__": f"has {len(values)} fields, the header has {len(header)}"}
                continue
            yield n, {h: v.strip() for h, v in zip(header, values)}

    return header, iterate()
