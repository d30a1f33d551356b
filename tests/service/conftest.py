"""Service tests: use cases run against the in-memory table, no AWS at all."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _memory(memory_store):
    return memory_store


@pytest.fixture
def outbox(monkeypatch):
    """Emails sent (chalicelib.adapters.email.send replaced), as the Mail objects handed to it."""
    from chalicelib.adapters import email

    sent: list = []
    monkeypatch.setattr(email, "send", lambda mail: sent.append(mail) or "id")
    return sent


@pytest.fixture
def actor():
    """A signed-in organisation user (Primary) of an approved organisation."""
    from chalicelib.db import models as m
    from chalicelib.services.actor import Actor

    org = m.Organisation("ORG#o1", "ORG", org_id="o1", name="Universidad de Salamanca", type="university",
                         website="https://usal.es", domain="usal.es", country="ES", status="approved",
                         primary_user_id="u1", created_at="2026-01-01T00:00:00Z", gsi1pk="x", gsi1sk="y")
    user = m.VerifierUser("VUSER#u1", "VUSER", user_id="u1", org_id="o1", email="ana@usal.es",
                          first_name="Ana", family_name="Ruiz", job_title="Admissions", role="primary",
                          status="active", created_at="2026-01-01T00:00:00Z", gsi1pk="x", gsi1sk="y")
    return Actor(user, org, "SESSION#x")
