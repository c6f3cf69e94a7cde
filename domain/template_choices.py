"""Drop-down cells of the campaign template: which typed values mean which choice.

A drop-down value is matched by :func:`domain.template_cells.choice_key`: case, spaces,
punctuation and the placement of the tone mark do not matter, diacritics do (``"SỐ"`` is
``số``, ``"so"`` is refused). Each enumeration of :mod:`domain.campaign_spec` is read by its
Vietnamese label (:func:`domain.campaign_spec.label`, what the drop-down offers), its code value
(``"quarterly"``) or one of the aliases below (words offices write: ``"hàng quý"``, ``"tỉ
lệ"``). A value that fits none raises :class:`~domain.template_cells.CellProblem` listing the
labels to choose from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from domain.campaign_spec import Aggregation, Direction, Frequency, TitleKind, ValueType, label
from domain.scoring import KIND_LABELS, CriterionKind
from domain.template_cells import NO, YES, CellProblem, cell_text, choice_key, quoted

__all__ = [
    "CUMULATIVE",
    "KIND_CHOICES",
    "PER_PERIOD",
    "choice_parser",
    "enum_parser",
    "labels",
    "parse_aggregation",
    "parse_criterion_kind",
    "parse_cumulative",
    "parse_direction",
    "parse_frequency",
    "parse_title_kind",
    "parse_value_type",
]

_E = TypeVar("_E")
_S = TypeVar("_S", bound=StrEnum)

CUMULATIVE, PER_PERIOD = "lũy kế", "theo kỳ"
"""The two values of the "Lũy kế" column of sheet "Chỉ tiêu"."""


def labels(values: Iterable[StrEnum]) -> tuple[str, ...]:
    """The Vietnamese drop-down labels of an enumeration, in declaration order."""
    return tuple(label(value) for value in values)


def choice_parser(options: Mapping[str, _E], shown: Sequence[str]) -> Callable[[object], _E]:
    """A parser accepting any of ``options`` after :func:`choice_key` normalisation; its
    :class:`CellProblem` lists ``shown``."""
    table = {choice_key(text): value for text, value in options.items()}

    def parse(raw: object) -> _E:
        key = choice_key(cell_text(raw))
        found = table.get(key) if key else None
        if found is None:
            raise CellProblem(f"{quoted(raw)} không hợp lệ — chọn: {', '.join(shown)}")
        return found

    return parse


def enum_parser(enum_type: type[_S], aliases: Mapping[str, _S]) -> Callable[[object], _S]:
    """A parser of an enumeration by its Vietnamese label, its code value or an alias."""
    members = list(enum_type)
    options: dict[str, _S] = {label(m): m for m in members}
    options.update({m.value: m for m in members})
    options.update(aliases)
    return choice_parser(options, labels(members))


parse_frequency = enum_parser(
    Frequency,
    {
        "hàng tháng": Frequency.MONTHLY,
        "hàng quý": Frequency.QUARTERLY,
        "sáu tháng": Frequency.SIX_MONTHLY,
        "nửa năm": Frequency.SIX_MONTHLY,
        "hàng năm": Frequency.YEARLY,
        "cả năm": Frequency.YEARLY,
    },
)
parse_value_type = enum_parser(
    ValueType,
    {
        "số lẻ": ValueType.NUMBER,
        "số thập phân": ValueType.NUMBER,
        "có không": ValueType.BOOLEAN,
        "chữ": ValueType.TEXT,
    },
)
parse_aggregation = enum_parser(
    Aggregation,
    {
        "tỷ lệ": Aggregation.RATIO,
        "tỉ lệ": Aggregation.RATIO,
        "tỉ lệ từ tử số-mẫu số": Aggregation.RATIO,
        "bình quân": Aggregation.WEIGHTED_MEAN,
        "tổng": Aggregation.SUM,
        "cộng dồn": Aggregation.SUM,
        "không tổng hợp": Aggregation.NONE,
    },
)
parse_direction = enum_parser(
    Direction,
    {
        "cao": Direction.HIGHER_IS_BETTER,
        "càng cao càng tốt": Direction.HIGHER_IS_BETTER,
        "thấp": Direction.LOWER_IS_BETTER,
        "càng thấp càng tốt": Direction.LOWER_IS_BETTER,
    },
)
parse_title_kind = enum_parser(TitleKind, {})
parse_cumulative = choice_parser(
    {CUMULATIVE: True, "cộng dồn": True, YES: True, PER_PERIOD: False, "theo kì": False, NO: False},
    (CUMULATIVE, PER_PERIOD),
)
"""``True`` for year-to-date figures ("lũy kế", "cộng dồn", "có"), ``False`` per period."""

KIND_CHOICES = tuple(KIND_LABELS[kind] for kind in CriterionKind)
"""The drop-down of column "Loại điểm" of sheet "Tiêu chí": điểm chuẩn, điểm thưởng, điểm trừ."""

parse_criterion_kind = choice_parser(
    {
        **{text: kind for kind, text in KIND_LABELS.items()},
        **{kind.value: kind for kind in CriterionKind},
        "chuẩn": CriterionKind.STANDARD,
        "thưởng": CriterionKind.BONUS,
        "điểm cộng": CriterionKind.BONUS,
        "cộng": CriterionKind.BONUS,
        "trừ": CriterionKind.PENALTY,
    },
    KIND_CHOICES,
)
"""A criterion's kind by its label ("điểm thưởng"), code value ("bonus") or a short word
("thưởng", "điểm cộng", "trừ")."""
