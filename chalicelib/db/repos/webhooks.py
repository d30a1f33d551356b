"""An organisation's webhooks: pk ORG#<org_id>, sk WEBHOOK#<webhook_id> (one query lists them)."""
from __future__ import annotations

from typing import Any

from .. import models as m
from ..table import Table


class Webhooks:
    def __init__(self, table: Table) -> None:
        self.t = table

    def of_org(self, org_id: str) -> list[m.Webhook]:
        return self.t.query(m.Webhook, m.ORG + org_id, m.Webhook.sk.startswith(m.WEBHOOK)).items

    def get(self, org_id: str, webhook_id: str) -> m.Webhook | None:
        return self.t.get(m.Webhook, *m.Webhook.keys(org_id, webhook_id)) if webhook_id else None

    def add(self, org_id: str, webhook_id: str, url: str, created_at: str,
            created_by: str) -> m.Webhook | None:
        """The new webhook, or None if one with that id exists already."""
        item = m.Webhook(*m.Webhook.keys(org_id, webhook_id), webhook_id=webhook_id, org_id=org_id, url=url,
                         created_at=created_at, created_by=created_by)
        return item if self.t.put(item, condition=m.Webhook.pk.does_not_exist()) else None

    def remove(self, item: m.Webhook) -> None:
        self.t.delete(item)

    def delivered(self, hook: m.Webhook, at: str) -> None:
        W = m.Webhook
        self.t.update(hook, [W.status.set("active"), W.last_success_at.set(at), W.deliveries_ok.add(1)],
                      condition=W.pk.exists())

    def failed(self, hook: m.Webhook, at: str, error: str, parked: bool) -> None:
        """A failed attempt; `parked`: the last one, the event went to the dead-letter queue."""
        W = m.Webhook
        actions: list[Any] = [W.last_failure_at.set(at), W.last_error.set(error)]
        if parked:
            actions += [W.status.set("failing"), W.deliveries_parked.add(1)]
        self.t.update(hook, actions, condition=W.pk.exists())
