"""The in-memory table behaves as DynamoDB does: every test here runs against both
`DynamoTable` (moto) and `MemoryTable`, so a service test on the fake proves what it would on AWS."""
from __future__ import annotations

import threading

import pytest


@pytest.fixture(params=["dynamo", "memory"])
def table(request):
    from chalicelib.db.memory import MemoryTable
    from chalicelib.db.table import DynamoTable

    if request.param == "memory":
        yield MemoryTable()
    else:
        request.getfixturevalue("aws")
        yield DynamoTable()


def counter(pk: str = "RL#x", **kw):
    from chalicelib.db import models as m

    return m.Counter(pk, "RL", **kw)


def share(n: int, org: str = "o1", **kw):
    from chalicelib.db import models as m

    family = "Ruiz" if n % 2 else "Diaz"
    fields = dict(share_id=f"s{n}", org_id=org, organisation_name="Org", id_number="SIR000001",
                  result_pk="CAND#SIR000001", result_sk="RESULT#2026-06-14#B2FIRST",
                  result_id="B2FIRST-20260614",
                  first_name="Ana", family_name=family, exam_code="B2FIRST",
                  exam_name="B2 First", search=f"ana {family.lower()} {n}", shared_at=f"2026-06-{n:02d}",
                  gsi1pk=f"ORGSHARES#{org}", gsi1sk=f"2026-06-{n:02d}#s{n}", gsi2pk="CANDSHARES#SIR000001",
                  gsi2sk=f"2026-06-{n:02d}#s{n}")
    fields.update(kw)
    return m.Share(f"SHARE#s{n}", "SHARE", **fields)


def test_put_get_delete_and_conditions(table):
    from chalicelib.db import models as m

    assert table.get(m.Counter, "RL#x", "RL") is None
    assert table.put(counter(hits=1, window_start=10), condition=m.Counter.pk.does_not_exist())
    assert not table.put(counter(hits=9), condition=m.Counter.pk.does_not_exist())
    got = table.get(m.Counter, "RL#x", "RL")
    assert got is not None and got.hits == 1 and got.window_start == 10
    assert not table.delete(counter(), condition=m.Counter.hits > 5)
    assert table.delete(counter(), condition=m.Counter.hits < 5)
    assert table.get(m.Counter, "RL#x", "RL") is None


def test_update_actions_refresh_the_item_and_respect_the_condition(table):
    from chalicelib.db import models as m

    item = counter()
    assert table.update(item, [m.Counter.hits.add(1), m.Counter.window_start.set(100)],
                        condition=m.Counter.pk.does_not_exist())
    assert item.hits == 1 and item.window_start == 100
    assert table.update(item, [m.Counter.hits.set(m.Counter.hits + 2)], condition=m.Counter.hits < 5)
    assert item.hits == 3
    assert not table.update(item, [m.Counter.hits.add(1)], condition=m.Counter.hits >= 5)
    assert table.update(item, [m.Counter.locked_until.set(m.Counter.locked_until | 7),
                               m.Counter.window_start.remove()])
    again = table.get(m.Counter, "RL#x", "RL")
    assert again.hits == 3 and again.locked_until == 7 and again.window_start is None
    assert table.update(item, [m.Counter.hits.add(1)],
                        condition=(m.Counter.hits.between(1, 3)) & m.Counter.window_start.does_not_exist())
    assert table.get(m.Counter, "RL#x", "RL").hits == 4


def test_transaction_is_all_or_nothing(table):
    from chalicelib.db import models as m
    from chalicelib.db.table import Tx

    table.put(counter("RL#a", hits=1))
    table.put(counter("RL#c", hits=1))
    outcome = table.transact(Tx().put(counter("RL#b", hits=1), m.Counter.pk.does_not_exist())
                             .put(counter("RL#a", hits=2), m.Counter.pk.does_not_exist()))
    assert not outcome.ok and outcome.failed == (1,)
    assert table.get(m.Counter, "RL#b", "RL") is None
    outcome = table.transact(Tx().put(counter("RL#b", hits=1), m.Counter.pk.does_not_exist())
                             .update(counter("RL#a"), [m.Counter.hits.add(5)])
                             .check(m.Counter, "RL#c", "RL", m.Counter.pk.exists()))
    assert outcome.ok
    assert table.get(m.Counter, "RL#a", "RL").hits == 6
    outcome = table.transact(Tx().delete(counter("RL#c")).check(m.Counter, "RL#a", "RL", m.Counter.hits > 10))
    assert not outcome.ok and outcome.failed == (1,)
    assert table.get(m.Counter, "RL#c", "RL") is not None
    assert table.get(m.Counter, "RL#b", "RL").hits == 1


