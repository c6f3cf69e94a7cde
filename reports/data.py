"""The plain rows the report builders take: no database, no bot, only values.

``storage.report_rows`` fills these from the database; the tests make them directly. Numbers
are ``Decimal`` (a yes/no value is 1 or 0), text is ``str``; times are naive datetimes already
in Vietnam time (a workbook has no time zones). Large parts are not held as rows: the mappings
of values may be read-only views of a compact store (``storage.report_rows.ValueGrid``) and
``ConsolidatedReport.details`` any iterable (an iterator is consumed once; the database's
makes its rows as they are written). Builders read them and never change them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.campaign_spec import Aggregation, Direction, ValueType

Value = Decimal | str
"""An entered value: a number (Decimal; yes/no as 1/0) or free text."""


class ReportStatus(StrEnum):
    """Where a unit stands for the period, in the office's words."""

    ON_TIME = "Đúng hạn"
    LATE = "Trễ hạn"
    MISSING = "Chưa báo cáo"


@dataclass(frozen=True)
class Signing:
    """Who issues and signs a document: the parent body and the issuing body, the place named
    in the date line, the number's suffix ("BC-UBND" gives "Số: …/BC-UBND"), the signer's
    title and name (blank lines to fill by hand when unknown) and the "Nơi nhận" lines
    (Decree 30/2020/NĐ-CP's layout)."""

    issuing_body: str
    parent_body: str = ""
    place: str = ""
    number_suffix: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class Header:
    """The header block of a Vietnamese administrative report (Nghị định 30/2020/NĐ-CP layout):
    issuing body top left, national motto top right, then the title and what it covers.

    ``period`` is the period's name with its dates ("Quý 4/2026 (01/10/2026 - 31/12/2026)"),
    empty for a report that is not about one period (registrations). ``generated_at`` is naive
    Vietnam time.
    """

    issuing_body: str
    title: str
    campaign: str
    period: str
    generated_at: datetime
    signing: Signing | None = None
    """Parent body, place, number, signer and "Nơi nhận" (None: the issuing body alone)."""


@dataclass(frozen=True)
class Column:
    """A data element or an indicator, as a column of the report.

    ``target`` is the plan target (chỉ tiêu kế hoạch) in ``measure_unit``. For an indicator
    (``aggregation`` RATIO) ``numerator`` and ``denominator`` are codes of other columns and the
    value is numerator / denominator x ``factor``; for WEIGHTED_MEAN ``weight`` is the code of
    the weight column.
    """

    code: str
    name: str
    measure_unit: str
    value_type: ValueType = ValueType.NUMBER
    aggregation: Aggregation = Aggregation.SUM
    direction: Direction = Direction.HIGHER_IS_BETTER
    target: Decimal | None = None
    weight: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    factor: int = 100
    cumulative: bool = False

    @property
    def is_indicator(self) -> bool:
        """True for computed columns (numerator / denominator x factor)."""
        return self.aggregation is Aggregation.RATIO


@dataclass(frozen=True)
class Contact:
    """A unit's representative: name, phone (as text, leading 0 kept), reachable by the bot."""

    name: str
    phone: str
    reachable: bool = True


@dataclass(frozen=True)
class UnitRow:
    """One unit in the period: its status and entered values.

    ``values`` maps column codes of entered elements to values (indicators are computed by the
    builder); ``targets`` the unit's committed targets from its registration; ``history`` maps
    earlier period codes of the same year to that period's values (for sheet "Lũy kế").
    """

    code: str
    name: str
    cluster: str
    status: ReportStatus
    submitted_at: datetime | None = None
    submitted_by: str = ""
    values: Mapping[str, Value] = field(default_factory=dict)
    targets: Mapping[str, Decimal] = field(default_factory=dict)
    contacts: tuple[Contact, ...] = ()
    history: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)


@dataclass(frozen=True)
class PeriodLabel:
    """A period's id and Vietnamese name ("2026Q3", "Quý 3/2026")."""

    code: str
    name: str


@dataclass(frozen=True)
class DetailRow:
    """One stored value, for sheet "Chi tiết": who entered it, when, and how often it changed.

    ``changes`` counts corrections after the first entry; ``last_reason`` is the reason given
    for the latest correction ("" when none).
    """

    cluster: str
    unit: str
    period: str
    element: str
    measure_unit: str
    value: Value
    entered_by: str
    entered_at: datetime
    changes: int = 0
    last_reason: str = ""


