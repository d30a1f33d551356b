"""Page tests through chalice.test.Client (AWS played by moto): forms, CSRF, cookies, headers,
languages, 404s. `browser` below is a tiny cookie-keeping client that submits forms the way a
browser does (urlencoded, with the page's hidden CSRF field)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.api.conftest import Api, api, app_module, drop, entries, entry_row  # noqa: F401  (fixtures: api, entries, app_module, drop)  # noqa: F401

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass
class Page:
    status: int
    headers: dict  # lower-case names; set-cookie is a list
    text: str

    def csrf(self) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.text)
        assert found, "no CSRF field in the page"
        return found.group(1)

    def has(self, words: str) -> bool:
        return words in unescape(re.sub(r"\s+", " ", self.text))


class Browser:
    def __init__(self, client: Any, lang: str = "en") -> None:
        self.client = client
        self.cookies: dict[str, str] = {}
        self.accept_language = lang

    def _headers(self, extra: dict | None = None) -> dict:
        h = {"Accept": HTML, "Accept-Language": self.accept_language}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**h, **(extra or {})}

    def _keep(self, r: Any) -> Page:
        headers = {k.lower(): v for k, v in r.headers.items()}
        raw = headers.get("set-cookie") or []
        headers["set-cookie"] = raw if isinstance(raw, list) else [raw]
        for c in headers["set-cookie"]:
            name, _, rest = c.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in c:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Page(r.status_code, headers, r.body.decode())

    def get(self, path: str, headers: dict | None = None) -> Page:
        return self._keep(self.client.http.get(path, headers=self._headers(headers)))

    def post(self, path: str, fields: dict, headers: dict | None = None) -> Page:
        body = urlencode(fields).encode()
        h = self._headers({"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        return self._keep(self.client.http.post(path, headers=h, body=body))

    def submit(self, page_path: str, action: str, fields: dict) -> Page:
        """Open the page, then post its form with the page's CSRF token."""
        token = self.get(page_path).csrf()
        return self.post(action, {"csrf_token": token, **fields})


@pytest.fixture
def client(app_module):  # noqa: F811
    from chalice.test import Client

    from devstack.gateway import install_local_not_found

    install_local_not_found()
    with Client(app_module.app) as c:
        yield c


@pytest.fixture
def visitor(client):
    return Browser(client)
