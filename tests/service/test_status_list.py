"""The revocation status list over the in-memory table: index allocation, bit order, and a
published list that never loses a bit, whatever order concurrent revocations publish in."""
from __future__ import annotations

import threading

import pytest


@pytest.fixture
def lists(memory_store):
    from chalicelib.db.store import store

    return store().credentials


def test_indexes_are_handed_out_once_each_even_at_once(lists):
    got: list[int] = []
    threads = [threading.Thread(target=lambda: got.append(lists.allocate_index())) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(20))
    assert lists.allocated() == 20


def test_bit_zero_is_the_first_bit_and_the_list_has_131072_entries():
    import gzip

    from chalicelib.credentials.multibase import unu
    from chalicelib.credentials.status_list import LIST_SIZE, decode, encode

    raw = gzip.decompress(unu(encode({0, 9, LIST_SIZE - 1})))
    assert len(raw) * 8 == LIST_SIZE == 131_072
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    assert decode(encode({0, 9, LIST_SIZE - 1})) == {0, 9, LIST_SIZE - 1}
    assert encode(()).startswith("u") and "=" not in encode(())


def test_a_publication_that_arrives_late_does_not_undo_a_later_one(lists):
    from chalicelib.credentials import status_list as sl

    for _ in range(5):
        lists.allocate_index()
    first = lists.revoke(0, 1)   # revocation A ...
    second = lists.revoke(0, 2)  # ... and B, at the same time
    sl._publish(0, second.revoked, second.rev)  # B publishes first
    sl._publish(0, first.revoked, first.rev)    # A's older list is not kept over it
    kept = lists.status_list(0)
    assert kept is not None and kept.signed_rev == kept.rev == 2
    served = sl.status_list_credential(0)
    assert served is not None and sl.decode(served["credentialSubject"]["encodedList"]) == {1, 2}


def test_a_list_left_behind_by_a_crash_is_signed_again_when_read(lists):
    from chalicelib.credentials import status_list as sl

    for _ in range(10):
        lists.allocate_index()
    sl.revoke_index(3)
    lists.revoke(0, 7)  # set, then the process died before publishing
    served = sl.status_list_credential(0)
    assert served is not None and sl.decode(served["credentialSubject"]["encodedList"]) == {3, 7}


def test_indexes_past_the_first_list_go_to_the_next_one(lists):
    from chalicelib.credentials import status_list as sl

    entry = sl.entry(sl.LIST_SIZE + 5)
    assert entry["statusListCredential"].endswith("/credentials/status/1")
    assert entry["statusListIndex"] == "5" and entry["id"].endswith("/credentials/status/1#5")
    assert sl.status_list_credential(1) is None  # no credential points into it yet


@pytest.mark.parametrize("name", ["²", "١", "x", "-1", "1234567", ""])
def test_a_list_name_that_is_not_plain_digits_is_not_found(lists, name):
    from chalicelib.domain.errors import NotFound
    from chalicelib.services.credentials import status_list

    lists.allocate_index()
    with pytest.raises(NotFound):
        status_list(name)
    assert status_list("0")["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
