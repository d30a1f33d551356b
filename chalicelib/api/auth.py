"""Who is calling: the session behind `Authorization: Bearer <token>`."""
from __future__ import annotations

from typing import Any


def principal(request: Any, *kinds: str) -> Any:
    from ..services.security import authenticate

    headers = request.headers or {}
    return authenticate(headers.get("authorization"), kinds)
