"""Campaigns in the database: importing a :class:`CampaignSpec` and reading campaigns back.

Import is an upsert by code inside the caller's transaction: a re-import of the same campaign
code updates it in place (elements, indicators, titles with their rules, criteria and reviews
matched by code), and refuses (``CampaignConflict``) any change that would orphan data
already entered — removing a data element, a unit or a period that has values (or had them: the
audit history keeps pointing at it), a title that a unit registered for (or registered a person
for), a criterion that has points or evidence, or a review that has score sheets, evidence, an
approval or a cluster ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.campaign_spec import CampaignSpec, CriterionSpec, ElementSpec, UnitSpec, ValueType
from domain.errors import DomainError
from domain.periods import PeriodDates, periods_between
from domain.phones import normalize_phone
from domain.validation import canonical
from storage.models import (
    Approval,
    Campaign,
    CampaignUnit,
    Cluster,
    ClusterRanking,
    Criterion,
    DataElement,
    DataValueAudit,
    Evidence,
    Indicator,
    Nominee,
    OrgUnit,
    Period,
    Registration,
    RegistrationTarget,
    RegistrationTitle,
    Review,
    Score,
    ScoreAudit,
    ScoreSheet,
    Submission,
    Title,
    UnitContact,
)


class CampaignConflict(DomainError):
    """A re-import would orphan submitted data; ``problems`` lists each one in Vietnamese."""

    def __init__(self, code: str, problems: list[str]) -> None:
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(
            f"Không thể cập nhật phong trào {code} vì sẽ làm mất số liệu đã nhập:\n{lines}\n"
            "Hãy giữ lại các mục này trong file Excel rồi nhập lại."
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the campaign id, whether it was new, and counts of what it holds."""

    campaign_id: int
    created: bool
    elements: int
    indicators: int
    units: int
    titles: int
    periods: int
    criteria: int
    reviews: int


def decimal_text(value: Decimal | None) -> str | None:
    """Canonical text of an optional decimal as stored (``Decimal("12500.0")`` -> ``"12500"``)."""
    return None if value is None else canonical(value)


async def import_campaign(session: AsyncSession, spec: CampaignSpec, now: datetime) -> ImportResult:
    """Create or update the campaign ``spec.code`` with everything in ``spec``.

    Raises ``CampaignConflict`` before changing anything when the update would orphan data.
    """
    campaign = await session.scalar(select(Campaign).where(Campaign.code == spec.code))
    created = campaign is None
    if campaign is None:
        campaign = Campaign(code=spec.code, created_at=now)
        session.add(campaign)
    else:
        await _check_orphans(session, campaign, spec)
    _set_header(campaign, spec, now)
    session.info.pop(_CHECKED, None)  # the campaign cache reads the new stamp
    await session.flush()
    await _release_sources(session, campaign.id)
    elements = await _sync_elements(session, campaign.id, spec)
    indicators = await _sync_indicators(session, campaign.id, spec, elements)
    await _sync_titles(session, campaign.id, spec)
    await _sync_units(session, campaign.id, spec.units)
    period_count = await _sync_periods(session, campaign.id, spec)
    await _sync_criteria(session, campaign.id, spec.criteria, elements, indicators)
    await _sync_reviews(session, campaign.id, spec)
    return ImportResult(
        campaign_id=campaign.id,
        created=created,
        elements=sum(1 for e in spec.elements if not e.is_indicator),
        indicators=sum(1 for e in spec.elements if e.is_indicator),
        units=len(spec.units),
        titles=len(spec.titles),
        periods=period_count,
        criteria=len(spec.criteria),
        reviews=len(spec.reviews),
    )


def spec_periods(spec: CampaignSpec) -> list[PeriodDates]:
    """The periods a campaign spec defines."""
    return periods_between(spec.frequency, spec.start, spec.end, spec.due_days, spec.lock_days)


def _set_header(campaign: Campaign, spec: CampaignSpec, now: datetime) -> None:
    campaign.name = spec.name
    campaign.theme = spec.theme
    campaign.issuing_body = spec.issuing_body
    campaign.document_number = spec.document_number
    campaign.parent_body, campaign.place = spec.parent_body, spec.place
    campaign.report_suffix = spec.report_suffix
    campaign.signer_title, campaign.signer_name = spec.signer_title, spec.signer_name
    campaign.recipients = "\n".join(spec.recipients)
    campaign.start_date, campaign.end_date = spec.start, spec.end
    campaign.frequency = spec.frequency
    campaign.due_days, campaign.lock_days = spec.due_days, spec.lock_days
    campaign.registration_deadline = spec.registration_deadline
    campaign.remind_days_before = list(spec.remind_days_before)
    campaign.remind_on_due = spec.remind_on_due
    campaign.remind_overdue_days = spec.remind_overdue_days
    campaign.escalate_office_days = spec.escalate_office_days
    campaign.escalate_cluster_days = spec.escalate_cluster_days
    campaign.is_sample = spec.is_sample
    campaign.updated_at = now


