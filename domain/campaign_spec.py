"""The definition of a campaign as the office writes it in the Excel template.

A :class:`CampaignSpec` is the validated, typed content of one template workbook (sheets
"Phong trào", "Chỉ tiêu", "Đơn vị", "Danh hiệu"). It carries no database ids: the storage layer
turns it into rows, the template reader builds it from a workbook, and the sample builders write
it out. Codes are the stable keys used to match rows on re-import.

The enumerations below hold the code values; :data:`LABELS` gives the Vietnamese word the office
sees in the template's drop-down lists for each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum


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
    """One row of sheet "Danh hiệu": an emulation title units or people can aim for."""

    code: str
    name: str
    kind: TitleKind = TitleKind.COLLECTIVE


@dataclass(frozen=True)
class CampaignSpec:
    """The whole campaign template: sheet "Phong trào" plus the three lists.

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
        )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
