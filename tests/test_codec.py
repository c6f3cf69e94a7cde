"""The conversation-state codec compiled once per type (``handlers.codec``) reads and writes
exactly as the reflective version it replaced, kept here as the reference: same values, same
BadState (same place, same raw value) on any JSON, for every flow's data and the kept values."""

from __future__ import annotations

import dataclasses
import json
import types
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import router  # noqa: F401  (registers every flow)
from handlers.codec import BadState, decode, encode
from handlers.flow import FLOWS
from handlers.state import Keep, Mode, UnitChoiceData

KINDS = sorted(
    {flow.data for flow in FLOWS.values()} | {Keep, UnitChoiceData}, key=lambda k: k.__name__
)


def reference_encode(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: reference_encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [reference_encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): reference_encode(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in a conversation state")


def reference_decode(hint: object, raw: object, where: str, lenient: bool = False) -> object:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(raw, dict):
            raise BadState(where, raw)
        hints = get_type_hints(hint)
        values: dict[str, object] = {}
        for f in dataclasses.fields(hint):
            if raw.get(f.name) is None:
                continue
            try:
                values[f.name] = reference_decode(hints[f.name], raw[f.name], f"{where}.{f.name}")
            except BadState:
                if not lenient:
                    raise
        return hint(**values)
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        (inner,) = [arg for arg in args if arg is not type(None)]
        return reference_decode(inner, raw, where)
    if origin is list and isinstance(raw, list):
        return [reference_decode(args[0], item, f"{where}[{n}]") for n, item in enumerate(raw)]
    if origin is tuple and isinstance(raw, list | tuple) and len(raw) == len(args):
        return tuple(
            reference_decode(a, item, f"{where}[{n}]")
            for n, (a, item) in enumerate(zip(args, raw, strict=True))
        )
    if origin is dict and isinstance(raw, dict) and all(isinstance(k, str) for k in raw):
        return {k: reference_decode(args[1], item, f"{where}.{k}") for k, item in raw.items()}
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
    raise BadState(where, raw)


def _outcome(read: Any) -> tuple[str, object]:
    try:
        return "value", read()
    except BadState as error:
        return "bad", (error.where, json.dumps(error.raw, sort_keys=True))


def _names() -> list[str]:
    return sorted({f.name for kind in KINDS for f in dataclasses.fields(kind)} | {"1:2", "7"})


LEAVES = st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "x", "12"])
LEAVES |= st.sampled_from([mode.value for mode in Mode])
RAW = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_names()), inner, max_size=6)
    ),
    max_leaves=25,
)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("lenient", [False, True])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.dictionaries(st.sampled_from(_names()), RAW, max_size=8) | RAW)
def test_any_json_reads_as_the_reference_reads_it(kind: type, lenient: bool, raw: object) -> None:
    compiled = _outcome(lambda: decode(kind, raw, lenient=lenient))
    expected = _outcome(lambda: reference_decode(kind, raw, kind.__name__, lenient))
    assert compiled == expected


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_writes_as_the_reference_writes_it(kind: type, data: st.DataObject) -> None:
    value = data.draw(st.from_type(kind))
    assert encode(value) == reference_encode(value)


def test_a_field_of_a_type_without_rules_is_a_programming_error() -> None:
    @dataclasses.dataclass
    class Odd:
        ratio: float = 0.0

    assert decode(Odd, {}) == Odd()
    with pytest.raises(TypeError):
        decode(Odd, {"ratio": 1.5})
    with pytest.raises(TypeError):
        encode(Odd(ratio=object()))  # type: ignore[arg-type]
