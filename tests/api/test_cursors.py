"""Paging cursors: the cursor a page gave out leads to the next page; a made-up one (right
encoding, wrong keys) is a 400 validation_error on every paged list, never a 500 (real
DynamoDB refuses an ExclusiveStartKey that is not the index's; moto is laxer)."""
from __future__ import annotations

import base64
import json

import pytest

from .verifier_kit import make_org, staff  # noqa: F401 - fixtures


def cursor(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


MADE_UP = [
    {"pk": "x"},
    {"a": "b"},
    {"pk": {"S": "x"}},
    {"pk": "BATCH#1", "sk": "BATCH", "gsi1pk": "BATCHES"},
    {"pk": {"S": "BATCH#1"}, "sk": {"S": "BATCH"}, "gsi1pk": {"S": "ELSE"}, "gsi1sk": {"S": "x"}},
]


@pytest.mark.parametrize("key", MADE_UP)
def test_staff_lists_refuse_a_made_up_cursor(api, staff, key) -> None:  # noqa: F811
    for path in ("/staff/batches", "/staff/organisations"):
        r = api.get(f"{path}?cursor={cursor(key)}", token=staff)
        assert r.status == 400, (path, r.status, r.json)
        assert r.json["error"] == "validation_error" and "cursor" in r.json["fields"]


def test_organisation_lists_refuse_a_cursor_with_only_their_own_partition(api, make_org) -> None:  # noqa: F811
    # Given an organisation user who knows the organisation's id (the partition of its lists)
    org = make_org()
    made_up = {
        "/organisation/shares": {"gsi1pk": f"ORGSHARES#{org.org_id}"},
        "/organisation/downloads": {"pk": f"ORG#{org.org_id}"},
    }
    for path, key in made_up.items():
        # When the cursor names the partition but no item
        r = api.get(f"{path}?cursor={cursor(key)}", token=org.token)
        # Then it is refused, not handed to DynamoDB
        assert r.status == 400, (path, r.status, r.json)
        assert "cursor" in r.json["fields"]


def test_a_cursor_given_out_still_leads_to_the_next_page(api, staff) -> None:  # noqa: F811
    # Given three batches
    for n in range(3):
        r = api.post("/staff/batches", {"kind": "entries", "filename": f"f{n}.csv"}, token=staff)
        assert r.status == 201
    # When staff page through them two at a time
    first = api.get("/staff/batches?limit=2", token=staff).json
    assert len(first["batches"]) == 2 and first["next_cursor"]
    second = api.get(f"/staff/batches?limit=2&cursor={first['next_cursor']}", token=staff)
    # Then the second page has the third
    assert second.status == 200, second.json
    ids = [b["batch_id"] for b in first["batches"] + second.json["batches"]]
    assert len(set(ids)) == 3


def test_a_cursor_is_opaque_and_belongs_to_its_own_list(api, staff) -> None:  # noqa: F811
    # Given a real cursor of the batches list
    for n in range(3):
        api.post("/staff/batches", {"kind": "entries", "filename": f"g{n}.csv"}, token=staff)
    given = api.get("/staff/batches?limit=1", token=staff).json["next_cursor"]
    # Then it shows none of the table's keys
    raw = base64.urlsafe_b64decode(given + "=" * (-len(given) % 4))
    assert b"BATCH" not in raw and b"gsi1" not in raw
    # And another list refuses it
    r = api.get(f"/staff/organisations?cursor={given}", token=staff)
    assert r.status == 400 and "cursor" in r.json["fields"]
    # And so does its own list once a character is changed
    edited = given[:5] + ("A" if given[5] != "A" else "B") + given[6:]
    r = api.get(f"/staff/batches?cursor={edited}", token=staff)
    assert r.status == 400 and "cursor" in r.json["fields"]
