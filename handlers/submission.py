"""Figure submission (``/nhap``): one question per data element, a summary, a receipt.

Answers go into a draft kept with the conversation (``ctx.keep.drafts``), so ``/huy``, a bad
answer or a command in the middle loses nothing; the draft becomes data values only on
confirmation, in one transaction with the submission record and the audit rows. A submitted
period that is still open can be corrected value by value, each change with a reason.

A period is open from its first day to its lock date (khóa sổ); after that only for a unit the
office reopened it for (``/mokhoa``, ``storage.reopenings``), up to the reopening's last day.
"""

from __future__ import annotations

from decimal import Decimal

from domain.campaign_spec import ValueType
from domain.clock import day, moment
from domain.errors import DomainError
from domain.i18n import N_, _
from domain.paste import is_paste, place, split_lines
from domain.periods import period_name
from domain.plausibility import doubt
from domain.reading import AskBack, Figure
from domain.text import fold
from domain.validation import display_value
from handlers.choices import pick
from handlers.codec import need
from handlers.common import YES_NO, campaign_step, rules_for, short_name
from handlers.figures import (
    KEEP_WORDS,
    SKIP_WORDS,
    Histories,
    correction,
    correction_value,
    is_stop,
    is_submit,
    is_yes,
    read_answer,
    shown,
)
from handlers.flow import Context, Flow, Step, command, register
from handlers.indicators import indicator_lines
from handlers.state import FlowName, Mode, SubmissionData, SubmissionStep
from handlers.units import current_unit
from storage import campaigns as campaign_store
from storage import peers as peer_store
from storage import reopenings as reopen_store
from storage import values as value_store
from storage.models import Campaign, DataElement, OrgUnit, Period
from storage.values import Change

_FLOW = FlowName.NHAP
S = SubmissionStep


class PeriodLocked(DomainError):
    """The period is past its lock date (khóa sổ): no more values without the office."""

    def __init__(self, period: Period) -> None:
        super().__init__(
            _(
                "Kỳ {period} đã khóa sổ sau ngày {lock}, không nhận thêm số liệu. "
                "Hãy liên hệ văn phòng nếu cần mở lại."
            ).format(period=period_name(period.code), lock=day(period.lock_date))
        )


@command("nhap")
async def start(ctx: Context, _args: str) -> None:
    """Choose unit, campaign and open period, then ask the figures (or show the submitted ones)."""
    unit = await current_unit(ctx, then=_FLOW)
    if unit is None:
        return
    joined = await campaign_store.campaigns_of_unit(ctx.session, unit.id)
    reopened = await reopen_store.running_reopenings(ctx.session, unit.id, ctx.today)
    choices = [
        c
        for c in joined
        if reopen_store.open_periods(await ctx.campaign(c.id), ctx.today, reopened)
    ]
    if not choices:
        missed = await _missed_period(ctx, unit.id, joined)
        if missed is not None:
            raise PeriodLocked(missed)  # the unit did not report before the lock: say whom to ask
        ctx.say(_("Hiện không có kỳ báo cáo nào đang mở cho đơn vị {unit}.").format(unit=unit.name))
        return
    missed = await _missed_period(ctx, unit.id, joined)
    told = ctx.keep.missed_told
    if missed is not None and missed.id not in told:  # told once per locked period
        told.append(missed.id)
        ctx.note(_missed_note(missed))
    ctx.set_data(SubmissionData(unit_id=unit.id, campaigns=[c.id for c in choices]))
    if len(choices) == 1:
        await _choose_period(ctx, choices[0].id)
    else:
        await ctx.goto(_FLOW, S.CAMPAIGN)


def _missed_note(period: Period) -> str:
    """Told before the next period: the unit never reported a period that has since locked."""
    return _(
        "Lưu ý: đơn vị chưa nộp báo cáo {period}, kỳ này đã khóa sổ sau ngày {lock}. "
        "Hãy liên hệ văn phòng nếu cần mở lại."
    ).format(period=period_name(period.code), lock=day(period.lock_date))


async def _missed_period(ctx: Context, unit_id: int, joined: list[Campaign]) -> Period | None:
    """The latest period locked without a submission from the unit, if any."""
    locked = [
        period
        for campaign in joined
        for period in (await ctx.campaign(campaign.id)).periods
        if period.lock_date < ctx.today
    ]
    for period in sorted(locked, key=lambda p: p.lock_date, reverse=True)[:1]:
        if await value_store.submission_of(ctx.session, unit_id, period.id) is None:
            return period
    return None


def _data(ctx: Context) -> SubmissionData:
    """This flow's data (``handlers.state``)."""
    return ctx.data(SubmissionData)


def _unit_id(ctx: Context) -> int:
    return need(_data(ctx).unit_id, "nhap.unit_id")


def _campaign_id(ctx: Context) -> int:
    return need(_data(ctx).campaign_id, "nhap.campaign_id")


