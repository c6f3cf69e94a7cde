"""Scoring a review (sơ kết / tổng kết): ``/chamdiem`` (a unit scores itself) and ``/chamcheo``
(a unit scores each peer of its cluster).

One criterion per question, in sheet order. The score sheet is the draft: every answer is
stored at once as a draft row (``storage.reviews.put_points``), so ``/huy``, a bad answer or a
command in the middle loses nothing, and ``/chamdiem`` again goes on at the first criterion
without points. A summary with the total, then "nộp" submits (``submit_sheet``) with a receipt.

Self-scoring: an automatic criterion is pre-filled from the unit's figures
(``services.auto_scores``) with how it was computed; "đúng" (or 1) accepts it, other points
need a reason. A photo or document sent at a criterion is its evidence (minh chứng); a
criterion that requires evidence cannot be passed or submitted without it. Cross-scoring: the
peer's submitted self-score and its evidence files are shown; points that differ need a reason.
After submission (and on a sheet the office returned) each change asks its reason and is
audited; an approved unit's sheet is locked (``SheetLocked``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.clock import day, moment
from domain.errors import DomainError
from domain.i18n import N_, _
from domain.messages import Attachment
from domain.numbers import format_number, parse_number
from domain.scoring import KIND_LABELS, Line, ScoringProblem, check_points, sheet_total
from domain.text import fold
from domain.validation import canonical
from handlers.choices import pick
from handlers.codec import need
from handlers.common import review_labels
from handlers.figures import SKIP_WORDS, correction, is_stop, is_submit, is_yes
from handlers.flow import Context, Flow, Step, command, register
from handlers.scoring_state import ScoreMode, ScoringData, ScoringStep
from handlers.state import FlowName
from handlers.units import current_unit
from services.auto_scores import AutoScore, auto_score
from storage import campaigns as campaign_store
from storage import reviews as review_store
from storage.models import (
    Criterion,
    Evidence,
    OrgUnit,
    Review,
    Score,
    ScoreSheet,
    SheetRole,
    SheetStatus,
)
from storage.reviews import Points, SheetLocked
from storage.scoring_queries import SUBMITTED

_SELF = FlowName.CHAMDIEM
_CROSS = FlowName.CHAMCHEO
S = ScoringStep

DRAFT_FLOWS = frozenset({_SELF, _CROSS})
"""Flows whose points are kept (on the draft sheet) when the person stops."""

BACK_WORDS = frozenset({"lui", "quay lai", "tro lai", "lui lai"})
ACCEPT_WORDS = frozenset({"1", "dong y", "chap nhan", "nhan"})
KEEP_WORDS = frozenset({"giu", "giu nguyen"})
_POINT_WORD = re.compile(r"\s*(?:điểm|diem|đ)\s*$", re.IGNORECASE)


class WindowClosed(DomainError):
    """The review's scoring window is over: points can no longer change (unless returned)."""


def stopped_text(flow: str | None) -> str:
    """What ``/huy`` or "thôi" says in a scoring flow: the points are kept."""
    command_name = "chamcheo" if flow == _CROSS else "chamdiem"
    return _("Đã dừng. Điểm đã chấm được giữ; gõ /{command} để tiếp tục.").format(
        command=command_name
    )


# --------------------------------------------------------------------------- starting


@command("chamdiem")
async def start_self(ctx: Context, _args: str) -> None:
    """``/chamdiem``: choose the review whose self-scoring window is open (or whose sheet the
    office returned), then the criteria."""
    await _start(ctx, _SELF)


@command("chamcheo")
async def start_cross(ctx: Context, _args: str) -> None:
    """``/chamcheo``: choose the review in its cross-scoring window, then the peer."""
    await _start(ctx, _CROSS)


async def _start(ctx: Context, flow: FlowName) -> None:
    unit = await current_unit(ctx, then=flow)
    if unit is None:
        return
    reviews, why = await _open_reviews(ctx, unit.id, flow)
    if not reviews:
        ctx.say(why)
        return
    ctx.state.flow = flow
    ctx.set_data(ScoringData(unit_id=unit.id, target_id=unit.id, reviews=[r.id for r in reviews]))
    if len(reviews) == 1:
        await _begin_review(ctx, reviews[0].id)
    else:
        await ctx.goto(flow, S.REVIEW)


def _window(review: Review, flow: str) -> tuple[date, date] | None:
    """``flow``'s window of ``review`` (both ends included); None when it has none."""
    if flow == _SELF:
        return review.self_start, review.self_end
    if review.cross_start is None or review.cross_end is None:
        return None
    return review.cross_start, review.cross_end


