"""The plain rows of the report workbooks (``reports.data``), read from the database.

The builders in ``reports/`` take no database; this module is the one place that turns stored
rows into their shapes. A report costs a fixed handful of queries whatever the number of units
(units, submissions, representatives, registrations, people's names, values, corrections):
nothing is queried per unit. The year's values, the bulk of a province's report, are streamed
in chunks of plain tuples into a compact :class:`ValueGrid` that the report's rows are views of;
nothing holds a list of the year's rows.

Values are stored as canonical text (``storage.models.DataValue``): numbers, percentages and
yes/no ("1"/"0") become ``Decimal``, text stays ``str``. Times are turned into naive Vietnam
time, as a workbook has no time zones.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaign_spec import Aggregation, TitleKind, ValueType
from domain.periods import period_name
from reports.data import (
    Column,
    ConsolidatedReport,
    Contact,
    DetailRow,
    Header,
    InitiativeLine,
    NomineeLine,
    PeriodLabel,
    RegistrationReport,
    RegistrationRow,
    ReportStatus,
    Signing,
    UnitRow,
    Value,
)
from storage.campaigns import campaign_units, commitment_elements
from storage.models import (
    Campaign,
    DataElement,
    DataValue,
    DataValueAudit,
    Indicator,
    Initiative,
    Nominee,
    OrgUnit,
    Period,
    Registration,
    RegistrationTarget,
    RegistrationTitle,
    Reporter,
    Submission,
)
from storage.values import UnitProgress, distinct_people, progress

CONSOLIDATED_TITLE = "BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA"
REGISTRATIONS_TITLE = "DANH SÁCH ĐĂNG KÝ THI ĐUA"


def local_naive(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware time as naive local time in ``zone`` (for a workbook cell)."""
    return moment.astimezone(zone).replace(tzinfo=None)


def period_title(period: Period) -> str:
    """The period as a report header names it: "Quý 4/2026 (01/10/2026 - 31/12/2026)"."""
    return f"{period_name(period.code)} ({period.start_date:%d/%m/%Y} - {period.end_date:%d/%m/%Y})"


def typed_value(text: str, value_type: ValueType) -> Value:
    """A stored canonical text as the builders take it: ``Decimal`` for numbers, percentages
    and yes/no (1/0), ``str`` for text (and for anything that is not a number after all)."""
    if value_type is ValueType.TEXT:
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return number if number.is_finite() else text  # "NaN" stored as text before a re-import


def year_periods(campaign: Campaign, period: Period) -> list[Period]:
    """The periods of a loaded campaign in ``period``'s calendar year, up to and including it,
    in order (what sheet "Lũy kế" shows side by side)."""
    year = period.start_date.year
    return [
        p
        for p in campaign.periods
        if p.start_date.year == year and p.start_date <= period.start_date
    ]


def report_columns(campaign: Campaign) -> list[Column]:
    """The columns of a loaded campaign: data elements and indicators merged in the order of
    the template's "Chỉ tiêu" sheet (they share one ``sort_order``, see
    ``storage.campaigns.template_order``)."""
    codes = {e.id: e.code for e in campaign.elements}
    ordered: list[tuple[int, int, Column]] = [
        (e.sort_order, 0, element_column(e, codes)) for e in campaign.elements
    ]
    ordered += [(i.sort_order, 1, _indicator_column(i, codes)) for i in campaign.indicators]
    ordered.sort(key=lambda entry: (entry[0], entry[1]))
    return [column for _order, _kind, column in ordered]


def element_column(element: DataElement, codes: dict[int, str]) -> Column:
    """A data element as a report column (``codes``: element id -> code, for the weight)."""
    return Column(
        code=element.code,
        name=element.name,
        measure_unit=element.measure_unit,
        value_type=element.value_type,
        aggregation=element.aggregation,
        direction=element.direction,
        target=_decimal(element.target),
        weight=codes.get(element.weight_element_id) if element.weight_element_id else None,
        cumulative=element.cumulative,
    )


def _indicator_column(indicator: Indicator, codes: dict[int, str]) -> Column:
    return Column(
        code=indicator.code,
        name=indicator.name,
        measure_unit=indicator.measure_unit,
        value_type=ValueType.PERCENTAGE if indicator.measure_unit == "%" else ValueType.NUMBER,
        aggregation=Aggregation.RATIO,
        direction=indicator.direction,
        target=_decimal(indicator.target),
        numerator=codes.get(indicator.numerator_id),
        denominator=codes.get(indicator.denominator_id),
        factor=indicator.factor,
    )


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# --------------------------------------------------------------------------- the values