def _period_id(ctx: Context) -> int:
    return need(_data(ctx).period_id, "nhap.period_id")


async def _choose_period(ctx: Context, campaign_id: int) -> None:
    _data(ctx).campaign_id = campaign_id
    periods = await _open_periods_for(ctx)
    if len(periods) == 1:
        await _begin_period(ctx, periods[0])
    else:
        await ctx.goto(_FLOW, S.PERIOD)


async def _ensure_open(ctx: Context, period: Period) -> None:
    """Refuse to go on with a period past its lock date and not reopened for the unit (or
    past the reopening's last day); the draft stays kept."""
    unit_id = _unit_id(ctx)
    if not await reopen_store.is_open_for(ctx.session, period, unit_id, ctx.today):
        ctx.finish()
        raise PeriodLocked(period)


async def _open_periods_for(ctx: Context) -> list[Period]:
    """Open periods in a stable order: those the unit has not submitted, oldest first (so
    number 1 is the one due now), then the submitted ones, oldest first. The same period keeps
    its number until the unit submits it."""
    campaign = await ctx.campaign(_campaign_id(ctx))
    unit_id = _unit_id(ctx)
    reopened = await reopen_store.running_reopenings(
        ctx.session, unit_id, ctx.today, [p.id for p in campaign.periods]
    )
    periods = sorted(
        reopen_store.open_periods(campaign, ctx.today, reopened), key=lambda p: p.start_date
    )
    submitted = {
        p.id for p in periods if await value_store.submission_of(ctx.session, unit_id, p.id)
    }
    return [p for p in periods if p.id not in submitted] + [p for p in periods if p.id in submitted]


async def _period_labels(ctx: Context, periods: list[Period]) -> list[str]:
    """``Quý 4/2026 (hạn nộp 10/01/2027)``; a period open only because the office reopened
    it for the unit: ``Quý 3/2026 (mở lại đến 24/11/2026)``."""
    reopened = await reopen_store.running_reopenings(
        ctx.session, _unit_id(ctx), ctx.today, [p.id for p in periods]
    )
    labels = []
    for period in periods:
        until = reopen_store.reopened_only(period, ctx.today, reopened)
        label = (
            _("{name} (mở lại đến {until})").format(name=period_name(period.code), until=day(until))
            if until
            else _("{name} (hạn nộp {due})").format(
                name=period_name(period.code), due=day(period.due_date)
            )
        )
        if await value_store.submission_of(ctx.session, _unit_id(ctx), period.id):
            label += _(" — đã nộp")
        labels.append(label)
    return labels


async def _ask_period(ctx: Context) -> None:
    periods = await _open_periods_for(ctx)
    if not periods:
        ctx.finish()
        ctx.say(_("Hiện không còn kỳ báo cáo nào đang mở."))
        return
    _data(ctx).period_ids = [p.id for p in periods]
    ctx.say(_("Chọn kỳ báo cáo (số 1 là kỳ cần nộp bây giờ):"), await _period_labels(ctx, periods))


async def _answer_period(ctx: Context, text: str) -> None:
    """Pick from the periods as they were shown, even if the list changed since."""
    periods = [await _get_period(ctx, pid) for pid in _data(ctx).period_ids]
    index = pick(text, await _period_labels(ctx, periods))
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của kỳ báo cáo."))
        await _ask_period(ctx)
        return
    await _begin_period(ctx, periods[index])


async def _begin_period(ctx: Context, period: Period) -> None:
    await _ensure_open(ctx, period)
    data = _data(ctx)
    data.period_id = period.id
    if ctx.today > period.lock_date:  # let through above, so reopened: say until when
        until = await reopen_store.reopened_until(ctx.session, period.id, _unit_id(ctx))
        assert until is not None
        ctx.note(
            _("Kỳ {period} được văn phòng mở lại cho đơn vị đến hết ngày {until}.").format(
                period=period_name(period.code), until=day(until)
            )
        )
    if await value_store.submission_of(ctx.session, _unit_id(ctx), period.id):
        await ctx.goto(_FLOW, S.SUBMITTED)
        return
    draft = _draft(ctx)
    elements = await _elements(ctx)
    answered = [e for e in elements if str(e.id) in draft]
    data.mode = Mode.FILL
    data.index = next((i for i, e in enumerate(elements) if str(e.id) not in draft), len(elements))
    if answered:
        ctx.note(
            _("Tiếp tục bản nháp: đã nhập {done}/{total} chỉ tiêu.").format(
                done=len(answered), total=len(elements)
            )
        )
    if data.index >= len(elements):
        await ctx.goto(_FLOW, S.SUMMARY)
    else:
        await ctx.goto(_FLOW, S.VALUE)


def _draft_key(ctx: Context) -> str:
    """``"unit id:period id"``, the key of a draft in ``ctx.keep.drafts``."""
    return f"{_unit_id(ctx)}:{_period_id(ctx)}"