def is_open(review: Review, flow: str, today: date) -> bool:
    """True when ``flow``'s window of ``review`` contains ``today`` (Vietnam date)."""
    window = _window(review, flow)
    return window is not None and window[0] <= today <= window[1]


async def _open_reviews(ctx: Context, unit_id: int, flow: str) -> tuple[list[Review], str]:
    """The reviews the unit may score now (for self-scoring also those whose sheet the office
    returned), and when there are none, why (in Vietnamese)."""
    found: list[Review] = []
    every: list[Review] = []
    for campaign in await campaign_store.campaigns_of_unit(ctx.session, unit_id):
        for review in await review_store.reviews_of(ctx.session, campaign.id):
            every.append(review)
            returned = flow == _SELF and await _returned(ctx, review.id, unit_id)
            if is_open(review, flow, ctx.today) or returned:
                found.append(review)
    return found, _why_none(ctx.today, every, flow)


async def _returned(ctx: Context, review_id: int, unit_id: int) -> bool:
    sheet = await review_store.find_sheet(ctx.session, review_id, unit_id, SheetRole.SELF, unit_id)
    return sheet is not None and sheet.status is SheetStatus.RETURNED


def _why_none(today: date, reviews: list[Review], flow: str) -> str:
    """Why nothing can be scored: no review, no cross window, the next window, or the last
    window is over."""
    what = _("tự chấm") if flow == _SELF else _("chấm chéo")
    windows = [(r, w) for r in reviews if (w := _window(r, flow)) is not None]
    if not reviews:
        return _("Phong trào chưa có đợt sơ kết, tổng kết nào để chấm điểm.")
    if not windows:
        return _("Các đợt sơ kết, tổng kết của phong trào không có chấm chéo.")
    coming = sorted((rw for rw in windows if rw[1][0] > today), key=lambda rw: rw[1][0])
    if coming:
        review, (start, end) = coming[0]
        return _("Chưa đến thời gian {what}. {review}: từ {start} đến {end}.").format(
            what=what, review=review.name, start=day(start), end=day(end)
        )
    review, (_first, end) = max(windows, key=lambda rw: rw[1][1])
    return _("Đã hết thời gian {what} của {review} (đến hết {end}).").format(
        what=what, review=review.name, end=day(end)
    )


# --------------------------------------------------------------------------- choosing


def _data(ctx: Context) -> ScoringData:
    return ctx.data(ScoringData)


def _flow(ctx: Context) -> FlowName:
    return FlowName(need(ctx.state.flow, "scoring.flow"))


def _is_self(ctx: Context) -> bool:
    return ctx.state.flow == _SELF


async def _review(ctx: Context) -> Review:
    return await ctx.row(Review, need(_data(ctx).review_id, "scoring.review_id"))


async def _sheet(ctx: Context) -> ScoreSheet:
    return await ctx.row(ScoreSheet, need(_data(ctx).sheet_id, "scoring.sheet_id"))


async def _unit(ctx: Context, unit_id: int | None) -> OrgUnit:
    return await ctx.row(OrgUnit, need(unit_id, "scoring.unit"))


async def _ask_review(ctx: Context) -> None:
    ctx.say(_("Chấm điểm đợt nào?"), await review_labels(ctx, _data(ctx).reviews))


async def _answer_review(ctx: Context, text: str) -> None:
    ids = _data(ctx).reviews
    index = pick(text, await review_labels(ctx, ids))
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của đợt chấm điểm."))
        await _ask_review(ctx)
        return
    await _begin_review(ctx, ids[index])


async def _begin_review(ctx: Context, review_id: int) -> None:
    data = _data(ctx)
    data.review_id = review_id
    if _is_self(ctx):
        await _begin_sheet(ctx, need(data.unit_id, "scoring.unit_id"))
        return
    review = await _review(ctx)
    peers = await review_store.cluster_peers(
        ctx.session, review.campaign_id, need(data.unit_id, "scoring.unit_id")
    )
    if not peers:
        unit = await _unit(ctx, data.unit_id)
        ctx.finish()
        ctx.say(
            _("Đơn vị {unit} không thuộc cụm thi đua nào nên không chấm chéo.").format(
                unit=unit.name
            )
        )
        return
    data.peers = [p.id for p in peers]
    if len(peers) == 1:
        await _begin_sheet(ctx, peers[0].id)
    else:
        await ctx.goto(_CROSS, S.PEER)


