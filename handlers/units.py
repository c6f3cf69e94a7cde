"""Which unit a person acts for: chosen once (``/donvi``) and remembered."""

from __future__ import annotations

from domain.i18n import N_, _
from handlers.choices import pick
from handlers.flow import COMMANDS, Context, Flow, Step, command, register
from handlers.state import BindingStep, FlowName, UnitChoiceData, UnitStep
from storage.accounts import units_of
from storage.models import OrgUnit


async def current_unit(ctx: Context, then: str) -> OrgUnit | None:
    """The unit the person acts for, or None after asking (then ``/then`` resumes).

    With one unit it is that one; with several, the one chosen last, else the person is asked.
    """
    units = await units_of(ctx.session, ctx.reporter.id) if ctx.reporter else []
    if not units:
        ctx.note(_("Bạn chưa liên kết với đơn vị nào."))
        await ctx.goto(FlowName.LIENKET, BindingStep.CODE)
        return None
    if len(units) == 1:
        return units[0]
    chosen = ctx.keep.unit_id
    for unit in units:
        if unit.id == chosen:
            return unit
    ctx.set_data(UnitChoiceData(then=then))
    await ctx.goto(FlowName.DONVI, UnitStep.CHOOSE)
    return None


async def _ask(ctx: Context) -> None:
    assert ctx.reporter is not None
    units = await units_of(ctx.session, ctx.reporter.id)
    ctx.say(_("Bạn làm việc cho đơn vị nào?"), [unit.name for unit in units])


async def _answer(ctx: Context, text: str) -> None:
    assert ctx.reporter is not None
    units = await units_of(ctx.session, ctx.reporter.id)
    index = pick(text, [unit.name for unit in units])
    if index is None:
        ctx.note(_("Hãy gõ số thứ tự của đơn vị."))
        await _ask(ctx)
        return
    ctx.keep.unit_id = units[index].id
    then = ctx.data(UnitChoiceData).then
    ctx.finish()
    ctx.note(_("Đang làm việc cho: {unit}.").format(unit=units[index].name))
    if then:
        await COMMANDS[then](ctx, "")
    else:
        ctx.flush_notes()


register(
    Flow(
        FlowName.DONVI,
        N_("chọn đơn vị"),
        {UnitStep.CHOOSE: Step(_ask, _answer, idle=True)},
        UnitChoiceData,
    )
)


@command("donvi")
async def choose_unit(ctx: Context, _args: str) -> None:
    """``/donvi``: choose which unit to act for."""
    if ctx.reporter is None:
        ctx.say(_("Bạn chưa liên kết với đơn vị nào. Gõ /start để bắt đầu."))
        return
    units = await units_of(ctx.session, ctx.reporter.id)
    if len(units) <= 1:
        ctx.say(
            _("Bạn đại diện cho: {unit}.").format(unit=units[0].name)
            if units
            else _("Bạn chưa liên kết với đơn vị nào. Gõ /start để bắt đầu.")
        )
        return
    ctx.set_data(UnitChoiceData())
    await ctx.goto(FlowName.DONVI, UnitStep.CHOOSE)
