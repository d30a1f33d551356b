"""A released result as an Open Badges 3.0 `OpenBadgeCredential` (unsigned).

The achievement is the exam: its `resultDescription`s are the overall score (`ScaledScore`,
the exam's Cambridge English Scale range), each component (`ScaledScore`, its range), the
grade (`LetterGrade`, the exam's grades) and the CEFR level (`PerformanceLevel`, one
`RubricCriterionLevel` per CEFR level, each aligned to the CEFR); the subject's `result`s
carry the candidate's values. The subject is identified by name (plain) and date of birth
(a salted SHA-256 `identityHash`, OB's IdentityHash form "sha256$<hex>").
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

from .. import config
from ..adapters.pdf_layout import BOARD_NAME
from ..domain import exams
from .jsonld import OB_V3P0, VC_V2

CEFR = "Common European Framework of Reference for Languages"
CEFR_URL = "https://www.coe.int/en/web/common-european-framework-reference-languages"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _alignment(level: str | None = None) -> dict:
    out = {"type": ["Alignment"], "targetName": f"CEFR {level}" if level else CEFR, "targetUrl": CEFR_URL,
           "targetFramework": CEFR, "targetType": "ext:CEFRLevel" if level else "ext:CEFR"}
    if level:
        out["targetCode"] = level
    return out


def _scaled(rd_id: str, name: str, rng: tuple[int, int] | None) -> dict:
    rd: dict[str, Any] = {"id": rd_id, "type": ["ResultDescription"], "name": name,
                          "resultType": "ScaledScore"}
    if rng is not None:
        rd["valueMin"], rd["valueMax"] = str(rng[0]), str(rng[1])
    return rd


def achievement(exam: exams.Exam) -> tuple[dict, dict[str, str]]:
    """The exam as an Achievement, and the ids of its result descriptions by role
    ("overall", "grade", "cefr", "component:<name>", "cefr:<level>")."""
    base = f"{config.settings().public_base_url}/exams#{exam.code}"
    ids: dict[str, str] = {}
    rds: list[dict] = []
    if exam.scale is not None:
        ids["overall"] = f"{base}.overall"
        rds.append(_scaled(ids["overall"], "Overall score (Cambridge English Scale)", exam.scale))
    for comp in exam.components or ():
        ids[f"component:{comp}"] = f"{base}.component.{_slug(comp)}"
        rds.append(_scaled(ids[f"component:{comp}"], comp, exam.component_range))
    ids["grade"] = f"{base}.grade"
    grade: dict[str, Any] = {"id": ids["grade"], "type": ["ResultDescription"], "name": "Grade",
                             "resultType": "LetterGrade"}
    if exam.grades:
        grade["allowedValue"] = list(exam.grades)
    rds.append(grade)
    if exam.scale is not None:
        ids["cefr"] = f"{base}.cefr"
        levels = []
        for level in exams.CEFR_LEVELS:
            ids[f"cefr:{level}"] = f"{base}.cefr.{_slug(level)}"
            levels.append({"id": ids[f"cefr:{level}"], "type": ["RubricCriterionLevel"], "name": level,
                           "alignment": [_alignment(level)]})
        rds.append({"id": ids["cefr"], "type": ["ResultDescription"], "name": "CEFR level",
                    "resultType": "PerformanceLevel", "alignment": [_alignment()],
                    "rubricCriterionLevel": levels})
    ach = {
        "id": base, "type": ["Achievement"], "achievementType": "Certificate", "name": exam.name,
        "humanCode": exam.code,
        "description": f"{exam.display_name}: an English language exam of {BOARD_NAME}.",
        "criteria": {"narrative": "Awarded to the candidate on the results of the exam, as the "
                                  "results below show."},
        "resultDescription": rds,
    }
    return ach, ids


def _result(rd_id: str, value: str, **more: str) -> dict:
    return {"type": ["Result"], "resultDescription": rd_id, "value": value, **more}


def dob_hash(date_of_birth: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((date_of_birth + salt).encode()).hexdigest()


def credential(r: Any, *, credential_id: str, valid_from: str, salt: str, status: dict) -> dict:
    """The unsigned OpenBadgeCredential of released result `r` (a models.Result)."""
    from .did import issuer_did

    exam = exams.get_exam(r.exam_code) or exams.Exam(r.exam_code, r.exam_code, None, True, False, None, None)
    ach, ids = achievement(exam)
    results: list[dict] = []
    if r.overall_score is not None and "overall" in ids:
        results.append(_result(ids["overall"], str(int(r.overall_score))))
    for c in r.components or []:
        key = f"component:{c.name}"
        if c.score is not None and key in ids:
            results.append(_result(ids[key], str(int(c.score))))
    if r.grade:
        results.append(_result(ids["grade"], r.grade))
    if r.cefr_level and f"cefr:{r.cefr_level}" in ids:
        results.append(_result(ids["cefr"], r.cefr_level, achievedLevel=ids[f"cefr:{r.cefr_level}"]))
    name = f"{r.first_name} {r.family_name}".strip()
    return {
        "@context": [VC_V2, OB_V3P0],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{exam.name}: result of {r.exam_date}",
        "issuer": {"id": issuer_did(), "type": ["Profile"], "name": BOARD_NAME,
                   "url": config.settings().public_base_url},
        "validFrom": valid_from,
        "awardedDate": r.released_at or valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name},
                {"type": "IdentityObject", "identityType": "ext:dateOfBirth", "hashed": True,
                 "identityHash": dob_hash(r.date_of_birth, salt), "salt": salt},
            ],
            "achievement": ach,
            "result": results,
        },
        "credentialStatus": status,
    }