async def _peer_labels(ctx: Context) -> list[str]:
    data = _data(ctx)
    labels = []
    for peer_id in data.peers:
        peer = await _unit(ctx, peer_id)
        sheet = await review_store.find_sheet(
            ctx.session,
            need(data.review_id, "scoring.review_id"),
            peer_id,
            SheetRole.CROSS,
            need(data.unit_id, "scoring.unit_id"),
        )
        if sheet is None:
            state = _("chưa chấm")
        elif sheet.status in SUBMITTED:
            state = _("đã nộp")
        else:
            state = _("đang chấm")
        labels.append(f"{peer.name} — {state}")
    return labels


async def _ask_peer(ctx: Context) -> None:
    review = await _review(ctx)
    ctx.say(
        _("{review}: chấm chéo đơn vị nào trong cụm?").format(review=review.name),
        await _peer_labels(ctx),
    )


async def _answer_peer(ctx: Context, text: str) -> None:
    index = pick(text, await _peer_labels(ctx))
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của đơn vị."))
        await _ask_peer(ctx)
        return
    await _begin_sheet(ctx, _data(ctx).peers[index])


async def _begin_sheet(ctx: Context, target_id: int) -> None:
    """Open (or create) the sheet for ``target_id`` and go on where it stands: the first
    criterion without points of a draft, else the summary."""
    data = _data(ctx)
    data.target_id = target_id
    role = SheetRole.SELF if _is_self(ctx) else SheetRole.CROSS
    review = await _review(ctx)
    scorer = need(data.unit_id, "scoring.unit_id")
    existing = await review_store.find_sheet(ctx.session, review.id, target_id, role, scorer)
    if existing is None:
        await _ensure_window(ctx, review, None)
    sheet = await review_store.open_sheet(ctx.session, review.id, target_id, role, scorer, ctx.now)
    data.sheet_id, data.mode, data.pending, data.reason = sheet.id, ScoreMode.FILL, None, ""
    if sheet.status is SheetStatus.APPROVED:
        raise SheetLocked()
    criteria = await _criteria(ctx)
    scores = await review_store.scores_of(ctx.session, sheet.id)
    if sheet.status is SheetStatus.RETURNED:
        ctx.note(
            _("Văn phòng đã trả lại bảng điểm để sửa. Lý do: {reason}").format(
                reason=sheet.return_reason or "—"
            )
        )
    if sheet.status is not SheetStatus.DRAFT:
        data.mode = ScoreMode.FIX
        await ctx.goto(_flow(ctx), S.SUMMARY)
        return
    if scores:
        ctx.note(
            _("Tiếp tục bản nháp: đã chấm {done}/{total} tiêu chí.").format(
                done=len(scores), total=len(criteria)
            )
        )
    missing = [i for i, c in enumerate(criteria) if c.id not in scores]
    if not missing:
        data.mode = ScoreMode.FIX
        await ctx.goto(_flow(ctx), S.SUMMARY)
        return
    data.index = missing[0]
    await ctx.goto(_flow(ctx), S.POINTS)


async def _ensure_window(ctx: Context, review: Review, sheet: ScoreSheet | None) -> None:
    """Refuse a change once the window is over, unless the office returned the sheet."""
    if sheet is not None and sheet.status is SheetStatus.RETURNED:
        return
    if not is_open(review, _flow(ctx), ctx.today):
        flow = _flow(ctx)
        ctx.finish()
        raise WindowClosed(_why_none(ctx.today, [review], flow))


# --------------------------------------------------------------------------- one criterion


async def _criteria(ctx: Context) -> list[Criterion]:
    review = await _review(ctx)
    return await review_store.criteria_of(ctx.session, review.campaign_id)


async def _criterion(ctx: Context) -> Criterion:
    criteria = await _criteria(ctx)
    return criteria[min(_data(ctx).index, len(criteria) - 1)]


@dataclass(frozen=True)
class Reference:
    """What a criterion's points are compared with: the automatic points (self-scoring) or
    the peer's self-score (cross-scoring); ``lines`` say it to the person."""

    points: str | None
    computed: str | None
    lines: list[str]


