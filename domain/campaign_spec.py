"""The definition of a campaign as the office writes it in the Excel template.

A :class:`CampaignSpec` is the validated, typed content of one template workbook (sheets
"Phong trào", "Chỉ tiêu", "Đơn vị", "Danh hiệu", and the optional "Tiêu chí" and "Sơ kết, tổng
kết"). It carries no database ids: the storage layer turns it into rows, the template reader
builds it from a workbook, and the sample builders write it out. Codes are the stable keys used
to match rows on re-import.

The scoring part (issue 16) is checked when a spec is built: :class:`CriterionSpec` and
:class:`ReviewSpec` check their own fields, :class:`CampaignSpec` checks them against the
campaign (sources among its elements, reviews within its dates), and :class:`SpecProblem` says
what is wrong. The template reader reports the same problems cell by cell first, with the
``*_problems`` functions below (pairs of field name and Vietnamese message).

The enumerations below hold the code values; :data:`LABELS` gives the Vietnamese word the office
sees in the template's drop-down lists for each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError
from domain.numbers import format_number
from domain.scoring import CriterionKind, ScoringProblem, parse_auto_rule, parse_weights


class Frequency(StrEnum):
    """Reporting rhythm of a campaign (DHIS2 period types Monthly, Quarterly, SixMonthly,
    Yearly), or ``WHOLE`` ("cả đợt"): one period from the campaign's own first day to its last,
    for a short campaign with one final report (seed 001, a campaign to 15/8/2024 for an
    anniversary), which DHIS2 has no period type for."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SIX_MONTHLY = "six_monthly"
    YEARLY = "yearly"
    WHOLE = "whole"


class ValueType(StrEnum):
    """What kind of value a unit enters for a data element."""

    NUMBER = "number"
    INTEGER = "integer"
    PERCENTAGE = "percentage"
    BOOLEAN = "boolean"
    TEXT = "text"


class Aggregation(StrEnum):
    """How values of one data element combine across units (DESIGN.md, "Aggregation").

    ``RATIO`` rows are computed indicators (numerator / denominator x 100) and are never asked of
    a unit; ``WEIGHTED_MEAN`` rows are entered values averaged with the denominator element as the
    weight; ``NONE`` rows are not totalled (text, or figures that make no sense summed).
    """

    SUM = "sum"
    RATIO = "ratio"
    WEIGHTED_MEAN = "weighted_mean"
    NONE = "none"