async def _check_orphans(session: AsyncSession, campaign: Campaign, spec: CampaignSpec) -> None:
    problems: list[str] = []
    kept_elements = {e.code for e in spec.elements if not e.is_indicator}
    kept_periods = {p.code for p in spec_periods(spec)}
    kept_units = {u.code for u in spec.units}
    kept_titles = {t.code for t in spec.titles}
    for code, name in await _elements_with_values(session, campaign.id):
        if code not in kept_elements:
            problems.append(f'chỉ tiêu {code} "{name}" đã có số liệu')
    for code in await _periods_with_values(session, campaign.id):
        if code not in kept_periods:
            problems.append(f"kỳ báo cáo {code} đã có số liệu")
    for code, name in await _units_with_data(session, campaign.id):
        if code not in kept_units:
            problems.append(f'đơn vị {code} "{name}" đã có số liệu hoặc đăng ký thi đua')
    for code, name in await _registered_titles(session, campaign.id):
        if code not in kept_titles:
            problems.append(f'danh hiệu {code} "{name}" đã có đơn vị đăng ký')
    kept_criteria = {c.code for c in spec.criteria}
    for code, name in await _scored_criteria(session, campaign.id):
        if code not in kept_criteria:
            problems.append(f'tiêu chí {code} "{name}" đã có điểm chấm hoặc minh chứng')
    kept_reviews = {r.code for r in spec.reviews}
    for code, name in await _reviews_with_scores(session, campaign.id):
        if code not in kept_reviews:
            problems.append(
                f'đợt {code} "{name}" đã có phiếu chấm điểm, minh chứng hoặc kết quả duyệt'
            )
    if problems:
        raise CampaignConflict(campaign.code, problems)


async def _elements_with_values(session: AsyncSession, campaign_id: int) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(DataElement.code, DataElement.name)
        .where(DataElement.campaign_id == campaign_id)
        .where(
            select(DataValueAudit.id)
            .where(DataValueAudit.data_element_id == DataElement.id)
            .exists()
        )
    )
    return [(code, name) for code, name in rows]


async def _periods_with_values(session: AsyncSession, campaign_id: int) -> list[str]:
    rows = await session.scalars(
        select(Period.code)
        .where(Period.campaign_id == campaign_id)
        .where(
            select(DataValueAudit.id).where(DataValueAudit.period_id == Period.id).exists()
            | select(Submission.id).where(Submission.period_id == Period.id).exists()
        )
    )
    return list(rows)


async def _units_with_data(session: AsyncSession, campaign_id: int) -> list[tuple[str, str]]:
    has_values = (
        select(DataValueAudit.id)
        .join(Period, Period.id == DataValueAudit.period_id)
        .where(Period.campaign_id == campaign_id, DataValueAudit.org_unit_id == OrgUnit.id)
        .exists()
    )
    has_registration = (
        select(Registration.id)
        .where(Registration.campaign_id == campaign_id, Registration.org_unit_id == OrgUnit.id)
        .exists()
    )
    rows = await session.execute(
        select(OrgUnit.code, OrgUnit.name).where(has_values | has_registration)
    )
    return [(code, name) for code, name in rows]


async def _registered_titles(session: AsyncSession, campaign_id: int) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(Title.code, Title.name)
        .where(Title.campaign_id == campaign_id)
        .where(
            select(RegistrationTitle.title_id)
            .where(RegistrationTitle.title_id == Title.id)
            .exists()
            | select(Nominee.id).where(Nominee.title_id == Title.id).exists()
        )
    )
    return [(code, name) for code, name in rows]


async def _scored_criteria(session: AsyncSession, campaign_id: int) -> list[tuple[str, str]]:
    """Criteria with points on a sheet (or had them: the audit), or evidence."""
    rows = await session.execute(
        select(Criterion.code, Criterion.name)
        .where(Criterion.campaign_id == campaign_id)
        .where(
            select(Score.sheet_id).where(Score.criterion_id == Criterion.id).exists()
            | select(ScoreAudit.id).where(ScoreAudit.criterion_id == Criterion.id).exists()
            | select(Evidence.id).where(Evidence.criterion_id == Criterion.id).exists()
        )
    )
    return [(code, name) for code, name in rows]


