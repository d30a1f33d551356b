"""An organisation's downloads: pk ORG#<org_id>, sk DL#<download_id> (time-ordered id, so the
history is newest first by sort key)."""
from __future__ import annotations

from typing import Any

from .. import models as m
from ..paging import Page, decode_cursor, encode_cursor
from ..table import Table


class Downloads:
    def __init__(self, table: Table) -> None:
        self.t = table

    def add(self, org_id: str, download_id: str, **attrs: Any) -> m.Download:
        item = m.Download(m.ORG + org_id, m.DOWNLOAD + download_id, download_id=download_id, org_id=org_id,
                          **attrs)
        self.t.put(item)
        return item

    def get(self, org_id: str, download_id: str) -> m.Download | None:
        return self.t.get(m.Download, m.ORG + org_id, m.DOWNLOAD + download_id) if download_id else None

    def page_of_org(self, org_id: str, limit: int, cursor: str | None) -> Page[m.Download]:
        listing = f"downloads:{org_id}"
        page = self.t.query(m.Download, m.ORG + org_id, m.Download.sk.startswith(m.DOWNLOAD), forward=False,
                            limit=limit, page_size=limit, start=decode_cursor(listing, cursor))
        return Page(page.items, encode_cursor(listing, page.last_evaluated_key))
