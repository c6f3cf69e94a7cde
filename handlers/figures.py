"""Reading figures inside ``/nhap``: one typed answer, a pasted list, a one-line correction,
and the everyday words people answer with. Pure helpers over :mod:`domain.reading`,
:mod:`domain.paste` and :mod:`domain.plausibility`; the conversation lives in
:mod:`handlers.submission`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

from domain.campaign_spec import ValueType
from domain.i18n import _
from domain.peers import PeerFigures, as_number
from domain.plausibility import History, Related
from domain.reading import Figure, read_figure
from domain.text import fold
from domain.validation import display_value
from handlers.choices import pick
from handlers.common import YES_NO, rules_for
from storage.models import Campaign, DataElement

# At the summary: the everyday ways of saying "submit it" (folded), and a thumbs-up.
SUBMIT_WORDS = frozenset(
    {
        "nop",
        "nop di",
        "nop luon",
        "nop bao cao",
        "gui",
        "gui di",
        "gui bao cao",
        "ok",
        "oke",
        "okay",
        "dong y",
        "xong",
        "xac nhan",
        "co",
        "yes",
        "dung",
        "dung roi",
        "chuan",
        "👍",
    }
)
# Confirming a figure the bot asked about.
YES_WORDS = frozenset(
    {"co", "co a", "vang", "da", "da vang", "ok", "oke", "dung", "dung roi", "dung a", "chuan"}
)
# Anywhere in /nhap: stop and keep the draft. Compared on the lowercased text with its marks,
# since "dừng" (stop) and "đúng" (right) fold to the same "dung".
STOP_WORDS = frozenset(
    {"thôi", "thoi", "dừng", "dừng lại", "dung lai", "tạm dừng", "tam dung", "stop", "để sau"}
)
SKIP_WORDS = frozenset({"bo qua", "bo", "-", "skip"})
KEEP_WORDS = frozenset({"giu", "giu nguyen", "ok", "giu so cu"})

# "sửa 4 13 tỷ", "sửa chỉ tiêu 4: 13 tỷ vì nhập nhầm", "4: 13 tỷ", "4 = 13 tỷ"
_CORRECTION = re.compile(
    r"^\s*(?:(?:sửa|sua)\s+(?:(?:chỉ tiêu|chi tieu|số|so)\s+)?(?P<n1>\d{1,3})\s*[:=]?"
    r"|(?P<n2>\d{1,3})\s*[:=])\s*(?P<value>.*?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_REASON = re.compile(r"\s*[,;]?\s+(?:vì|vi|lý do|ly do)\s*:?\s*", re.IGNORECASE)


def is_stop(text: str) -> bool:
    """True for "thôi", "dừng", "stop" and the like (not "đúng")."""
    cleaned = unicodedata.normalize("NFC", text).strip(" .!").lower()
    return " ".join(cleaned.split()) in STOP_WORDS


def is_submit(text: str) -> bool:
    """True for "nộp", "gửi", "ok", "đồng ý", "xong", 👍 and the like."""
    return fold(text).strip(" .!") in SUBMIT_WORDS or text.strip().startswith("\U0001f44d")


def is_yes(text: str) -> bool:
    """True for "có", "vâng", "đúng", "ok" and the like (not "dừng")."""
    return not is_stop(text) and fold(text).strip(" .!") in YES_WORDS


@dataclass(frozen=True)
class Correction:
    """A one-message correction: the 0-based element, the typed value (may be empty: then the
    question is asked) and an inline reason ("vì nhập nhầm"), if any."""

    index: int
    value: str
    reason: str


def correction(text: str, count: int) -> Correction | None:
    """Read ``sửa 4 13 tỷ`` / ``4: 13 tỷ`` / ``sửa 4 13 tỷ vì nhập nhầm``; None when ``text``
    is not a correction of one of ``count`` elements."""
    match = _CORRECTION.match(text)
    if match is None:
        return None
    number = int(match["n1"] or match["n2"])
    if not 1 <= number <= count:
        return None
    value, *reason = _REASON.split(match["value"], maxsplit=1)
    return Correction(number - 1, value.strip(), reason[0].strip() if reason else "")


def correction_value(text: str) -> str:
    """The value part of a correction-shaped answer (``1: 1.250`` -> ``1.250``)."""
    match = _CORRECTION.match(text)
    return match["value"] if match else text


def read_answer(text: str, element: DataElement) -> Figure:
    """The figure ``text`` gives for ``element``; for yes/no the numbered choices count too.
    Raises what :func:`domain.reading.read_figure` raises (``AskBack`` when unsure)."""
    rules = rules_for(element)
    if element.value_type is ValueType.BOOLEAN:
        index = pick(text, [_(c) for c in YES_NO])
        if index is not None:
            value = "1" if index == 0 else "0"
            return Figure(value, display_value(value, rules))
    return read_figure(text, rules)


def shown(element: DataElement, value: str | None) -> str:
    """A stored value of ``element`` as read back (``12.500 tấn``, ``Có``, ``(bỏ trống)``)."""
    return display_value(value, rules_for(element))


class Histories:
    """What each element's figure is compared with: the unit's last period (element id ->
    canonical value) and every unit's figures this period (element id -> :class:`PeerFigures`,
    the unit's own left out of the median); ``draft`` gives the numerator or denominator
    entered."""

    def __init__(
        self,
        campaign: Campaign,
        org_unit_id: int,
        previous: dict[int, str],
        peers: Mapping[int, PeerFigures],
        *,
        same_year: bool,
    ) -> None:
        self.campaign = campaign
        self.org_unit_id = org_unit_id
        self.previous = previous
        self.peers = peers
        self.same_year = same_year

    def of(self, element: DataElement, draft: dict[str, str | None]) -> History:
        """The :class:`History` of ``element`` given the figures in ``draft`` (element id
        text -> canonical value)."""
        peers = self.peers.get(element.id)
        middle, reported = (None, 0) if peers is None else peers.median_without(self.org_unit_id)
        history = History(
            previous=as_number(self.previous.get(element.id)),
            cumulative=element.cumulative,
            same_year=self.same_year,
            median=middle,
            reported=reported,
        )
        elements = {e.id: e for e in self.campaign.elements}
        for indicator in self.campaign.indicators:
            for other_id, role in (
                (indicator.denominator_id, "denominator"),
                (indicator.numerator_id, "numerator"),
            ):
                value = as_number(draft.get(str(other_id)))
                if other_id == element.id or value is None:
                    continue
                if element.id not in (indicator.numerator_id, indicator.denominator_id):
                    continue
                other = Related(value, elements[other_id].name, elements[other_id].measure_unit)
                history = (
                    replace(history, denominator=other)
                    if role == "denominator"
                    else replace(history, numerator=other)
                )
        return history
