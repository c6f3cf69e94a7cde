"""Figure submission (``/nhap``): one question per data element, a summary, a receipt.

Answers go into a draft kept with the conversation (``keep["drafts"]``), so ``/huy``, a bad
answer or a command in the middle loses nothing; the draft becomes data values only on
confirmation, in one transaction with the submission record and the audit rows. A submitted
period that is still open can be corrected value by value, each change with a reason.

A period is open from its first day to its lock date (khóa sổ); after that only for a unit the
office reopened it for (``/mokhoa``, ``storage.reopenings``), up to the reopening's last day.
"""

from __future__ import annotations

from typing import Any

from domain.campaign_spec import ValueType
from domain.errors import DomainError
from domain.periods import period_name
from domain.text import fold
from domain.validation import display_value, parse_value, unusual_change
from handlers.choices import pick
from handlers.common import YES_NO, campaign_step, day, moment, rules_for
from handlers.flow import Context, Flow, Step, command, register
from handlers.i18n import _
from handlers.indicators import indicator_lines
from handlers.units import current_unit
from storage import campaigns as campaign_store
from storage import reopenings as reopen_store
from storage import values as value_store
from storage.models import Campaign, DataElement, OrgUnit, Period
from storage.values import Change

_FLOW = "nhap"


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
    ctx.state.data = {"unit_id": unit.id, "campaigns": [c.id for c in choices]}
    if len(choices) == 1:
        await _choose_period(ctx, choices[0].id)
    else:
        await ctx.goto(_FLOW, "campaign")


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


async def _choose_period(ctx: Context, campaign_id: int) -> None:
    ctx.state.data["campaign_id"] = campaign_id
    periods = await _open_periods_for(ctx)
    if len(periods) == 1:
        await _begin_period(ctx, periods[0])
    else:
        await ctx.goto(_FLOW, "period")


async def _ensure_open(ctx: Context, period: Period) -> None:
    """Refuse to go on with a period past its lock date and not reopened for the unit (or
    past the reopening's last day); the draft stays kept."""
    unit_id = ctx.state.data["unit_id"]
    if not await reopen_store.is_open_for(ctx.session, period, unit_id, ctx.today):
        ctx.finish()
        raise PeriodLocked(period)


async def _open_periods_for(ctx: Context) -> list[Period]:
    """Open periods, the default first: the oldest one the unit has not submitted yet,
    else the newest."""
    campaign = await ctx.campaign(ctx.state.data["campaign_id"])
    reopened = await reopen_store.running_reopenings(
        ctx.session, ctx.state.data["unit_id"], ctx.today, [p.id for p in campaign.periods]
    )
    periods = reopen_store.open_periods(campaign, ctx.today, reopened)
    for period in periods:
        if (
            await value_store.submission_of(ctx.session, ctx.state.data["unit_id"], period.id)
            is None
        ):
            return [period, *[p for p in reversed(periods) if p is not period]]
    return list(reversed(periods))


async def _period_labels(ctx: Context, periods: list[Period]) -> list[str]:
    """``Quý 4/2026 (hạn nộp 10/01/2027)``; a period open only because the office reopened
    it for the unit: ``Quý 3/2026 (mở lại đến 24/11/2026)``."""
    reopened = await reopen_store.running_reopenings(
        ctx.session, ctx.state.data["unit_id"], ctx.today, [p.id for p in periods]
    )
    labels = []
    for period in periods:
        until = reopen_store.reopened_only(period, ctx.today, reopened)
        labels.append(
            _("{name} (mở lại đến {until})").format(name=period_name(period.code), until=day(until))
            if until
            else _("{name} (hạn nộp {due})").format(
                name=period_name(period.code), due=day(period.due_date)
            )
        )
    return labels


async def _ask_period(ctx: Context) -> None:
    periods = await _open_periods_for(ctx)
    if not periods:
        ctx.finish()
        ctx.say(_("Hiện không còn kỳ báo cáo nào đang mở."))
        return
    ctx.state.data["period_ids"] = [p.id for p in periods]
    ctx.say(_("Chọn kỳ báo cáo (số 1 là kỳ cần nộp bây giờ):"), await _period_labels(ctx, periods))


