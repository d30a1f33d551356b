"""Typed request bodies: a dataclass per body, each field carrying its `Field` spec.

    @body
    class Login:
        id_number: str = spec(Field(str, max_len=40))
        password: str = spec(PASSWORD)

    data = parse_as(bp.current_request, Login)   # every invalid field reported at once
    candidates.login(data.id_number, data.password)

`@body(partial=True)` is a PATCH: no field is required, and `given(data)` is the dict of the
fields the request carried (what the services take where they take a dict). A field's spec
may be a function returning the `Field` (its choices come from a service module, imported on
first use, not when the app is imported), and may carry extra JSON Schema for the OpenAPI
document (`schema=`, e.g. a list's items) or a nested body (`nested=`, its problems reported
as "outer.inner"). chalicelib/api/openapi.py builds each request body's schema from the same
specs, so the document and the validation cannot drift apart. Standard library only.
"""
from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

from ..domain.errors import ValidationError
from .http import Field, read_json, validate

B = TypeVar("B")
_SPEC = "body.spec"
_GIVEN = "__given__"
Schema = dict[str, Any]


def spec(field: Field | Callable[[], Field], *, schema: Schema | Callable[[], Schema] | None = None,
         nested: type | None = None) -> Any:
    """A body field: its `Field` (or a function building it), and extras for the document."""
    return dataclasses.field(default=None, metadata={_SPEC: (field, schema, nested)})



@dataclass_transform()
def body(cls: type[B] | None = None, *, partial: bool = False) -> Any:
    """Mark `cls` a request body. It becomes a (frozen) dataclass on first use, not at import:
    making a dataclass costs a few milliseconds, and a cold start loads every view module."""

    def mark(c: type[B]) -> type[B]:
        c.__body_partial__ = partial  # type: ignore[attr-defined]
        return c

    return mark(cls) if cls is not None else mark


# Making a class a dataclass is not atomic (its fields are set before its __init__, and a
# second pass over a half-made class loses the fields' specs): requests served by threads may
# be its first use together, so one thread makes it while the others wait.
_MAKING = threading.RLock()


def _ready(cls: type) -> type:
    """`cls` as a dataclass (its body bases first): `dataclasses.dataclass` changes the class
    in place, so every reference to it sees the result. `__body_ready__` is set last."""
    if "__body_ready__" not in cls.__dict__:
        with _MAKING:
            if "__body_ready__" not in cls.__dict__:
                for base in reversed(cls.__mro__[1:]):
                    if "__body_partial__" in base.__dict__:
                        _ready(base)
                dataclasses.dataclass(frozen=True)(cls)
                type.__setattr__(cls, "__body_ready__", True)
    return cls


def is_partial(cls: type) -> bool:
    return bool(getattr(cls, "__body_partial__", False))


def field_specs(cls: type) -> dict[str, Field]:
    """The body's fields as the `{name: Field}` spec `validate` checks (built once per class)."""
    cached = cls.__dict__.get("__body_specs__")
    if cached is None:
        cached = {f.name: _resolve(f.metadata[_SPEC][0]) for f in dataclasses.fields(_ready(cls))}
        type.__setattr__(cls, "__body_specs__", cached)  # the same for every thread: any may win
    return dict(cached)


def schema_extras(cls: type) -> dict[str, Schema]:
    """Extra JSON Schema per field, for the OpenAPI document (nested bodies as objects)."""
    out: dict[str, Schema] = {}
    for f in dataclasses.fields(_ready(cls)):
        _, extra, nested = f.metadata[_SPEC]
        if nested is not None:
            out[f.name] = {"nested": nested}
        elif extra is not None:
            out[f.name] = _resolve(extra)
    return out


def _resolve(value: Any) -> Any:
    return value() if callable(value) and not isinstance(value, Field) else value


def parse_as(request: Any, cls: type[B]) -> B:
    """The request's JSON body checked against `cls`'s specs (a 400 naming every problem) and
    built as a `cls`."""
    return from_dict(read_json(request), cls)


def from_dict(data: dict, cls: type[B]) -> B:
    checked = validate(data, field_specs(cls), partial=is_partial(cls))
    for f in dataclasses.fields(_ready(cls)):
        nested = f.metadata[_SPEC][2]
        if nested is not None and f.name in checked:
            try:
                checked[f.name] = from_dict(checked[f.name], nested)
            except ValidationError as err:
                raise ValidationError({f"{f.name}.{k}": v for k, v in (err.fields or {}).items()}) from None
    out = cls(**checked)
    object.__setattr__(out, _GIVEN, tuple(checked))
    return out


def given(data: Any) -> dict:
    """The fields the request carried, as a dict (nested bodies as dicts too): what a service
    that takes a dict is given. A field left out is left out, not None."""
    out = {}
    for name in getattr(data, _GIVEN, ()):
        value = getattr(data, name)
        out[name] = given(value) if dataclasses.is_dataclass(value) else value
    return out