async def _reference(ctx: Context, criterion: Criterion) -> Reference:
    data = _data(ctx)
    review = await _review(ctx)
    target = need(data.target_id, "scoring.target_id")
    if _is_self(ctx):
        campaign = await ctx.campaign(review.campaign_id)
        found: AutoScore | None = await auto_score(ctx.session, campaign, review, criterion, target)
        if found is None:
            return Reference(None, None, [])
        if found.computed is None:
            return Reference(None, None, [found.note])
        auto = canonical(found.computed.points)
        return Reference(
            auto,
            auto,
            [
                _("Điểm tự động: {points}.").format(points=_shown(auto)),
                found.computed.explanation,
            ],
        )
    own = await review_store.find_sheet(ctx.session, review.id, target, SheetRole.SELF, target)
    lines: list[str] = []
    points: str | None = None
    if own is None or own.status not in SUBMITTED:
        lines.append(_("Đơn vị này chưa nộp bảng tự chấm."))
    else:
        score = (await review_store.scores_of(ctx.session, own.id)).get(criterion.id)
        points = score.points if score else None
        lines.append(_("Đơn vị tự chấm: {points}.").format(points=_shown(points)))
    files = (await review_store.evidence_of(ctx.session, review.id, target)).get(criterion.id, [])
    if files:
        names = ", ".join(e.file_name or e.path.rsplit("/", 1)[-1] for e in files)
        lines.append(_("Minh chứng ({count}): {names}").format(count=len(files), names=names))
    else:
        lines.append(_("Minh chứng: không có."))
    return Reference(points, None, lines)


def _shown(points: str | None) -> str:
    """``8,5 điểm``; "chưa chấm" for none."""
    if points is None:
        return _("chưa chấm")
    return _("{points} điểm").format(points=format_number(Decimal(points), 2))


async def _evidence_count(ctx: Context, criterion: Criterion) -> int:
    data = _data(ctx)
    found = await review_store.evidence_of(
        ctx.session, need(data.review_id, "scoring.review_id"), need(data.target_id, "t")
    )
    return len(found.get(criterion.id, []))


async def _current(ctx: Context, criterion: Criterion) -> Score | None:
    return (await review_store.scores_of(ctx.session, need(_data(ctx).sheet_id, "s"))).get(
        criterion.id
    )


async def _where(ctx: Context) -> str:
    data = _data(ctx)
    review = await _review(ctx)
    target = await _unit(ctx, data.target_id)
    if _is_self(ctx):
        return f"{review.name} · {target.name}"
    return _("Chấm chéo · {review} · {unit}").format(review=review.name, unit=target.name)


async def _ask_points(ctx: Context) -> None:
    data = _data(ctx)
    criteria = await _criteria(ctx)
    criterion = await _criterion(ctx)
    reference = await _reference(ctx, criterion)
    lines = [
        await _where(ctx),
        _("Tiêu chí {n}/{total} ({code}): {name}").format(
            n=data.index + 1, total=len(criteria), code=criterion.code, name=criterion.name
        ),
    ]
    if criterion.group_name:
        lines.append(_("Nhóm: {group}").format(group=criterion.group_name))
    lines.append(
        _("Tối đa {points} điểm · {kind}").format(
            points=format_number(Decimal(criterion.max_points), 2),
            kind=_(KIND_LABELS[criterion.kind]),
        )
    )
    if _is_self(ctx) and criterion.evidence_required:
        lines.append(
            _("Cần minh chứng (đã gửi {count} tệp).").format(
                count=await _evidence_count(ctx, criterion)
            )
        )
    lines += reference.lines
    current = await _current(ctx, criterion)
    if current is not None:
        lines.append(
            _('Đang ghi: {points} — gõ điểm mới, hoặc "giữ".').format(points=_shown(current.points))
        )
    lines.append(_hint(ctx, criterion, reference))
    choices = [_agree_label(reference.points)] if reference.points is not None else []
    ctx.say("\n".join(lines), choices)


def _agree_label(points: str) -> str:
    return _("Đồng ý {points}").format(points=_shown(points))


def _hint(ctx: Context, criterion: Criterion, reference: Reference) -> str:
    if reference.points is not None:
        how = _('Gõ "đúng" (hoặc 1) để đồng ý, hoặc gõ số điểm khác (cần lý do).')
    else:
        how = _("Nhập số điểm, ví dụ 8 hoặc 8,5.")
    if _is_self(ctx):
        how += "\n" + _("Gửi ảnh hoặc tệp minh chứng ngay tại đây.")
    extra = [_("lùi: tiêu chí trước")]
    if not (_is_self(ctx) and criterion.evidence_required):
        extra.append(_("bỏ qua: chấm sau"))
    extra.append(_("/huy: dừng, giữ điểm đã chấm"))
    return f"{how}\n({' · '.join(extra)})"