async def _answer_period(ctx: Context, text: str) -> None:
    """Pick from the periods as they were shown, even if the list changed since."""
    periods = [await _get_period(ctx, pid) for pid in ctx.state.data["period_ids"]]
    index = pick(text, await _period_labels(ctx, periods))
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của kỳ báo cáo."))
        await _ask_period(ctx)
        return
    await _begin_period(ctx, periods[index])


async def _begin_period(ctx: Context, period: Period) -> None:
    await _ensure_open(ctx, period)
    data = ctx.state.data
    data["period_id"] = period.id
    if ctx.today > period.lock_date:  # let through above, so reopened: say until when
        until = await reopen_store.reopened_until(ctx.session, period.id, data["unit_id"])
        assert until is not None
        ctx.note(
            _("Kỳ {period} được văn phòng mở lại cho đơn vị đến hết ngày {until}.").format(
                period=period_name(period.code), until=day(until)
            )
        )
    if await value_store.submission_of(ctx.session, data["unit_id"], period.id):
        await ctx.goto(_FLOW, "submitted")
        return
    draft = _draft(ctx)
    elements = await _elements(ctx)
    answered = [e for e in elements if str(e.id) in draft]
    data["mode"] = "fill"
    data["index"] = next(
        (i for i, e in enumerate(elements) if str(e.id) not in draft), len(elements)
    )
    if answered:
        ctx.note(
            _("Tiếp tục bản nháp: đã nhập {done}/{total} chỉ tiêu.").format(
                done=len(answered), total=len(elements)
            )
        )
    if data["index"] >= len(elements):
        await ctx.goto(_FLOW, "summary")
    else:
        await ctx.goto(_FLOW, "value")


def _draft(ctx: Context) -> dict[str, Any]:
    key = f"{ctx.state.data['unit_id']}:{ctx.state.data['period_id']}"
    drafts: dict[str, dict[str, Any]] = ctx.state.keep.setdefault("drafts", {})
    return drafts.setdefault(key, {})


def _drop_draft(ctx: Context) -> None:
    key = f"{ctx.state.data['unit_id']}:{ctx.state.data['period_id']}"
    ctx.state.keep.get("drafts", {}).pop(key, None)


async def _elements(ctx: Context) -> list[DataElement]:
    return list((await ctx.campaign(ctx.state.data["campaign_id"])).elements)


async def _get_period(ctx: Context, period_id: int) -> Period:
    period = await ctx.session.get(Period, period_id)
    assert period is not None
    return period


async def _period(ctx: Context) -> Period:
    return await _get_period(ctx, ctx.state.data["period_id"])


async def _open_period(ctx: Context) -> Period:
    """The period being entered, refused (PeriodLocked) once past its lock date (or, when
    reopened for the unit, past the reopening's last day)."""
    period = await _period(ctx)
    await _ensure_open(ctx, period)
    return period


async def _previous(ctx: Context) -> tuple[Period | None, dict[int, str]]:
    """The period before the current one and the unit's values in it."""
    campaign = await ctx.campaign(ctx.state.data["campaign_id"])
    ids = [p.id for p in campaign.periods]
    position = ids.index(ctx.state.data["period_id"])
    if position == 0:
        return None, {}
    before = campaign.periods[position - 1]
    return before, await value_store.values_of(ctx.session, ctx.state.data["unit_id"], before.id)


async def _current_element(ctx: Context) -> DataElement:
    elements = await _elements(ctx)
    return elements[int(ctx.state.data["index"])]


async def _ask_value(ctx: Context) -> None:
    elements = await _elements(ctx)
    index = ctx.state.data["index"]
    element = elements[index]
    rules = rules_for(element)
    unit = await ctx.session.get(OrgUnit, ctx.state.data["unit_id"])
    period = await _period(ctx)
    before, previous = await _previous(ctx)
    assert unit is not None
    lines = [
        f"{period_name(period.code)} · {unit.name}",
        _("Chỉ tiêu {n}/{total}: {name}").format(
            n=index + 1, total=len(elements), name=element.name
        )
        + (_(" (lũy kế từ đầu năm)") if element.cumulative else ""),
    ]
    if element.measure_unit and element.value_type not in (ValueType.BOOLEAN, ValueType.TEXT):
        lines.append(_("Đơn vị tính: {unit}").format(unit=element.measure_unit))
    if element.target is not None:
        lines.append(_("Kế hoạch: {value}").format(value=display_value(element.target, rules)))
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
    lines.append(_hint(element, ctx.state.data["mode"]))
    choices = YES_NO if element.value_type is ValueType.BOOLEAN else ()
    ctx.say("\n".join(lines), choices)


