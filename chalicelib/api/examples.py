"""Examples of requests and replies in the OpenAPI document, for the operations an integrator
starts with (the verifiers' machine API, API keys, webhooks). Swagger UI on /docs shows them;
tests/api/test_api_examples.py checks each one against its own schema, so they cannot drift.
Standard library only: read when the document is built, never on a request path."""
from __future__ import annotations

import copy
from typing import Any

_RESULT = {
    "result_id": "B2FIRST-20260614", "exam_code": "B2FIRST", "exam_name": "B2 First",
    "exam_date": "2026-06-14", "exam_format": "paper", "status": "released",
    "overall_score": 174, "grade": "B", "cefr_level": "B2",
    "components": [{"name": "Reading", "score": 176}, {"name": "Use of English", "score": 172},
                   {"name": "Writing", "score": 170}, {"name": "Listening", "score": 172},
                   {"name": "Speaking", "score": 180}],
    "reference_number": "B2F26-0614-0001", "released_at": "2026-07-20T09:00:00Z",
}
_SHARE = {
    **_RESULT,
    "candidate": {"first_name": "Zoë", "family_name": "Łukasiewicz", "date_of_birth": "2004-03-09",
                  "id_number": "SIR094701"},
    "photo_url": None, "share_id": "3f9c0d2a7b1e4c55a0d9e8f1", "shared_at": "2026-07-21T08:15:02.123456Z",
}

# (METHOD, path) -> {"request": body, "<status>": reply}
EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/shares"): {"200": {"shares": [_SHARE], "next_cursor": None,
                                        "resume_cursor": "v1.Zm9vYmFyYmF6cXV4LXNlYWxlZC1jdXJzb3I"}},
    ("GET", "/api/v1/results"): {"200": _SHARE},
    ("POST", "/organisation/api-keys"): {
        "request": {"name": "Slate admissions"},
        "201": {"key_id": "k7Q2mX9pL0aB", "name": "Slate admissions", "prefix": "rvs_k7Q2mX9",
                "created_at": "2026-07-01T10:00:00Z", "last_used_at": None,
                "key": "rvs_k7Q2mX9pL0aB_Xy3uW8c1qJ5tNn0rVb7sLd2kFh9gPz4eTa6oYm1iUw"}},
    ("POST", "/organisation/webhooks"): {"request": {"url": "https://admissions.uni-north.ac.uk/hooks/results"}},
}


def apply(method: str, path: str, operation: dict[str, Any]) -> None:
    """Put the examples of (method, path) into its operation (in place)."""
    found = EXAMPLES.get((method, path))
    if not found:
        return
    for status, example in found.items():
        if status == "request":
            operation["requestBody"]["content"]["application/json"]["example"] = example
            continue
        reply = copy.deepcopy(operation["responses"][status])  # a declaration may be shared
        reply["content"]["application/json"]["example"] = example
        operation["responses"][status] = reply