async def _reviews_with_scores(session: AsyncSession, campaign_id: int) -> list[tuple[str, str]]:
    """Reviews with a score sheet, evidence, an office decision or a cluster ranking."""
    rows = await session.execute(
        select(Review.code, Review.name)
        .where(Review.campaign_id == campaign_id)
        .where(
            select(ScoreSheet.id).where(ScoreSheet.review_id == Review.id).exists()
            | select(Evidence.id).where(Evidence.review_id == Review.id).exists()
            | select(Approval.id).where(Approval.review_id == Review.id).exists()
            | select(ClusterRanking.review_id).where(ClusterRanking.review_id == Review.id).exists()
        )
    )
    return [(code, name) for code, name in rows]


def template_order(spec: CampaignSpec) -> dict[str, int]:
    """Row index of each element and indicator in sheet "Chỉ tiêu".

    Data elements and indicators are stored in two tables but share one numbering, so that
    merging them by ``sort_order`` gives back the template's order (reports show each indicator
    where the office put it, e.g. right after its numerator and denominator).
    """
    return {element.code: index for index, element in enumerate(spec.elements)}


async def _sync_elements(
    session: AsyncSession, campaign_id: int, spec: CampaignSpec
) -> dict[str, DataElement]:
    existing = {
        e.code: e
        for e in await session.scalars(
            select(DataElement).where(DataElement.campaign_id == campaign_id)
        )
    }
    wanted = [e for e in spec.elements if not e.is_indicator]
    order = template_order(spec)
    kept: dict[str, DataElement] = {}
    for element_spec in wanted:
        element = existing.pop(element_spec.code, None) or DataElement(
            campaign_id=campaign_id, code=element_spec.code
        )
        _set_element(element, element_spec, order[element_spec.code])
        session.add(element)
        kept[element.code] = element
    await session.flush()
    for element_spec in wanted:
        weight = element_spec.denominator
        kept[element_spec.code].weight_element_id = kept[weight].id if weight in kept else None
    await _delete_elements(session, list(existing.values()))
    return kept


def _set_element(element: DataElement, spec: ElementSpec, order: int) -> None:
    element.name = spec.name
    element.measure_unit = spec.measure_unit
    element.value_type = spec.value_type
    element.aggregation = spec.aggregation
    element.target = decimal_text(spec.target)
    element.direction = spec.direction
    element.minimum = decimal_text(spec.minimum)
    element.maximum = decimal_text(spec.maximum)
    element.required = spec.required
    element.cumulative = spec.cumulative
    element.sort_order = order


async def _delete_elements(session: AsyncSession, elements: list[DataElement]) -> None:
    if not elements:
        return
    ids = [e.id for e in elements]
    await session.execute(
        delete(Indicator).where(Indicator.numerator_id.in_(ids) | Indicator.denominator_id.in_(ids))
    )
    await session.execute(
        delete(RegistrationTarget).where(RegistrationTarget.data_element_id.in_(ids))
    )
    for element in elements:
        element.weight_element_id = None
    await session.flush()
    for element in elements:
        await session.delete(element)
    await session.flush()


async def _sync_indicators(
    session: AsyncSession, campaign_id: int, spec: CampaignSpec, elements: dict[str, DataElement]
) -> dict[str, Indicator]:
    existing = {
        i.code: i
        for i in await session.scalars(
            select(Indicator).where(Indicator.campaign_id == campaign_id)
        )
    }
    order = template_order(spec)
    kept: dict[str, Indicator] = {}
    for row in (e for e in spec.elements if e.is_indicator):
        indicator = existing.pop(row.code, None) or Indicator(
            campaign_id=campaign_id, code=row.code
        )
        kept[row.code] = indicator
        indicator.name = row.name
        indicator.measure_unit = row.measure_unit or "%"
        indicator.numerator_id = elements[row.numerator or ""].id
        indicator.denominator_id = elements[row.denominator or ""].id
        indicator.target = decimal_text(row.target)
        indicator.direction = row.direction
        indicator.sort_order = order[row.code]
        session.add(indicator)
    for stale in existing.values():
        await session.delete(stale)
    await session.flush()
    return kept


async def _sync_titles(session: AsyncSession, campaign_id: int, spec: CampaignSpec) -> None:
    existing = {
        t.code: t
        for t in await session.scalars(select(Title).where(Title.campaign_id == campaign_id))
    }
    for order, row in enumerate(spec.titles):
        title = existing.pop(row.code, None) or Title(campaign_id=campaign_id, code=row.code)
        title.name, title.kind, title.sort_order = row.name, row.kind, order
        title.min_score = decimal_text(row.min_score)
        title.needs_on_time = row.needs_on_time
        title.max_share = decimal_text(row.max_share)
        session.add(title)
    for stale in existing.values():
        await session.delete(stale)
    await session.flush()