def _current_value(ctx: Context, element: DataElement) -> str | None:
    source = (
        ctx.state.data.get("stored", {})
        if ctx.state.data.get("mode") == "fix_submitted"
        else _draft(ctx)
    )
    value: str | None = source.get(str(element.id))
    return value


def _hint(element: DataElement, mode: str) -> str:
    how = {
        ValueType.NUMBER: _("Nhập số, ví dụ 12.500 hoặc 12,5."),
        ValueType.INTEGER: _("Nhập số nguyên, ví dụ 125."),
        ValueType.PERCENTAGE: _("Nhập tỷ lệ %, ví dụ 95,15."),
        ValueType.BOOLEAN: _("Trả lời Có hoặc Không."),
        ValueType.TEXT: _("Nhập nội dung."),
    }[element.value_type]
    extra = [] if element.required else [_("bỏ qua: không có số liệu")]
    extra += {
        "fill": [_("quay lại: sửa chỉ tiêu trước"), _("/huy: dừng, giữ nháp")],
        "fix_draft": [_("quay lại: về bảng tóm tắt"), _("/huy: dừng, giữ nháp")],
        "fix_submitted": [_("quay lại: không sửa nữa"), _("/huy: dừng")],
    }[mode]
    return f"{how}\n({' · '.join(extra)})"


_KEEP_WORDS = {"giu", "giu nguyen", "ok", "giu so cu"}


async def _answer_value(ctx: Context, text: str) -> None:
    await _open_period(ctx)
    element = await _current_element(ctx)
    word = fold(text)
    current = _current_value(ctx, element)
    if word == "quay lai":
        await _go_back(ctx)
    elif word == "bo qua":
        await _skip(ctx, element)
    elif word in _KEEP_WORDS and current is not None:
        await _accept(ctx, element, current)
    else:
        await _take_value(ctx, element, text)


async def _take_value(ctx: Context, element: DataElement, text: str) -> None:
    """Read, check and (after a question if it looks unusual) record one typed value."""
    try:
        value = _read(text, element)
    except DomainError as error:
        ctx.note(error.user_message)
        await _ask_value(ctx)
        return
    question = await _unusual(ctx, element, value)
    if question:
        ctx.state.data.update(pending=value, question=question)
        await ctx.goto(_FLOW, "check")
        return
    await _accept(ctx, element, value)


def _read(text: str, element: DataElement) -> str:
    """The canonical value of ``text``; for yes/no, the numbered choices count too."""
    if element.value_type is ValueType.BOOLEAN:
        index = pick(text, YES_NO)
        if index is not None:
            return "1" if index == 0 else "0"
    return parse_value(text, rules_for(element))


async def _go_back(ctx: Context) -> None:
    data = ctx.state.data
    if data["mode"] == "fix_draft":
        await ctx.goto(_FLOW, "summary")
        return
    if data["mode"] == "fix_submitted":
        await ctx.goto(_FLOW, "submitted")
        return
    if data["index"] == 0:
        ctx.note(_("Đây là chỉ tiêu đầu tiên."))
    else:
        data["index"] -= 1
    await _ask_value(ctx)


async def _skip(ctx: Context, element: DataElement) -> None:
    if element.required:
        ctx.note(_("Chỉ tiêu này bắt buộc, không thể bỏ qua."))
        await _ask_value(ctx)
        return
    await _accept(ctx, element, None)


async def _unusual(ctx: Context, element: DataElement, value: str) -> str | None:
    before, previous = await _previous(ctx)
    if before is None:
        return None
    period = await _period(ctx)
    return unusual_change(
        value,
        previous.get(element.id),
        rules_for(element),
        cumulative=element.cumulative,
        same_year=before.start_date.year == period.start_date.year,
    )


_CHECK = ("Đúng, giữ số này", "Nhập lại")