def _draft(ctx: Context) -> dict[str, str | None]:
    """The draft of the unit and period being entered: element id as text → value (None:
    skipped); created empty if need be."""
    return ctx.keep.drafts.setdefault(_draft_key(ctx), {})


def _drop_draft(ctx: Context) -> None:
    ctx.keep.drafts.pop(_draft_key(ctx), None)


async def _elements(ctx: Context) -> list[DataElement]:
    return list((await ctx.campaign(_campaign_id(ctx))).elements)


async def _get_period(ctx: Context, period_id: int) -> Period:
    """The period from the cached campaign (read-only; no query), else from the database."""
    campaign = await ctx.campaign(_campaign_id(ctx))
    for period in campaign.periods:
        if period.id == period_id:
            return period
    return await ctx.row(Period, period_id)


async def _period(ctx: Context) -> Period:
    return await _get_period(ctx, _period_id(ctx))


async def _open_period(ctx: Context) -> Period:
    """The period being entered, refused (PeriodLocked) once past its lock date (or, when
    reopened for the unit, past the reopening's last day)."""
    period = await _period(ctx)
    await _ensure_open(ctx, period)
    return period


async def _previous(ctx: Context) -> tuple[Period | None, dict[int, str]]:
    """The period before the current one and the unit's values in it."""
    campaign = await ctx.campaign(_campaign_id(ctx))
    ids = [p.id for p in campaign.periods]
    position = ids.index(_period_id(ctx))
    if position == 0:
        return None, {}
    before = campaign.periods[position - 1]
    return before, await value_store.values_of(ctx.session, _unit_id(ctx), before.id)


async def _current_element(ctx: Context) -> DataElement:
    elements = await _elements(ctx)
    return elements[_data(ctx).index]


async def _where(ctx: Context) -> str:
    """``NGANAM 2026 · Quý 4/2026 · Phường 1``: campaign (short), period and unit."""
    campaign = await ctx.campaign(_campaign_id(ctx))
    unit = await _unit_card(ctx)
    period = await _period(ctx)
    return f"{short_name(campaign.name)} · {period_name(period.code)} · {unit.name}"


async def _unit_card(ctx: Context) -> value_store.UnitCard:
    """The unit's name and committed targets, read once per message."""
    campaign_id, unit_id = _campaign_id(ctx), _unit_id(ctx)
    return await ctx.once(
        (f"unit_card:{campaign_id}", unit_id),
        lambda: value_store.unit_card(ctx.session, campaign_id, unit_id),
    )


async def _ask_value(ctx: Context) -> None:
    elements = await _elements(ctx)
    index = _data(ctx).index
    element = elements[index]
    rules = rules_for(element)
    before, previous = await _previous(ctx)
    lines = [
        await _where(ctx),
        _("Chỉ tiêu {n}/{total}: {name}").format(
            n=index + 1, total=len(elements), name=element.name
        )
        + (_(" (lũy kế từ đầu năm)") if element.cumulative else ""),
    ]
    if element.measure_unit and element.value_type not in (ValueType.BOOLEAN, ValueType.TEXT):
        lines.append(_("Đơn vị tính: {unit}").format(unit=element.measure_unit))
    lines += await _target_lines(ctx, element)
    if before is not None and element.id in previous:
        lines.append(
            _("Kỳ trước ({period}): {value}").format(
                period=period_name(before.code), value=display_value(previous[element.id], rules)
            )
        )
    draft = _current_value(ctx, element)
    if draft is not None:
        lines.append(
            _('Đang ghi: {value} — nhập giá trị mới, hoặc "giữ" để giữ nguyên.').format(
                value=display_value(draft, rules)
            )
        )
    mode = need(_data(ctx).mode, "nhap.mode")
    lines.append(_hint(element, mode))
    if index == 0 and mode is Mode.FILL:
        lines.append(_("Mẹo: có thể dán tất cả số trong một tin nhắn, mỗi số một dòng."))
    choices = tuple(_(c) for c in YES_NO) if element.value_type is ValueType.BOOLEAN else ()
    ctx.say("\n".join(lines), choices)


async def _target_lines(ctx: Context, element: DataElement) -> list[str]:
    """Whose target is shown: the campaign's common one and the unit's own commitment."""
    rules = rules_for(element)
    lines = []
    if element.target is not None:
        lines.append(
            _("Kế hoạch chung của phong trào: {value}").format(
                value=display_value(element.target, rules)
            )
        )
    committed = (await _unit_card(ctx)).committed
    if element.id in committed:
        lines.append(
            _("Đơn vị đã cam kết: {value}").format(
                value=display_value(committed[element.id], rules)
            )
        )
    return lines


def _current_value(ctx: Context, element: DataElement) -> str | None:
    data = _data(ctx)
    source = data.stored if data.mode is Mode.FIX_SUBMITTED else _draft(ctx)
    return source.get(str(element.id))


