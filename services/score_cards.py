"""A unit's own score card, sent privately to its people when the office approves it (issue 16,
item 7), and the words the office's decisions send to a unit (a return with its reason).

A card holds the unit's points only, never another unit's: per criterion its self-score, the
mean of its peers' cross-scores and the final (office's) points; the totals; the people of the
unit proposed for individual titles; and its rank once every unit of the campaign is ranked
(else "xếp hạng sau khi duyệt xong"). The approval that ranks the last unit also sends every
unit approved before it a short note of its rank. Everything is queued in the caller's
transaction (the approval's), so nothing goes out unless the approval commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.i18n import _
from domain.messages import Reply
from domain.numbers import format_number
from services.proposals import unit_points
from services.reviews import COUNTED, ReviewResults, UnitResult, review_results
from storage import accounts
from storage import reviews as review_store
from storage.models import Campaign, OrgUnit, Review, SheetRole
from storage.recipients import unit_recipients


@dataclass(frozen=True)
class CardLine:
    """One criterion on a card: code, name, self points, mean cross points (None: not scored)
    and the final points (the office's, else the unit's own)."""

    code: str
    name: str
    own: Decimal | None
    cross: Decimal | None
    final: Decimal | None


async def card_lines(
    session: AsyncSession, campaign_id: int, review_id: int, unit_id: int
) -> list[CardLine]:
    """The unit's points per criterion, in the criteria's order."""
    own: dict[int, Decimal] = {}
    cross: dict[int, list[Decimal]] = {}
    for row in await review_store.counted_points(session, review_id, COUNTED, unit_id):
        if row.role is SheetRole.SELF and row.scorer_id == unit_id:
            own[row.criterion_id] = Decimal(row.points)
        elif row.role is SheetRole.CROSS and row.scorer_id != unit_id:
            cross.setdefault(row.criterion_id, []).append(Decimal(row.points))
    final = (await unit_points(session, review_id)).get(unit_id, {})
    return [
        CardLine(
            c.code,
            c.name,
            own.get(c.id),
            _mean(cross.get(c.id, [])),
            final.get(c.id),
        )
        for c in await review_store.criteria_of(session, campaign_id)
    ]


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None


def _points(value: Decimal | None) -> str:
    return format_number(value, 2) if value is not None else "—"


def card_text(
    campaign: Campaign,
    review: Review,
    result: UnitResult,
    lines: list[CardLine],
    rank: tuple[int, int] | None,
    people: tuple[str, ...] = (),
) -> str:
    """The card as the unit's people read it; ``rank``: (rank, number of units), None while
    some units are not ranked yet; ``people``: "Nguyễn Văn An — Lao động tiên tiến" for each
    person of the unit proposed for an individual title."""
    out = [
        _("🏅 Kết quả chấm điểm thi đua — {unit}").format(unit=result.unit.name),
        f"{review.name} — {campaign.name}",
        _("Văn phòng đã duyệt điểm của đơn vị."),
        _("Tiêu chí: tự chấm / chấm chéo / điểm duyệt"),
    ]
    for line in lines:
        out.append(
            f"{line.code}. {line.name}: {_points(line.own)} / {_points(line.cross)} / "
            f"{_points(line.final)}"
        )
    cross = _mean(result.cross)
    out.append(
        _("Tổng: tự chấm {own}; chấm chéo {cross}; văn phòng {office}.").format(
            own=_points(result.own), cross=_points(cross), office=_points(result.office)
        )
    )
    out.append(_("Điểm cuối cùng: {final}.").format(final=_points(result.final)))
    if rank is None:
        out.append(_("Xếp hạng: xếp hạng sau khi duyệt xong."))
    else:
        out.append(_("Xếp hạng: {rank}/{total}.").format(rank=rank[0], total=rank[1]))
    if result.titles:
        out.append(_("Danh hiệu đề nghị: {titles}.").format(titles=", ".join(result.titles)))
    if people:
        out.append(_("Cá nhân được đề nghị: {people}.").format(people="; ".join(people)))
    return "\n".join(out)


async def queue_score_card(
    session: AsyncSession, campaign: Campaign, review: Review, unit: OrgUnit, now: datetime
) -> int:
    """Queue the unit's card to each of its people (their last-used chat), in the caller's
    transaction; returns how many chats get it (0: nobody reachable). ``campaign`` is loaded
    (titles); the unit's approval must already be flushed. When this approval ranks the last
    unit, every other approved unit is sent its rank too (:func:`rank_text`)."""
    results = await review_results(session, campaign, review)
    result = next((r for r in results.units if r.unit.id == unit.id), None)
    if result is None:
        return 0
    names = {t.code: t.name for t in campaign.titles}
    result.titles = [names.get(code, code) for code in result.titles]
    ranked = all(r.rank is not None for r in results.units)
    rank = (result.rank, len(results.units)) if ranked and result.rank is not None else None
    people = tuple(
        f"{p.full_name} — {names.get(p.title, p.title)}"
        for p in results.people
        if p.proposed and p.unit is result
    )
    lines = await card_lines(session, campaign.id, review.id, unit.id)
    text = card_text(campaign, review, result, lines, rank, people)
    told = await tell_unit(session, unit.id, text, now)
    if ranked:
        await _tell_ranks(session, campaign, results, names, unit.id, now)
    return told


async def _tell_ranks(
    session: AsyncSession,
    campaign: Campaign,
    results: ReviewResults,
    names: dict[str, str],
    skip: int,
    now: datetime,
) -> None:
    """Send each ranked unit but ``skip`` (whose card carries it) its rank."""
    total = len(results.units)
    for other in results.units:
        if other.unit.id != skip and other.rank is not None:
            titles = [names.get(code, code) for code in other.titles]
            text = rank_text(campaign, results.review, other, total, titles)
            await tell_unit(session, other.unit.id, text, now)


def rank_text(
    campaign: Campaign, review: Review, result: UnitResult, total: int, titles: list[str]
) -> str:
    """The note a unit approved earlier gets once every unit is ranked: its final score, rank
    out of ``total`` and the titles proposed for it (names)."""
    out = [
        _("🏅 Đã duyệt xong điểm của tất cả đơn vị — {review} — {campaign}").format(
            review=review.name, campaign=campaign.name
        ),
        _("{unit}: điểm cuối cùng {final}, xếp hạng {rank}/{total}.").format(
            unit=result.unit.name, final=_points(result.final), rank=result.rank, total=total
        ),
    ]
    if titles:
        out.append(_("Danh hiệu đề nghị: {titles}.").format(titles=", ".join(titles)))
    return "\n".join(out)


def returned_text(campaign: Campaign, review: Review, unit: OrgUnit, reason: str) -> str:
    """What a unit's people are told when the office returns its self-score."""
    return "\n".join(
        [
            _("↩️ Văn phòng trả lại điểm tự chấm của {unit} để sửa.").format(unit=unit.name),
            f"{review.name} — {campaign.name}",
            _("Lý do: {reason}").format(reason=reason),
            _("Gõ /chamdiem để sửa và nộp lại."),
        ]
    )


async def tell_unit(session: AsyncSession, unit_id: int, text: str, now: datetime) -> int:
    """Queue ``text`` privately to each person of the unit; how many chats."""
    people = (await unit_recipients(session, [unit_id])).get(unit_id, [])
    for person in people:
        accounts.enqueue(
            session,
            person.channel,
            person.chat_id,
            person.account_id,
            [Reply(text).to_payload()],
            now,
        )
    return len(people)