async def _ask_check(ctx: Context) -> None:
    ctx.say(ctx.state.data["question"], [_(c) for c in _CHECK])


async def _answer_check(ctx: Context, text: str) -> None:
    """Keep the unusual value, type it again, or simply answer with a new value."""
    await _open_period(ctx)
    index = pick(text, [_(c) for c in _CHECK])
    element = await _current_element(ctx)
    pending = ctx.state.data.pop("pending")
    ctx.state.data.pop("question")
    ctx.state.step = "value"
    if index == 0:
        await _accept(ctx, element, pending)
    elif index == 1:
        await _ask_value(ctx)
    else:
        await _answer_value(ctx, text)


async def _accept(ctx: Context, element: DataElement, value: str | None) -> None:
    data = ctx.state.data
    rules = rules_for(element)
    if data["mode"] == "fix_submitted":
        if value == data["stored"].get(str(element.id)):
            ctx.note(_("Giá trị không thay đổi."))
            await ctx.goto(_FLOW, "submitted")
            return
        data["new_value"] = value
        await ctx.goto(_FLOW, "reason")
        return
    _draft(ctx)[str(element.id)] = value
    ctx.note(
        _("Đã ghi: {value}").format(value=display_value(value, rules))
        if value is not None
        else _("Đã bỏ qua: {name}").format(name=element.name)
    )
    elements = await _elements(ctx)
    if data["mode"] == "fill" and data["index"] + 1 < len(elements):
        data["index"] += 1
        await ctx.goto(_FLOW, "value")
    else:
        await ctx.goto(_FLOW, "summary")


_SUMMARY = ("Xác nhận nộp", "Sửa một chỉ tiêu", "Dừng, giữ bản nháp")


async def _ask_summary(ctx: Context) -> None:
    ctx.say(
        await _values_text(ctx, _draft(ctx)) + "\n\n" + _("Nộp báo cáo này?"),
        [_(c) for c in _SUMMARY],
    )


async def _values_text(ctx: Context, values: dict[str, Any]) -> str:
    """The values of every element, numbered, then the indicators computed from them."""
    elements = await _elements(ctx)
    campaign = await ctx.campaign(ctx.state.data["campaign_id"])
    unit = await ctx.session.get(OrgUnit, ctx.state.data["unit_id"])
    period = await _period(ctx)
    assert unit is not None
    lines = [
        _("Số liệu {period} — {unit}:").format(period=period_name(period.code), unit=unit.name)
    ]
    lines += [
        f"{n}. {e.name}: {display_value(values.get(str(e.id)), rules_for(e))}"
        for n, e in enumerate(elements, 1)
    ]
    lines += indicator_lines(campaign, {int(k): v for k, v in values.items() if v is not None})
    return "\n".join(lines)


async def _answer_summary(ctx: Context, text: str) -> None:
    index = pick(text, [_(c) for c in _SUMMARY])
    if fold(text) == "quay lai":
        ctx.state.data.update(mode="fill", index=len(await _elements(ctx)) - 1)
        await ctx.goto(_FLOW, "value")
    elif index == 0:
        await _submit(ctx)
    elif index == 1:
        ctx.state.data["mode"] = "fix_draft"
        await ctx.goto(_FLOW, "pick")
    elif index == 2:
        ctx.finish()
        ctx.say(_("Đã dừng. Bản nháp được giữ lại; gõ /nhap để tiếp tục."))
    else:
        ctx.note(_("Hãy gõ 1 để nộp, 2 để sửa, 3 để dừng."))
        await _ask_summary(ctx)


async def _ask_pick(ctx: Context) -> None:
    elements = await _elements(ctx)
    ctx.say(_("Sửa chỉ tiêu nào? Gõ số thứ tự:"), [e.name for e in elements])


async def _answer_pick(ctx: Context, text: str) -> None:
    elements = await _elements(ctx)
    if fold(text) == "quay lai":
        back = "submitted" if ctx.state.data["mode"] == "fix_submitted" else "summary"
        await ctx.goto(_FLOW, back)
        return
    index = pick(text, [e.name for e in elements])
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của chỉ tiêu (từ 1 đến {n}).").format(n=len(elements)))
        await _ask_pick(ctx)
        return
    ctx.state.data["index"] = index
    await ctx.goto(_FLOW, "value")