VALUE_CHUNK = 5_000
"""Stored values are read this many rows at a time (``yield_per``), never all at once: a
province's year is millions of rows. (Audit rows are counted by the database.)"""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_EMPTY: Mapping[Any, Any] = MappingProxyType({})
"""One shared empty mapping (no values, no targets) instead of an empty dict per unit."""


class ValueGrid:
    """The stored values of a report's periods, typed, in one flat slot per (period, unit,
    data element), with who entered each value (reporter id) and when (UTC microseconds).

    Slot of (period ``p``, unit ``u``, element ``e``) is ``(p * units + u) * elements + e``, so
    walking the slots in order lists the values by period, then unit (campaign order), then
    element (template order): the order of sheet "Chi tiết". A slot costs 24 bytes (a reference,
    an id, a time) besides its value: no object per value, no whole-year list of rows.
    """

    __slots__ = (
        "codes",
        "entered_at",
        "entered_by",
        "filled",
        "periods",
        "slot",
        "units",
        "values",
    )

    def __init__(self, periods: int, units: int, codes: Sequence[str]) -> None:
        self.periods, self.units, self.codes = periods, units, tuple(codes)
        self.slot = {code: index for index, code in enumerate(self.codes)}
        size = periods * units * len(self.codes)
        self.values: list[Value | None] = [None] * size
        self.entered_by = array("q", bytes(8 * size))
        self.entered_at = array("q", bytes(8 * size))
        self.filled = array("l", bytes(array("l").itemsize * periods * units))  # per unit/period

    @property
    def width(self) -> int:
        """Slots per unit and period (the number of data elements)."""
        return len(self.codes)

    def start(self, period: int, unit: int) -> int:
        """The first slot of a unit's values of a period (indices into the report's lists)."""
        return (period * self.units + unit) * len(self.codes)

    def put(self, index: int, value: Value, entered_by: int, entered_at: datetime) -> None:
        """Store one value in slot ``index``, entered by reporter ``entered_by`` at
        ``entered_at`` (aware)."""
        if self.values[index] is None:
            self.filled[index // len(self.codes)] += 1
        self.values[index] = value
        self.entered_by[index] = entered_by
        self.entered_at[index] = (entered_at - _EPOCH) // _MICROSECOND


class UnitValues(Mapping[str, Value]):
    """One unit's values of one period (element code -> value): a read-only view of its slots
    in a :class:`ValueGrid`, holding nothing itself."""

    __slots__ = ("_grid", "_start")

    def __init__(self, grid: ValueGrid, start: int) -> None:
        self._grid, self._start = grid, start

    def __getitem__(self, code: str) -> Value:
        value = self._grid.values[self._start + self._grid.slot[code]]
        if value is None:
            raise KeyError(code)
        return value

    def get(self, code: str, default: Any = None) -> Any:
        """The value of element ``code``, ``default`` when there is none."""
        slot = self._grid.slot.get(code)
        if slot is None:
            return default
        value = self._grid.values[self._start + slot]
        return default if value is None else value

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __iter__(self) -> Iterator[str]:
        values, start = self._grid.values, self._start
        return (code for code, slot in self._grid.slot.items() if values[start + slot] is not None)

    def __len__(self) -> int:
        # counted as they were stored: list.count(None) would compare every Decimal with None,
        # an abstract-class check each
        width = self._grid.width
        return self._grid.filled[self._start // width] if width else 0

    def __repr__(self) -> str:
        return repr(dict(self))


class UnitHistory(Mapping[str, Mapping[str, Value]]):
    """One unit's values of the year's earlier periods (period code -> :class:`UnitValues`),
    only the periods it has values for; a view of a :class:`ValueGrid`."""

    __slots__ = ("_codes", "_grid", "_unit")

    def __init__(self, grid: ValueGrid, unit: int, codes: Sequence[str]) -> None:
        self._grid, self._unit, self._codes = grid, unit, codes  # period codes, earlier only

    def _found(self, period: int) -> UnitValues | None:
        found = UnitValues(self._grid, self._grid.start(period, self._unit))
        return found if found else None

    def __getitem__(self, code: str) -> Mapping[str, Value]:
        found = self._found(self._codes.index(code)) if code in self._codes else None
        if found is None:
            raise KeyError(code)
        return found

    def __iter__(self) -> Iterator[str]:
        return (code for index, code in enumerate(self._codes) if self._found(index) is not None)

    def __len__(self) -> int:
        return sum(1 for _code in self)

    def __repr__(self) -> str:
        return repr(dict(self))


async def _read_values(
    session: AsyncSession,
    grid: ValueGrid,
    periods: Sequence[Period],
    unit_at: Mapping[int, int],
    elements: Sequence[DataElement],
) -> int:
    """Stream the stored values of ``periods`` into ``grid``, :data:`VALUE_CHUNK` rows at a
    time, as plain tuples; values of units or elements outside the report are skipped.
    Returns how many values were stored."""
    statement = select(
        DataValue.org_unit_id,
        DataValue.period_id,
        DataValue.data_element_id,
        DataValue.value,
        DataValue.entered_by_id,
        DataValue.updated_at,
    ).where(DataValue.period_id.in_([p.id for p in periods]))
    result = await session.stream(statement.execution_options(yield_per=VALUE_CHUNK))
    taker = _Taker(grid, periods, unit_at, elements)
    async for chunk in result.partitions():
        taker.take(chunk)
    return taker.stored


class _Taker:
    """Puts chunks of stored value rows into a grid (ids turned into slots, text typed)."""

    def __init__(
        self,
        grid: ValueGrid,
        periods: Sequence[Period],
        unit_at: Mapping[int, int],
        elements: Sequence[DataElement],
    ) -> None:
        self.grid, self.unit_at, self.stored = grid, unit_at, 0
        self.period_at = {p.id: grid.start(index, 0) for index, p in enumerate(periods)}
        self.element_at = {e.id: (grid.slot[e.code], e.value_type) for e in elements}

    def take(self, rows: Iterable[Sequence[Any]]) -> None:
        """Store one chunk of ``(unit id, period id, element id, text, reporter id, time)``."""
        put, width = self.grid.put, self.grid.width
        unit_at, period_at, element_at = self.unit_at, self.period_at, self.element_at
        stored = 0
        for unit_id, period_id, element_id, text, entered_by, entered_at in rows:
            unit, element = unit_at.get(unit_id), element_at.get(element_id)
            if unit is None or element is None:
                continue
            slot, value_type = element
            index = period_at[period_id] + unit * width + slot
            put(index, typed_value(text, value_type), entered_by, entered_at)
            stored += 1
        self.stored += stored


@dataclass(frozen=True)
class _Corrections:
    """Per slot of a :class:`ValueGrid`: how many corrections (only where there were any), and
    the latest reason given."""

    counts: dict[int, int]
    reasons: dict[int, str]


async def _corrections(
    session: AsyncSession,
    grid: ValueGrid,
    periods: Sequence[Period],
    unit_at: Mapping[int, int],
    elements: Sequence[DataElement],
) -> _Corrections:
    """Counted by the database: only the values changed after their first entry come back,
    then the audit rows that carry a reason (few)."""
    period_ids = [p.id for p in periods]
    period_at = {p.id: index for index, p in enumerate(periods)}
    element_at = {e.id: grid.slot[e.code] for e in elements}

    def slot_of(unit_id: int, period_id: int, element_id: int) -> int | None:
        unit, element = unit_at.get(unit_id), element_at.get(element_id)
        if unit is None or element is None:
            return None
        return grid.start(period_at[period_id], unit) + element

    key = (DataValueAudit.org_unit_id, DataValueAudit.period_id, DataValueAudit.data_element_id)
    # every audit row after the first entry is a change: an update, a deletion, and a value
    # entered again after a deletion
    changed = await session.execute(
        select(*key, func.count())
        .where(DataValueAudit.period_id.in_(period_ids))
        .group_by(*key)
        .having(func.count() > 1)
    )
    counts: dict[int, int] = {}
    for unit_id, period_id, element_id, count in changed:
        slot = slot_of(unit_id, period_id, element_id)
        if slot is not None:
            counts[slot] = count - 1
    given = await session.execute(
        select(*key, DataValueAudit.reason)
        .where(DataValueAudit.period_id.in_(period_ids), DataValueAudit.reason != "")
        .order_by(DataValueAudit.changed_at, DataValueAudit.id)
    )
    reasons: dict[int, str] = {}
    for unit_id, period_id, element_id, reason in given:
        slot = slot_of(unit_id, period_id, element_id)
        if slot is not None:
            reasons[slot] = reason
    return _Corrections(counts, reasons)


@dataclass(frozen=True)
class Details:
    """The rows of sheet "Chi tiết", made as they are read from a filled :class:`ValueGrid`:
    one :class:`DetailRow` per stored value, by period, then unit (campaign order), then
    element. Iterable any number of times; needs no database session."""

    grid: ValueGrid
    units: Sequence[tuple[str, str]]  # (cluster, name) in campaign order
    periods: Sequence[str]  # period names
    elements: Sequence[tuple[str, str]]  # (name, measure unit) in grid order
    names: Mapping[int, str]  # reporter id -> name
    corrections: _Corrections
    zone: ZoneInfo

    def __iter__(self) -> Iterator[DetailRow]:
        grid, names, zone = self.grid, self.names, self.zone
        values, entered_by, entered_at = grid.values, grid.entered_by, grid.entered_at
        counts, reasons = self.corrections.counts, self.corrections.reasons
        last_time, last_local = -1, datetime.min
        for period_index, period in enumerate(self.periods):
            for unit_index, (cluster, unit) in enumerate(self.units):
                start = grid.start(period_index, unit_index)
                for offset, (element, measure_unit) in enumerate(self.elements):
                    index = start + offset
                    value = values[index]
                    if value is None:
                        continue
                    moment = entered_at[index]
                    if moment != last_time:  # a unit's values mostly share their time
                        last_time = moment
                        last_local = local_naive(_EPOCH + moment * _MICROSECOND, zone)
                    # positional, in the order of DetailRow's fields (faster than keywords)
                    yield DetailRow(
                        cluster,
                        unit,
                        period,
                        element,
                        measure_unit,
                        value,
                        names.get(entered_by[index], ""),
                        last_local,
                        counts.get(index, 0),
                        reasons.get(index, ""),
                    )


# --------------------------------------------------------------------------- consolidated


async def consolidated_report(
    session: AsyncSession, campaign: Campaign, period: Period, now: datetime, zone: ZoneInfo
) -> ConsolidatedReport:
    """Everything the consolidated workbook of ``campaign`` (loaded with elements, indicators,
    titles and periods, e.g. ``storage.campaigns.load_campaign``) for ``period`` shows.

    ``now`` (aware) is the generation time. Units come in campaign order with their status
    (submission on time / late / none), values of the period, committed targets, representatives
    and the values of the year's earlier periods; ``details`` list every stored value of the
    year's periods up to ``period``, with the number of corrections and the latest reason.

    A fixed number of queries whatever the number of units. Values are streamed
    (:data:`VALUE_CHUNK` rows at a time) into a compact :class:`ValueGrid`: about 24 bytes a
    value besides the value itself, where ``values`` and ``history`` are views
    (:class:`UnitValues`, :class:`UnitHistory`) and ``details`` (:class:`Details`) makes its rows
    as they are written. The result needs no session: it can be written after the session is
    closed, from another thread.
    """
    periods = year_periods(campaign, period)
    current = next((i for i, p in enumerate(periods) if p.id == period.id), None)
    if current is None:  # not one of the campaign's loaded periods: still this period's values
        periods, current = [*periods, period], len(periods)
    elements = sorted(campaign.elements, key=lambda e: e.sort_order)
    period_ids = [p.id for p in periods]
    units = await campaign_units(session, campaign.id)
    standing = await progress(session, units, period)
    registrations = await _registrations(session, campaign)
    names = await _names(
        session,
        select(DataValue.entered_by_id).where(DataValue.period_id.in_(period_ids)),
        select(Submission.submitted_by_id).where(Submission.period_id == period.id),
        select(Registration.registered_by_id).where(Registration.campaign_id == campaign.id),
    )
    generated_at = local_naive(now, zone)
    grid = ValueGrid(len(periods), len(units), [e.code for e in elements])
    earlier = [p.code for p in periods[:current]]  # the period is the last one read
    rows = [
        _unit_row(
            row,
            UnitValues(grid, grid.start(current, index)),
            UnitHistory(grid, index, earlier) if earlier else _EMPTY,
            registrations.get(row.unit.id),
            names,
            zone,
        )
        for index, row in enumerate(standing)
    ]
    registration_report = _registration_report(
        campaign, units, registrations, names, generated_at, zone
    )
    unit_at = {unit.id: index for index, unit in enumerate(units)}
    del units, standing, registrations  # the ORM objects may go before the values come in
    await _read_values(session, grid, periods, unit_at, elements)
    corrections = await _corrections(session, grid, periods, unit_at, elements)
    return ConsolidatedReport(
        header=Header(
            issuing_body=campaign.issuing_body,
            title=CONSOLIDATED_TITLE,
            campaign=campaign.name,
            period=period_title(period),
            generated_at=generated_at,
            signing=signing_of(campaign),
        ),
        period=PeriodLabel(period.code, period_name(period.code)),
        columns=report_columns(campaign),
        units=rows,
        periods=[PeriodLabel(p.code, period_name(p.code)) for p in periods],
        registrations=registration_report,
        details=Details(
            grid,
            [(row.cluster, row.name) for row in rows],
            [period_name(p.code) for p in periods],
            [(e.name, e.measure_unit) for e in elements],
            names,
            corrections,
            zone,
        ),
    )


def status_of(submission: Submission | None) -> ReportStatus:
    """On time, late, or not reported."""
    if submission is None:
        return ReportStatus.MISSING
    return ReportStatus.LATE if submission.is_late else ReportStatus.ON_TIME


def _unit_row(
    row: UnitProgress,
    values: Mapping[str, Value],
    history: Mapping[str, Mapping[str, Value]],
    registration: _Registered | None,
    names: Mapping[int, str],
    zone: ZoneInfo,
) -> UnitRow:
    submission = row.submission
    return UnitRow(
        code=row.unit.code,
        name=row.unit.name,
        cluster=_cluster(row.unit),
        status=status_of(submission),
        submitted_at=local_naive(submission.submitted_at, zone) if submission else None,
        submitted_by=names.get(submission.submitted_by_id, "") if submission else "",
        values=values,
        targets=registration.targets if registration else _EMPTY,
        contacts=tuple(
            Contact(p.name, p.phone, p.reachable) for p in distinct_people(row.representatives)
        ),
        history=history,
    )


def _cluster(unit: OrgUnit) -> str:
    return unit.cluster.name if unit.cluster is not None else ""


async def _names(session: AsyncSession, *reporters: Select[tuple[int]]) -> dict[int, str]:
    """reporter id -> full name, for the reporters the ``reporters`` queries select (one query:
    no id list, however many people)."""
    rows = await session.execute(
        select(Reporter.id, Reporter.full_name).where(Reporter.id.in_(union(*reporters)))
    )
    return {reporter_id: name for reporter_id, name in rows}


# --------------------------------------------------------------------------- registrations


async def registrations_report(
    session: AsyncSession, campaign: Campaign, now: datetime, zone: ZoneInfo
) -> RegistrationReport:
    """The registrations (đăng ký thi đua) of ``campaign`` (loaded, as for
    :func:`consolidated_report`): one row per campaign unit, in campaign order, with the titles
    aimed for and committed targets; ``registered_at`` is None for a unit not registered."""
    units = await campaign_units(session, campaign.id)
    registrations = await _registrations(session, campaign)
    names = await _names(
        session,
        select(Registration.registered_by_id).where(Registration.campaign_id == campaign.id),
    )
    generated_at = local_naive(now, zone)
    return _registration_report(campaign, units, registrations, names, generated_at, zone)


@dataclass(frozen=True, slots=True)
class _Registered:
    """A unit's registration as read: who saved it last and when, the titles' ids and the
    committed targets (element code -> figure), the people named for individual titles and
    the models or initiatives."""

    registered_by_id: int
    updated_at: datetime
    title_ids: frozenset[int]
    targets: Mapping[str, Decimal]
    nominees: tuple[NomineeLine, ...] = ()
    initiatives: tuple[InitiativeLine, ...] = ()


async def _registrations(session: AsyncSession, campaign: Campaign) -> dict[int, _Registered]:
    """org unit id -> its registration (five queries of plain tuples)."""
    of_campaign = Registration.campaign_id == campaign.id
    rows = await session.execute(
        select(
            Registration.id,
            Registration.org_unit_id,
            Registration.registered_by_id,
            Registration.updated_at,
        ).where(of_campaign)
    )
    read = {registration_id: (unit, by, at) for registration_id, unit, by, at in rows}
    titles: dict[int, set[int]] = {}
    for registration_id, title_id in await session.execute(
        select(RegistrationTitle.registration_id, RegistrationTitle.title_id)
        .join(Registration, Registration.id == RegistrationTitle.registration_id)
        .where(of_campaign)
    ):
        titles.setdefault(registration_id, set()).add(title_id)
    codes = {e.id: e.code for e in campaign.elements}
    targets: dict[int, dict[str, Decimal]] = {}
    for registration_id, element_id, value in await session.execute(
        select(
            RegistrationTarget.registration_id,
            RegistrationTarget.data_element_id,
            RegistrationTarget.value,
        )
        .join(Registration, Registration.id == RegistrationTarget.registration_id)
        .where(of_campaign)
        .order_by(RegistrationTarget.registration_id, RegistrationTarget.data_element_id)
    ):
        if element_id in codes:
            targets.setdefault(registration_id, {})[codes[element_id]] = Decimal(value)
    title_names = {t.id: t.name for t in campaign.titles}
    nominees: dict[int, list[NomineeLine]] = {}
    for registration_id, title_id, full_name, position in await session.execute(
        select(Nominee.registration_id, Nominee.title_id, Nominee.full_name, Nominee.position)
        .join(Registration, Registration.id == Nominee.registration_id)
        .where(of_campaign)
        .order_by(Nominee.registration_id, Nominee.sort_order, Nominee.id)
    ):
        line = NomineeLine(full_name, position, title_names.get(title_id, ""))
        nominees.setdefault(registration_id, []).append(line)
    initiatives: dict[int, list[InitiativeLine]] = {}
    for registration_id, name, description in await session.execute(
        select(Initiative.registration_id, Initiative.name, Initiative.description)
        .join(Registration, Registration.id == Initiative.registration_id)
        .where(of_campaign)
        .order_by(Initiative.registration_id, Initiative.sort_order, Initiative.id)
    ):
        initiatives.setdefault(registration_id, []).append(InitiativeLine(name, description))
    shared: dict[frozenset[int], frozenset[int]] = {}  # most units aim for the same titles
    result: dict[int, _Registered] = {}
    for registration_id, (unit, by, at) in read.items():
        chosen = frozenset(titles.get(registration_id, ()))
        result[unit] = _Registered(
            by,
            at,
            shared.setdefault(chosen, chosen),
            targets.get(registration_id) or _EMPTY,
            tuple(nominees.get(registration_id, ())),
            tuple(initiatives.get(registration_id, ())),
        )
    return result


def _registration_report(
    campaign: Campaign,
    units: list[OrgUnit],
    registrations: dict[int, _Registered],
    names: Mapping[int, str],
    generated_at: datetime,
    zone: ZoneInfo,
) -> RegistrationReport:
    """Titles: the collective ones (those units register for, see ``handlers.registration``)
    plus any other a registration holds; columns: the elements units may commit to plus any
    with a stored commitment."""
    chosen = {title for r in registrations.values() for title in r.title_ids}
    titles = [t for t in campaign.titles if t.kind is TitleKind.COLLECTIVE or t.id in chosen]
    codes = {e.id: e.code for e in campaign.elements}
    committed = {code for r in registrations.values() for code in r.targets}
    allowed = {e.id for e in commitment_elements(campaign)}
    columns = [
        element_column(e, codes)
        for e in campaign.elements
        if e.id in allowed or e.code in committed
    ]
    title_names = {t.id: t.name for t in campaign.titles}
    named: dict[frozenset[int], frozenset[str]] = {}
    rows = []
    for unit in units:
        registration = registrations.get(unit.id)
        if registration is None:
            rows.append(RegistrationRow(code=unit.code, name=unit.name, cluster=_cluster(unit)))
            continue
        if registration.title_ids not in named:
            named[registration.title_ids] = frozenset(
                title_names[t] for t in registration.title_ids if t in title_names
            )
        rows.append(
            RegistrationRow(
                code=unit.code,
                name=unit.name,
                cluster=_cluster(unit),
                titles=named[registration.title_ids],
                targets=registration.targets,
                # when the registration was last saved (what it says now), by whom
                registered_at=local_naive(registration.updated_at, zone),
                registered_by=names.get(registration.registered_by_id, ""),
                nominees=registration.nominees,
                initiatives=registration.initiatives,
            )
        )
    return RegistrationReport(
        header=Header(
            issuing_body=campaign.issuing_body,
            title=REGISTRATIONS_TITLE,
            campaign=campaign.name,
            period="",
            generated_at=generated_at,
            signing=signing_of(campaign),
        ),
        titles=[t.name for t in titles],
        columns=columns,
        rows=rows,
    )


def signing_of(campaign: Campaign) -> Signing:
    """Who issues and signs the campaign's documents, from "Phong trào" (issue 18): what is not
    filled in is left as blank lines to fill by hand."""
    return Signing(
        issuing_body=campaign.issuing_body,
        parent_body=campaign.parent_body,
        place=campaign.place,
        number_suffix=campaign.report_suffix,
        signer_title=campaign.signer_title,
        signer_name=campaign.signer_name,
        recipients=tuple(line for line in campaign.recipients.splitlines() if line.strip()),
    )
