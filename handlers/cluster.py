"""The cluster head's table (``/tonghopcum``): each unit of the cluster with its self total,
the mean of its cross totals and how many cross sheets it received (submitted sheets only,
``services.reviews.review_results``), then the proposed ranking: the head types the order by
the numbers shown ("2 1 3") or accepts the order by score ("đồng ý"); it is stored in
``ClusterRanking`` for the office (``/duyet``).

Only a unit that heads its cluster in the campaign (``CampaignUnit.is_cluster_head``) gets it,
and only for its own cluster.
"""

from __future__ import annotations

import re
from decimal import Decimal

from domain.i18n import N_, _
from domain.numbers import format_number
from domain.text import fold
from handlers.choices import pick
from handlers.codec import need
from handlers.common import review_labels
from handlers.figures import is_stop
from handlers.flow import Context, Flow, Step, command, register
from handlers.scoring_state import ClusterData, ClusterStep
from handlers.state import FlowName
from handlers.units import current_unit
from services.reviews import UnitResult, review_results
from storage import campaigns as campaign_store
from storage import reviews as review_store
from storage import scoring_queries as queries
from storage.models import OrgUnit, Review

_FLOW = FlowName.TONGHOPCUM
S = ClusterStep
AGREE_WORDS = frozenset({"dong y", "ok", "dung", "theo diem", "giu", "chap nhan"})


@command("tonghopcum")
async def start(ctx: Context, _args: str) -> None:
    """``/tonghopcum``: the head chooses the review (if several), sees the table, ranks."""
    unit = await current_unit(ctx, then=_FLOW)
    if unit is None:
        return
    reviews: list[Review] = []
    for campaign in await campaign_store.campaigns_of_unit(ctx.session, unit.id):
        if await queries.is_cluster_head(ctx.session, campaign.id, unit.id):
            reviews += await review_store.reviews_of(ctx.session, campaign.id)
    if not reviews:
        ctx.say(
            _("Lệnh này chỉ dành cho đơn vị cụm trưởng. {unit} không phải cụm trưởng.").format(
                unit=unit.name
            )
        )
        return
    started = [r for r in reviews if r.self_start <= ctx.today] or reviews
    ctx.set_data(ClusterData(unit_id=unit.id, reviews=[r.id for r in started]))
    if len(started) == 1:
        await _show(ctx, started[0].id)
    else:
        await ctx.goto(_FLOW, S.REVIEW)


async def _ask_review(ctx: Context) -> None:
    ids = ctx.data(ClusterData).reviews
    ctx.say(_("Xem bảng điểm cụm của đợt nào?"), await review_labels(ctx, ids))


async def _answer_review(ctx: Context, text: str) -> None:
    ids = ctx.data(ClusterData).reviews
    index = pick(text, await review_labels(ctx, ids))
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của đợt."))
        await _ask_review(ctx)
        return
    await _show(ctx, ids[index])


async def _results(ctx: Context) -> list[UnitResult]:
    """The cluster's units, best by score first (self total plus mean cross total; units
    without a score last, in campaign order)."""
    data = ctx.data(ClusterData)
    review = await ctx.row(Review, need(data.review_id, "tonghopcum.review_id"))
    campaign = await ctx.campaign(review.campaign_id)
    members = await queries.cluster_units(
        ctx.session, campaign.id, need(data.unit_id, "tonghopcum.unit_id")
    )
    ids = {u.id for u in members}
    results = [
        r for r in (await review_results(ctx.session, campaign, review)).units if r.unit.id in ids
    ]
    return sorted(results, key=_sort_key)


def _sort_key(result: UnitResult) -> Decimal:
    score = _score(result)
    return -score if score is not None else Decimal(1)


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _score(result: UnitResult) -> Decimal | None:
    """What the table sorts by: the mean cross total when there is one, else the self total."""
    cross = _mean(result.cross)
    return cross if cross is not None else result.own


def _points(value: Decimal | None) -> str:
    return format_number(value, 2) if value is not None else "—"


async def _show(ctx: Context, review_id: int) -> None:
    data = ctx.data(ClusterData)
    data.review_id = review_id
    results = await _results(ctx)
    data.units = [r.unit.id for r in results]
    await ctx.goto(_FLOW, S.RANK)


async def _ask_rank(ctx: Context) -> None:
    data = ctx.data(ClusterData)
    review = await ctx.row(Review, need(data.review_id, "tonghopcum.review_id"))
    ranks = await queries.rankings_of(ctx.session, review.id, data.units)
    results = {r.unit.id: r for r in await _results(ctx)}
    lines = [_("Bảng điểm cụm — {review}:").format(review=review.name)]
    for n, unit_id in enumerate(data.units, 1):
        result = results.get(unit_id)
        unit = await ctx.row(OrgUnit, unit_id)
        own = _points(result.own if result else None)
        cross = _points(_mean(result.cross) if result else None)
        count = len(result.cross) if result else 0
        lines.append(
            _("{n}. {unit}: tự chấm {own} · chấm chéo TB {cross} ({count} phiếu)").format(
                n=n, unit=unit.name, own=own, cross=cross, count=count
            )
        )
    if ranks:
        order = sorted(ranks, key=lambda u: ranks[u])
        names = [str(data.units.index(u) + 1) for u in order if u in data.units]
        lines.append(_("Đã đề xuất xếp hạng: {order}").format(order=" ".join(names)))
    lines.append(
        _('Đề xuất xếp hạng: gõ thứ tự các số trên, ví dụ "2 1 3", hoặc "đồng ý" theo điểm.')
    )
    ctx.say("\n".join(lines))


def read_order(text: str, count: int) -> list[int] | None:
    """0-based positions from "2 1 3" / "2, 1, 3" / "2-1-3": every number from 1 to ``count``
    exactly once; None otherwise."""
    parts = [p for p in re.split(r"[\s,;>\-]+", fold(text)) if p]
    if len(parts) != count or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    if sorted(numbers) != list(range(1, count + 1)):
        return None
    return [n - 1 for n in numbers]


async def _answer_rank(ctx: Context, text: str) -> None:
    data = ctx.data(ClusterData)
    if is_stop(text) or fold(text) in ("xong", "thoat"):
        ctx.finish()
        ctx.say(_("Xong."))
        return
    count = len(data.units)
    order = list(range(count)) if fold(text).strip(" .!") in AGREE_WORDS else None
    order = order if order is not None else read_order(text, count)
    if order is None:
        ctx.note(
            _("Hãy gõ đủ {count} số từ 1 đến {count}, mỗi số một lần, ví dụ “2 1 3”.").format(
                count=count
            )
        )
        await _ask_rank(ctx)
        return
    assert ctx.reporter is not None
    review_id = need(data.review_id, "tonghopcum.review_id")
    ranked = [data.units[i] for i in order]
    await queries.save_ranking(ctx.session, review_id, ranked, ctx.reporter.id, ctx.now)
    names = [(await ctx.row(OrgUnit, u)).name for u in ranked]
    ctx.finish()
    ctx.say(
        _("✅ Đã lưu đề xuất xếp hạng của cụm:")
        + "\n"
        + "\n".join(f"{n}. {name}" for n, name in enumerate(names, 1))
        + "\n"
        + _("Văn phòng sẽ xem khi duyệt.")
    )


register(
    Flow(
        _FLOW,
        N_("xem bảng điểm cụm"),
        {
            S.REVIEW: Step(_ask_review, _answer_review, idle=True),
            S.RANK: Step(_ask_rank, _answer_rank, idle=True),
        },
        ClusterData,
    )
)
