"""Typed flow data to and from the JSON stored with a conversation (``conversation_state``).

A flow's data is a dataclass whose fields are ``int``, ``str``, ``bool``, a ``StrEnum``,
``X | None``, ``list[X]``, ``tuple[X, Y]`` (stored as a JSON list), ``dict[str, X]`` or another
such dataclass. :func:`encode` gives the JSON value: a dataclass becomes an object of its fields
by name, a field holding None is left out. :func:`decode` reads it back: unknown keys are
ignored, a missing key (or null) takes the field's default, and a value of the wrong shape
raises :class:`BadState` (with ``lenient=True`` the field takes its default instead).
"""

from __future__ import annotations

import dataclasses
import types
from enum import Enum
from functools import cache
from typing import TypeVar, Union, cast, get_args, get_origin, get_type_hints

from domain.errors import DomainError
from domain.i18n import _

T = TypeVar("T")

JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]


class BadState(DomainError):
    """A stored conversation value that does not have the shape its field needs."""

    def __init__(self, where: str, raw: object) -> None:
        super().__init__(_("Xin lỗi, bot không đọc được việc bạn đang làm dở nên đã dừng việc đó."))
        self.where = where
        self.raw = raw

    def __str__(self) -> str:
        return f"bad stored value at {self.where}: {self.raw!r}"[:300]


def need(value: T | None, where: str) -> T:
    """``value``, which a step needs set by an earlier step; BadState when it is not (a stored
    state missing it)."""
    if value is None:
        raise BadState(where, None)
    return value


def encode(value: object) -> JSON:
    """The JSON value of ``value`` (a flow data dataclass, or one of its field values)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, Enum):
        return cast(JSON, value.value)
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in a conversation state")


def decode(kind: type[T], raw: object, *, lenient: bool = False) -> T:
    """The ``kind`` dataclass stored as ``raw`` (see the module's rules).

    Raises BadState when ``raw`` or one of its values has the wrong shape (with ``lenient``,
    only when ``raw`` itself is not an object: a bad field takes its default)."""
    return cast(T, _decode(kind, raw, kind.__name__, lenient))


@cache
def _hints(kind: type) -> dict[str, object]:
    return get_type_hints(kind)


def _decode(hint: object, raw: object, where: str, lenient: bool = False) -> object:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_dataclass(hint, raw, where, lenient)
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        (inner,) = [arg for arg in args if arg is not type(None)]
        return _decode(inner, raw, where)
    if origin is list and isinstance(raw, list):
        return [_decode(args[0], item, f"{where}[{n}]") for n, item in enumerate(raw)]
    if origin is tuple and isinstance(raw, list | tuple) and len(raw) == len(args):
        return tuple(
            _decode(a, item, f"{where}[{n}]")
            for n, (a, item) in enumerate(zip(args, raw, strict=True))
        )
    if origin is dict and isinstance(raw, dict) and all(isinstance(k, str) for k in raw):
        return {key: _decode(args[1], item, f"{where}.{key}") for key, item in raw.items()}
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(raw)
        except ValueError:
            raise BadState(where, raw) from None
    if hint is bool and isinstance(raw, bool):
        return raw
    if hint is int and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if hint is str and isinstance(raw, str):
        return raw
    if origin is None and hint not in (bool, int, str):
        raise TypeError(f"{where}: type {hint!r} cannot be stored in a conversation state")
    raise BadState(where, raw)


def _decode_dataclass(kind: type, raw: object, where: str, lenient: bool) -> object:
    if not isinstance(raw, dict):
        raise BadState(where, raw)
    hints = _hints(kind)
    values: dict[str, object] = {}
    for f in dataclasses.fields(kind):
        if raw.get(f.name) is None:
            continue  # missing: the field's default
        try:
            values[f.name] = _decode(hints[f.name], raw[f.name], f"{where}.{f.name}")
        except BadState:
            if not lenient:
                raise
    return kind(**values)