def test_query_orders_pages_and_filters(table):
    from chalicelib.db import models as m

    table.batch_write(puts=[share(n) for n in range(1, 8)] + [share(9, org="o2")])
    newest = table.query(m.Share.by_org, "ORGSHARES#o1", forward=False, limit=3)
    assert [s.share_id for s in newest.items] == ["s7", "s6", "s5"]
    assert newest.last_evaluated_key is not None
    rest = table.query(m.Share.by_org, "ORGSHARES#o1", forward=False, limit=10,
                       start=newest.last_evaluated_key)
    assert [s.share_id for s in rest.items] == ["s4", "s3", "s2", "s1"]
    assert rest.last_evaluated_key is None
    window = table.query(m.Share.by_org, "ORGSHARES#o1", m.Share.gsi1sk.between("2026-06-02", "2026-06-04~"))
    assert [s.share_id for s in window.items] == ["s2", "s3", "s4"]
    one = table.query(m.Share.by_org, "ORGSHARES#o1", filter_condition=m.Share.search.contains("ruiz"),
                      page_size=4, one_request=True)
    assert one.scanned == 4 and [s.share_id for s in one.items] == ["s1", "s3"]
    assert one.last_evaluated_key is not None
    got = table.batch_get(m.Share, [("SHARE#s1", "SHARE"), ("SHARE#s9", "SHARE"), ("SHARE#none", "SHARE")])
    assert sorted(s.share_id for s in got) == ["s1", "s9"]
    by_prefix = table.query(m.Share, "SHARE#s1", m.Share.sk.startswith("SH"))
    assert [s.share_id for s in by_prefix.items] == ["s1"]


def test_count_counts_a_query_without_reading_items(table):
    from chalicelib.db import models as m

    table.batch_write(puts=[share(n) for n in range(1, 8)] + [share(9, org="o2")])
    assert table.count(m.Share.by_org, "ORGSHARES#o1") == 7
    window = m.Share.gsi1sk.between("2026-06-02", "2026-06-04~")
    assert table.count(m.Share.by_org, "ORGSHARES#o1", window) == 3
    assert table.count(m.Share.by_org, "ORGSHARES#none") == 0


def test_conditional_updates_are_atomic_under_threads():
    """Twenty threads each take a slot while fewer than five are taken: five succeed."""
    from chalicelib.db import models as m
    from chalicelib.db.memory import MemoryTable

    table = MemoryTable()
    table.put(counter(hits=0))
    wins = []

    def take() -> None:
        if table.update(counter(), [m.Counter.hits.add(1)], condition=m.Counter.hits < 5):
            wins.append(1)

    threads = [threading.Thread(target=take) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 5
    assert table.get(m.Counter, "RL#x", "RL").hits == 5


def test_raw_items_read_put_and_delete_under_conditions(table):
    # Given a claim written as a raw item
    from chalicelib.db import models as m

    R = m.RefClaim
    item = {"pk": {"S": "REF#A"}, "sk": {"S": "REF"}, "owner": {"S": "me"}}
    assert table.put_raw(R, item, R.pk.does_not_exist(), old=True) == (True, None)
    # When it is put again only if absent or ours, Then the old item comes back / another is refused
    ok, old = table.put_raw(R, item, R.pk.does_not_exist() | (R.owner == "me"), old=True)
    assert ok and old is not None and old["owner"] == {"S": "me"}
    other = {**item, "owner": {"S": "you"}}
    assert table.put_raw(R, other, R.pk.does_not_exist() | (R.owner == "you")) == (False, None)
    # And a read of some fields gives only those (absent keys left out)
    assert table.read_raw(R, [("REF#A", "REF"), ("REF#B", "REF")], ["pk", "sk", "owner"]) == [item]
    # And a delete holds to its condition
    assert not table.delete_raw(R, "REF#A", "REF", R.owner == "you")
    assert table.delete_raw(R, "REF#A", "REF", R.owner == "me")
    assert table.read_raw(R, [("REF#A", "REF")], ["pk"]) == []
