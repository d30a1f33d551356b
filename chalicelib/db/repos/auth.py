"""Sessions and single-use emailed tokens. Only a token's SHA-256 is ever given to this module
(the token itself is the user's): pk SESSION#<hash> / sk SESSION, pk TOKEN#<hash> / sk TOKEN.
A session is also on gsi1 under SUBJ#<kind>#<subject>, so a subject's sessions are one query."""
from __future__ import annotations

from typing import Any

from .. import models as m
from ..table import Table


def _subject(kind: str, subject: str) -> str:
    return f"{m.SUBJECT}{kind}#{subject}"


class Sessions:
    def __init__(self, table: Table) -> None:
        self.t = table

    def add(self, token_hash: str, kind: str, subject: str, *, expires_at: int, created_at: str) -> None:
        self.t.put(m.Session(m.SESSION + token_hash, "SESSION", kind=kind, subject=subject,
                             expires_at=expires_at, created_at=created_at,
                             gsi1pk=_subject(kind, subject), gsi1sk=created_at, ttl=expires_at + 3600))

    def find(self, token_hash: str) -> m.Session | None:
        """The session of a token; its `pk` is the session's id (what `end` and `keep` take)."""
        return self.t.get(m.Session, m.SESSION + token_hash, "SESSION")

    def end(self, session_id: str) -> None:
        self.t.delete(m.Session(session_id, "SESSION"))

    def end_all(self, kind: str, subject: str, keep: str | None = None) -> int:
        """End every session of a subject except `keep` (a session id); reads only its sessions."""
        ended: list[m.Session] = []
        start: dict[str, Any] | None = None
        while True:
            page = self.t.query(m.Session.by_subject, _subject(kind, subject), start=start)
            ended += [s for s in page.items if s.pk != keep]
            start = page.last_evaluated_key
            if not start:
                break
        if ended:
            self.t.batch_write(deletes=ended)
        return len(ended)


class Tokens:
    def __init__(self, table: Table) -> None:
        self.t = table

    def add(self, token_hash: str, purpose: str, kind: str, subject: str, *, expires_at: int,
            data: dict | None = None) -> None:
        self.t.put(m.Token(m.TOKEN + token_hash, "TOKEN", purpose=purpose, kind=kind, subject=subject,
                           data=data, expires_at=expires_at, ttl=expires_at + 86400))

    def find(self, token_hash: str) -> m.Token | None:
        return self.t.get(m.Token, m.TOKEN + token_hash, "TOKEN")

    def use(self, item: m.Token) -> bool:
        """Delete the token unless another request did first: True for exactly one caller."""
        return self.t.delete(item, condition=m.Token.pk.exists())
