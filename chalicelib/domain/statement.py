"""What a Statement of Results shows: the data the PDF adapter (chalicelib/adapters/pdf.py) renders.

Pure data: the services build it from a result, the adapter lays it out and draws it.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["StatementData"]


@dataclass(frozen=True)
class StatementData:
    first_name: str
    family_name: str
    date_of_birth: str  # YYYY-MM-DD
    id_number: str
    centre_number: str
    exam_code: str
    exam_name: str
    exam_date: str  # YYYY-MM-DD
    exam_format: str  # "paper" / "computer"
    overall_score: int | None
    grade: str | None
    cefr_level: str | None
    components: list[tuple[str, int | None]]  # (name, score), e.g. ("Reading", 175)
    reference_number: str
    verification_url: str  # encoded as a QR code on the page
    issued_on: str  # YYYY-MM-DD
    check_code: str = ""  # printed under the QR code (services/check_codes.py); "" when none
