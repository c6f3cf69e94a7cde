"""Figures, submissions, registrations and reporting progress.

Values are canonical text (DHIS2 style, see ``storage.models.DataValue``). Every change writes a
``DataValueAudit`` row with the old and new value, who, when and why.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.phones import normalize_phone
from domain.text import fold
from storage import peers
from storage.models import (
    AuditAction,
    ChannelAccount,
    DataValue,
    DataValueAudit,
    Initiative,
    Nominee,
    OrgUnit,
    Period,
    Registration,
    RegistrationTarget,
    RegistrationTitle,
    Reporter,
    ReporterUnit,
    Submission,
)


async def values_of(session: AsyncSession, org_unit_id: int, period_id: int) -> dict[int, str]:
    """The stored values of a unit for a period: data element id -> canonical text."""
    rows = await session.execute(
        select(DataValue.data_element_id, DataValue.value).where(
            DataValue.org_unit_id == org_unit_id, DataValue.period_id == period_id
        )
    )
    return {element_id: value for element_id, value in rows}


@dataclass(frozen=True)
class UnitCard:
    """What a figure's question shows of its unit: the name, and the targets it committed to
    in the campaign when it registered (data element id -> canonical text)."""

    name: str
    committed: dict[int, str]


async def unit_card(session: AsyncSession, campaign_id: int, org_unit_id: int) -> UnitCard:
    """The unit's :class:`UnitCard` in one statement (two reads in a value step before: issue
    15's lean step). Raises LookupError when there is no such unit."""
    rows = (
        await session.execute(
            select(OrgUnit.name, RegistrationTarget.data_element_id, RegistrationTarget.value)
            .select_from(OrgUnit)
            .outerjoin(
                Registration,
                (Registration.org_unit_id == OrgUnit.id)
                & (Registration.campaign_id == campaign_id),
            )
            .outerjoin(RegistrationTarget, RegistrationTarget.registration_id == Registration.id)
            .where(OrgUnit.id == org_unit_id)
        )
    ).all()
    if not rows:
        raise LookupError(f"no OrgUnit {org_unit_id}")
    committed = {element: value for _name, element, value in rows if element is not None}
    return UnitCard(rows[0][0], committed)


async def committed_targets(
    session: AsyncSession, campaign_id: int, org_unit_id: int
) -> dict[int, str]:
    """The targets the unit committed to when it registered: data element id -> canonical
    text (empty when it did not register or committed none)."""
    rows = await session.execute(
        select(RegistrationTarget.data_element_id, RegistrationTarget.value)
        .join(Registration, Registration.id == RegistrationTarget.registration_id)
        .where(Registration.campaign_id == campaign_id, Registration.org_unit_id == org_unit_id)
    )
    return {element_id: value for element_id, value in rows}


@dataclass(frozen=True)
class Change:
    """One value to write: the element, the new canonical text (None deletes), the reason."""

    data_element_id: int
    value: str | None
    reason: str = ""


async def write_values(
    session: AsyncSession,
    org_unit_id: int,
    period_id: int,
    changes: list[Change],
    reporter_id: int,
    at: datetime,
) -> int:
    """Apply ``changes`` with an audit row for each real change; returns how many changed."""
    await peers.check(session, period_id)  # the process's peer figures then stay exact
    current = {
        row.data_element_id: row
        for row in await session.scalars(
            select(DataValue).where(
                DataValue.org_unit_id == org_unit_id, DataValue.period_id == period_id
            )
        )
    }
    audits: list[DataValueAudit] = []
    for change in changes:
        row = current.get(change.data_element_id)
        old = row.value if row else None
        if old == change.value:
            continue
        peers.note_write(session, period_id, change.data_element_id, org_unit_id, change.value)
        audits.append(_audit(org_unit_id, period_id, change, old, reporter_id, at))
        session.add(audits[-1])
        if row is None and change.value is not None:
            session.add(
                DataValue(
                    org_unit_id=org_unit_id,
                    period_id=period_id,
                    data_element_id=change.data_element_id,
                    value=change.value,
                    entered_by_id=reporter_id,
                    created_at=at,
                    updated_at=at,
                )
            )
        elif row is not None and change.value is None:
            await session.delete(row)
        elif row is not None and change.value is not None:
            row.value, row.entered_by_id, row.updated_at = change.value, reporter_id, at
    await session.flush()
    if audits:
        peers.note_stamp(session, period_id, max(audit.id for audit in audits))
    return len(audits)