async def _submit(ctx: Context) -> None:
    data = ctx.state.data
    period = await _open_period(ctx)
    earlier = await value_store.submission_of(ctx.session, data["unit_id"], period.id)
    if earlier is not None:
        ctx.note(
            _(
                "Kỳ này đã có người khác của đơn vị nộp lúc {time}. Bản nháp của bạn vẫn được giữ; "
                'hãy so sánh và dùng "Sửa một chỉ tiêu" nếu cần.'
            ).format(time=moment(ctx.local(earlier.submitted_at)))
        )
        await ctx.goto(_FLOW, "submitted")
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
        ctx.session, data["unit_id"], period.id, changes, ctx.reporter.id, ctx.now
    )
    late = campaign_store.period_dates(period).is_late(ctx.today)
    receipt = await value_store.submit(
        ctx.session, data["unit_id"], period.id, ctx.reporter.id, ctx.now, late
    )
    unit = await ctx.session.get(OrgUnit, data["unit_id"])
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


_SUBMITTED = ("Sửa một chỉ tiêu", "Xong")


async def _ask_submitted(ctx: Context) -> None:
    data = ctx.state.data
    stored = await value_store.values_of(ctx.session, data["unit_id"], data["period_id"])
    submission = await value_store.submission_of(ctx.session, data["unit_id"], data["period_id"])
    assert submission is not None
    header = _("Kỳ này đã nộp lúc {time} (mã biên nhận {receipt}).").format(
        time=moment(ctx.local(submission.submitted_at)), receipt=submission.receipt
    )
    text = await _values_text(ctx, {str(k): v for k, v in stored.items()})
    ctx.say(f"{header}\n{text}", [_(c) for c in _SUBMITTED])


async def _answer_submitted(ctx: Context, text: str) -> None:
    index = pick(text, [_(c) for c in _SUBMITTED])
    if index == 0:
        await _open_period(ctx)
        data = ctx.state.data
        stored = await value_store.values_of(ctx.session, data["unit_id"], data["period_id"])
        data.update(mode="fix_submitted", stored={str(k): v for k, v in stored.items()})
        await ctx.goto(_FLOW, "pick")
    elif index == 1:
        ctx.finish()
        ctx.say(_("Xong."))
    else:
        ctx.note(_("Hãy gõ 1 để sửa hoặc 2 để kết thúc."))
        await _ask_submitted(ctx)


async def _ask_reason(ctx: Context) -> None:
    ctx.say(_("Lý do sửa số liệu đã nộp? (ví dụ: nhập nhầm, số liệu cập nhật)"))


async def _answer_reason(ctx: Context, text: str) -> None:
    reason = text.strip()
    if len(reason) < 3 or len(reason) > 300:
        ctx.note(_("Hãy ghi lý do ngắn gọn, từ 3 đến 300 ký tự."))
        await _ask_reason(ctx)
        return
    data = ctx.state.data
    period = await _open_period(ctx)
    element = await _current_element(ctx)
    assert ctx.reporter is not None
    change = Change(element.id, data["new_value"], reason)
    await value_store.write_values(
        ctx.session, data["unit_id"], period.id, [change], ctx.reporter.id, ctx.now
    )
    rules = rules_for(element)
    ctx.note(
        _("✅ Đã sửa {name}: {old} → {new}. Lý do: {reason}").format(
            name=element.name,
            old=display_value(data["stored"].get(str(element.id)), rules),
            new=display_value(data["new_value"], rules),
            reason=reason,
        )
    )
    await ctx.goto(_FLOW, "submitted")


register(
    Flow(
        _FLOW,
        "nhập số liệu",
        {
            "campaign": campaign_step("Nhập số liệu cho phong trào nào?", _choose_period),
            "period": Step(_ask_period, _answer_period, idle=True),
            "value": Step(_ask_value, _answer_value),
            "check": Step(_ask_check, _answer_check),
            "summary": Step(_ask_summary, _answer_summary),
            "pick": Step(_ask_pick, _answer_pick),
            "submitted": Step(_ask_submitted, _answer_submitted, idle=True),
            "reason": Step(_ask_reason, _answer_reason),
        },
    )
)