async def _release_sources(session: AsyncSession, campaign_id: int) -> None:
    """Detach every criterion from its automatic source, so that elements and indicators
    dropped by the re-import can be deleted; :func:`_sync_criteria` sets the sources again."""
    await session.execute(
        update(Criterion)
        .where(Criterion.campaign_id == campaign_id)
        .values(source_element_id=None, source_indicator_id=None)
    )


async def _sync_criteria(
    session: AsyncSession,
    campaign_id: int,
    criteria: tuple[CriterionSpec, ...],
    elements: dict[str, DataElement],
    indicators: dict[str, Indicator],
) -> None:
    """Criteria by code, in sheet order; a source names an element or an indicator."""
    existing = {
        c.code: c
        for c in await session.scalars(
            select(Criterion).where(Criterion.campaign_id == campaign_id)
        )
    }
    for order, row in enumerate(criteria):
        criterion = existing.pop(row.code, None) or Criterion(
            campaign_id=campaign_id, code=row.code
        )
        criterion.name, criterion.group_name = row.name, row.group
        criterion.max_points = canonical(row.max_points)
        criterion.kind = row.kind
        criterion.evidence_required = row.evidence_required
        element = elements.get(row.source) if row.source else None
        indicator = indicators.get(row.source) if row.source else None
        criterion.source_element_id = element.id if element else None
        criterion.source_indicator_id = indicator.id if indicator else None
        criterion.rule = row.rule
        criterion.sort_order = order
        session.add(criterion)
    for stale in existing.values():
        await session.delete(stale)
    await session.flush()


async def _sync_reviews(session: AsyncSession, campaign_id: int, spec: CampaignSpec) -> None:
    existing = {
        r.code: r
        for r in await session.scalars(select(Review).where(Review.campaign_id == campaign_id))
    }
    for order, row in enumerate(spec.reviews):
        review = existing.pop(row.code, None) or Review(campaign_id=campaign_id, code=row.code)
        review.name, review.covers = row.name, row.covers
        review.self_start, review.self_end = row.self_start, row.self_end
        review.cross_start, review.cross_end = row.cross_start, row.cross_end
        review.review_date, review.weights = row.review_date, row.weights
        review.sort_order = order
        session.add(review)
    for stale in existing.values():
        await session.delete(stale)
    await session.flush()


async def _sync_units(session: AsyncSession, campaign_id: int, units: tuple[UnitSpec, ...]) -> None:
    await session.execute(delete(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id))
    for order, row in enumerate(units):
        unit = await session.scalar(
            select(OrgUnit).where(OrgUnit.code == row.code).options(selectinload(OrgUnit.contacts))
        )
        if unit is None:
            unit = OrgUnit(code=row.code, contacts=[])
            session.add(unit)
        unit.name, unit.unit_type = row.name, row.unit_type
        unit.cluster_id = (await _cluster(session, row.cluster)).id if row.cluster else None
        _sync_contacts(unit, row)
        await session.flush()
        session.add(
            CampaignUnit(
                campaign_id=campaign_id,
                org_unit_id=unit.id,
                sort_order=order,
                is_cluster_head=row.is_cluster_head,
            )
        )
    await session.flush()


def _sync_contacts(unit: OrgUnit, row: UnitSpec) -> None:
    """Update the unit's contacts in place (matched by phone) so no phone is inserted twice."""
    wanted: dict[str, str] = {}
    for index, typed in enumerate(row.phones):
        phone = normalize_phone(typed)
        if phone and phone not in wanted:
            wanted[phone] = row.representatives[index] if index < len(row.representatives) else ""
    kept = [c for c in unit.contacts if c.phone in wanted]
    for contact in kept:
        contact.name = wanted.pop(contact.phone)
    unit.contacts = kept + [UnitContact(phone=phone, name=name) for phone, name in wanted.items()]


async def _cluster(session: AsyncSession, name: str) -> Cluster:
    cluster = await session.scalar(select(Cluster).where(Cluster.name == name))
    if cluster is None:
        cluster = Cluster(name=name)
        session.add(cluster)
        await session.flush()
    return cluster


async def _sync_periods(session: AsyncSession, campaign_id: int, spec: CampaignSpec) -> int:
    existing = {
        p.code: p
        for p in await session.scalars(select(Period).where(Period.campaign_id == campaign_id))
    }
    wanted = spec_periods(spec)
    for dates in wanted:
        period = existing.pop(dates.code, None) or Period(campaign_id=campaign_id, code=dates.code)
        period.start_date, period.end_date = dates.start, dates.end
        period.due_date, period.lock_date = dates.due, dates.lock
        session.add(period)
    for stale in existing.values():
        await session.delete(stale)
    await session.flush()
    return len(wanted)