def _audit(
    org_unit_id: int,
    period_id: int,
    change: Change,
    old: str | None,
    reporter_id: int,
    at: datetime,
) -> DataValueAudit:
    if old is None:
        action = AuditAction.CREATE
    elif change.value is None:
        action = AuditAction.DELETE
    else:
        action = AuditAction.UPDATE
    return DataValueAudit(
        org_unit_id=org_unit_id,
        period_id=period_id,
        data_element_id=change.data_element_id,
        action=action,
        old_value=old,
        new_value=change.value,
        changed_by_id=reporter_id,
        changed_at=at,
        reason=change.reason,
    )


async def submission_of(
    session: AsyncSession, org_unit_id: int, period_id: int
) -> Submission | None:
    """The completed report of a unit for a period, if any."""
    found = await session.scalar(
        select(Submission).where(
            Submission.org_unit_id == org_unit_id, Submission.period_id == period_id
        )
    )
    return found


async def submit(
    session: AsyncSession,
    org_unit_id: int,
    period_id: int,
    reporter_id: int,
    at: datetime,
    is_late: bool,
) -> Submission:
    """Mark a unit's report for a period complete, with a receipt number (mã biên nhận)."""
    submission = Submission(
        org_unit_id=org_unit_id,
        period_id=period_id,
        submitted_by_id=reporter_id,
        submitted_at=at,
        is_late=is_late,
        receipt=secrets.token_hex(3).upper(),
    )
    session.add(submission)
    await session.flush()
    return submission


async def registration_of(
    session: AsyncSession, campaign_id: int, org_unit_id: int
) -> Registration | None:
    """A unit's registration for a campaign, with titles and targets loaded."""
    found = await session.scalar(
        select(Registration)
        .where(Registration.campaign_id == campaign_id, Registration.org_unit_id == org_unit_id)
        .options(selectinload(Registration.titles), selectinload(Registration.targets))
    )
    return found


async def save_registration(
    session: AsyncSession,
    campaign_id: int,
    org_unit_id: int,
    reporter_id: int,
    title_ids: list[int],
    targets: dict[int, str],
    at: datetime,
    *,
    nominees: list[tuple[int, str, str]] | None = None,
    initiatives: list[tuple[str, str]] | None = None,
) -> Registration:
    """Create or replace a unit's registration: the titles aimed for and committed targets,
    and, unless None (kept as they are), the people named for individual titles (``(title
    id, full name, position)``) and the models or initiatives (``(name, description)``), in
    the order given."""
    registration = await registration_of(session, campaign_id, org_unit_id)
    if registration is None:
        registration = Registration(
            campaign_id=campaign_id,
            org_unit_id=org_unit_id,
            registered_at=at,
            titles=[],
            targets=[],
        )
        session.add(registration)
    registration.registered_by_id = reporter_id
    registration.updated_at = at
    registration.titles = [RegistrationTitle(title_id=title_id) for title_id in title_ids]
    registration.targets = [
        RegistrationTarget(data_element_id=element_id, value=value)
        for element_id, value in targets.items()
    ]
    await session.flush()
    if nominees is not None:
        await session.execute(delete(Nominee).where(Nominee.registration_id == registration.id))
        session.add_all(
            Nominee(
                registration_id=registration.id,
                title_id=title_id,
                full_name=full_name,
                position=position,
                sort_order=order,
            )
            for order, (title_id, full_name, position) in enumerate(nominees)
        )
    if initiatives is not None:
        await session.execute(
            delete(Initiative).where(Initiative.registration_id == registration.id)
        )
        session.add_all(
            Initiative(
                registration_id=registration.id,
                name=name,
                description=description,
                sort_order=order,
            )
            for order, (name, description) in enumerate(initiatives)
        )
    await session.flush()
    return registration


async def nominees_of(session: AsyncSession, registration_id: int) -> list[Nominee]:
    """The people a registration names for individual titles, in the order typed."""
    found = await session.scalars(
        select(Nominee)
        .where(Nominee.registration_id == registration_id)
        .order_by(Nominee.sort_order, Nominee.id)
    )
    return list(found)