class Direction(StrEnum):
    """Whether a higher or a lower value is the better result (e.g. poor households: lower)."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class TitleKind(StrEnum):
    """Emulation titles are awarded to collectives (tập thể) or individuals (cá nhân)."""

    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


LABELS: dict[StrEnum, str] = {
    Frequency.MONTHLY: "tháng",
    Frequency.QUARTERLY: "quý",
    Frequency.SIX_MONTHLY: "6 tháng",
    Frequency.YEARLY: "năm",
    Frequency.WHOLE: "cả đợt",
    ValueType.NUMBER: "số",
    ValueType.INTEGER: "số nguyên",
    ValueType.PERCENTAGE: "phần trăm",
    ValueType.BOOLEAN: "có-không",
    ValueType.TEXT: "văn bản",
    Aggregation.SUM: "cộng",
    Aggregation.RATIO: "tỷ lệ từ tử số-mẫu số",
    Aggregation.WEIGHTED_MEAN: "bình quân có trọng số",
    Aggregation.NONE: "không",
    Direction.HIGHER_IS_BETTER: "cao hơn tốt",
    Direction.LOWER_IS_BETTER: "thấp hơn tốt",
    TitleKind.COLLECTIVE: "tập thể",
    TitleKind.INDIVIDUAL: "cá nhân",
}


def label(value: StrEnum) -> str:
    """Return the Vietnamese label of an enumeration value, e.g. ``label(Frequency.QUARTERLY)``."""
    return LABELS[value]


@dataclass(frozen=True)
class ElementSpec:
    """One row of sheet "Chỉ tiêu": a data element, or an indicator when ``aggregation`` is RATIO.

    ``numerator``/``denominator`` are codes of other rows of the same campaign; for RATIO both
    are required, for WEIGHTED_MEAN ``denominator`` is the weight. ``target``, ``minimum`` and
    ``maximum`` are in ``measure_unit`` (a percentage is 0-100). ``cumulative`` means each period's
    value is the year-to-date total (lũy kế), not the period's own amount.
    """

    code: str
    name: str
    measure_unit: str
    value_type: ValueType = ValueType.NUMBER
    aggregation: Aggregation = Aggregation.SUM
    numerator: str | None = None
    denominator: str | None = None
    target: Decimal | None = None
    direction: Direction = Direction.HIGHER_IS_BETTER
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    required: bool = True
    cumulative: bool = False

    @property
    def is_indicator(self) -> bool:
        """True for computed rows (numerator / denominator x 100) that units never enter."""
        return self.aggregation is Aggregation.RATIO


@dataclass(frozen=True)
class UnitSpec:
    """One row of sheet "Đơn vị": a reporting unit, its cluster and its representatives.

    ``phones`` and ``representatives`` run in parallel (the n-th name goes with the n-th phone);
    phones are kept as typed here and normalised by the storage layer. ``is_cluster_head``:
    the unit heads its cluster (Cụm trưởng) and gets the cluster's list of missing units.
    """

    code: str
    name: str
    unit_type: str = ""
    cluster: str | None = None
    phones: tuple[str, ...] = ()
    representatives: tuple[str, ...] = ()
    is_cluster_head: bool = False


@dataclass(frozen=True)
class TitleSpec:
    """One row of sheet "Danh hiệu": an emulation title units or people can aim for, and who
    may be proposed for it at a review (``domain.scoring.TitleRule``): a final score of at
    least ``min_score`` (None: no minimum), every period reported on time if
    ``needs_on_time``, at most ``max_share`` percent (0-100) of the units (None: no cap)."""

    code: str
    name: str
    kind: TitleKind = TitleKind.COLLECTIVE
    min_score: Decimal | None = None
    needs_on_time: bool = False
    max_share: Decimal | None = None

    def __post_init__(self) -> None:
        _raise_first(title_rule_problems(self.min_score, self.max_share), self.code)


class SpecProblem(DomainError):
    """A campaign spec that cannot hold (a criterion's rule without a source, a review's
    windows out of order, ...); the message is Vietnamese and names the row's code."""


@dataclass(frozen=True)
class CriterionSpec:
    """One row of sheet "Tiêu chí": a line of the scoring table.

    ``max_points`` is positive (for a penalty: the most that can be taken off), with at most
    two decimals; ``group`` is the heading it is listed under ("" for none). ``source`` is the
    code of a numeric data element or indicator of the campaign with a target, and ``rule``
    the automatic rule over its achievement of the target (``domain.scoring.parse_auto_rule``,
    e.g. "≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ"): both or neither.
    """

    code: str
    name: str
    group: str
    max_points: Decimal
    kind: CriterionKind = CriterionKind.STANDARD
    evidence_required: bool = False
    source: str | None = None
    rule: str = ""

    def __post_init__(self) -> None:
        _raise_first(criterion_problems(self.max_points, self.source, self.rule), self.code)


@dataclass(frozen=True)
class ReviewSpec:
    """One row of sheet "Sơ kết, tổng kết": a scoring round (sơ kết / tổng kết).

    ``covers`` is the period id it reviews (``2026S1``, ``2026``, ``CADOT`` for the whole
    campaign; ``domain.periods.period_span``). Units score themselves from ``self_start`` to
    ``self_end`` and, if a cross-scoring window is set, their cluster peers from
    ``cross_start`` to ``cross_end`` (Vietnam dates, both ends included); the council meets on
    ``review_date``. ``weights`` is the final-score rule ("tự chấm 30%, chấm chéo 30%, văn
    phòng 40%"; ``domain.scoring.parse_weights``), "" for the office's score only.
    """

    code: str
    name: str
    covers: str
    self_start: date
    self_end: date
    cross_start: date | None = None
    cross_end: date | None = None
    review_date: date | None = None
    weights: str = ""

    def __post_init__(self) -> None:
        problems = [
            *covers_problems(self.covers),
            *window_problems(
                self.self_start, self.self_end, self.cross_start, self.cross_end, self.review_date
            ),
            *weights_problems(self.weights, self.cross_start is not None),
        ]
        _raise_first(problems, self.code)