async def _answer_points(ctx: Context, text: str) -> None:
    criterion = await _criterion(ctx)
    attachment = ctx.incoming.attachment
    if attachment is not None:
        await _take_evidence(ctx, criterion, attachment)
        if not text:
            current = await _current(ctx, criterion)
            if current is not None and ctx.state.flow is not None:
                await _after_points(ctx)
            elif ctx.state.flow is not None:
                await _ask_points(ctx)
            return
    word = fold(text).strip(" .!")
    reference = await _reference(ctx, criterion)
    fix = correction(text, len(await _criteria(ctx)))
    if is_stop(text):
        _stop(ctx)
    elif word in BACK_WORDS:
        await _go_back(ctx)
    elif word in SKIP_WORDS:
        await _skip(ctx, criterion)
    elif fix is not None and ":" not in text and word.startswith("sua"):
        await _fix(ctx, fix.index, fix.value, fix.reason)
    elif reference.points is not None and (
        is_yes(text) or word in ACCEPT_WORDS or pick(text, [_agree_label(reference.points)]) == 0
    ):
        await _store(ctx, criterion, reference.points, reference)
    elif word in KEEP_WORDS and await _current(ctx, criterion) is not None:
        await _after_points(ctx)
    else:
        await _take_points(ctx, criterion, text, reference)


def read_points(text: str, criterion: Criterion) -> str:
    """Points typed the Vietnamese way (``8,5``, ``8,5 điểm``, ``8.5 diem``) as canonical text,
    within 0..the criterion's maximum. Raises :class:`ScoringProblem` (or a number error)
    saying why."""
    cleaned = _POINT_WORD.sub("", text.strip())
    parsed = parse_number(cleaned)
    if parsed.percent or parsed.scale_word:
        raise ScoringProblem(_("Hãy gõ số điểm, ví dụ 8 hoặc 8,5."))
    return canonical(check_points(parsed.value, Decimal(criterion.max_points), criterion.code))


async def _take_points(ctx: Context, criterion: Criterion, text: str, reference: Reference) -> None:
    try:
        points = read_points(text, criterion)
    except DomainError as error:
        ctx.note(error.user_message)
        await _ask_points(ctx)
        return
    await _store(ctx, criterion, points, reference)


async def _store(ctx: Context, criterion: Criterion, points: str, reference: Reference) -> None:
    """Store ``points`` for ``criterion``, first asking the reason when they differ from the
    reference or the sheet was submitted (an audited change)."""
    data = _data(ctx)
    sheet = await _sheet(ctx)
    await _ensure_window(ctx, await _review(ctx), sheet)
    current = await _current(ctx, criterion)
    unchanged = current is not None and Decimal(current.points) == Decimal(points)
    if sheet.status is not SheetStatus.DRAFT and unchanged:
        ctx.note(_("Điểm không thay đổi."))
        await _after_points(ctx)
        return
    differs = reference.points is not None and Decimal(points) != Decimal(reference.points)
    if differs or sheet.status is not SheetStatus.DRAFT:
        reason, data.reason = data.reason, ""
        if 3 <= len(reason) <= 300:
            await _write(ctx, criterion, points, reference.computed, reason)
            return
        data.pending = points
        await ctx.goto(_flow(ctx), S.REASON)
        return
    await _write(ctx, criterion, points, reference.computed, "")


async def _write(
    ctx: Context, criterion: Criterion, points: str, computed: str | None, reason: str
) -> None:
    assert ctx.reporter is not None
    sheet = await _sheet(ctx)
    await review_store.put_points(
        ctx.session,
        sheet,
        [Points(criterion.id, points, computed, reason)],
        ctx.reporter.id,
        ctx.now,
    )
    ctx.note(
        _("Đã ghi — {code}: {points}").format(code=criterion.code, points=_shown(points))
        + (_(" (lý do: {reason})").format(reason=reason) if reason else "")
    )
    await _after_points(ctx)


async def _after_points(ctx: Context) -> None:
    """After a criterion has points: ask its evidence if required and missing, else the next
    criterion without points (or the summary)."""
    data = _data(ctx)
    criterion = await _criterion(ctx)
    if _is_self(ctx) and criterion.evidence_required and not await _evidence_count(ctx, criterion):
        ctx.state.step = S.POINTS
        ctx.say(
            _(
                "Tiêu chí {code} cần minh chứng. Hãy gửi ảnh hoặc tệp (biên bản, hình ảnh "
                "hoạt động) ngay tại đây."
            ).format(code=criterion.code)
        )
        return
    if data.mode is ScoreMode.FIX:
        await ctx.goto(_flow(ctx), S.SUMMARY)
        return
    await _next(ctx)