def _hint(element: DataElement, mode: Mode) -> str:
    how = {
        ValueType.NUMBER: _("Nhập số, ví dụ 12.500 hoặc 12,5."),
        ValueType.INTEGER: _("Nhập số nguyên, ví dụ 125."),
        ValueType.PERCENTAGE: _("Nhập tỷ lệ %, ví dụ 95,15."),
        ValueType.BOOLEAN: _("Trả lời Có hoặc Không."),
        ValueType.TEXT: _("Nhập nội dung."),
    }[element.value_type]
    extra = [] if element.required else [_("bỏ qua: không có số liệu")]
    extra += {
        Mode.FILL: [_("quay lại: sửa chỉ tiêu trước"), _("thôi: dừng, giữ nháp")],
        Mode.FIX_DRAFT: [_("quay lại: về bảng tóm tắt"), _("thôi: dừng, giữ nháp")],
        Mode.QUEUE: [_("quay lại: về bảng tóm tắt"), _("thôi: dừng, giữ nháp")],
        Mode.FIX_FILL: [_("quay lại: về bảng tóm tắt"), _("thôi: dừng, giữ nháp")],
        Mode.FIX_SUBMITTED: [_("quay lại: không sửa nữa"), _("/huy: dừng")],
    }[mode]
    return f"{how}\n({' · '.join(extra)})"


def _stop(ctx: Context) -> None:
    """ "thôi", "dừng", "stop": leave, keeping the draft (a correction after submitting is
    simply dropped)."""
    keeps = _data(ctx).mode is not Mode.FIX_SUBMITTED
    ctx.finish()
    ctx.say(
        _("Đã dừng. Số đã nhập được giữ trong bản nháp; gõ /nhap để tiếp tục.")
        if keeps
        else _("Đã dừng, chưa có gì thay đổi.")
    )


async def _answer_value(ctx: Context, text: str) -> None:
    await _open_period(ctx)
    element = await _current_element(ctx)
    word = fold(text)
    current = _current_value(ctx, element)
    fix = correction(text, len(await _elements(ctx)))
    data = _data(ctx)
    mode = data.mode
    if fix is not None and fix.index == data.index:  # "1: 1.250" at question 1
        fix = None
        text = correction_value(text)
    if is_stop(text):
        _stop(ctx)
    elif is_paste(text) and element.value_type is not ValueType.TEXT:  # a text may have lines
        await _take_paste(ctx, text)
    elif fix is not None and mode is Mode.FILL:  # "sửa 4 13 tỷ" mid-entry, then back here
        data.resume = data.index
        await _correct(ctx, fix.index, fix.value, mode=Mode.FIX_FILL)
    elif fix is not None and mode is Mode.FIX_DRAFT:  # another figure instead of this one
        await _correct(ctx, fix.index, fix.value, mode=Mode.FIX_DRAFT)
    elif word == "quay lai":
        await _go_back(ctx)
    elif word in SKIP_WORDS:
        await _skip(ctx, element)
    elif word in KEEP_WORDS and current is not None:
        await _accept(ctx, element, current)
    else:
        await _take_value(ctx, element, text)


async def _take_value(ctx: Context, element: DataElement, text: str) -> None:
    """Read, check and (after a question if unsure or unusual) record one typed value."""
    try:
        figure = read_answer(text, element)
    except AskBack as unsure:
        await _ask_back(ctx, unsure.user_message, [(o.value, o.label) for o in unsure.options])
        return
    except DomainError as error:
        ctx.note(error.user_message)
        await _ask_value(ctx)
        return
    question = await _doubt(ctx, element, figure.value)
    if question:
        await _ask_back(ctx, question, [(figure.value, _("Đúng, giữ số này"))])
        return
    await _accept(ctx, element, figure.value, figure)


async def _ask_back(ctx: Context, question: str, options: list[tuple[str, str]]) -> None:
    """Ask which reading is meant (or to confirm an unusual value); with no reading to offer,
    say why and ask the figure again."""
    if not options:
        ctx.note(question)
        await _ask_value(ctx)
        return
    data = _data(ctx)
    data.question, data.options = question, list(options)
    await ctx.goto(_FLOW, S.CHECK)


def _resume(data: SubmissionData) -> None:
    """Back to answering in order where the person was before a correction mid-entry."""
    data.mode, data.index, data.resume = Mode.FILL, need(data.resume, "nhap.resume"), None


async def _go_back(ctx: Context) -> None:
    data = _data(ctx)
    data.short = False
    if data.mode is Mode.FIX_FILL:  # a correction mid-entry dropped: back to the question
        _resume(data)
        await _ask_value(ctx)
        return
    if data.mode in (Mode.FIX_DRAFT, Mode.QUEUE):
        data.mode = Mode.FIX_DRAFT
        await ctx.goto(_FLOW, S.SUMMARY)
        return
    if data.mode is Mode.FIX_SUBMITTED:
        await ctx.goto(_FLOW, S.SUBMITTED)
        return
    if data.index == 0:
        ctx.note(_("Đây là chỉ tiêu đầu tiên."))
    else:
        data.index -= 1
    await _ask_value(ctx)


