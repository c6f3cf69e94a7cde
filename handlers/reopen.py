"""Reopening a locked period for one unit (``/mokhoa``, office only).

The office chooses the campaign, a period past its lock date (newest first), the unit (those
that have not submitted first), and for how many days from today; after a confirmation the
reopening is stored (``storage.reopenings``) and the unit's people are sent a message telling
them to type /nhap. ``/nhap`` then lets that unit, and only that unit, enter and correct the
period's figures up to the reopening's last day; submissions are late (past the due date).

Shortcut: ``/mokhoa P2 2026Q3 5`` (unit code, period code, days, campaign code: any order,
each optional) skips the questions answered; an unknown or unsuitable word is said and its
question asked instead. Every answer is typed text (numbers pick from the lists), so the
conversation works on channels without buttons.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from domain.clock import day
from domain.i18n import N_, _
from domain.periods import period_name
from domain.text import fold
from handlers.choices import pick
from handlers.codec import need
from handlers.common import campaign_step
from handlers.flow import Context, Flow, Step, command, register
from handlers.office import choose_campaign, refuse_if_not_office
from handlers.state import FlowName, ReopenData, ReopenStep, Shortcut
from services.reopen import MAX_DAYS, reopen_for_unit
from storage import campaigns as campaign_store
from storage import reopenings as reopen_store
from storage.models import Campaign, OrgUnit, Period

_FLOW = FlowName.MOKHOA
S = ReopenStep

# a reopening lasts 1..MAX_DAYS days (services.reopen); "ok" takes ctx.reopen_days (REOPEN_DAYS)
# Units shown as a numbered list; others are found by typing their code or name.
MAX_LISTED_UNITS = 40

_DEFAULT_WORDS = {"ok", "dong y", "mac dinh", "co", "u"}

_Row = TypeVar("_Row", Period, OrgUnit)


@command("mokhoa")
async def reopen_command(ctx: Context, args: str) -> None:
    """Start ``/mokhoa``: choose campaign, period, unit and days (or take them from ``args``)."""
    if refuse_if_not_office(ctx):
        return
    shortcut, rest = _split_days(args)

    async def chosen(ctx: Context, campaign_id: int) -> None:
        await _campaign_chosen(ctx, campaign_id, shortcut)

    await choose_campaign(ctx, await _with_unit_campaigns(ctx, rest), _FLOW, chosen, ReopenData())
    if ctx.state.flow == _FLOW and ctx.state.step == S.CAMPAIGN:  # asked which: keep the args
        _data(ctx).shortcut = shortcut


def _data(ctx: Context) -> ReopenData:
    """This flow's data (``handlers.state``)."""
    return ctx.data(ReopenData)


def _split_days(args: str) -> tuple[Shortcut, str]:
    """The shortcut's words without the number of days, and that number; and ``args``
    without it (so it is not taken for a period code)."""
    words = args.upper().split()
    days = next((w for w in words if w.isdigit() and len(w) <= 3), None)
    rest = [w for w in words if w != days]
    return Shortcut(rest, int(days) if days else None), " ".join(rest)


async def _with_unit_campaigns(ctx: Context, args: str) -> str:
    """``args`` plus the codes of the campaigns of a unit named in it, when no campaign code
    is, so that ``choose_campaign`` only considers the campaigns that unit takes part in."""
    words = args.upper().split()
    codes = {c.code.upper() for c in await campaign_store.list_campaigns(ctx.session)}
    if codes & set(words):
        return args
    for word in words:
        unit = await campaign_store.find_unit(ctx.session, word)
        if unit is not None:
            joined = await campaign_store.campaigns_of_unit(ctx.session, unit.id)
            return " ".join([args, *(c.code for c in joined)])
    return args


async def _campaign_step_chosen(ctx: Context, campaign_id: int) -> None:
    await _campaign_chosen(ctx, campaign_id, _data(ctx).shortcut or Shortcut())


async def _campaign_chosen(ctx: Context, campaign_id: int, shortcut: Shortcut) -> None:
    """Take what the shortcut gave (saying what does not fit), then ask what is missing."""
    campaign = await ctx.campaign(campaign_id)
    wanted = _data(ctx).period
    data = ctx.set_data(ReopenData(campaign_id=campaign_id))
    locked = _locked_periods(campaign, ctx)
    if not locked:
        ctx.finish()
        ctx.say(
            _("Phong trào {campaign} chưa có kỳ báo cáo nào khóa sổ.").format(
                campaign=campaign.name
            )
        )
        return
    if wanted:
        _take_period(ctx, campaign, locked, wanted)
    words = [w for w in shortcut.words if w != wanted and w != campaign.code.upper()]
    if words:
        await _take_unit(ctx, campaign, words)
    days = shortcut.days
    if days is not None:
        if 1 <= days <= MAX_DAYS:
            data.days = days
        else:
            ctx.note(_days_rule())
    await _next(ctx)


