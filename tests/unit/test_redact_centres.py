"""Exam centres' paths and searches carry a candidate's ID number or name: redacted in logs."""
from __future__ import annotations

from chalicelib.observability import redact


def test_a_candidates_id_number_in_a_path_and_a_search_are_redacted() -> None:
    line = '"GET /centres/candidates/SIR094701 HTTP/1.1" 200; "POST /centre/candidates/abc000001/secret"'
    out = redact(line)
    assert "SIR094701" not in out and "abc000001" not in out and "/centres/candidates/[id] " in out
    assert "Souza" not in redact("GET /centres/candidates?q=Bruna+Souza&exam_date=2026-06-14 HTTP/1.1")
    assert redact("/board/centres?created=GB123") == "/board/centres?created=GB123"
