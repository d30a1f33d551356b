"""Shares of released results with organisations.

Share: pk SHARE#<share_id>, sk SHARE.
- gsi1 (`by_org`): ORGSHARES#<org_id> / <shared_at to the microsecond>#<share_id>: the
  organisation's list (newest first) and the machine API (oldest first, up to settled time).
- gsi2 (`by_candidate`): CANDSHARES#<id_number> / the same sort key: the candidate's list.

Cursors are sealed for their listing (db/paging.py); the listing names keep the strings the
service has always used, so a cursor given out before still opens.

`results_by_keys`, `result`, `candidate_result`, `by_reference` and `lookup_off` are the few
reads of results that sharing needs; they belong to the results repository once it exists.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..paging import Page, decode_cursor, encode_cursor, key_of
from ..table import Table

ResultKey = tuple[str, str]
_GSI1_KEY = ("pk", "sk", "gsi1pk", "gsi1sk")


@dataclass
class ApiPage:
    """A page of the machine API: `next_cursor` while more settled shares follow, and
    `resume_cursor` (always, once anything was read) to poll from next time."""

    items: list[m.Share]
    next_cursor: str | None
    resume_cursor: str | None


class Shares:
    def __init__(self, table: Table) -> None:
        self.t = table

    # ------------------------------------------------------------ shares
    def get(self, share_id: str, consistent: bool = False) -> m.Share | None:
        return self.t.get(m.Share, m.SHARE + share_id, "SHARE", consistent=consistent) if share_id else None

    def many(self, share_ids: Iterable[str]) -> dict[str, m.Share]:
        """The shares that exist among `share_ids` (one BatchGet), by share id."""
        keys = [(m.SHARE + sid, "SHARE") for sid in dict.fromkeys(share_ids)]
        return {s.share_id: s for s in self.t.batch_get(m.Share, keys)} if keys else {}

    def add(self, share_id: str, org_id: str, id_number: str, seq: str, **attrs: Any) -> tuple[m.Share, bool]:
        """Write the share unless it exists: (the share written, True), or (the share that
        exists, read consistently, False) when it was there already (a re-share, or the same
        share made by a request at the same moment)."""
        item = m.Share(m.SHARE + share_id, "SHARE", share_id=share_id, org_id=org_id, id_number=id_number,
                       gsi1pk=m.ORG_SHARES + org_id, gsi1sk=seq, gsi2pk=m.CAND_SHARES + id_number,
                       gsi2sk=seq, **attrs)
        if self.t.put(item, condition=m.Share.pk.does_not_exist()):
            return item, True
        existing = self.get(share_id, consistent=True)
        if existing is None:  # revoked in between: write it again
            return self.add(share_id, org_id, id_number, seq, **attrs)
        return existing, False

    def remove(self, item: m.Share) -> None:
        self.t.delete(item)

    def mark_seen(self, item: m.Share, at: str) -> bool:
        """Set `viewed_at` on a share that still exists (False if it was revoked meanwhile)."""
        return self.t.update(item, [m.Share.viewed_at.set(at)], condition=m.Share.pk.exists())

    # ------------------------------------------------------------ lists
    def page_of_candidate(self, id_number: str, limit: int, cursor: str | None) -> Page[m.Share]:
        listing = f"candidate-shares:{id_number}"
        page = self.t.query(m.Share.by_candidate, m.CAND_SHARES + id_number, forward=False, limit=limit,
                            page_size=limit, start=decode_cursor(listing, cursor))
        return Page(page.items, encode_cursor(listing, page.last_evaluated_key))

    @staticmethod
    def _between(lo: str | None, hi: str | None) -> Any:
        return m.Share.gsi1sk.between(lo or "0", hi or "~") if (lo or hi) else None

    def page_of_org(self, org_id: str, limit: int, cursor: str | None, *, scope: str = "",
                    lo: str | None = None, hi: str | None = None) -> Page[m.Share]:
        """The organisation's shares newest first, shared between `lo` and `hi` (sort-key
        bounds) if given; `scope` names the filters in the cursor's listing."""
        listing = f"org-shares:{org_id}:{scope}"
        page = self.t.query(m.Share.by_org, m.ORG_SHARES + org_id, self._between(lo, hi), forward=False,
                            limit=limit, page_size=limit, start=decode_cursor(listing, cursor))
        return Page(page.items, encode_cursor(listing, page.last_evaluated_key))

    def search_of_org(self, org_id: str, needle: str, limit: int, cursor: str | None, *, scope: str = "",
                      lo: str | None = None, hi: str | None = None, page_size: int,
                      max_read: int) -> Page[m.Share]:
        """Shares whose search text contains `needle`, newest first: DynamoDB pages of
        `page_size` items (one request each), stopping at `limit` matches or after `max_read`
        items read, with a cursor to go on from there."""
        listing = f"org-shares:{org_id}:{scope}"
        start = decode_cursor(listing, cursor)
        found: list[m.Share] = []
        read = 0
        while True:
            page = self.t.query(m.Share.by_org, m.ORG_SHARES + org_id, self._between(lo, hi),
                                filter_condition=m.Share.search.contains(needle), forward=False,
                                page_size=page_size, start=start, one_request=True)
            read += page.scanned
            start = page.last_evaluated_key
            for s in page.items:
                found.append(s)
                if len(found) == limit:
                    return Page(found, encode_cursor(listing, key_of(s, *_GSI1_KEY)))
            if start is None or read >= max_read:
                return Page(found, encode_cursor(listing, start))

    def settled_of_org(self, org_id: str, since: str, settled: str, limit: int,
                       cursor: str | None) -> ApiPage:
        """The machine API's page: shares oldest first with sort key between `since` and
        `settled`; the resume cursor is the next cursor, or the last share's key, or the
        cursor it started from."""
        listing = f"api-shares:{org_id}"
        start = decode_cursor(listing, cursor)
        page = self.t.query(m.Share.by_org, m.ORG_SHARES + org_id, m.Share.gsi1sk.between(since, settled),
                            limit=limit, page_size=limit, start=start)
        lek = page.last_evaluated_key
        resume = lek or (key_of(page.items[-1], *_GSI1_KEY) if page.items else start)
        return ApiPage(page.items, encode_cursor(listing, lek), encode_cursor(listing, resume))

    # ------------------------------------------------------------ the results sharing reads
    def results_by_keys(self, keys: Iterable[ResultKey]) -> dict[ResultKey, m.Result]:
        """Results by (pk, sk) as a share holds them (one BatchGet), released or not."""
        wanted = list(dict.fromkeys(keys))
        return {(r.pk, r.sk): r for r in self.t.batch_get(m.Result, wanted)} if wanted else {}

    def result(self, key: ResultKey) -> m.Result | None:
        return self.t.get(m.Result, *key)

    def candidate_result(self, id_number: str, exam_code: str, exam_date: str) -> m.Result | None:
        return self.t.get(m.Result, *m.Result.keys(id_number, exam_date, exam_code))

    def by_reference(self, reference_number: str, limit: int = 5) -> list[m.Result]:
        return self.t.query(m.Result.by_reference, m.REF + reference_number, limit=limit).items

    def lookup_off(self, id_number: str) -> set[str]:
        """The result ids whose look-up by reference number the candidate turned off."""
        item = self.t.get(m.LookupSettings, *m.LookupSettings.keys(id_number))
        return set(item.off or ()) if item is not None else set()