def _take_period(ctx: Context, campaign: Campaign, locked: list[Period], wanted: str) -> None:
    period = next((p for p in campaign.periods if p.code.upper() == wanted.upper()), None)
    if period is None:
        ctx.note(_("Không tìm thấy kỳ báo cáo {period}.").format(period=wanted))
    elif period not in locked:
        ctx.note(
            _("Kỳ {period} chưa khóa sổ (hạn khóa sổ {lock}), các đơn vị vẫn nhập được.").format(
                period=period_name(period.code), lock=day(period.lock_date)
            )
        )
    else:
        _data(ctx).period_id = period.id


async def _take_unit(ctx: Context, campaign: Campaign, words: list[str]) -> None:
    units = await campaign_store.campaign_units(ctx.session, campaign.id)
    found = next((u for u in units if u.code.upper() in words), None)
    if found is None:
        ctx.note(
            _("Không tìm thấy đơn vị {code} trong phong trào này.").format(code=" ".join(words))
        )
    else:
        _data(ctx).unit_id = found.id


async def _next(ctx: Context) -> None:
    """Ask the first question not answered yet, else the confirmation."""
    data = _data(ctx)
    for value, step in ((data.period_id, S.PERIOD), (data.unit_id, S.UNIT), (data.days, S.DAYS)):
        if value is None:
            await ctx.goto(_FLOW, step)
            return
    await ctx.goto(_FLOW, S.CONFIRM)


def _locked_periods(campaign: Campaign, ctx: Context) -> list[Period]:
    """The campaign's periods past their lock date, newest first."""
    return [p for p in reversed(campaign.periods) if ctx.today > p.lock_date]


def _period_label(period: Period) -> str:
    return _("{name} (khóa sổ {lock})").format(
        name=period_name(period.code), lock=day(period.lock_date)
    )


def _campaign_id(ctx: Context) -> int:
    return need(_data(ctx).campaign_id, "mokhoa.campaign_id")


def _period_id(ctx: Context) -> int:
    return need(_data(ctx).period_id, "mokhoa.period_id")


def _unit_id(ctx: Context) -> int:
    return need(_data(ctx).unit_id, "mokhoa.unit_id")


def _days(ctx: Context) -> int:
    return need(_data(ctx).days, "mokhoa.days")


async def _ask_period(ctx: Context) -> None:
    campaign = await ctx.campaign(_campaign_id(ctx))
    periods = _locked_periods(campaign, ctx)
    _data(ctx).period_ids = [p.id for p in periods]
    ctx.say(
        _("Mở lại kỳ nào? (các kỳ đã khóa sổ, mới nhất trước)"),
        [_period_label(p) for p in periods],
    )


async def _answer_period(ctx: Context, text: str) -> None:
    """Pick from the periods as they were shown."""
    periods = [await _get(ctx, Period, pid) for pid in _data(ctx).period_ids]
    index = pick(text, [_period_label(p) for p in periods])
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của kỳ báo cáo."))
        await _ask_period(ctx)
        return
    _data(ctx).period_id = periods[index].id
    await _next(ctx)


async def _units_in_order(ctx: Context) -> tuple[list[OrgUnit], list[str]]:
    """The campaign's units, those that have not submitted the period first (campaign order
    otherwise), with their labels: ``Phường 2 (chưa nộp, đang mở lại đến 24/11/2026)``."""
    period_id = _period_id(ctx)
    units = await campaign_store.campaign_units(ctx.session, _campaign_id(ctx))
    submitted = await reopen_store.submitted_unit_ids(ctx.session, period_id)
    running = await reopen_store.running_for_period(ctx.session, period_id, ctx.today)
    units.sort(key=lambda u: u.id in submitted)  # stable: campaign order within each group
    labels = []
    for unit in units:
        marks = [_("đã nộp") if unit.id in submitted else _("chưa nộp")]
        if unit.id in running:
            marks.append(_("đang mở lại đến {until}").format(until=day(running[unit.id])))
        labels.append(f"{unit.name} ({', '.join(marks)})")
    return units, labels


async def _ask_unit(ctx: Context) -> None:
    period = await _get(ctx, Period, _period_id(ctx))
    units, labels = await _units_in_order(ctx)
    _data(ctx).unit_ids = [u.id for u in units[:MAX_LISTED_UNITS]]
    text = _("Mở lại kỳ {period} cho đơn vị nào? Gõ số thứ tự hoặc mã đơn vị.").format(
        period=period_name(period.code)
    )
    if len(units) > MAX_LISTED_UNITS:
        text += "\n" + _("(Còn {count} đơn vị khác: gõ mã hoặc tên đơn vị.)").format(
            count=len(units) - MAX_LISTED_UNITS
        )
    ctx.say(text, labels[:MAX_LISTED_UNITS])


