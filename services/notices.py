"""Scheduled messages: reminders to units that have not reported, cluster heads' lists, and the
texts of the office's notices (missing units, lock). Used by the scheduler (``bot.scheduler``)
and by the office's ``/nhacnho``.

Everything is queued in the caller's transaction, each reminder recorded under its unique key
first (``storage.reminders``), so that a message goes out once whoever queues it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import day
from domain.i18n import _
from domain.messages import Reply
from domain.periods import period_name
from domain.reminders import BEFORE, CLUSTER, MANUAL, OVERDUE
from services.progress import missing_lines, period_progress
from storage import accounts
from storage import reminders as reminder_store
from storage.models import Campaign, CampaignUnit, Cluster, OrgUnit, Period
from storage.recipients import Recipient, unit_recipients


@dataclass
class Fanout:
    """What one reminder round did for a period: ``missing`` units had not submitted;
    ``reminded`` were queued now (``chats`` messages); ``already`` had this reminder before;
    ``unreachable`` have nobody the bot can write to (the office must call them)."""

    missing: int = 0
    reminded: int = 0
    already: int = 0
    chats: int = 0
    unreachable: list[OrgUnit] = field(default_factory=list)


async def remind_units(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    kind: str,
    now: datetime,
    zone: ZoneInfo,
) -> Fanout:
    """Queue the ``kind`` reminder (``domain.reminders``) for ``period`` to every unit of
    ``campaign`` (loaded with its elements) that has not submitted and has not had it yet:
    one message to each of its people, on the chat they used last. Returns what was done."""
    missing = await reminder_store.missing_units(session, campaign.id, period.id)
    done = await reminded_today(session, period.id, kind, now, zone)
    result = Fanout(missing=len(missing), already=sum(1 for u in missing if u.id in done))
    waiting = [unit for unit in missing if unit.id not in done]
    people = await unit_recipients(session, [unit.id for unit in waiting])
    result.unreachable = [unit for unit in waiting if unit.id not in people]
    reachable = {unit.id: len(people[unit.id]) for unit in waiting if unit.id in people}
    fresh = await reminder_store.record_reminders(session, period.id, kind, reachable, now)
    result.already += len(reachable) - len(fresh)
    chats = [r for unit in waiting if unit.id in fresh for r in people[unit.id]]
    drafts = await reminder_store.draft_sizes(session, [r.account_id for r in chats], period.id)
    today = now.astimezone(zone).date()
    total = len(campaign.elements)
    for unit in waiting:
        if unit.id not in fresh:
            continue
        for person in people[unit.id]:
            typed = drafts.get((person.account_id, unit.id), 0)
            text = reminder_text(campaign, period, unit, kind, today, total, typed)
            queue_text(session, person, text, now)
            result.chats += 1
    result.reminded = len(fresh)
    return result


async def reminded_today(
    session: AsyncSession, period_id: int, kind: str, now: datetime, zone: ZoneInfo
) -> set[int]:
    """Units that must not get the ``kind`` reminder now: those that had it, and those that
    had any reminder for the period today (Vietnam day) — at most one a unit a day, so an
    office's ``/nhacnho`` and a scheduled reminder never arrive minutes apart."""
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date(), time(0), zone)
    return await reminder_store.reminded_units(
        session, period_id, kind
    ) | await reminder_store.reminded_since(session, period_id, midnight)


def kind_label(kind: str) -> str:
    """A reminder kind in words for the office: ``before:3`` -> "trước hạn 3 ngày"."""
    name, _sep, number = kind.partition(":")
    if name == BEFORE:
        return _("trước hạn {days} ngày").format(days=number)
    if name == OVERDUE:
        return _("quá hạn {days} ngày").format(days=number)
    if name == MANUAL:
        return _("theo yêu cầu văn phòng")
    return _("đúng ngày hạn")


def queue_text(session: AsyncSession, person: Recipient, text: str, now: datetime) -> None:
    """Put ``text`` in ``person``'s outbox, in the caller's transaction."""
    accounts.enqueue(
        session, person.channel, person.chat_id, person.account_id, [Reply(text).to_payload()], now
    )


def reminder_text(
    campaign: Campaign,
    period: Period,
    unit: OrgUnit,
    kind: str,
    today: date,
    total: int,
    typed: int,
) -> str:
    """The reminder a unit's person reads: campaign, period, due date and how far it is, how
    many figures are still missing (``total`` minus the ``typed`` ones in their draft), and
    how to start."""
    head = (
        _("🔔 Văn phòng nhắc báo cáo — {campaign}")
        if kind.startswith(MANUAL)
        else _("🔔 Nhắc báo cáo — {campaign}")
    )
    lines = [
        head.format(campaign=campaign.name),
        _("Đơn vị {unit} chưa nộp số liệu {period}.").format(
            unit=unit.name, period=period_name(period.code)
        ),
        _("Hạn nộp: {due} ({when}).").format(due=day(period.due_date), when=_when(period, today)),
    ]
    if typed:
        lines.append(
            _(
                "Bạn đã nhập nháp {typed}/{total} chỉ tiêu, còn {missing} chỉ tiêu chưa nhập."
            ).format(typed=typed, total=total, missing=max(total - typed, 0))
        )
        lines.append(_("Gõ /nhap để nhập tiếp và gửi."))
    else:
        lines.append(_("Còn {missing} chỉ tiêu chưa nhập.").format(missing=total))
        lines.append(_('Gõ /nhap (hoặc "nhap so lieu") để bắt đầu.'))
    return "\n".join(lines)


