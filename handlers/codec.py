"""Typed flow data to and from the JSON stored with a conversation (``conversation_state``).

A flow's data is a dataclass whose fields are ``int``, ``str``, ``bool``, a ``StrEnum``,
``X | None``, ``list[X]``, ``tuple[X, Y]`` (stored as a JSON list), ``dict[str, X]`` or another
such dataclass. :func:`encode` gives the JSON value: a dataclass becomes an object of its fields
by name, a field holding None is left out. :func:`decode` reads it back: unknown keys are
ignored, a missing key (or null) takes the field's default, and a value of the wrong shape
raises :class:`BadState` (with ``lenient=True`` the field takes its default instead).

Every step decodes its flow's data and the kept values and encodes them back, so the reader of
each declared type and the writer of each class are built once (:func:`_decoder`,
:func:`_encoder`) instead of inspecting types and dataclass fields value by value (about 10 %
of a value step before: README "Performance").
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from enum import Enum
from functools import cache, partial
from typing import Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

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


Decoder = Callable[[object, str], object]
"""A compiled reader of one field type: ``(raw JSON value, where it is) -> value``; raises
BadState naming ``where`` when ``raw`` has the wrong shape."""


def encode(value: object) -> JSON:
    """The JSON value of ``value`` (a flow data dataclass, or one of its field values)."""
    kind: type = type(value)
    if kind in _PLAIN:
        return cast(JSON, value)
    write = _ENCODERS.get(kind)
    if write is None:
        write = _ENCODERS[kind] = _encoder(kind)
    return write(value)


_PLAIN = frozenset({str, int, bool, float, type(None)})
"""Types stored as they are (checked by exact type first: most values of a state are these)."""
_ENCODERS: dict[type, Callable[[Any], JSON]] = {}
"""The writer of each class met so far (:func:`_encoder`)."""


def _encoder(kind: type) -> Callable[[Any], JSON]:
    """How a value of class ``kind`` is written, decided once per class (every step encodes
    its flow's data and the kept values: no ``dataclasses.fields`` or type tests per value).
    The rules go by the value's class, not its field's declared type, as they always did."""
    if dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind))
        return lambda value: {
            name: encode(item) for name in names if (item := getattr(value, name)) is not None
        }
    if issubclass(kind, Enum):
        return lambda value: cast(JSON, value.value)
    if issubclass(kind, list | tuple):
        return lambda value: [encode(item) for item in value]
    if issubclass(kind, dict):
        return lambda value: {str(key): encode(item) for key, item in value.items()}
    if issubclass(kind, bool | int | float | str):
        return lambda value: cast(JSON, value)

    def refuse(value: object) -> JSON:
        raise TypeError(f"cannot store {type(value).__name__} in a conversation state")

    return refuse


def decode(kind: type[T], raw: object, *, lenient: bool = False) -> T:
    """The ``kind`` dataclass stored as ``raw`` (see the module's rules).

    Raises BadState when ``raw`` or one of its values has the wrong shape (with ``lenient``,
    only when ``raw`` itself is not an object: a bad field takes its default)."""
    return cast(T, _read_dataclass(kind, raw, kind.__name__, lenient))


@cache
def _fields(kind: type) -> tuple[tuple[str, Decoder], ...]:
    """The fields of dataclass ``kind`` with the compiled reader of each, once per class
    (looked up when a value is read, so a dataclass may refer to itself)."""
    hints = get_type_hints(kind)
    return tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(kind))


def _read_dataclass(kind: type, raw: object, where: str, lenient: bool = False) -> object:
    if not isinstance(raw, dict):
        raise BadState(where, raw)
    values: dict[str, object] = {}
    for name, read in _fields(kind):
        item = raw.get(name)
        if item is None:
            continue  # missing: the field's default
        try:
            values[name] = read(item, f"{where}.{name}")
        except BadState:
            if not lenient:
                raise
    return kind(**values)


@cache
def _decoder(hint: object) -> Decoder:
    """The reader of a field declared ``hint``, built once per type (the module's rules)."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return partial(_read_dataclass, hint)
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        return _union(args)
    if origin is list:
        return _list(_decoder(args[0]))
    if origin is tuple:
        return _tuple(tuple(_decoder(arg) for arg in args))
    if origin is dict:
        return _dict(_decoder(args[1]))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return partial(_read_enum, hint)
    if hint in (bool, int, str):
        return partial(_read_plain, hint)
    return partial(_unreadable, hint, origin is None)


def _union(args: tuple[object, ...]) -> Decoder:
    inner = [arg for arg in args if arg is not type(None)]
    if len(inner) != 1:
        return partial(_unreadable, args, True)
    read, optional = _decoder(inner[0]), len(inner) < len(args)

    def read_union(raw: object, where: str) -> object:
        return None if raw is None and optional else read(raw, where)

    return read_union


def _list(read: Decoder) -> Decoder:
    def read_list(raw: object, where: str) -> object:
        if not isinstance(raw, list):
            raise BadState(where, raw)
        return [read(item, f"{where}[{n}]") for n, item in enumerate(raw)]

    return read_list


def _tuple(reads: tuple[Decoder, ...]) -> Decoder:
    def read_tuple(raw: object, where: str) -> object:
        if not isinstance(raw, list | tuple) or len(raw) != len(reads):
            raise BadState(where, raw)
        return tuple(
            read(item, f"{where}[{n}]")
            for n, (read, item) in enumerate(zip(reads, raw, strict=True))
        )

    return read_tuple


def _dict(read: Decoder) -> Decoder:
    def read_dict(raw: object, where: str) -> object:
        if not isinstance(raw, dict) or not all(isinstance(key, str) for key in raw):
            raise BadState(where, raw)
        return {key: read(item, f"{where}.{key}") for key, item in raw.items()}

    return read_dict


def _read_enum(kind: type[Enum], raw: object, where: str) -> object:
    try:
        return kind(raw)
    except ValueError:
        raise BadState(where, raw) from None


def _read_plain(kind: type, raw: object, where: str) -> object:
    # exact bool for bool; an int that is not a bool for int; a str for str
    if isinstance(raw, kind) and (kind is bool or not isinstance(raw, bool)):
        return raw
    raise BadState(where, raw)


def _unreadable(hint: object, unsupported: bool, raw: object, where: str) -> object:
    """A field whose type the rules do not cover: a programming error (TypeError) for a plain
    type, a wrong shape (BadState) for a generic one such as ``set[int]``."""
    if unsupported:
        raise TypeError(f"{where}: type {hint!r} cannot be stored in a conversation state")
    raise BadState(where, raw)
