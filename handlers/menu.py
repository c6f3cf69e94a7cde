"""The main menu, help (/trogiup) and the answer to anything the bot does not understand."""

from __future__ import annotations

from domain.i18n import N_, _
from handlers import commands
from handlers.choices import pick
from handlers.flow import COMMANDS, Context, Flow, Step, command, register
from handlers.state import FlowName, MenuStep
from storage.accounts import units_of


async def _items(ctx: Context) -> list[tuple[str, str]]:
    """(label, command) of the numbered main menu for this person (``handlers.commands``)."""
    bound = ctx.reporter is not None and bool(await units_of(ctx.session, ctx.reporter.id))
    entries = commands.menu_entries(bound=bound, office=ctx.is_office)
    return [(info.label or info.name, info.name) for info in entries]


async def show_menu(ctx: Context) -> None:
    """Offer the main choices; typing the number or the name starts it."""
    await ctx.goto(FlowName.MENU, MenuStep.MAIN)


async def _ask(ctx: Context) -> None:
    ctx.say(_("Bạn muốn làm gì? Chọn một số:"), [_(label) for label, _c in await _items(ctx)])


async def _answer(ctx: Context, text: str) -> None:
    items = await _items(ctx)
    index = pick(text, [_(label) for label, _c in items])
    if index is None:
        ctx.note(_("Mình chưa hiểu ý bạn."))
        await _ask(ctx)
        return
    ctx.finish()
    await COMMANDS[items[index][1]](ctx, "")


register(Flow(FlowName.MENU, N_("chọn việc"), {MenuStep.MAIN: Step(_ask, _answer, idle=True)}))


async def not_understood(ctx: Context) -> None:
    """Answer unknown input with a short hint and the main choices."""
    ctx.note(_("Mình chưa hiểu ý bạn. Gõ /trogiup để xem hướng dẫn."))
    await show_menu(ctx)


@command("menu")
async def menu_command(ctx: Context, _args: str) -> None:
    """``/menu``: show the main choices."""
    await show_menu(ctx)


@command("trogiup")
async def help_command(ctx: Context, _args: str) -> None:
    """``/trogiup``: what the bot does and every command, with the no-diacritics forms."""
    phone = ctx.incoming.phone_button
    lines = [_("Trợ lý báo cáo thi đua — các lệnh:")]
    for info in commands.help_entries(office=ctx.is_office):
        text = info.help_phone if phone and info.help_phone else info.help
        lines.append(f"/{info.name} — {_(text or '')}")
    lines += [
        "",
        _("Khi bot hỏi và đưa danh sách, chỉ cần gõ số thứ tự (ví dụ 2)."),
        _("Nhập số như thường viết: 12.500 hoặc 12,5 hoặc 45 tỷ hoặc 1tr2 hoặc 95,15%."),
    ]
    ctx.say("\n".join(lines))