async def _skip(ctx: Context, element: DataElement) -> None:
    if element.required:
        ctx.note(_("Chỉ tiêu này bắt buộc, không thể bỏ qua."))
        await _ask_value(ctx)
        return
    await _accept(ctx, element, None)


async def _histories(ctx: Context, only: DataElement | None = None) -> Histories:
    """The unit's last period and the other units' values this period, read once; ``only``:
    the other units' values of that element alone (enough to judge one typed figure)."""
    before, previous = await _previous(ctx)
    period = await _period(ctx)
    peers = await peer_store.peer_figures(
        ctx.session, _period_id(ctx), None if only is None else [only.id]
    )
    return Histories(
        await ctx.campaign(_campaign_id(ctx)),
        _unit_id(ctx),
        previous,
        peers,
        same_year=before is not None and before.start_date.year == period.start_date.year,
    )


async def _doubt(
    ctx: Context, element: DataElement, value: str, histories: Histories | None = None
) -> str | None:
    """The question to confirm ``value`` if it looks wrong against the unit's last period, the
    other units, or its numerator/denominator; None when it is believable."""
    if element.value_type in (ValueType.TEXT, ValueType.BOOLEAN):
        return None
    histories = histories or await _histories(ctx, only=element)
    data = _data(ctx)
    values = data.stored if data.mode is Mode.FIX_SUBMITTED else _draft(ctx)
    return doubt(Decimal(value), rules_for(element), histories.of(element, values))


_AGAIN = N_("Nhập lại")


async def _ask_check(ctx: Context) -> None:
    data = _data(ctx)
    labels = [label for _value, label in data.options]
    ctx.say(data.question, [*labels, _(_AGAIN)])


async def _answer_check(ctx: Context, text: str) -> None:
    """Take one of the readings offered, type the figure again, or simply answer anew."""
    await _open_period(ctx)
    data = _data(ctx)
    options = data.options
    index = pick(text, [*(label for _value, label in options), _(_AGAIN)])
    element = await _current_element(ctx)
    if is_stop(text):
        _stop(ctx)
        return
    if index is None and len(options) == 1 and is_yes(text):  # "có", "đúng", "ok": confirmed
        index = 0
    if index is None and not is_paste(text) and correction(text, 999) is None:
        try:  # a new figure answers the question; anything else asks it again
            read_answer(text, element)
        except AskBack:
            pass
        except DomainError as error:
            ctx.note(error.user_message)
            await _ask_check(ctx)
            return
    data.options, data.question = [], ""
    ctx.state.step = S.VALUE
    if index is not None and index < len(options):
        await _accept(ctx, element, options[index][0])
    elif index == len(options):
        await _ask_value(ctx)
    else:
        await _answer_value(ctx, text)


async def _accept(
    ctx: Context, element: DataElement, value: str | None, figure: Figure | None = None
) -> None:
    data = _data(ctx)
    if data.mode is Mode.FIX_SUBMITTED:
        if value == data.stored.get(str(element.id)):
            ctx.note(_("Giá trị không thay đổi."))
            await ctx.goto(_FLOW, S.SUBMITTED)
            return
        data.new_value = value
        reason, data.reason = data.reason, ""
        if 3 <= len(reason) <= 300:
            await _record_correction(ctx, reason)
        else:
            await ctx.goto(_FLOW, S.REASON)
        return
    _draft(ctx)[str(element.id)] = value
    ctx.note(
        _("Đã ghi — {name}: {value}").format(
            name=element.name, value=figure.shown if figure else shown(element, value)
        )
        if value is not None
        else _("Đã bỏ qua: {name}").format(name=element.name)
    )
    await _next(ctx)


async def _next(ctx: Context) -> None:
    """After a figure: the next unclear pasted line, the next question (after a partial paste:
    the first element still unanswered), or the summary."""
    data = _data(ctx)
    elements = await _elements(ctx)
    draft = _draft(ctx)
    missing = [i for i, e in enumerate(elements) if str(e.id) not in draft]
    if data.mode is Mode.QUEUE and data.queue:
        index, text = data.queue.pop(0)
        data.index = index
        ctx.state.step = S.VALUE
        await _take_value(ctx, elements[index], text)
    elif data.mode is Mode.FIX_FILL:  # a correction mid-entry: back to where the person was
        _resume(data)
        await ctx.goto(_FLOW, S.VALUE)
    elif data.mode is Mode.QUEUE and missing:  # a partial paste: go on with the rest
        data.mode, data.index = Mode.FILL, missing[0]
        await ctx.goto(_FLOW, S.VALUE)
    elif data.mode is Mode.FILL and data.index + 1 < len(elements):
        data.index += 1
        await ctx.goto(_FLOW, S.VALUE)
    else:
        data.mode = Mode.FIX_DRAFT
        await ctx.goto(_FLOW, S.SUMMARY)


