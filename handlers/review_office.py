"""The office's side of a review (sơ kết / tổng kết): ``/duyet`` and ``/binhxet`` (issue 16,
items 5-7). Office only.

``/duyet [CAMPAIGN] [REVIEW]``: the campaign (asked when several), the review (the code typed,
else the latest whose self-scoring window has started), then the units numbered with their
status (chưa nộp / đã nộp / đã sửa / đã duyệt / trả lại), :data:`PAGE` at a time with "Trang
sau" / "Trang trước" (a unit's name picks it from any page). Picking one shows its self-score per
criterion (points, computed, reason, evidence), its peers' cross-scores (totals, and where they
differ, with the reason) and the cluster head's proposed rank; then "Duyệt" (locks the scores
and sends the unit its score card), "Trả lại" (asks why; the unit's people are told privately)
or "Sửa điểm" (the office changes a criterion's points on its own sheet, with a reason,
audited), then back to the list.

``/binhxet [CAMPAIGN] [REVIEW]``: the ranking in short and the proposal documents (workbook and
Word record), built after the commit by the document worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

from domain.errors import DomainError
from domain.i18n import N_, _
from domain.numbers import NumberParseError, format_number, parse_number
from domain.scoring import Line, ScoringProblem, check_points, sheet_total
from domain.validation import canonical
from handlers.choices import pick
from handlers.codec import need
from handlers.common import campaign_step, short_name
from handlers.flow import Context, Flow, Step, command, register
from handlers.office import choose_campaign, refuse_if_not_office
from handlers.review_state import ReviewOfficeData, ReviewOfficeStep
from handlers.state import FlowName
from services import document_jobs
from services.reviews import COUNTED, ReviewResults, review_results
from services.score_cards import queue_score_card, returned_text, tell_unit
from storage import reviews as review_store
from storage.models import (
    Approval,
    ApprovalStatus,
    Criterion,
    OrgUnit,
    Review,
    ScoreSheet,
    SheetRole,
    SheetStatus,
)

_DUYET = FlowName.DUYET
_BINHXET = FlowName.BINHXET
Step_ = ReviewOfficeStep

ACTIONS = (N_("Duyệt"), N_("Trả lại"), N_("Sửa điểm"), N_("Chọn đơn vị khác"))
TOP = 5
"""How many of the best units ``/binhxet`` lists."""
PAGE = 10
"""Units per page of ``/duyet``'s list: with the two page buttons, 12 choices, the most
Telegram shows as buttons (``bot.channels.telegram.channel.MAX_BUTTONS``)."""
NEXT, PREVIOUS = N_("Trang sau ▶"), N_("◀ Trang trước")

STATUS = {
    SheetStatus.DRAFT: N_("chưa nộp"),
    SheetStatus.SUBMITTED: N_("đã nộp"),
    SheetStatus.CORRECTED: N_("đã sửa"),
    SheetStatus.RETURNED: N_("trả lại"),
    SheetStatus.APPROVED: N_("đã duyệt"),
}


def status_label(sheet: ScoreSheet | None, approval: Approval | None) -> str:
    """A unit's review status in Vietnamese, from its self-score sheet and the office's
    decision."""
    if approval is not None and approval.status is ApprovalStatus.APPROVED:
        return _("đã duyệt")
    return _(STATUS[sheet.status]) if sheet is not None else _("chưa nộp")


# --- choosing the campaign and the review -------------------------------------------------


async def _start(
    ctx: Context, args: str, flow: str, then: Callable[[Context, int], Awaitable[None]]
) -> None:
    if refuse_if_not_office(ctx):
        return
    data = ReviewOfficeData(words=args.upper().split())
    await choose_campaign(ctx, args, flow, then, data)


async def _review(ctx: Context, campaign_id: int) -> Review | None:
    """The review named in the words typed, else the latest whose self-scoring window has
    started; None (after saying why, and leaving the flow) when there is none."""
    data = ctx.data(ReviewOfficeData)
    campaign = await ctx.campaign(campaign_id)
    reviews = await review_store.reviews_of(ctx.session, campaign_id)
    named = [r for r in reviews if r.code.upper() in data.words]
    started = [r for r in reviews if r.self_start <= ctx.today]
    pool = named or started
    chosen = pool[-1] if pool else None
    if chosen is None:
        ctx.finish()
        if reviews:
            ctx.say(
                _(
                    "Phong trào {campaign} chưa đến đợt chấm điểm nào (sớm nhất: {code} từ {day})."
                ).format(
                    campaign=short_name(campaign.name),
                    code=reviews[0].code,
                    day=reviews[0].self_start.strftime("%d/%m/%Y"),
                )
            )
        else:
            ctx.say(
                _("Phong trào {campaign} chưa có đợt sơ kết, tổng kết nào.").format(
                    campaign=short_name(campaign.name)
                )
            )
        return None
    data.campaign_id, data.review_id = campaign_id, chosen.id
    return chosen


# --- /duyet ----------------------------------------------------------------------------


@command(_DUYET)
async def review_command(ctx: Context, args: str) -> None:
    """``/duyet [CAMPAIGN] [REVIEW]``: the office reviews each unit's scores."""
    await _start(ctx, args, _DUYET, _review_chosen)