async def initiatives_of(session: AsyncSession, registration_id: int) -> list[Initiative]:
    """The models and initiatives a registration names, in the order typed."""
    found = await session.scalars(
        select(Initiative)
        .where(Initiative.registration_id == registration_id)
        .order_by(Initiative.sort_order, Initiative.id)
    )
    return list(found)


@dataclass(frozen=True)
class Representative:
    """Someone to call about a unit: name, phone, and whether the bot can still reach them
    (False when every chat account of theirs has blocked the bot)."""

    name: str
    phone: str
    reachable: bool = True


def distinct_people(people: Sequence[Representative]) -> list[Representative]:
    """``people`` with each person once, in first-seen order.

    One person can appear several times for a unit: bound from two channel accounts that each
    became a reporter (same phone), or bound without a phone and also listed by the office.
    Entries with the same phone (compared normalised: ``+84 90…`` = ``090…``) are one person;
    an entry without a phone is the same person as an entry with the same name (case and
    diacritics aside). The merged entry keeps the first name and the first phone, and is
    reachable when any of its entries is. Never raises.
    """
    merged: list[Representative] = []
    for person in people:
        phone = _phone_key(person.phone)
        index = next(
            (
                i
                for i, seen in enumerate(merged)
                if (phone and phone == _phone_key(seen.phone))
                or ((not phone or not seen.phone) and fold(person.name) == fold(seen.name))
            ),
            None,
        )
        if index is None:
            merged.append(person)
            continue
        seen = merged[index]
        merged[index] = replace(
            seen,
            name=seen.name or person.name,
            phone=seen.phone or person.phone,
            reachable=seen.reachable or person.reachable,
        )
    return merged


def _phone_key(phone: str) -> str:
    """A phone compared: normalised when it is a Vietnamese number, else as typed, stripped."""
    return normalize_phone(phone) or phone.strip() if phone.strip() else ""


@dataclass(frozen=True)
class UnitProgress:
    """Where one unit stands for a period: its submission (if any) and its representatives."""

    unit: OrgUnit
    submission: Submission | None
    representatives: list[Representative]


async def progress(
    session: AsyncSession, units: list[OrgUnit], period: Period
) -> list[UnitProgress]:
    """Reporting status of ``units`` (contacts loaded) for ``period``, in the given order.

    Representatives are the people bound to the unit (with whether they can be reached) and
    the office's listed contacts nobody has bound with yet.
    """
    submissions = {
        s.org_unit_id: s
        for s in await session.scalars(select(Submission).where(Submission.period_id == period.id))
    }
    bound = await _bound_people(session, [u.id for u in units])
    result = []
    for unit in units:
        people = bound.get(unit.id, [])
        known = {person.phone for person in people}
        people = people + [
            Representative(c.name, c.phone) for c in unit.contacts if c.phone not in known
        ]
        result.append(UnitProgress(unit, submissions.get(unit.id), people))
    return result


async def _bound_people(
    session: AsyncSession, unit_ids: list[int]
) -> dict[int, list[Representative]]:
    rows = await session.execute(
        select(
            ReporterUnit.org_unit_id,
            Reporter.id,
            Reporter.full_name,
            Reporter.phone,
            ChannelAccount.is_active,
        )
        .join(Reporter, Reporter.id == ReporterUnit.reporter_id)
        .outerjoin(ChannelAccount, ChannelAccount.reporter_id == Reporter.id)
        .where(ReporterUnit.org_unit_id.in_(unit_ids))
        .order_by(ReporterUnit.org_unit_id, Reporter.id)
    )
    people: dict[tuple[int, int], Representative] = {}
    for unit_id, reporter_id, name, phone, active in rows:
        before = people.get((unit_id, reporter_id))
        reachable = bool(active) or (before is not None and before.reachable)
        people[(unit_id, reporter_id)] = Representative(name, phone or "", reachable)
    by_unit: dict[int, list[Representative]] = {}
    for (unit_id, _reporter), person in people.items():
        by_unit.setdefault(unit_id, []).append(person)
    return by_unit
