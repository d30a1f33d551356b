"""What the organisation services talk to besides the store, faked at its edge for service tests:
emails (adapters/email.send), the work queue (adapters/queue.send), and the security service's
tokens, sessions and rate counters (services/security.py, which has its own tests)."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass
class World:
    mails: list = field(default_factory=list)
    jobs: list = field(default_factory=list)
    tokens: dict = field(default_factory=dict)  # token -> SimpleNamespace(purpose, subject, data)
    ended: list = field(default_factory=list)  # (kind, subject) whose sessions were ended
    counts: dict = field(default_factory=dict)  # (scope, key) -> events counted

    def mails_to(self, to: str) -> list:
        return [m for m in self.mails if m.to == to]

    def token_for(self, subject: str) -> str:
        """The newest token issued for `subject`."""
        return [t for t, item in self.tokens.items() if item.subject == subject][-1]

    def principal(self, user_id: str) -> Any:
        from chalicelib.services.security import Principal

        return Principal("verifier", user_id, f"SESSION#{user_id}")


def install(monkeypatch) -> World:
    from chalicelib.adapters import email, queue
    from chalicelib.domain.errors import RateLimited
    from chalicelib.services import security as sec

    w = World()

    def issue_token(purpose: str, kind: str, subject: str, seconds: int, data: dict | None = None) -> str:
        token = f"tok{len(w.tokens)}-{subject}"
        w.tokens[token] = SimpleNamespace(purpose=purpose, kind=kind, subject=subject, data=data)
        return token

    def peek_token(token: str, purpose: str) -> Any:
        item = w.tokens.get(token)
        return item if item is not None and item.purpose == purpose else None

    def consume_token(token: str, purpose: str) -> Any:
        item = peek_token(token, purpose)
        if item is not None:
            del w.tokens[token]
        return item

    def within_rate(scope: str, key: str, *, limit: int, window: int) -> bool:
        if w.counts.get((scope, key), 0) >= limit:
            return False
        w.counts[(scope, key)] = w.counts.get((scope, key), 0) + 1
        return True

    def limit_rate(scope: str, key: str, *, limit: int, window: int, message: str) -> None:
        if not within_rate(scope, key, limit=limit, window=window):
            raise RateLimited(message, retry_after=window)

    monkeypatch.setattr(email, "send", lambda mail: w.mails.append(mail) or "msg-id")
    monkeypatch.setattr(queue, "send", lambda q, body, delay_seconds=0: w.jobs.append(body))
    monkeypatch.setattr(sec, "issue_token", issue_token)
    monkeypatch.setattr(sec, "peek_token", peek_token)
    monkeypatch.setattr(sec, "consume_token", consume_token)
    monkeypatch.setattr(sec, "end_sessions",
                        lambda kind, subject, keep=None: w.ended.append((kind, subject)) or 1)
    monkeypatch.setattr(sec, "clear_attempts", lambda scope, key: None)
    monkeypatch.setattr(sec, "within_rate", within_rate)
    monkeypatch.setattr(sec, "limit_rate", limit_rate)
    return w


def registration(email: str = "ana@usal.es", website: str = "https://www.usal.es",
                 name: str = "Universidad de Salamanca", **org: str) -> dict:
    return {"organisation": {"name": name, "type": "university", "website": website, "country": "ES", **org},
            "email": email, "confirm_email": email, "first_name": "Ana", "family_name": "Ruiz",
            "job_title": "Admissions"}


def approved_org(w: World, email: str = "ana@usal.es", website: str = "https://www.usal.es",
                 name: str = "Universidad de Salamanca") -> Any:
    """An approved organisation whose Primary User has set a password: its Actor."""
    from chalicelib.db.store import store
    from chalicelib.services import organisations, verifier_users
    from chalicelib.services.actor import actor

    org_id = organisations.register(registration(email, website, name))["org_id"]
    organisations.approve(org_id)
    org = store().organisations.get(org_id)
    verifier_users.set_password(w.token_for(org.primary_user_id), "a long enough passphrase 42")
    return actor(w.principal(org.primary_user_id))
