"""The progress read model: which units of a campaign have reported a period, on time or late,
and who represents the missing ones (``/tiendo``, the automatic period report, the cluster
heads' lists and the coming web page)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import day
from domain.i18n import _
from domain.numbers import format_number
from domain.periods import period_name
from storage import campaigns as campaign_store
from storage import values as value_store
from storage.models import Campaign, Period
from storage.values import Representative, UnitProgress, distinct_people


async def progress_text(session: AsyncSession, campaign: Campaign, period: Period) -> str:
    """The progress message: reported / total, on time / late, and the missing units with
    their representatives (used by /tiendo and by the automatic period report)."""
    rows = await period_progress(session, campaign, period)
    reported = [r for r in rows if r.submission is not None]
    late = [r for r in reported if r.submission and r.submission.is_late]
    missing = [r for r in rows if r.submission is None]
    total = len(rows)
    rate = format_number(Decimal(len(reported)) / total * 100, 1) if total else "0"
    lines = [
        _("📊 Tiến độ báo cáo {period} — {campaign}").format(
            period=period_name(period.code), campaign=campaign.name
        ),
        _("Hạn nộp: {due} · Khóa sổ: {lock}").format(
            due=day(period.due_date), lock=day(period.lock_date)
        ),
        _("Đã báo cáo: {done}/{total} đơn vị ({rate}%)").format(
            done=len(reported), total=total, rate=rate
        ),
        _("Đúng hạn: {on_time} · Trễ hạn: {late}").format(
            on_time=len(reported) - len(late), late=len(late)
        ),
    ]
    if missing:
        lines.append(_("Chưa báo cáo ({count}):").format(count=len(missing)))
        lines += missing_lines(missing)
    else:
        lines.append(_("Tất cả đơn vị đã báo cáo. 🎉"))
    lines.append(_("Xem kỳ khác: /tiendo <mã kỳ>, ví dụ /tiendo {code}").format(code=period.code))
    return "\n".join(lines)


async def period_progress(
    session: AsyncSession, campaign: Campaign, period: Period
) -> list[UnitProgress]:
    """Every unit of ``campaign`` with its submission for ``period`` (None: missing) and its
    representatives, each person once (:func:`distinct_people`), in campaign order."""
    units = await campaign_store.campaign_units(session, campaign.id)
    rows = await value_store.progress(session, units, period)
    return [replace(row, representatives=distinct_people(row.representatives)) for row in rows]


def missing_lines(rows: list[UnitProgress]) -> list[str]:
    """Numbered lines "1. Thôn Đông — Nguyễn Văn An 0912345678" for units still missing, with
    "(đã chặn bot)" after people the bot cannot reach; a person bound twice is listed once."""
    lines = []
    for number, row in enumerate(rows, 1):
        people = ", ".join(_person(person) for person in distinct_people(row.representatives))
        lines.append(f"{number}. {row.unit.name}" + (f" — {people}" if people else ""))
    return lines


def _person(person: Representative) -> str:
    text = f"{person.name} {person.phone}".strip()
    return text if person.reachable else text + " " + _("(đã chặn bot)")