async def _take_paste(ctx: Context, text: str) -> None:
    """Every figure of a pasted message: the clear ones go into the draft at once, the unclear
    or unusual ones are asked one by one, then the next missing figure or the summary. Lines
    are never joined. Bare lines go in order from the question being asked (a whole report:
    from the first; elsewhere: from the first figure still missing)."""
    data = _data(ctx)
    if data.mode is Mode.FIX_SUBMITTED:
        ctx.note(_('Báo cáo đã nộp: sửa từng chỉ tiêu, ví dụ "sửa 4 13 tỷ vì nhập nhầm".'))
        await ctx.goto(_FLOW, S.SUBMITTED)
        return
    elements = await _elements(ctx)
    draft = _draft(ctx)
    lines = split_lines(text, [e.name for e in elements])
    missing = [i for i, e in enumerate(elements) if str(e.id) not in draft]
    filled: frozenset[int] = frozenset()
    if len(lines) == len(elements):
        start = 0  # a whole report: from the first figure, wherever it was pasted
    elif data.mode is Mode.FILL and ctx.state.step == S.VALUE:
        start = data.index
    else:  # in the middle of questions or at the summary: the figures still missing
        start = missing[0] if missing else 0
        filled = frozenset(range(len(elements))) - set(missing) if missing else frozenset()
    placed = place(lines, start, len(elements), filled)
    histories = await _histories(ctx)
    read: list[str] = []
    unclear: list[tuple[int, str]] = []
    done = 0
    for line in placed:
        if line.element is None:
            read.append(_unplaced(line.line, line.text, line.unknown_label))
            continue
        element = elements[line.element]
        echo = _paste_line(element, line.text, draft)
        value = draft.get(str(element.id))
        if echo is None or (value is not None and await _doubt(ctx, element, value, histories)):
            draft.pop(str(element.id), None)
            unclear.append((line.element, line.text))
            echo = _('{name}: ❓ "{text}" — hỏi lại bên dưới').format(
                name=element.name, text=line.text
            )
        else:
            done += 1
        read.append(_numbered(line.element, echo))
    data.short, data.mode, data.queue = False, Mode.QUEUE, unclear
    heading = _("Đã đọc {lines} dòng, ghi {done} chỉ tiêu").format(lines=len(placed), done=done)
    to_summary = not unclear and all(str(e.id) in draft for e in elements)
    # straight to the summary, which lists every figure: say only what it would not show
    shown_lines = (
        [line for line in read if " = " in line or line.startswith(_("Dòng"))]
        if to_summary
        else read
    )
    ctx.note(heading + (":\n" + "\n".join(shown_lines) if shown_lines else "."))
    await _next(ctx)


def _unplaced(number: int, text: str, label: str) -> str:
    """Why a pasted line went nowhere: its label names no element, or there was no element
    left for it."""
    if label:
        return _(
            'Dòng {n} "{text}": không rõ "{label}" là chỉ tiêu nào, chưa ghi. '
            'Hãy gõ lại dạng "số thứ tự: giá trị", ví dụ "5: 12".'
        ).format(n=number, text=text, label=label)
    return _('Dòng {n} "{text}": thừa, không có chỉ tiêu nào.').format(n=number, text=text)


def _paste_line(element: DataElement, text: str, draft: dict[str, str | None]) -> str | None:
    """Record one pasted line in ``draft``; its echo, or None when it must be asked."""
    if fold(text) in SKIP_WORDS and not element.required:
        draft[str(element.id)] = None
        return _("{name}: bỏ qua").format(name=element.name)
    try:
        figure = read_answer(text, element)
    except DomainError:
        return None
    draft[str(element.id)] = figure.value
    return f"{element.name}: {figure.shown}"


def _numbered(index: int, echo: str) -> str:
    return f"{index + 1}. {echo}"


_SUMMARY = (N_("Xác nhận nộp"), N_("Sửa một chỉ tiêu"), N_("Dừng, giữ bản nháp"))
_NOT_YET = frozenset({"khong", "ko", "k", "chua", "chua nop", "khong nop", "de sau"})
_SUMMARY_QUESTION = N_("Nộp báo cáo này?")


async def _ask_summary(ctx: Context) -> None:
    """The whole summary; after a one-line correction at the summary only the question (the
    echo above it says what changed)."""
    data = _data(ctx)
    if data.short:
        data.short = False
        ctx.say(_(_SUMMARY_QUESTION), [_(c) for c in _SUMMARY])
        return
    ctx.say(
        await _values_text(ctx, _draft(ctx)) + "\n\n" + _(_SUMMARY_QUESTION),
        [_(c) for c in _SUMMARY],
    )