async def _next(ctx: Context) -> None:
    data = _data(ctx)
    criteria = await _criteria(ctx)
    scores = await review_store.scores_of(ctx.session, need(data.sheet_id, "s"))
    later = [i for i, c in enumerate(criteria) if i > data.index and c.id not in scores]
    if later:
        data.index = later[0]
        await ctx.goto(_flow(ctx), S.POINTS)
    else:
        data.mode = ScoreMode.FIX
        await ctx.goto(_flow(ctx), S.SUMMARY)


async def _go_back(ctx: Context) -> None:
    data = _data(ctx)
    data.pending = None
    if data.mode is ScoreMode.FIX:
        await ctx.goto(_flow(ctx), S.SUMMARY)
        return
    if data.index == 0:
        ctx.note(_("Đây là tiêu chí đầu tiên."))
    else:
        data.index -= 1
    await ctx.goto(_flow(ctx), S.POINTS)


async def _skip(ctx: Context, criterion: Criterion) -> None:
    if _is_self(ctx) and criterion.evidence_required and not await _evidence_count(ctx, criterion):
        ctx.note(_("Tiêu chí này cần minh chứng, không bỏ qua được. Hãy gửi ảnh hoặc tệp."))
        await _ask_points(ctx)
        return
    if _data(ctx).mode is ScoreMode.FIX:
        await ctx.goto(_flow(ctx), S.SUMMARY)
        return
    await _next(ctx)


async def _take_evidence(ctx: Context, criterion: Criterion, attachment: Attachment) -> None:
    """Record a photo or document as evidence for ``criterion`` (once per file)."""
    if not _is_self(ctx):
        ctx.note(_("Khi chấm chéo không cần gửi minh chứng; tệp này không được lưu."))
        return
    assert ctx.reporter is not None
    data = _data(ctx)
    review = await _review(ctx)
    await _ensure_window(ctx, review, await _sheet(ctx))
    before = await _evidence_count(ctx, criterion)
    await review_store.add_evidence(
        ctx.session,
        Evidence(
            review_id=review.id,
            org_unit_id=need(data.target_id, "scoring.target_id"),
            criterion_id=criterion.id,
            path=attachment.path,
            sha256=attachment.sha256,
            media_type=attachment.media_type,
            file_name=attachment.file_name,
            size=attachment.size,
            channel=ctx.incoming.channel,
            sent_by_id=ctx.reporter.id,
            sent_at=ctx.now,
        ),
    )
    count = await _evidence_count(ctx, criterion)
    if count == before:
        ctx.note(
            _("Tệp này đã gửi rồi. Tiêu chí {code} có {count} minh chứng.").format(
                code=criterion.code, count=count
            )
        )
    else:
        ctx.note(
            _("📎 Đã nhận minh chứng cho tiêu chí {code} ({count} tệp).").format(
                code=criterion.code, count=count
            )
        )


def _stop(ctx: Context) -> None:
    flow = ctx.state.flow
    ctx.finish()
    ctx.say(stopped_text(flow))


# --------------------------------------------------------------------------- the reason


async def _ask_reason(ctx: Context) -> None:
    data = _data(ctx)
    criterion = await _criterion(ctx)
    sheet = await _sheet(ctx)
    if sheet.status is SheetStatus.DRAFT:
        what = _("tự động") if _is_self(ctx) else _("đơn vị tự chấm")
        ctx.say(
            _("Vì sao chấm {points} cho {code}, khác điểm {what}? Ghi lý do ngắn gọn.").format(
                points=_shown(data.pending), code=criterion.code, what=what
            )
        )
    else:
        ctx.say(
            _(
                "Lý do sửa điểm {code} thành {points}? (ví dụ: chấm nhầm, bổ sung minh chứng)"
            ).format(code=criterion.code, points=_shown(data.pending))
        )


async def _answer_reason(ctx: Context, text: str) -> None:
    data = _data(ctx)
    reason = " ".join(text.split())
    if is_stop(text):
        _stop(ctx)
        return
    if fold(reason) in BACK_WORDS:
        await _go_back(ctx)
        return
    if not 3 <= len(reason) <= 300:
        ctx.note(_("Hãy ghi lý do ngắn gọn, từ 3 đến 300 ký tự."))
        await _ask_reason(ctx)
        return
    criterion = await _criterion(ctx)
    points = need(data.pending, "scoring.pending")
    reference = await _reference(ctx, criterion)
    data.pending = None
    await _write(ctx, criterion, points, reference.computed, reason)


