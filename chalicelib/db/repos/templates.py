"""An organisation's CSV templates: pk ORG#<org_id>, sk TPL#<template_id> (time-ordered id)."""
from __future__ import annotations

from .. import models as m
from ..table import Table


class Templates:
    def __init__(self, table: Table) -> None:
        self.t = table

    def of_org(self, org_id: str, limit: int) -> list[m.Template]:
        prefix = m.Template.sk.startswith(m.TEMPLATE)
        return self.t.query(m.Template, m.ORG + org_id, prefix, limit=limit).items

    def get(self, org_id: str, template_id: str) -> m.Template | None:
        return self.t.get(m.Template, m.ORG + org_id, m.TEMPLATE + template_id) if template_id else None

    def add(self, org_id: str, template_id: str, name: str, fields: list[str], created_at: str) -> m.Template:
        item = m.Template(m.ORG + org_id, m.TEMPLATE + template_id, template_id=template_id, name=name,
                          fields=fields, created_at=created_at)
        self.t.put(item)
        return item

    def remove(self, item: m.Template) -> None:
        self.t.delete(item)