async def _answer_unit(ctx: Context, text: str) -> None:
    """A number from the list as shown, else a unit code, else the start of one unit's name."""
    units, labels = await _units_in_order(ctx)
    by_id = {u.id: (u, label) for u, label in zip(units, labels, strict=True)}
    shown = [by_id[uid] for uid in _data(ctx).unit_ids if uid in by_id]
    index = pick(text, [label for _u, label in shown])
    chosen: OrgUnit | None = shown[index][0] if index is not None else None
    if chosen is None:
        code = text.strip().upper()
        chosen = next((u for u in units if u.code.upper() == code), None)
    if chosen is None and not fold(text).isdigit():
        found = pick(text, labels)
        chosen = units[found] if found is not None else None
    if chosen is None:
        ctx.note(_("Hãy gõ số thứ tự hoặc mã của đơn vị."))
        await _ask_unit(ctx)
        return
    _data(ctx).unit_id = chosen.id
    await _next(ctx)


def _days_rule() -> str:
    return _("Số ngày mở lại phải là số nguyên từ 1 đến {max}.").format(max=MAX_DAYS)


async def _ask_days(ctx: Context) -> None:
    until = ctx.today + timedelta(days=ctx.reopen_days)
    ctx.say(
        _(
            "Mở lại trong bao nhiêu ngày, tính từ hôm nay? Gõ số ngày (từ 1 đến {max}), "
            "hoặc gõ ok để lấy {days} ngày (đến hết ngày {until})."
        ).format(max=MAX_DAYS, days=ctx.reopen_days, until=day(until))
    )


async def _answer_days(ctx: Context, text: str) -> None:
    word = fold(text).removesuffix("ngay").strip()
    days = ctx.reopen_days if word in _DEFAULT_WORDS else int(word) if word.isdigit() else 0
    if not 1 <= days <= MAX_DAYS:
        ctx.note(_days_rule())
        await _ask_days(ctx)
        return
    _data(ctx).days = days
    await _next(ctx)


_CONFIRM = (N_("Đồng ý mở lại"), N_("Đổi số ngày"), N_("Không mở lại"))


async def _ask_confirm(ctx: Context) -> None:
    campaign = await ctx.campaign(_campaign_id(ctx))
    period = await _get(ctx, Period, _period_id(ctx))
    unit = await _get(ctx, OrgUnit, _unit_id(ctx))
    days = _days(ctx)
    ctx.say(
        _(
            "Mở lại kỳ {period} ({campaign}) cho đơn vị {unit} đến hết ngày {until} "
            "({days} ngày)? Đơn vị sẽ được nhắn tin báo."
        ).format(
            period=period_name(period.code),
            campaign=campaign.name,
            unit=unit.name,
            until=day(ctx.today + timedelta(days=days)),
            days=days,
        ),
        [_(c) for c in _CONFIRM],
    )


async def _answer_confirm(ctx: Context, text: str) -> None:
    index = pick(text, [_(c) for c in _CONFIRM])
    if index == 0:
        await _reopen(ctx)
    elif index == 1:
        _data(ctx).days = None
        await ctx.goto(_FLOW, S.DAYS)
    elif index == 2:
        ctx.finish()
        ctx.say(_("Đã hủy, chưa mở lại kỳ nào."))
    else:
        ctx.note(_("Hãy gõ 1 để đồng ý, 2 để đổi số ngày, 3 để không mở lại."))
        await _ask_confirm(ctx)


async def _reopen(ctx: Context) -> None:
    """Store the reopening, tell the office, and queue a message to the unit's people
    (:mod:`services.reopen`)."""
    period = await _get(ctx, Period, _period_id(ctx))
    unit = await _get(ctx, OrgUnit, _unit_id(ctx))
    campaign = await ctx.campaign(_campaign_id(ctx))
    by = need(ctx.reporter, "reporter").id
    answer = await reopen_for_unit(
        ctx.session, campaign, period, unit, _days(ctx), by_id=by, now=ctx.now, today=ctx.today
    )
    ctx.finish()
    ctx.say(answer)


async def _get(ctx: Context, model: type[_Row], row_id: int) -> _Row:
    found = await ctx.session.get(model, row_id)
    assert found is not None
    return found


register(
    Flow(
        _FLOW,
        N_("mở lại kỳ đã khóa sổ"),
        {
            S.CAMPAIGN: campaign_step(
                N_("Mở lại kỳ báo cáo của phong trào nào?"), _campaign_step_chosen, ReopenData
            ),
            S.PERIOD: Step(_ask_period, _answer_period, idle=True),
            S.UNIT: Step(_ask_unit, _answer_unit, idle=True),
            S.DAYS: Step(_ask_days, _answer_days, idle=True),
            S.CONFIRM: Step(_ask_confirm, _answer_confirm, idle=True),
        },
        ReopenData,
    )
)
