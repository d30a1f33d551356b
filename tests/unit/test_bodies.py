"""Typed request bodies (chalicelib/api/body.py) and the OpenAPI operations declared beside the
routes (chalicelib/api/docs.py)."""
from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.api.body import body, field_specs, from_dict, given, parse_as, spec
from chalicelib.api.http import Field, check_email
from chalicelib.domain.errors import ValidationError


def request(payload: object) -> SimpleNamespace:
    return SimpleNamespace(raw_body=json.dumps(payload).encode())


@body
class Inner:
    name: str = spec(Field(str, max_len=5))


@body
class Outer:
    email: str = spec(Field(str, check=check_email))
    count: int = spec(Field(int))
    note: str | None = spec(Field(str, required=False, max_len=10))
    inner: Inner = spec(Field(dict, max_len=None), nested=Inner)


@body(partial=True)
class Patch:
    a: str | None = spec(Field(str, max_len=5))
    b: bool | None = spec(Field(bool))


def test_a_valid_body_is_a_typed_object() -> None:
    data = parse_as(request({"email": "a@example.org", "count": 3, "inner": {"name": "x"}}), Outer)
    assert isinstance(data, Outer) and isinstance(data.inner, Inner)
    assert (data.email, data.count, data.note, data.inner.name) == ("a@example.org", 3, None, "x")
    # and the services that take a dict get exactly the fields sent (no None for those left out)
    assert given(data) == {"email": "a@example.org", "count": 3, "inner": {"name": "x"}}


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as err:
        parse_as(request({"email": "nope", "count": True, "extra": 1}), Outer)
    assert err.value.fields == {"email": "must be an email address like name@example.com",
                                "count": "must be a whole number", "inner": "is required",
                                "extra": "is not a known field"}


def test_a_nested_bodys_problems_are_named_under_it() -> None:
    with pytest.raises(ValidationError) as err:
        parse_as(request({"email": "a@example.org", "count": 1, "inner": {"name": "toolong", "x": 1}}), Outer)
    assert err.value.fields == {"inner.name": "must be at most 5 characters",
                                "inner.x": "is not a known field"}


def test_a_partial_body_requires_nothing_and_gives_only_what_was_sent() -> None:
    data = parse_as(request({"b": False}), Patch)
    assert given(data) == {"b": False} and data.a is None
    with pytest.raises(ValidationError):
        parse_as(request({"a": "toolong"}), Patch)


def test_a_lazy_spec_is_built_on_first_use() -> None:
    built = []

    def late() -> Field:
        built.append(1)
        return Field(str, choices=("x", "y"))

    @body
    class Lazy:
        kind: str = spec(late)

    assert built == []
    assert field_specs(Lazy)["kind"].choices == ("x", "y")
    field_specs(Lazy)
    assert built == [1]


def test_every_route_declares_its_operation_beside_it() -> None:
    import app
    from chalicelib.api import docs

    for path, methods in app.app.routes.items():
        for method, entry in methods.items():
            if entry.view_function.__module__.startswith("chalicelib.web"):
                continue
            op = getattr(entry.view_function, "__openapi__", None)
            assert op is not None, f"{method} {path}: no @operation"
            assert docs.OPERATIONS[(method.upper(), path)] is op


def test_no_view_parses_a_body_into_a_dict_any_more() -> None:
    from pathlib import Path

    api = Path(__file__).resolve().parents[2] / "chalicelib" / "api"
    users = [p.name for p in api.glob("*.py") if "parse_body(" in p.read_text() and p.name != "http.py"]
    assert users == []


def test_importing_the_app_makes_no_body_dataclass() -> None:
    # Cold start: a body becomes a dataclass on first use (a few ms each), not at import
    import subprocess
    import sys

    code = ("import app, dataclasses; from chalicelib.api import candidates as c, verifier_bodies as v; "
            "print(any(dataclasses.is_dataclass(k) for k in (c.Register, v.Register)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_first_use_from_many_threads_at_once_builds_each_body_once() -> None:
    """A body becomes a dataclass on first use; on the local stack (threads) and on a Lambda
    with threads, 50 requests can be that first use together. Found by CI: one concurrent first
    use left the class half made (no __init__ yet, then its field specs lost for good), and
    every later request to the route was a 500."""
    import sys
    import threading
    from concurrent.futures import ThreadPoolExecutor

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns every few bytecodes: the race shows at once
    try:
        _many_first_uses(threading, ThreadPoolExecutor)
    finally:
        sys.setswitchinterval(switch)


def _many_first_uses(threading: Any, ThreadPoolExecutor: Any) -> None:
    for _ in range(20):
        @body
        class Fresh:
            email: str = spec(Field(str, max_len=200))
            password: str = spec(Field(str, max_len=200))

        barrier = threading.Barrier(16)

        def use(_: int, cls: type = Fresh) -> str:
            barrier.wait()
            return from_dict({"email": "a@b.example", "password": "pw"}, cls).email

        with ThreadPoolExecutor(16) as pool:
            assert list(pool.map(use, range(16))) == ["a@b.example"] * 16
        assert from_dict({"email": "c@d.example", "password": "pw"}, Fresh).email == "c@d.example"