async def _values_text(ctx: Context, values: dict[str, str | None]) -> str:
    """The values of every element, numbered, then the indicators computed from them."""
    elements = await _elements(ctx)
    campaign = await ctx.campaign(_campaign_id(ctx))
    lines = [_("Số liệu — {where}:").format(where=await _where(ctx))]
    lines += [
        f"{n}. {e.name}: {display_value(values.get(str(e.id)), rules_for(e))}"
        for n, e in enumerate(elements, 1)
    ]
    lines += indicator_lines(campaign, {int(k): v for k, v in values.items() if v is not None})
    lines.append(_('Sửa nhanh: gõ "sửa 4 13 tỷ" (số thứ tự rồi giá trị mới).'))
    return "\n".join(lines)


async def _answer_summary(ctx: Context, text: str) -> None:
    # "đúng" folds to the start of "Dừng, giữ bản nháp": the submit words are read first
    index = 0 if is_submit(text) and not is_stop(text) else pick(text, [_(c) for c in _SUMMARY])
    elements = await _elements(ctx)
    fix = correction(text, len(elements))
    if is_stop(text):
        _stop(ctx)
    elif is_paste(text):
        await _take_paste(ctx, text)
    elif fold(text) == "quay lai":
        _data(ctx).mode, _data(ctx).index = Mode.FILL, len(elements) - 1
        await ctx.goto(_FLOW, S.VALUE)
    elif index == 0:
        await _submit(ctx)
    elif fix is not None:
        _data(ctx).short = True
        await _correct(ctx, fix.index, fix.value, mode=Mode.FIX_DRAFT)
    elif fold(text).strip(" .!") in _NOT_YET:
        _stop(ctx)
    elif index == 1:
        _data(ctx).mode = Mode.FIX_DRAFT
        await ctx.goto(_FLOW, S.PICK)
    elif index == 2:
        _stop(ctx)
    else:
        ctx.say(
            _('Chưa hiểu. Gõ "nộp" (hoặc 1) để nộp, "sửa 4 13 tỷ" để sửa, "thôi" để dừng.')
            + "\n"
            + _(_SUMMARY_QUESTION),
            [_(c) for c in _SUMMARY],
        )


async def _correct(ctx: Context, index: int, value: str, *, mode: Mode) -> None:
    """Correct element ``index`` (0-based) with ``value``, or ask it when ``value`` is empty."""
    data = _data(ctx)
    data.mode, data.index = mode, index
    ctx.state.step = S.VALUE
    if value:
        await _take_value(ctx, await _current_element(ctx), value)
    else:
        await ctx.goto(_FLOW, S.VALUE)


async def _ask_pick(ctx: Context) -> None:
    elements = await _elements(ctx)
    ctx.say(_("Sửa chỉ tiêu nào? Gõ số thứ tự:"), [e.name for e in elements])


async def _answer_pick(ctx: Context, text: str) -> None:
    elements = await _elements(ctx)
    mode = need(_data(ctx).mode, "nhap.mode")
    fix = correction(text, len(elements))
    if fold(text) == "quay lai":
        await ctx.goto(_FLOW, S.SUBMITTED if mode is Mode.FIX_SUBMITTED else S.SUMMARY)
        return
    if is_paste(text):
        await _take_paste(ctx, text)
        return
    if fix is not None:
        await _correct(ctx, fix.index, fix.value, mode=mode)
        return
    index = pick(text, [e.name for e in elements])
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của chỉ tiêu (từ 1 đến {n}).").format(n=len(elements)))
        await _ask_pick(ctx)
        return
    _data(ctx).index = index
    await ctx.goto(_FLOW, S.VALUE)


async def _submit(ctx: Context) -> None:
    unit_id = _unit_id(ctx)
    period = await _open_period(ctx)
    earlier = await value_store.submission_of(ctx.session, unit_id, period.id)
    if earlier is not None:
        ctx.note(
            _(
                "Kỳ này đã có người khác của đơn vị nộp lúc {time}. Bản nháp của bạn vẫn được giữ; "
                'hãy so sánh và dùng "Sửa một chỉ tiêu" nếu cần.'
            ).format(time=moment(ctx.local(earlier.submitted_at)))
        )
        await ctx.goto(_FLOW, S.SUBMITTED)
        return
    elements = await _elements(ctx)
    draft = _draft(ctx)
    missing = [e.name for e in elements if e.required and draft.get(str(e.id)) is None]
    if missing:
        ctx.note(_("Còn thiếu chỉ tiêu bắt buộc: {names}.").format(names=", ".join(missing)))
        await _ask_summary(ctx)
        return
    assert ctx.reporter is not None
    changes = [Change(e.id, draft.get(str(e.id))) for e in elements]
    await value_store.write_values(
        ctx.session, unit_id, period.id, changes, ctx.reporter.id, ctx.now
    )
    late = campaign_store.period_dates(period).is_late(ctx.today)
    receipt = await value_store.submit(
        ctx.session, unit_id, period.id, ctx.reporter.id, ctx.now, late
    )
    unit = await ctx.session.get(OrgUnit, unit_id)
    campaign = await ctx.campaign(_campaign_id(ctx))
    assert unit is not None
    filled = sum(1 for e in elements if draft.get(str(e.id)) is not None)
    _drop_draft(ctx)
    ctx.finish()
    ctx.say(
        "\n".join(
            [
                _("✅ Đã nhận báo cáo {period} của {unit}.").format(
                    period=period_name(period.code), unit=unit.name
                ),
                _("Phong trào: {campaign}").format(campaign=short_name(campaign.name)),
                _("Số chỉ tiêu đã nhập: {filled}/{total}").format(
                    filled=filled, total=len(elements)
                ),
                _("Nộp lúc: {time} ({status})").format(
                    time=moment(ctx.local(ctx.now)),
                    status=_("trễ hạn") if late else _("đúng hạn"),
                ),
                _("Mã biên nhận: {receipt}").format(receipt=receipt.receipt),
            ]
        )
    )