# --------------------------------------------------------------------------- summary


_DRAFT_CHOICES = (N_("Nộp bảng điểm"), N_("Sửa một tiêu chí"), N_("Dừng, giữ bản nháp"))
_DONE_CHOICES = (N_("Sửa một tiêu chí"), N_("Xong"))


def _choices(sheet: ScoreSheet) -> list[str]:
    handed_in = sheet.status in SUBMITTED
    return [_(c) for c in (_DONE_CHOICES if handed_in else _DRAFT_CHOICES)]


async def _total(ctx: Context, scores: dict[int, Score]) -> Decimal:
    criteria = await _criteria(ctx)
    return sheet_total(
        [Line(c.kind, Decimal(scores[c.id].points)) for c in criteria if c.id in scores]
    )


async def _ask_summary(ctx: Context) -> None:
    sheet = await _sheet(ctx)
    criteria = await _criteria(ctx)
    scores = await review_store.scores_of(ctx.session, sheet.id)
    evidence = await review_store.evidence_of(ctx.session, sheet.review_id, sheet.org_unit_id)
    lines = [_("Bảng điểm — {where}:").format(where=await _where(ctx))]
    for n, criterion in enumerate(criteria, 1):
        score = scores.get(criterion.id)
        shown = (
            (format_number(Decimal(score.points), 2) if score else _("chưa chấm"))
            + "/"
            + format_number(Decimal(criterion.max_points), 2)
        )
        line = f"{n}. {criterion.code}: {shown}"
        if _is_self(ctx) and evidence.get(criterion.id):
            line += " 📎" + str(len(evidence[criterion.id]))
        if _is_self(ctx) and criterion.evidence_required and not evidence.get(criterion.id):
            line += " " + _("(thiếu minh chứng)")
        lines.append(line)
    lines.append(_("Tổng: {total} điểm").format(total=format_number(await _total(ctx, scores), 2)))
    lines.append(_status_line(ctx, sheet))
    lines.append(_('Sửa nhanh: gõ "sửa 3 8,5" (số thứ tự rồi điểm mới).'))
    question = _("Nộp bảng điểm này?") if sheet.status not in SUBMITTED else _("Sửa gì nữa không?")
    ctx.say("\n".join(lines) + "\n\n" + question, _choices(sheet))


def _status_line(ctx: Context, sheet: ScoreSheet) -> str:
    if sheet.status is SheetStatus.RETURNED:
        return _("Văn phòng trả lại để sửa: {reason}").format(reason=sheet.return_reason or "—")
    if sheet.status is SheetStatus.DRAFT or sheet.submitted_at is None:
        return _("Bản nháp, chưa nộp.")
    label = _("Đã nộp lại (đã sửa)") if sheet.status is SheetStatus.CORRECTED else _("Đã nộp")
    return _("{label} lúc {time}.").format(label=label, time=moment(ctx.local(sheet.submitted_at)))


async def _answer_summary(ctx: Context, text: str) -> None:
    sheet = await _sheet(ctx)
    choices = _choices(sheet)
    handed_in = sheet.status in SUBMITTED
    criteria = await _criteria(ctx)
    fix = correction(text, len(criteria))
    index = pick(text, choices)
    if is_stop(text):
        _stop(ctx)
    elif fix is not None:
        await _fix(ctx, fix.index, fix.value, fix.reason)
    elif not handed_in and (is_submit(text) or index == 0):
        await _submit(ctx)
    elif handed_in and (is_submit(text) or index == 1 or fold(text) == "xong"):
        ctx.finish()
        ctx.say(_("Xong."))
    elif (index == 1 and not handed_in) or (index == 0 and handed_in):
        await ctx.goto(_flow(ctx), S.PICK)
    elif index == 2:
        _stop(ctx)
    else:
        ctx.note(_('Chưa hiểu. Gõ số thứ tự, hoặc "sửa 3 8,5" để sửa điểm tiêu chí 3.'))
        await _ask_summary(ctx)


async def _fix(ctx: Context, index: int, value: str, reason: str) -> None:
    """Correct criterion ``index`` (0-based): with ``value`` at once, else ask it."""
    data = _data(ctx)
    await _ensure_window(ctx, await _review(ctx), await _sheet(ctx))
    data.mode, data.index, data.reason, data.pending = ScoreMode.FIX, index, reason, None
    ctx.state.step = S.POINTS
    if value:
        criterion = await _criterion(ctx)
        await _take_points(ctx, criterion, value, await _reference(ctx, criterion))
    else:
        await ctx.goto(_flow(ctx), S.POINTS)


