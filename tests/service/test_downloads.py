"""Downloads of shares (CSV here: the ZIP of PDFs renders statements, tested through the API)."""
from __future__ import annotations

import pytest

from chalicelib.adapters import clock
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.services import audit, downloads, shares

from .sharing_kit import bucket, put_org, put_result, unmigrated  # noqa: F401 - fixtures


@pytest.fixture
def made(unmigrated, actor, bucket):  # noqa: F811
    """Three shares with the actor's organisation."""
    unmigrated.put(actor.org)
    put_org(unmigrated, "o2")
    out = []
    for i in range(3):
        r = put_result(unmigrated, f"C{i:07d}")
        out.append(shares.share(r.id_number, r.result_id, "o1")["share_id"])
    return out


def test_a_csv_download_is_stored_listed_audited_and_served_again(made, actor, bucket):  # noqa: F811
    # When the organisation downloads its shares as CSV
    d = downloads.create(actor, made, "csv", None)
    # Then the file is in the bucket with a row a share, and each read is audited
    assert d["status"] == "ready" and d["share_count"] == 3 and d["url"]
    body = bucket[next(iter(bucket))].decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 4
    assert sorted(e["how"] for e in audit.for_org("o1")) == ["download_csv"] * 3
    # And the shares are no longer new
    assert not any(s["new"] for s in shares.org_shares(actor, 10, None)["shares"])
    # And getting it again re-audits the reads
    again = downloads.get(actor, d["download_id"])
    assert again["url"] and len(audit.for_org("o1")) == 6


def test_history_newest_first_with_a_cursor(made, actor):
    ids = []
    for _ in range(3):
        ids.append(downloads.create(actor, made[:1], "csv", None)["download_id"])
        clock.advance(1)
    page = downloads.history(actor, 2, None)
    assert [d["download_id"] for d in page["downloads"]] == ids[::-1][:2]
    assert all(d["url"] is None for d in page["downloads"])
    rest = downloads.history(actor, 2, page["next_cursor"])
    assert [d["download_id"] for d in rest["downloads"]] == ids[:1] and rest["next_cursor"] is None
    with pytest.raises(ValidationError):
        shares.org_shares(actor, 2, page["next_cursor"])  # a downloads cursor is no shares cursor


def test_a_download_is_refused_after_a_withdrawal(made, actor):
    # Given a download of three shares
    d = downloads.create(actor, made, "csv", None)
    # When one candidate revokes their share
    shares.revoke("C0000001", made[1])
    # Then the old file is refused (409, saying why) and nothing is audited for it
    before = len(audit.for_org("o1"))
    with pytest.raises(Conflict) as err:
        downloads.get(actor, d["download_id"])
    assert "1 of the candidates" in err.value.message
    assert len(audit.for_org("o1")) == before
    # And a new download of the revoked share is refused too
    with pytest.raises(NotFound):
        downloads.create(actor, made, "csv", None)


def test_another_organisations_download_and_shares_are_not_found(made, actor, unmigrated):  # noqa: F811
    other = put_result(unmigrated, "C9999999")
    theirs = shares.share(other.id_number, other.result_id, "o2")["share_id"]
    with pytest.raises(NotFound):
        downloads.create(actor, [*made, theirs], "csv", None)
    d = downloads.create(actor, made, "csv", None)
    from dataclasses import replace

    outsider = replace(actor, org=type(actor.org)(**{**actor.org.attribute_values, "org_id": "o2"}))
    with pytest.raises(NotFound):
        downloads.get(outsider, d["download_id"])


@pytest.mark.parametrize("ids, fmt, template", [([], "csv", None), ([3], "csv", None),
                                                (["x" * 65], "csv", None), (["a"], "pdf", "mine")])
def test_bad_requests_are_refused(made, actor, ids, fmt, template):
    with pytest.raises(ValidationError):
        downloads.create(actor, ids, fmt, template)


def test_too_many_shares_in_one_download(made, actor):
    with pytest.raises(ValidationError):
        downloads.create(actor, [f"s{i}" for i in range(downloads.MAX_SHARES + 1)], "csv", None)


def test_an_expired_download_has_no_url(made, actor):
    d = downloads.create(actor, made, "csv", None)
    clock.advance(downloads.KEEP_SECONDS + 1)
    out = downloads.get(actor, d["download_id"])
    assert out["status"] == "expired" and out["url"] is None
    with pytest.raises(NotFound):
        downloads.get(actor, "nope")
