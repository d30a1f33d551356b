"""The audit trail: reads and misses, by organisation, by result, by reference number."""
from __future__ import annotations

from chalicelib.services import audit


def test_reads_are_recorded_one_event_each_and_found_by_org_and_result():
    # When an organisation reads two results in one go
    n = audit.record("o1", "user:u1", "download_csv",
                     [("CAND#A", "RESULT#1", "s1"), ("CAND#B", "RESULT#2", "s2")])
    # Then two events, found by organisation and by result
    assert n == 2
    assert {e["share_id"] for e in audit.for_org("o1")} == {"s1", "s2"}
    got = audit.for_result("CAND#A", "RESULT#1")
    assert [(e["org_id"], e["actor"], e["how"], e["share_id"]) for e in got] == [
        ("o1", "user:u1", "download_csv", "s1")]
    assert audit.for_org("o2") == [] and audit.for_result("CAND#C", "RESULT#3") == []


def test_nothing_to_record_writes_nothing(memory_store):
    assert audit.record("o1", "user:u1", "photo", []) == 0
    assert memory_store.items == {}


def test_a_miss_keeps_only_a_keyed_hash_of_the_reference(memory_store):
    # When a search without a match is recorded
    audit.record_miss("o1", "key:k1", "api_results_miss", " ref12345 ")
    # Then it is found by the reference tried, and the reference is nowhere in clear
    got = audit.for_reference("REF12345")
    assert [(e["how"], e["actor"], e["result_pk"]) for e in got] == [("api_results_miss", "key:k1", None)]
    assert got[0]["ref_hash"] == audit.ref_hash("REF12345")
    assert "REF12345" not in str(memory_store.items).upper()
    assert audit.for_reference("OTHER123") == []


def test_for_org_is_in_time_order_and_limited():
    from chalicelib.adapters import clock

    for i in range(3):
        audit.record("o1", "user:u1", "detail", [("CAND#A", f"RESULT#{i}", None)])
        clock.advance(1)
    events = audit.for_org("o1", limit=2)
    assert [e["result_sk"] for e in events] == ["RESULT#0", "RESULT#1"]