async def _ask_pick(ctx: Context) -> None:
    criteria = await _criteria(ctx)
    ctx.say(
        _("Sửa tiêu chí nào? Gõ số thứ tự:"),
        [f"{c.code} {_short(c.name)}" for c in criteria],
    )


def _short(name: str, size: int = 40) -> str:
    return name if len(name) <= size else name[: size - 1].rsplit(" ", 1)[0] + "…"


async def _answer_pick(ctx: Context, text: str) -> None:
    criteria = await _criteria(ctx)
    if fold(text).strip(" .!") in BACK_WORDS:
        await ctx.goto(_flow(ctx), S.SUMMARY)
        return
    fix = correction(text, len(criteria))
    if fix is not None:
        await _fix(ctx, fix.index, fix.value, fix.reason)
        return
    index = pick(text, [f"{c.code} {_short(c.name)}" for c in criteria])
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của tiêu chí (từ 1 đến {n}).").format(n=len(criteria)))
        await _ask_pick(ctx)
        return
    await _fix(ctx, index, "", "")


async def _submit(ctx: Context) -> None:
    assert ctx.reporter is not None
    sheet = await _sheet(ctx)
    review = await _review(ctx)
    await _ensure_window(ctx, review, sheet)
    criteria = await _criteria(ctx)
    scores = await review_store.scores_of(ctx.session, sheet.id)
    missing = [c.code for c in criteria if c.id not in scores]
    if missing:
        ctx.note(_("Còn tiêu chí chưa chấm: {codes}.").format(codes=", ".join(missing)))
        await _ask_summary(ctx)
        return
    if _is_self(ctx):
        evidence = await review_store.evidence_of(ctx.session, review.id, sheet.org_unit_id)
        lacking = [c.code for c in criteria if c.evidence_required and not evidence.get(c.id)]
        if lacking:
            ctx.note(
                _('Còn thiếu minh chứng: {codes}. Gõ "sửa N" rồi gửi ảnh.').format(
                    codes=", ".join(lacking)
                )
            )
            await _ask_summary(ctx)
            return
    corrected = sheet.status is SheetStatus.RETURNED
    await review_store.submit_sheet(ctx.session, sheet, ctx.reporter.id, ctx.now)
    total = await _total(ctx, scores)
    target = await _unit(ctx, sheet.org_unit_id)
    ctx.finish()
    head = (
        _("✅ Đã nộp bảng tự chấm {review} của {unit}.")
        if sheet.role is SheetRole.SELF
        else _("✅ Đã nộp phiếu chấm chéo {review} cho {unit}.")
    ).format(review=review.name, unit=target.name)
    lines = [
        head,
        _("Tổng điểm: {total}").format(total=format_number(total, 2)),
        _("Nộp lúc: {time}").format(time=moment(ctx.local(ctx.now)))
        + (_(" (đã sửa theo yêu cầu của văn phòng)") if corrected else ""),
        _("Mã biên nhận: {receipt}").format(receipt=receipt(review, sheet)),
    ]
    if sheet.role is SheetRole.CROSS:
        lines.append(_("Gõ /chamcheo để chấm đơn vị tiếp theo."))
    ctx.say("\n".join(lines))


def receipt(review: Review, sheet: ScoreSheet) -> str:
    """A short receipt code of a submitted sheet: ``SOKET-12-0715`` (review, sheet, time)."""
    stamp = sheet.submitted_at.strftime("%d%H%M") if sheet.submitted_at else "0"
    return f"{review.code}-{sheet.id}-{stamp}"


def _steps(**extra: Step) -> dict[str, Step]:
    return {
        S.REVIEW: Step(_ask_review, _answer_review, idle=True),
        **extra,
        S.POINTS: Step(_ask_points, _answer_points, takes_files=True),
        S.REASON: Step(_ask_reason, _answer_reason),
        S.SUMMARY: Step(_ask_summary, _answer_summary, idle=True),
        S.PICK: Step(_ask_pick, _answer_pick, idle=True),
    }


register(Flow(_SELF, N_("tự chấm điểm"), _steps(), ScoringData))
register(
    Flow(
        _CROSS, N_("chấm chéo"), _steps(peer=Step(_ask_peer, _answer_peer, idle=True)), ScoringData
    )
)
