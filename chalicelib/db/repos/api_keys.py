"""API keys: pk APIKEY#<sha256 of the key>, sk APIKEY (the key itself is never stored).
gsi1 (`by_org`): ORGKEYS#<org_id> / <key_id>, the organisation's keys."""
from __future__ import annotations

from .. import models as m
from ..table import Table


class ApiKeys:
    def __init__(self, table: Table) -> None:
        self.t = table

    def of_org(self, org_id: str, limit: int) -> list[m.ApiKey]:
        return self.t.query(m.ApiKey.by_org, m.ORG_KEYS + org_id, limit=limit).items

    def of_org_by_id(self, org_id: str, key_id: str) -> m.ApiKey | None:
        found = self.t.query(m.ApiKey.by_org, m.ORG_KEYS + org_id, m.ApiKey.gsi1sk == key_id, limit=1).items
        return found[0] if found else None

    def by_hash(self, key_hash: str) -> m.ApiKey | None:
        return self.t.get(m.ApiKey, m.APIKEY + key_hash, "APIKEY")

    def add(self, key_hash: str, key_id: str, org_id: str, name: str, prefix: str, created_at: str,
            created_by: str) -> m.ApiKey | None:
        """The new key's item, or None if one with that hash exists already."""
        item = m.ApiKey(m.APIKEY + key_hash, "APIKEY", key_id=key_id, org_id=org_id, name=name,
                        prefix=prefix, created_at=created_at, created_by=created_by,
                        gsi1pk=m.ORG_KEYS + org_id, gsi1sk=key_id)
        return item if self.t.put(item, condition=m.ApiKey.pk.does_not_exist()) else None

    def remove(self, item: m.ApiKey) -> None:
        self.t.delete(item)

    def used(self, item: m.ApiKey, at: str) -> bool:
        """Record `last_used_at` on a key that still exists (False if revoked meanwhile)."""
        return self.t.update(item, [m.ApiKey.last_used_at.set(at)], condition=m.ApiKey.pk.exists())