async def load_campaign(session: AsyncSession, campaign_id: int) -> Campaign:
    """A campaign with its elements, indicators, titles and periods loaded."""
    campaign = await session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .options(
            selectinload(Campaign.elements),
            selectinload(Campaign.indicators),
            selectinload(Campaign.titles),
            selectinload(Campaign.periods),
        )
    )
    if campaign is None:
        raise LookupError(f"no campaign {campaign_id}")
    return campaign


async def find_campaign(session: AsyncSession, code: str) -> Campaign | None:
    """The campaign with ``code`` (case-insensitive)."""
    found = await session.scalar(select(Campaign).where(func.upper(Campaign.code) == code.upper()))
    return found


async def list_campaigns(session: AsyncSession) -> list[Campaign]:
    """Every campaign, newest first."""
    return list(
        await session.scalars(select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id))
    )


async def campaigns_of_unit(session: AsyncSession, org_unit_id: int) -> list[Campaign]:
    """The campaigns a unit takes part in, newest first."""
    rows = await session.scalars(
        select(Campaign)
        .join(CampaignUnit, CampaignUnit.campaign_id == Campaign.id)
        .where(CampaignUnit.org_unit_id == org_unit_id)
        .order_by(Campaign.start_date.desc(), Campaign.id)
    )
    return list(rows)


async def find_unit(session: AsyncSession, code: str) -> OrgUnit | None:
    """The org unit with ``code`` (case-insensitive)."""
    found = await session.scalar(select(OrgUnit).where(func.upper(OrgUnit.code) == code.upper()))
    return found


async def campaign_units(session: AsyncSession, campaign_id: int) -> list[OrgUnit]:
    """The units of a campaign in sheet order, with cluster and contacts loaded."""
    rows = await session.scalars(
        select(OrgUnit)
        .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
        .where(CampaignUnit.campaign_id == campaign_id)
        .order_by(CampaignUnit.sort_order)
        .options(selectinload(OrgUnit.cluster), selectinload(OrgUnit.contacts))
    )
    return list(rows)


_CHECKED = "campaign_stamps_checked"
"""``session.info`` key: campaign id -> the ``updated_at`` this session already read."""


class CampaignCache:
    """Loaded campaigns kept between messages, reloaded when the campaign's ``updated_at``
    changes (a re-import), so each message costs one small query instead of five.

    The cached objects are detached from any session and must be treated as read-only.
    """

    def __init__(self) -> None:
        self._loaded: dict[int, tuple[datetime, Campaign]] = {}

    async def get(self, session: AsyncSession, campaign_id: int) -> Campaign:
        """The campaign with elements, indicators, titles and periods, as of now.

        Its ``updated_at`` is read once per session (a batch of messages shares one): only
        :func:`import_campaign` changes a campaign, and it forgets what the session checked.
        Raises LookupError when there is no such campaign."""
        checked: dict[int, datetime] = session.info.setdefault(_CHECKED, {})
        stamp = checked.get(campaign_id)
        if stamp is None:
            stamp = await session.scalar(
                select(Campaign.updated_at).where(Campaign.id == campaign_id)
            )
            if stamp is None:
                raise LookupError(f"no campaign {campaign_id}")
            checked[campaign_id] = stamp
        cached = self._loaded.get(campaign_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        campaign = await load_campaign(session, campaign_id)
        session.expunge(campaign)
        for child in [
            *campaign.elements,
            *campaign.indicators,
            *campaign.titles,
            *campaign.periods,
        ]:
            if child in session:
                session.expunge(child)
        self._loaded[campaign_id] = (stamp, campaign)
        return campaign


def period_dates(period: Period) -> PeriodDates:
    """The pure calendar view of a stored period."""
    return PeriodDates(
        code=period.code,
        start=period.start_date,
        end=period.end_date,
        due=period.due_date,
        lock=period.lock_date,
    )


_NUMERIC = (ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENTAGE)


def commitment_elements(campaign: Campaign) -> list[DataElement]:
    """Elements of a loaded campaign a unit may commit a figure to when it registers
    (``/dangky``): the numeric ones with a campaign target, in campaign order."""
    return [e for e in campaign.elements if e.target is not None and e.value_type in _NUMERIC]


def open_periods(campaign: Campaign, today: date) -> list[Period]:
    """The periods of a loaded campaign open for entry on ``today``, oldest first."""
    return [p for p in campaign.periods if period_dates(p).is_open(today)]