@dataclass(frozen=True)
class NomineeLine:
    """A person a unit registers for an individual title: full name, position ("" when not
    given) and the title's name."""

    full_name: str
    position: str
    title: str


@dataclass(frozen=True)
class InitiativeLine:
    """A model or initiative a unit registers (mô hình, sáng kiến): name and short
    description ("" when not given)."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class RegistrationRow:
    """A unit's registration (đăng ký thi đua): titles aimed for and committed targets, the
    people it names for individual titles and its models or initiatives (in the order typed).

    ``registered_at`` is None for a unit that has not registered.
    """

    code: str
    name: str
    cluster: str
    titles: frozenset[str] = frozenset()
    targets: Mapping[str, Decimal] = field(default_factory=dict)
    registered_at: datetime | None = None
    registered_by: str = ""
    nominees: tuple[NomineeLine, ...] = ()
    initiatives: tuple[InitiativeLine, ...] = ()


@dataclass(frozen=True)
class RegistrationReport:
    """Everything the registrations workbook shows: ``titles`` are the campaign's title names
    in order, ``columns`` the elements units may commit targets for."""

    header: Header
    titles: Sequence[str]
    columns: Sequence[Column]
    rows: Sequence[RegistrationRow]


@dataclass(frozen=True)
class ConsolidatedReport:
    """Everything the consolidated workbook of one campaign period shows.

    ``columns`` are in the campaign's order, indicators where they sit; ``units`` in the
    campaign's order (grouped by cluster). ``periods`` are the year's periods up to and
    including this one (sheet "Lũy kế"); ``details`` the stored values of those periods.
    """

    header: Header
    period: PeriodLabel
    columns: Sequence[Column]
    units: Sequence[UnitRow]
    periods: Sequence[PeriodLabel]
    registrations: RegistrationReport
    details: Iterable[DetailRow] = ()


@dataclass(frozen=True)
class CriterionColumn:
    """A criterion of the scoring table as a column: code, name, group, maximum points and
    kind's Vietnamese label (điểm chuẩn / điểm thưởng / điểm trừ)."""

    code: str
    name: str
    group: str
    max_points: Decimal
    kind: str


@dataclass(frozen=True)
class ScoreRow:
    """One unit's review result: its self-score, the mean of its peers' cross-scores (and how
    many), the office's score, final score, rank (None: not ranked yet), the titles proposed
    (names), whether the office approved it, and its points per criterion code (the office's
    where it scored, else the unit's own)."""

    cluster: str
    name: str
    own: Decimal | None
    cross: Decimal | None
    cross_count: int
    office: Decimal | None
    final: Decimal | None
    rank: int | None
    titles: tuple[str, ...]
    approved: bool
    points: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceRow:
    """A piece of evidence: unit, criterion, file name, who sent it, when (naive Vietnam time),
    and a link to it (a signed download address, or its path in the data folder)."""

    unit: str
    criterion: str
    file_name: str
    sent_by: str
    sent_at: datetime
    link: str


@dataclass(frozen=True)
class PersonRow:
    """A person a unit registered for an individual title: full name, position ("" when not
    given), unit, the title's name, the unit's final score (None: not approved yet) and whether
    the title is proposed for them."""

    full_name: str
    position: str
    unit: str
    title: str
    final: Decimal | None
    proposed: bool

    def label(self) -> str:
        """ "Nguyễn Văn An (Trưởng thôn) — Thôn Đông"."""
        person = f"{self.full_name} ({self.position})" if self.position else self.full_name
        return f"{person} — {self.unit}"


@dataclass(frozen=True)
class ProposalReport:
    """A review's results and commendation proposal: the header, the weights in words, the
    criteria, one row per unit in rank order, the collective titles (names) with the units
    proposed for each, ties at a title's cap left to the council (units' names, or people's
    :meth:`PersonRow.label`), the evidence list, and the individual titles (names) with the
    people registered for them."""

    header: Header
    weights: str
    criteria: Sequence[CriterionColumn]
    rows: Sequence[ScoreRow]
    titles: Sequence[str]
    tied: Mapping[str, Sequence[str]] = field(default_factory=dict)
    evidence: Sequence[EvidenceRow] = ()
    person_titles: Sequence[str] = ()
    people: Sequence[PersonRow] = ()
