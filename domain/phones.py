"""Vietnamese telephone numbers as people type them, brought to one national form.

Rules (Vietnam's national numbering plan after the 2017 landline area-code change and the 2018
conversion of 11-digit mobile numbers to 10 digits):

* mobiles have 10 digits in national form: ``0`` then ``3``, ``5``, ``7``, ``8`` or ``9`` ...;
* landlines have 11 digits: ``02`` + area code + subscriber (``024 3xxx xxxx``, ``0221 3xx xxxx``);
* international form is ``+84`` (or ``84``/``0084``) followed by the national number without
  its leading ``0``; ``+84 (0) 912 ...`` is also seen and accepted.

The national form is stored and compared; it is what :func:`normalize_phone` returns.
"""

from __future__ import annotations

import re

# Characters people put between digit groups: spaces, dots, dashes, brackets, slashes.
_SEPARATORS = re.compile(r"[\s.\-()/]+")
_DIGITS = re.compile(r"\+?[0-9]+")
# 10 digits (mobiles), or 11 digits beginning "02" (landlines).
_NATIONAL = re.compile(r"0[1-9][0-9]{8}|02[0-9]{9}")
_MAX_INPUT_CHARS = 40


def normalize_phone(text: str) -> str | None:
    """Return the national form of a Vietnamese phone number, or ``None`` if ``text`` is not one.

    Accepted: ``"0912345678"``, ``"0912 345 678"``, ``"0912.345.678"``, ``"84912345678"``,
    ``"+84 912 345 678"``, ``"(+84) 912-345-678"`` -> ``"0912345678"``; landlines such as
    ``"0221 3123 456"`` -> ``"02213123456"``. A number that lost its leading ``0`` (as Excel does
    when a phone column is numeric), e.g. ``"912345678"``, gets it back.

    The result is 10 ASCII digits starting ``0`` and a non-zero digit, or 11 starting ``02``.
    ``None`` for letters, other countries' codes, or a wrong count of digits. Never raises.
    """
    if len(text) > _MAX_INPUT_CHARS:
        return None
    compact = _SEPARATORS.sub("", text)
    if not _DIGITS.fullmatch(compact):
        return None
    national = _to_national(compact)
    if national is None or not _NATIONAL.fullmatch(national):
        return None
    return national


def _to_national(compact: str) -> str | None:
    """Turn ``+84…``, ``84…``, ``0084…``, ``0…`` or bare digits into ``0…``; ``None`` if foreign."""
    if compact.startswith("+"):
        if not compact.startswith("+84"):
            return None
        return "0" + _drop_trunk_zero(compact[3:])
    if compact.startswith("0084"):
        return "0" + _drop_trunk_zero(compact[4:])
    if compact.startswith("84") and len(compact) in (11, 12):
        return "0" + compact[2:]
    if compact.startswith("0"):
        return compact
    return "0" + compact


def _drop_trunk_zero(subscriber: str) -> str:
    """Drop the national ``0`` some people keep after the country code (``+84 (0) 912 ...``)."""
    return subscriber[1:] if subscriber.startswith("0") else subscriber
