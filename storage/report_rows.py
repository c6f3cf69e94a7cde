"""The plain rows of the report workbooks (``reports.data``), read from the database.

The builders in ``reports/`` take no database; this module is the one place that turns stored
rows into their shapes. A report costs a fixed handful of queries whatever the number of units
(units, submissions, representatives, values, corrections, registrations, people's names):
nothing is queried per unit.

Values are stored as canonical text (``storage.models.DataValue``): numbers, percentages and
yes/no ("1"/"0") become ``Decimal``, text stays ``str``. Times are turned into naive Vietnam
time, as a workbook has no time zones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.campaign_spec import Aggregation, TitleKind, ValueType
from domain.periods import period_name
from reports.data import (
    Column,
    ConsolidatedReport,
    Contact,
    DetailRow,
    Header,
    PeriodLabel,
    RegistrationReport,
    RegistrationRow,
    ReportStatus,
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
    OrgUnit,
    Period,
    Registration,
    Reporter,
    Submission,
)
from storage.values import UnitProgress, progress

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


# --------------------------------------------------------------------------- consolidated


@dataclass(frozen=True)
class _Stored:
    """One stored value, as read (ids, canonical text, who and when)."""

    org_unit_id: int
    period_id: int
    element_id: int
    value: str
    entered_by_id: int
    updated_at: datetime


@dataclass(frozen=True)
class _Corrections:
    """Per (unit, period, element): how many corrections, and the latest reason given."""

    counts: dict[tuple[int, int, int], int]
    reasons: dict[tuple[int, int, int], str]


async def consolidated_report(
    session: AsyncSession, campaign: Campaign, period: Period, now: datetime, zone: ZoneInfo
) -> ConsolidatedReport:
    """Everything the consolidated workbook of ``campaign`` (loaded with elements, indicators,
    titles and periods, e.g. ``storage.campaigns.load_campaign``) for ``period`` shows.

    ``now`` (aware) is the generation time. Units come in campaign order with their status
    (submission on time / late / none), values of the period, committed targets, representatives
    and the values of the year's earlier periods; ``details`` list every stored value of the
    year's periods up to ``period``, with the number of corrections and the latest reason.
    """
    units = await campaign_units(session, campaign.id)
    standing = await progress(session, units, period)
    periods = year_periods(campaign, period)
    stored = await _stored_values(session, [p.id for p in periods], {u.id for u in units})
    corrections = await _corrections(session, [p.id for p in periods])
    registrations = await _registrations(session, campaign.id)
    names = await _names(
        session,
        [s.entered_by_id for s in stored]
        + [row.submission.submitted_by_id for row in standing if row.submission]
        + [r.registered_by_id for r in registrations.values()],
    )
    generated_at = local_naive(now, zone)
    elements = {e.id: e for e in campaign.elements}
    by_unit = _values_by_unit(stored, elements, {p.id: p.code for p in periods})
    codes = {e.id: e.code for e in campaign.elements}
    rows = [
        _unit_row(
            row,
            period.code,
            by_unit.get(row.unit.id, {}),
            _targets(registrations.get(row.unit.id), codes),
            names,
            zone,
        )
        for row in standing
    ]
    return ConsolidatedReport(
        header=Header(
            issuing_body=campaign.issuing_body,
            title=CONSOLIDATED_TITLE,
            campaign=campaign.name,
            period=period_title(period),
            generated_at=generated_at,
        ),
        period=PeriodLabel(period.code, period_name(period.code)),
        columns=report_columns(campaign),
        units=rows,
        periods=[PeriodLabel(p.code, period_name(p.code)) for p in periods],
        registrations=_registration_report(
            campaign, units, registrations, names, generated_at, zone
        ),
        details=_details(stored, units, periods, elements, corrections, names, zone),
    )


def status_of(submission: Submission | None) -> ReportStatus:
    """On time, late, or not reported."""
    if submission is None:
        return ReportStatus.MISSING
    return ReportStatus.LATE if submission.is_late else ReportStatus.ON_TIME


def _unit_row(
    row: UnitProgress,
    current: str,
    values: dict[str, dict[str, Value]],
    targets: dict[str, Decimal],
    names: dict[int, str],
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
        values=values.get(current, {}),
        targets=targets,
        contacts=tuple(Contact(p.name, p.phone, p.reachable) for p in row.representatives),
        history={code: found for code, found in values.items() if code != current},
    )


def _cluster(unit: OrgUnit) -> str:
    return unit.cluster.name if unit.cluster is not None else ""


def _values_by_unit(
    stored: list[_Stored], elements: dict[int, DataElement], period_codes: dict[int, str]
) -> dict[int, dict[str, dict[str, Value]]]:
    """unit id -> period code -> element code -> value."""
    result: dict[int, dict[str, dict[str, Value]]] = {}
    for value in stored:
        element = elements.get(value.element_id)
        if element is None:
            continue
        periods = result.setdefault(value.org_unit_id, {})
        found = periods.setdefault(period_codes[value.period_id], {})
        found[element.code] = typed_value(value.value, element.value_type)
    return result


async def _stored_values(
    session: AsyncSession, period_ids: list[int], unit_ids: set[int]
) -> list[_Stored]:
    rows = await session.execute(
        select(
            DataValue.org_unit_id,
            DataValue.period_id,
            DataValue.data_element_id,
            DataValue.value,
            DataValue.entered_by_id,
            DataValue.updated_at,
        ).where(DataValue.period_id.in_(period_ids))
    )
    return [_Stored(*row) for row in rows if row[0] in unit_ids]


async def _corrections(session: AsyncSession, period_ids: list[int]) -> _Corrections:
    rows = await session.execute(
        select(
            DataValueAudit.org_unit_id,
            DataValueAudit.period_id,
            DataValueAudit.data_element_id,
            DataValueAudit.reason,
        )
        .where(DataValueAudit.period_id.in_(period_ids))
        .order_by(DataValueAudit.changed_at, DataValueAudit.id)
    )
    counts: dict[tuple[int, int, int], int] = {}
    reasons: dict[tuple[int, int, int], str] = {}
    for unit_id, period_id, element_id, reason in rows:
        key = (unit_id, period_id, element_id)
        # every audit row after the first entry is a change: an update, a deletion, and a
        # value entered again after a deletion
        counts[key] = counts.get(key, 0) + 1
        if reason:
            reasons[key] = reason
    return _Corrections({key: count - 1 for key, count in counts.items()}, reasons)


def _details(
    stored: list[_Stored],
    units: list[OrgUnit],
    periods: list[Period],
    elements: dict[int, DataElement],
    corrections: _Corrections,
    names: dict[int, str],
    zone: ZoneInfo,
) -> list[DetailRow]:
    """One row per stored value: by period, then unit (campaign order), then element."""
    unit_at = {u.id: (index, u) for index, u in enumerate(units)}
    period_at = {p.id: index for index, p in enumerate(periods)}
    known = [s for s in stored if s.element_id in elements]
    known.sort(
        key=lambda s: (
            period_at[s.period_id],
            unit_at[s.org_unit_id][0],
            elements[s.element_id].sort_order,
        )
    )
    codes = {p.id: p.code for p in periods}
    rows = []
    for value in known:
        unit, element = unit_at[value.org_unit_id][1], elements[value.element_id]
        key = (value.org_unit_id, value.period_id, value.element_id)
        rows.append(
            DetailRow(
                cluster=_cluster(unit),
                unit=unit.name,
                period=period_name(codes[value.period_id]),
                element=element.name,
                measure_unit=element.measure_unit,
                value=typed_value(value.value, element.value_type),
                entered_by=names.get(value.entered_by_id, ""),
                entered_at=local_naive(value.updated_at, zone),
                changes=corrections.counts.get(key, 0),
                last_reason=corrections.reasons.get(key, ""),
            )
        )
    return rows


async def _names(session: AsyncSession, reporter_ids: Iterable[int]) -> dict[int, str]:
    wanted = set(reporter_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Reporter.id, Reporter.full_name).where(Reporter.id.in_(wanted))
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
    registrations = await _registrations(session, campaign.id)
    names = await _names(session, [r.registered_by_id for r in registrations.values()])
    generated_at = local_naive(now, zone)
    return _registration_report(campaign, units, registrations, names, generated_at, zone)


async def _registrations(session: AsyncSession, campaign_id: int) -> dict[int, Registration]:
    """org unit id -> its registration, with titles and targets loaded."""
    rows = await session.scalars(
        select(Registration)
        .where(Registration.campaign_id == campaign_id)
        .options(selectinload(Registration.titles), selectinload(Registration.targets))
    )
    return {registration.org_unit_id: registration for registration in rows}


def _registration_report(
    campaign: Campaign,
    units: list[OrgUnit],
    registrations: dict[int, Registration],
    names: dict[int, str],
    generated_at: datetime,
    zone: ZoneInfo,
) -> RegistrationReport:
    """Titles: the collective ones (those units register for, see ``handlers.registration``)
    plus any other a registration holds; columns: the elements units may commit to plus any
    with a stored commitment."""
    chosen = {t.title_id for r in registrations.values() for t in r.titles}
    titles = [t for t in campaign.titles if t.kind is TitleKind.COLLECTIVE or t.id in chosen]
    committed = {t.data_element_id for r in registrations.values() for t in r.targets}
    allowed = {e.id for e in commitment_elements(campaign)}
    codes = {e.id: e.code for e in campaign.elements}
    columns = [element_column(e, codes) for e in campaign.elements if e.id in allowed | committed]
    title_names = {t.id: t.name for t in campaign.titles}
    rows = [
        _registration_row(unit, registrations.get(unit.id), title_names, names, codes, zone)
        for unit in units
    ]
    return RegistrationReport(
        header=Header(
            issuing_body=campaign.issuing_body,
            title=REGISTRATIONS_TITLE,
            campaign=campaign.name,
            period="",
            generated_at=generated_at,
        ),
        titles=[t.name for t in titles],
        columns=columns,
        rows=rows,
    )


def _registration_row(
    unit: OrgUnit,
    registration: Registration | None,
    title_names: dict[int, str],
    names: dict[int, str],
    codes: dict[int, str],
    zone: ZoneInfo,
) -> RegistrationRow:
    """``registered_at`` is when the registration was last saved (what it says now), by
    ``registered_by``."""
    if registration is None:
        return RegistrationRow(code=unit.code, name=unit.name, cluster=_cluster(unit))
    return RegistrationRow(
        code=unit.code,
        name=unit.name,
        cluster=_cluster(unit),
        titles=frozenset(title_names[t.title_id] for t in registration.titles),
        targets=_targets(registration, codes),
        registered_at=local_naive(registration.updated_at, zone),
        registered_by=names.get(registration.registered_by_id, ""),
    )


def _targets(registration: Registration | None, codes: dict[int, str]) -> dict[str, Decimal]:
    """A registration's committed targets: element code -> figure."""
    if registration is None:
        return {}
    return {
        codes[t.data_element_id]: Decimal(t.value)
        for t in registration.targets
        if t.data_element_id in codes
    }