def _when(period: Period, today: date) -> str:
    left = (period.due_date - today).days
    if left > 1:
        return _("còn {days} ngày").format(days=left)
    if left == 1:
        return _("hạn là ngày mai")
    if left == 0:
        return _("hôm nay là hạn cuối")
    return _("đã quá hạn {days} ngày; nhận số liệu đến hết ngày {lock}").format(
        days=-left, lock=day(period.lock_date)
    )


async def notify_cluster_heads(
    session: AsyncSession, campaign: Campaign, period: Period, now: datetime, zone: ZoneInfo
) -> int:
    """Send each cluster head (the people of a unit marked Cụm trưởng) the units of their
    cluster still missing for ``period``, once per cluster (period notice ``cluster`` with the
    cluster id as target). Clusters with nothing missing are recorded without a message; a
    head nobody can reach is tried again later. Returns the messages queued."""
    heads = list(
        await session.execute(
            select(OrgUnit.cluster_id, Cluster.name, CampaignUnit.org_unit_id)
            .join(CampaignUnit, CampaignUnit.org_unit_id == OrgUnit.id)
            .join(Cluster, Cluster.id == OrgUnit.cluster_id)
            .where(CampaignUnit.campaign_id == campaign.id, CampaignUnit.is_cluster_head)
        )
    )
    recorded = {
        target
        for period_id, kind, target in await reminder_store.notices_of(session, [period.id])
        if kind == CLUSTER
    }
    heads = [head for head in heads if str(head[0]) not in recorded]
    if not heads:
        return 0
    rows = await period_progress(session, campaign, period)
    people = await unit_recipients(session, [head for _c, _n, head in heads])
    today, queued = now.astimezone(zone).date(), 0
    for cluster_id, cluster_name, head in heads:
        missing = [r for r in rows if r.submission is None and r.unit.cluster_id == cluster_id]
        chats = people.get(head, []) if missing else []
        if missing and not chats:
            continue
        if not await reminder_store.record_notice(
            session, period.id, CLUSTER, str(cluster_id), len(chats), now
        ):
            continue
        text = cluster_text(campaign, period, cluster_name, missing_lines(missing), today)
        for person in chats:
            queue_text(session, person, text, now)
            queued += 1
    return queued


def cluster_text(
    campaign: Campaign, period: Period, cluster: str, lines: list[str], today: date
) -> str:
    """A cluster head's list of their cluster's units still missing for ``period``."""
    head = _("📋 {cluster} — {count} đơn vị chưa báo cáo {period} ({campaign}).").format(
        cluster=cluster, count=len(lines), period=period_name(period.code), campaign=campaign.name
    )
    late = (today - period.due_date).days
    due = (
        _("Hạn nộp {due}, đã quá {days} ngày; nhận số liệu đến hết ngày {lock}.")
        if late > 0
        else _("Hôm nay là hạn nộp ({due}); nhận số liệu đến hết ngày {lock}.")
    ).format(due=day(period.due_date), days=late, lock=day(period.lock_date))
    ask = _("Nhờ cụm trưởng đôn đốc các đơn vị trong cụm nộp số liệu qua bot (/nhap).")
    return "\n".join([head, due, *lines, ask])


def overdue_text(period: Period, missing: int, total: int, today: date) -> str:
    """The first line of the office's list of units still missing after the due date."""
    late = (today - period.due_date).days
    return (
        _("⏰ {period} đã quá hạn nộp {days} ngày: còn {missing}/{total} đơn vị chưa báo cáo.")
        if late > 0
        else _("⏰ Hôm nay là hạn nộp {period}: còn {missing}/{total} đơn vị chưa báo cáo.")
    ).format(period=period_name(period.code), days=late, missing=missing, total=total)


def locked_text(campaign: Campaign, period: Period, done: int, total: int) -> str:
    """The first lines of the office's lock notice (the lock date is the last open day)."""
    return "\n".join(
        [
            _("🔒 Kỳ {period} — {campaign} đã khóa sổ sau ngày {lock}.").format(
                period=period_name(period.code), campaign=campaign.name, lock=day(period.lock_date)
            ),
            _("Đã báo cáo {done}/{total} đơn vị; đơn vị chưa nộp không nhập được nữa.").format(
                done=done, total=total
            ),
            _("Mở lại cho một đơn vị trong vài ngày: /mokhoa"),
        ]
    )