@dataclass(frozen=True)
class CampaignSpec:
    """The whole campaign template: sheet "Phong trào" plus the lists (elements, units,
    titles, and the scoring table and reviews, empty when the campaign does not score).

    ``due_days``: days after a period ends until its due date (hạn nộp);
    ``lock_days``: days after the due date until the period is locked (khóa sổ).

    The reminder policy (``domain.reminders``): a reminder ``remind_days_before`` days before
    the due date (each), one on the due date when ``remind_on_due``, then one a day for up to
    ``remind_overdue_days`` days after it; the office gets the units still missing
    ``escalate_office_days`` days after the due date, cluster heads their cluster's list
    ``escalate_cluster_days`` days after it.
    """

    code: str
    name: str
    start: date
    end: date
    frequency: Frequency
    theme: str = ""
    issuing_body: str = ""
    document_number: str = ""
    parent_body: str = ""
    place: str = ""
    report_suffix: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: tuple[str, ...] = ()
    due_days: int = 5
    lock_days: int = 10
    registration_deadline: date | None = None
    remind_days_before: tuple[int, ...] = (3, 1)
    remind_on_due: bool = True
    remind_overdue_days: int = 3
    escalate_office_days: int = 2
    escalate_cluster_days: int = 3
    is_sample: bool = False
    elements: tuple[ElementSpec, ...] = field(default_factory=tuple)
    units: tuple[UnitSpec, ...] = field(default_factory=tuple)
    titles: tuple[TitleSpec, ...] = field(default_factory=tuple)
    criteria: tuple[CriterionSpec, ...] = field(default_factory=tuple)
    reviews: tuple[ReviewSpec, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        elements = {element.code: element for element in self.elements}
        problems: list[tuple[str, str]] = []
        for criterion in self.criteria:
            if criterion.source is not None:
                found = source_problem(criterion.source, elements.get(criterion.source))
                problems += [("source", f"{criterion.code}: {found}")] if found else []
        for review in self.reviews:
            problems += [
                (key, f"{review.code}: {message}")
                for key, message in review_campaign_problems(review, self.start, self.end)
            ]
        for what, codes in (
            ("tiêu chí", [c.code for c in self.criteria]),
            ("sơ kết, tổng kết", [r.code for r in self.reviews]),
        ):
            repeated = sorted({code for code in codes if codes.count(code) > 1})
            problems += [("code", f'mã {what} "{code}" bị trùng') for code in repeated]
        _raise_first(problems, self.code)

    def shifted_to_year(self, year: int) -> CampaignSpec:
        """Return a copy moved whole years so that it starts in ``year`` (for the sample).

        Dates keep their day and month (29 February becomes 28 February in a common year).
        """
        years = year - self.start.year
        return replace(
            self,
            start=_add_years(self.start, years),
            end=_add_years(self.end, years),
            registration_deadline=(
                _add_years(self.registration_deadline, years)
                if self.registration_deadline
                else None
            ),
            reviews=tuple(_shift_review(review, years) for review in self.reviews),
        )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _shift_review(review: ReviewSpec, years: int) -> ReviewSpec:
    """A review moved whole years: its dates, and the year of its period id (``2022S1`` ->
    ``2026S1``; ``CADOT`` stays)."""

    def move(day: date | None) -> date | None:
        return None if day is None else _add_years(day, years)

    covers = review.covers
    if covers[:4].isdigit():
        covers = f"{int(covers[:4]) + years}{covers[4:]}"
    return replace(
        review,
        covers=covers,
        self_start=_add_years(review.self_start, years),
        self_end=_add_years(review.self_end, years),
        cross_start=move(review.cross_start),
        cross_end=move(review.cross_end),
        review_date=move(review.review_date),
    )


# --------------------------------------------------------------------------- scoring checks

REVIEW_LATE_DAYS = 90
"""A review's windows and meeting may fall up to this many days after the campaign's end (a
year's tổng kết is often held in January or February of the next year)."""

PERIOD_ID_HELP = (
    "ghi 2026S1 (6 tháng đầu năm), 2026S2 (6 tháng cuối năm), 2026 (cả năm), 2026Q1 (quý), "
    "202601 (tháng) hoặc CADOT (cả đợt)"
)
_NUMERIC = frozenset({ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENTAGE})


def _raise_first(problems: Iterable[tuple[str, str]], code: str) -> None:
    for _, message in problems:
        raise SpecProblem(f"{code}: {message}" if code else message)


def _shown(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _points(value: Decimal) -> str:
    return format_number(value, max_decimals=6)


def title_rule_problems(
    min_score: Decimal | None, max_share: Decimal | None
) -> list[tuple[str, str]]:
    """A title's rule: a minimum score of 0 or more; a share from 0 to 100 percent."""
    problems = []
    if min_score is not None and min_score < 0:
        problems.append(
            ("min_score", f"điểm tối thiểu phải từ 0 trở lên, không phải {_points(min_score)}")
        )
    if max_share is not None and not 0 <= max_share <= 100:
        problems.append(
            ("max_share", f"tỷ lệ tối đa phải từ 0 đến 100 (%), không phải {_points(max_share)}")
        )
    return problems


def criterion_problems(max_points: Decimal, source: str | None, rule: str) -> list[tuple[str, str]]:
    """A criterion's own fields: positive maximum with at most two decimals; a source and a
    rule together, the rule one :func:`~domain.scoring.parse_auto_rule` understands."""
    problems = []
    if max_points <= 0:
        problems.append(
            ("max_points", f"điểm tối đa phải lớn hơn 0, không phải {_points(max_points)}")
        )
    elif max_points != max_points.quantize(Decimal("0.01")):
        problems.append(
            (
                "max_points",
                f"điểm tối đa chỉ lấy 2 chữ số thập phân, không phải {_points(max_points)}",
            )
        )
    if source is not None and not rule.strip():
        problems.append(
            (
                "rule",
                "tiêu chí chấm tự động cần quy tắc chấm, ví dụ: "
                '"≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ"',
            )
        )
    elif source is None and rule.strip():
        problems.append(("source", "có quy tắc chấm tự động thì phải ghi mã chỉ tiêu dùng để chấm"))
    elif rule.strip():
        try:
            parse_auto_rule(rule)
        except ScoringProblem as problem:
            problems.append(("rule", problem.user_message))
    return problems


def source_problem(source: str, element: ElementSpec | None) -> str | None:
    """Why ``element`` (the row of sheet "Chỉ tiêu" with code ``source``, None if there is
    none) cannot feed an automatic criterion: it must be numeric and have a non-zero target
    (the rule scores the share of the target achieved)."""
    if element is None:
        return f'không có chỉ tiêu nào mã "{source}" trong trang "Chỉ tiêu"'
    if element.value_type not in _NUMERIC:
        return (
            f'"{source}" là chỉ tiêu kiểu {label(element.value_type)} — chấm tự động cần '
            "chỉ tiêu số"
        )
    if not element.target:
        return (
            f'chỉ tiêu "{source}" chưa có chỉ tiêu kế hoạch (khác 0) nên không tính được '
            "% đạt kế hoạch để chấm tự động"
        )
    return None


def covers_problems(covers: str) -> list[tuple[str, str]]:
    """A review's period id must be one of the forms :func:`domain.periods.period_span` reads."""
    if covers != covers.upper() or _span(covers, date.min, date.max) is None:
        return [("covers", f'"{covers}" không phải kỳ đánh giá hợp lệ — {PERIOD_ID_HELP}')]
    return []


def window_problems(
    self_start: date,
    self_end: date,
    cross_start: date | None,
    cross_end: date | None,
    review_date: date | None,
) -> list[tuple[str, str]]:
    """The order of a review's dates: each window starts no later than it ends; cross-scoring
    (both dates or neither) starts no earlier than self-scoring; the meeting comes after both
    windows have ended (on their last day at the earliest)."""
    problems = []
    if self_end < self_start:
        problems.append(
            ("self_end", f"ngày {_shown(self_end)} trước ngày bắt đầu tự chấm {_shown(self_start)}")
        )
    if (cross_start is None) != (cross_end is None):
        missing = "cross_start" if cross_start is None else "cross_end"
        problems.append((missing, "chấm chéo cần đủ cả ngày bắt đầu và ngày kết thúc"))
    if cross_start is not None and cross_start < self_start:
        problems.append(
            (
                "cross_start",
                f"chấm chéo bắt đầu {_shown(cross_start)}, trước ngày bắt đầu tự chấm "
                f"{_shown(self_start)}",
            )
        )
    if cross_start is not None and cross_end is not None and cross_end < cross_start:
        problems.append(
            (
                "cross_end",
                f"ngày {_shown(cross_end)} trước ngày bắt đầu chấm chéo {_shown(cross_start)}",
            )
        )
    if review_date is not None:
        last = max(day for day in (self_end, cross_end) if day is not None)
        if review_date < last:
            problems.append(
                (
                    "review_date",
                    f"ngày họp {_shown(review_date)} trước khi hết thời gian chấm điểm "
                    f"({_shown(last)})",
                )
            )
    return problems


def weights_problems(weights: str, has_cross_window: bool) -> list[tuple[str, str]]:
    """The final-score rule must be understood and add up to 100%; a share for cross-scoring
    needs a cross-scoring window."""
    try:
        parsed = parse_weights(weights)
    except ScoringProblem as problem:
        return [("weights", problem.user_message)]
    if parsed.cross and not has_cross_window:
        return [
            (
                "weights",
                f"chấm chéo chiếm {_points(parsed.cross)}% nhưng chưa có thời gian chấm chéo — "
                "điền ngày chấm chéo hoặc bỏ phần chấm chéo",
            )
        ]
    return []


def review_campaign_problems(review: ReviewSpec, start: date, end: date) -> list[tuple[str, str]]:
    """A review against its campaign (``start``..``end``); see :func:`review_dates_problems`."""
    dates = {
        "self_start": review.self_start,
        "self_end": review.self_end,
        "cross_start": review.cross_start,
        "cross_end": review.cross_end,
        "review_date": review.review_date,
    }
    return review_dates_problems(review.covers, start, end, dates)


def review_dates_problems(
    covers: str, start: date, end: date, dates: Mapping[str, date | None]
) -> list[tuple[str, str]]:
    """The period ``covers`` overlaps the campaign ``start``..``end`` (a campaign launched in
    August may still hold its "2024S2" review; it covers the campaign's periods inside that
    half-year); self-scoring starts no earlier than that period's first day (or the campaign's,
    if later); no date of ``dates`` (keyed by field) is more than :data:`REVIEW_LATE_DAYS` days
    after the campaign's end."""
    span = _span(covers, start, end)
    if span is None:
        return []
    first, last = span
    if last < start or first > end:
        return [
            (
                "covers",
                f"kỳ {covers} ({_shown(first)}–{_shown(last)}) nằm ngoài thời gian phong trào "
                f"({_shown(start)}–{_shown(end)})",
            )
        ]
    problems = []
    earliest = max(first, start)
    self_start = dates.get("self_start")
    if self_start is not None and self_start < earliest:
        problems.append(
            (
                "self_start",
                f"tự chấm bắt đầu {_shown(self_start)}, trước khi kỳ {covers} bắt đầu "
                f"({_shown(earliest)})",
            )
        )
    latest = end + timedelta(days=REVIEW_LATE_DAYS)
    for key, day in dates.items():
        if day is not None and day > latest:
            problems.append(
                (
                    key,
                    f"ngày {_shown(day)} quá xa sau khi phong trào kết thúc ({_shown(end)}) — "
                    f"chậm nhất {REVIEW_LATE_DAYS} ngày sau, tức {_shown(latest)}",
                )
            )
    return problems


def _span(covers: str, start: date, end: date) -> tuple[date, date] | None:
    from domain.periods import period_span  # periods imports this module

    return period_span(covers, start, end)