async def _review_chosen(ctx: Context, campaign_id: int) -> None:
    if await _review(ctx, campaign_id) is not None:
        await ctx.goto(_DUYET, Step_.UNIT)


async def _names(ctx: Context) -> tuple[Review, list[OrgUnit], list[str]]:
    """The review, its campaign's units and each one's line in the list."""
    data = ctx.data(ReviewOfficeData)
    review = await ctx.row(Review, need(data.review_id, "review_id"))
    campaign = await ctx.campaign(review.campaign_id)
    results = await review_results(ctx.session, campaign, review)
    sheets = await review_store.self_sheets(ctx.session, review.id)
    approvals = await review_store.approvals_of(ctx.session, review.id)
    units = [r.unit for r in results.units]
    labels = [f"{u.name} — {status_label(sheets.get(u.id), approvals.get(u.id))}" for u in units]
    return review, units, labels


async def _ask_unit(ctx: Context) -> None:
    data = ctx.data(ReviewOfficeData)
    review, units, labels = await _names(ctx)
    data.unit_ids = [u.id for u in units]
    pages = max(1, -(-len(labels) // PAGE))
    data.page = min(max(data.page, 0), pages - 1)
    campaign = await ctx.campaign(review.campaign_id)
    text = _("Duyệt điểm {review} — {campaign}\nChọn đơn vị (gõ số thứ tự):").format(
        review=review.name, campaign=short_name(campaign.name)
    )
    if pages > 1:
        text += "\n" + _("Trang {page}/{pages} · có thể gõ tên đơn vị.").format(
            page=data.page + 1, pages=pages
        )
    ctx.say(text, page_choices(labels, data.page))


def page_choices(labels: list[str], page: int) -> list[str]:
    """The labels of ``page`` (0-based, :data:`PAGE` each), then "Trang sau" when more follow
    and "Trang trước" after the first page."""
    shown = labels[page * PAGE : (page + 1) * PAGE]
    if (page + 1) * PAGE < len(labels):
        shown.append(_(NEXT))
    if page > 0:
        shown.append(_(PREVIOUS))
    return shown


async def _answer_unit(ctx: Context, text: str) -> None:
    data = ctx.data(ReviewOfficeData)
    _review_row, units, labels = await _names(ctx)
    choices = page_choices(labels, data.page)
    index = pick(text, choices)
    if index is not None and choices[index] in (_(NEXT), _(PREVIOUS)):
        data.page += 1 if choices[index] == _(NEXT) else -1
        await _ask_unit(ctx)
        return
    if index is not None:
        index += data.page * PAGE
    elif not text.strip().isdigit():
        index = pick(text, labels)  # a name, whatever the page
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của đơn vị."))
        await _ask_unit(ctx)
        return
    data.unit_id = units[index].id
    await ctx.goto(_DUYET, Step_.ACTION)


async def _ask_action(ctx: Context) -> None:
    ctx.say(await unit_detail(ctx), [_(a) for a in ACTIONS])


async def unit_detail(ctx: Context) -> str:
    """The chosen unit's scores as the office reads them before deciding."""
    data = ctx.data(ReviewOfficeData)
    review = await ctx.row(Review, need(data.review_id, "review_id"))
    unit = await ctx.row(OrgUnit, need(data.unit_id, "unit_id"))
    criteria = await review_store.criteria_of(ctx.session, review.campaign_id)
    own = await review_store.find_sheet(ctx.session, review.id, unit.id, SheetRole.SELF, unit.id)
    approval = (await review_store.approvals_of(ctx.session, review.id)).get(unit.id)
    lines = [f"📋 {unit.name} — {review.name} ({status_label(own, approval)})"]
    if own is not None and own.return_reason and own.status is not SheetStatus.SUBMITTED:
        lines.append(_("Lần trả lại trước: {reason}").format(reason=own.return_reason))
    lines += await _own_lines(ctx, review, unit, own, criteria)
    lines += await _cross_lines(ctx, review, unit, own, criteria)
    lines += await _office_lines(ctx, review, unit, criteria)
    rank = await review_store.cluster_rank(ctx.session, review.id, unit.id)
    if rank is not None:
        lines.append(_("Cụm trưởng đề xuất xếp hạng: {rank}").format(rank=rank))
    return "\n".join(lines)


async def _own_lines(
    ctx: Context, review: Review, unit: OrgUnit, own: ScoreSheet | None, criteria: list[Criterion]
) -> list[str]:
    if own is None:
        return [_("Đơn vị chưa chấm điểm.")]
    scores = await review_store.scores_of(ctx.session, own.id)
    evidence = await review_store.evidence_of(ctx.session, review.id, unit.id)
    lines = [_("Tự chấm:")]
    for criterion in criteria:
        score = scores.get(criterion.id)
        line = f"{criterion.code}. {criterion.name}: "
        line += f"{_number(score.points) if score else '—'}/{_number(criterion.max_points)}"
        if score is not None and score.computed is not None:
            line += _(" (tự tính {points})").format(points=_number(score.computed))
        count = len(evidence.get(criterion.id, []))
        if count:
            line += _(" — 📎 {count} minh chứng").format(count=count)
        if score is not None and score.reason:
            line += _(" — lý do: {reason}").format(reason=score.reason)
        lines.append(line)
    return lines


async def _cross_lines(
    ctx: Context, review: Review, unit: OrgUnit, own: ScoreSheet | None, criteria: list[Criterion]
) -> list[str]:
    rows = await review_store.counted_points(ctx.session, review.id, COUNTED, unit.id)
    cross = [r for r in rows if r.role is SheetRole.CROSS and r.scorer_id != unit.id]
    if not cross:
        return [_("Chấm chéo: chưa có.")]
    own_points = await review_store.scores_of(ctx.session, own.id) if own else {}
    kinds = {c.id: c for c in criteria}
    by_scorer: dict[int, list[review_store.PointRow]] = {}
    for row in cross:
        by_scorer.setdefault(row.scorer_id, []).append(row)
    lines = [_("Chấm chéo:")]
    for scorer_id, given in by_scorer.items():
        scorer = await ctx.row(OrgUnit, scorer_id)
        total = _total(
            [(kinds[r.criterion_id], Decimal(r.points)) for r in given if r.criterion_id in kinds]
        )
        lines.append(_("- {unit}: {total} điểm").format(unit=scorer.name, total=_number(total)))
        for row in given:
            mine = own_points.get(row.criterion_id)
            if row.criterion_id in kinds and (
                mine is None or Decimal(mine.points) != Decimal(row.points)
            ):
                text = f"  {kinds[row.criterion_id].code}: {_number(row.points)}"
                if mine is not None:
                    text += _(" (tự chấm {points})").format(points=_number(mine.points))
                if row.reason:
                    text += _(" — lý do: {reason}").format(reason=row.reason)
                lines.append(text)
    return lines


async def _office_lines(
    ctx: Context, review: Review, unit: OrgUnit, criteria: list[Criterion]
) -> list[str]:
    sheet = await review_store.find_sheet(
        ctx.session, review.id, unit.id, SheetRole.OFFICE, unit.id
    )
    if sheet is None:
        return []
    audits = await review_store.audit_of(ctx.session, sheet.id)
    codes = {c.id: c.code for c in criteria}
    lines = [_("Văn phòng đã sửa:")] if audits else []
    for audit in audits:
        lines.append(
            f"  {codes.get(audit.criterion_id, '?')}: {_number(audit.old_points)} → "
            f"{_number(audit.new_points)} — {audit.reason}"
        )
    return lines


def _total(items: list[tuple[Criterion, Decimal]]) -> Decimal:
    return sheet_total([Line(c.kind, points) for c, points in items])


def _number(text: str | Decimal | None) -> str:
    return format_number(Decimal(text), 2) if text is not None else "—"


async def _answer_action(ctx: Context, text: str) -> None:
    index = pick(text, [_(a) for a in ACTIONS])
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự: 1 duyệt, 2 trả lại, 3 sửa điểm, 4 chọn đơn vị khác."))
        await _ask_action(ctx)
        return
    if index == 3:
        await ctx.goto(_DUYET, Step_.UNIT)
        return
    if not await _can_decide(ctx):
        return
    if index == 0:
        await _approve(ctx)
    elif index == 1:
        await ctx.goto(_DUYET, Step_.RETURN_REASON)
    else:
        await ctx.goto(_DUYET, Step_.CRITERION)


async def _can_decide(ctx: Context) -> bool:
    """Whether the chosen unit's scores can be decided on: submitted (or corrected) and not
    approved yet. Otherwise says why and goes back to the list."""
    data = ctx.data(ReviewOfficeData)
    review_id, unit_id = need(data.review_id, "review_id"), need(data.unit_id, "unit_id")
    own = await review_store.find_sheet(ctx.session, review_id, unit_id, SheetRole.SELF, unit_id)
    approval = (await review_store.approvals_of(ctx.session, review_id)).get(unit_id)
    if approval is not None and approval.status is ApprovalStatus.APPROVED:
        ctx.note(_("Điểm của đơn vị này đã được duyệt và khóa."))
    elif own is None or own.status not in (SheetStatus.SUBMITTED, SheetStatus.CORRECTED):
        ctx.note(_("Đơn vị chưa nộp điểm tự chấm (hoặc đang sửa sau khi bị trả lại)."))
    else:
        return True
    await ctx.goto(_DUYET, Step_.UNIT)
    return False


async def _approve(ctx: Context) -> None:
    data = ctx.data(ReviewOfficeData)
    review = await ctx.row(Review, need(data.review_id, "review_id"))
    unit = await ctx.row(OrgUnit, need(data.unit_id, "unit_id"))
    by = need(ctx.reporter, "reporter").id
    try:
        await review_store.decide(
            ctx.session, review.id, unit.id, ApprovalStatus.APPROVED, by, ctx.now
        )
    except DomainError as error:
        ctx.note(str(error))
        await ctx.goto(_DUYET, Step_.UNIT)
        return
    campaign = await ctx.campaign(review.campaign_id)
    told = await queue_score_card(ctx.session, campaign, review, unit, ctx.now)
    ctx.note(
        _(
            "✅ Đã duyệt và khóa điểm của {unit}. Đã gửi kết quả cho {told} người của đơn vị."
        ).format(unit=unit.name, told=told)
    )
    await ctx.goto(_DUYET, Step_.UNIT)


async def _ask_return_reason(ctx: Context) -> None:
    unit = await ctx.row(OrgUnit, need(ctx.data(ReviewOfficeData).unit_id, "unit_id"))
    ctx.say(_("Lý do trả lại điểm của {unit} (đơn vị sẽ nhận được)?").format(unit=unit.name))


async def _answer_return_reason(ctx: Context, text: str) -> None:
    reason = " ".join(text.split())
    if len(reason) < 3:
        ctx.note(_("Hãy ghi rõ lý do để đơn vị biết cần sửa gì."))
        await _ask_return_reason(ctx)
        return
    data = ctx.data(ReviewOfficeData)
    review = await ctx.row(Review, need(data.review_id, "review_id"))
    unit = await ctx.row(OrgUnit, need(data.unit_id, "unit_id"))
    by = need(ctx.reporter, "reporter").id
    try:
        await review_store.decide(
            ctx.session, review.id, unit.id, ApprovalStatus.RETURNED, by, ctx.now, reason[:500]
        )
    except DomainError as error:
        ctx.note(str(error))
        await ctx.goto(_DUYET, Step_.UNIT)
        return
    campaign = await ctx.campaign(review.campaign_id)
    told = await tell_unit(
        ctx.session, unit.id, returned_text(campaign, review, unit, reason), ctx.now
    )
    ctx.note(
        _("↩️ Đã trả lại điểm của {unit}. Đã báo cho {told} người của đơn vị.").format(
            unit=unit.name, told=told
        )
    )
    await ctx.goto(_DUYET, Step_.UNIT)


async def _criteria(ctx: Context) -> list[Criterion]:
    review = await ctx.row(Review, need(ctx.data(ReviewOfficeData).review_id, "review_id"))
    return await review_store.criteria_of(ctx.session, review.campaign_id)


async def _ask_criterion(ctx: Context) -> None:
    criteria = await _criteria(ctx)
    ctx.data(ReviewOfficeData).criterion_ids = [c.id for c in criteria]
    labels = [
        _("{code}. {name} (tối đa {most})").format(
            code=c.code, name=c.name, most=_number(c.max_points)
        )
        for c in criteria
    ]
    ctx.say(_("Sửa điểm tiêu chí nào?"), labels)


async def _answer_criterion(ctx: Context, text: str) -> None:
    criteria = await _criteria(ctx)
    labels = [f"{c.code}. {c.name}" for c in criteria]
    index = pick(text, labels)
    if index is None:
        index = next(
            (n for n, c in enumerate(criteria) if c.code.upper() == text.strip().upper()), None
        )
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của tiêu chí."))
        await _ask_criterion(ctx)
        return
    ctx.data(ReviewOfficeData).criterion_id = criteria[index].id
    await ctx.goto(_DUYET, Step_.POINTS)


async def _ask_points(ctx: Context) -> None:
    criterion = await ctx.row(
        Criterion, need(ctx.data(ReviewOfficeData).criterion_id, "criterion_id")
    )
    ctx.say(
        _("Điểm văn phòng cho tiêu chí {code} (từ 0 đến {max})?").format(
            code=criterion.code, max=_number(criterion.max_points)
        )
    )


async def _answer_points(ctx: Context, text: str) -> None:
    data = ctx.data(ReviewOfficeData)
    criterion = await ctx.row(Criterion, need(data.criterion_id, "criterion_id"))
    try:
        points = check_points(
            parse_number(text).value, Decimal(criterion.max_points), criterion.code
        )
    except (NumberParseError, ScoringProblem) as error:
        ctx.note(str(error) if isinstance(error, ScoringProblem) else _("Hãy gõ một số điểm."))
        await _ask_points(ctx)
        return
    data.points = canonical(points)
    await ctx.goto(_DUYET, Step_.EDIT_REASON)


async def _ask_edit_reason(ctx: Context) -> None:
    ctx.say(_("Lý do sửa điểm (ghi vào lịch sử sửa)?"))


async def _answer_edit_reason(ctx: Context, text: str) -> None:
    reason = " ".join(text.split())
    if len(reason) < 3:
        ctx.note(_("Sửa điểm phải có lý do."))
        await _ask_edit_reason(ctx)
        return
    data = ctx.data(ReviewOfficeData)
    review_id, unit_id = need(data.review_id, "review_id"), need(data.unit_id, "unit_id")
    criterion = await ctx.row(Criterion, need(data.criterion_id, "criterion_id"))
    points = need(data.points, "points")
    by = need(ctx.reporter, "reporter").id
    try:
        sheet = await review_store.office_sheet(ctx.session, review_id, unit_id, by, ctx.now)
        row = (await review_store.scores_of(ctx.session, sheet.id)).get(criterion.id)
        old, computed = (row.points, row.computed) if row else (None, None)
        await review_store.put_points(
            ctx.session,
            sheet,
            [review_store.Points(criterion.id, points, computed, reason[:500])],
            by,
            ctx.now,
        )
    except DomainError as error:
        ctx.note(str(error))
        await ctx.goto(_DUYET, Step_.UNIT)
        return
    ctx.note(
        _("✏️ Đã sửa tiêu chí {code}: {old} → {new} ({reason}).").format(
            code=criterion.code,
            old=_number(old),
            new=_number(points),
            reason=reason,
        )
    )
    data.criterion_id, data.points = None, None
    await ctx.goto(_DUYET, Step_.ACTION)


register(
    Flow(
        _DUYET,
        N_("duyệt điểm thi đua"),
        {
            Step_.CAMPAIGN: campaign_step(
                N_("Duyệt điểm của phong trào nào?"), _review_chosen, ReviewOfficeData
            ),
            Step_.UNIT: Step(_ask_unit, _answer_unit, idle=True),
            Step_.ACTION: Step(_ask_action, _answer_action, idle=True),
            Step_.RETURN_REASON: Step(_ask_return_reason, _answer_return_reason),
            Step_.CRITERION: Step(_ask_criterion, _answer_criterion, idle=True),
            Step_.POINTS: Step(_ask_points, _answer_points),
            Step_.EDIT_REASON: Step(_ask_edit_reason, _answer_edit_reason),
        },
        ReviewOfficeData,
    )
)


# --- /binhxet --------------------------------------------------------------------------


@command(_BINHXET)
async def proposal_command(ctx: Context, args: str) -> None:
    """``/binhxet [CAMPAIGN] [REVIEW]``: the ranking in short and the proposal documents."""
    await _start(ctx, args, _BINHXET, _proposal_chosen)


async def _proposal_chosen(ctx: Context, campaign_id: int) -> None:
    review = await _review(ctx, campaign_id)
    if review is None:
        return
    ctx.finish()
    campaign = await ctx.campaign(campaign_id)
    results = await review_results(ctx.session, campaign, review)
    ctx.say(ranking_summary(results, {t.code: t.name for t in campaign.titles}, campaign.name))
    asker = document_jobs.Recipient(ctx.incoming.channel, ctx.incoming.chat_id, ctx.account.id)
    document_jobs.queue(
        ctx.session,
        document_jobs.proposals_kind(review.id),
        campaign.id,
        None,
        [asker],
        ctx.now,
    )
    ctx.say(
        _(
            "⏳ Đang lập bảng xếp hạng, đề nghị khen thưởng (Excel) và biên bản họp bình xét "
            "(Word). Bot sẽ gửi ngay khi xong."
        )
    )


def ranking_summary(results: ReviewResults, titles: dict[str, str], campaign: str) -> str:
    """``/binhxet``'s answer: approved and waiting units, the best ones, the titles proposed
    with their counts and the ties left to the council."""
    units = results.units
    approved = sum(1 for r in units if r.approved)
    lines = [
        _("🏅 Bình xét {review} — {campaign}").format(
            review=results.review.name, campaign=short_name(campaign)
        ),
        _("Đã duyệt {done}/{total} đơn vị; còn chờ duyệt {waiting}.").format(
            done=approved, total=len(units), waiting=len(units) - approved
        ),
    ]
    best = sorted((r for r in units if r.rank is not None), key=lambda r: r.rank or 0)[:TOP]
    if best:
        lines.append(_("Xếp hạng cao nhất:"))
        lines += [
            _("{rank}. {unit} — {points} điểm").format(
                rank=r.rank, unit=r.unit.name, points=_number(r.final)
            )
            for r in best
        ]
    counts: dict[str, int] = {}
    for result in units:
        for code in result.titles:
            counts[code] = counts.get(code, 0) + 1
    if counts:
        lines.append(_("Danh hiệu đề nghị:"))
        lines += [f"- {titles.get(code, code)}: {n}" for code, n in counts.items()]
    else:
        lines.append(_("Chưa có đơn vị nào đủ điều kiện đề nghị danh hiệu."))
    names = {r.unit.code: r.unit.name for r in units}
    for code, tied in results.proposal.tied_at_cap.items():
        lines.append(
            _("Đồng điểm ở giới hạn tỷ lệ {title}, Hội đồng xem xét: {units}").format(
                title=titles.get(code, code), units=", ".join(names.get(u, u) for u in tied)
            )
        )
    return "\n".join(lines)


register(
    Flow(
        _BINHXET,
        N_("bình xét khen thưởng"),
        {
            Step_.CAMPAIGN: campaign_step(
                N_("Bình xét khen thưởng phong trào nào?"), _proposal_chosen, ReviewOfficeData
            )
        },
        ReviewOfficeData,
    )
)