_SUBMITTED = (N_("Sửa một chỉ tiêu"), N_("Xong"))


async def _ask_submitted(ctx: Context) -> None:
    unit_id, period_id = _unit_id(ctx), _period_id(ctx)
    stored = await value_store.values_of(ctx.session, unit_id, period_id)
    submission = await value_store.submission_of(ctx.session, unit_id, period_id)
    assert submission is not None
    header = _("Kỳ này đã nộp lúc {time} (mã biên nhận {receipt}).").format(
        time=moment(ctx.local(submission.submitted_at)), receipt=submission.receipt
    )
    text = await _values_text(ctx, {str(k): v for k, v in stored.items()})
    ctx.say(f"{header}\n{text}", [_(c) for c in _SUBMITTED])


async def _answer_submitted(ctx: Context, text: str) -> None:
    index = pick(text, [_(c) for c in _SUBMITTED])
    fix = correction(text, len(await _elements(ctx)))
    if fix is not None or index == 0:
        await _open_period(ctx)
        data = _data(ctx)
        stored = await value_store.values_of(ctx.session, _unit_id(ctx), _period_id(ctx))
        data.mode, data.stored = Mode.FIX_SUBMITTED, {str(k): v for k, v in stored.items()}
        if fix is None:
            await ctx.goto(_FLOW, S.PICK)
            return
        data.reason = fix.reason
        await _correct(ctx, fix.index, fix.value, mode=Mode.FIX_SUBMITTED)
    elif index == 1 or is_stop(text) or fold(text) in ("ok", "xong"):
        ctx.finish()
        ctx.say(_("Xong."))
    else:
        ctx.say(
            _('Gõ 1 hoặc "sửa 4 13 tỷ vì nhập nhầm" để sửa, 2 để kết thúc.'),
            [_(c) for c in _SUBMITTED],
        )


async def _ask_reason(ctx: Context) -> None:
    ctx.say(_("Lý do sửa số liệu đã nộp? (ví dụ: nhập nhầm, số liệu cập nhật)"))


async def _answer_reason(ctx: Context, text: str) -> None:
    reason = text.strip()
    if len(reason) < 3 or len(reason) > 300:
        ctx.note(_("Hãy ghi lý do ngắn gọn, từ 3 đến 300 ký tự."))
        await _ask_reason(ctx)
        return
    await _record_correction(ctx, reason)


async def _record_correction(ctx: Context, reason: str) -> None:
    """Write the corrected value of a submitted period with its reason (audited)."""
    data = _data(ctx)
    period = await _open_period(ctx)
    element = await _current_element(ctx)
    assert ctx.reporter is not None
    change = Change(element.id, data.new_value, reason)
    await value_store.write_values(
        ctx.session, _unit_id(ctx), period.id, [change], ctx.reporter.id, ctx.now
    )
    ctx.note(
        _("✅ Đã sửa {name}: {old} → {new}. Lý do: {reason}").format(
            name=element.name,
            old=shown(element, data.stored.get(str(element.id))),
            new=shown(element, data.new_value),
            reason=reason,
        )
    )
    await ctx.goto(_FLOW, S.SUBMITTED)


register(
    Flow(
        _FLOW,
        N_("nhập số liệu"),
        {
            S.CAMPAIGN: campaign_step(
                N_("Nhập số liệu cho phong trào nào?"), _choose_period, SubmissionData
            ),
            S.PERIOD: Step(_ask_period, _answer_period, idle=True),
            S.VALUE: Step(_ask_value, _answer_value),
            S.CHECK: Step(_ask_check, _answer_check),
            S.SUMMARY: Step(_ask_summary, _answer_summary),
            S.PICK: Step(_ask_pick, _answer_pick),
            S.SUBMITTED: Step(_ask_submitted, _answer_submitted, idle=True),
            S.REASON: Step(_ask_reason, _answer_reason),
        },
        SubmissionData,
    )
)
