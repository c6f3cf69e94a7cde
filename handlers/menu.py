"""The main menu, help (/trogiup) and the answer to anything the bot does not understand."""

from __future__ import annotations

from domain.i18n import _
from handlers.choices import pick
from handlers.flow import COMMANDS, Context, Flow, Step, command, register
from storage.accounts import units_of

# (label, command) in menu order; office entries are shown to office users only.
_REPORTER_ITEMS = [("Nhập số liệu", "nhap"), ("Đăng ký thi đua", "dangky"), ("Đổi đơn vị", "donvi")]
_OFFICE_ITEMS = [
    ("Tiến độ báo cáo", "tiendo"),
    ("Báo cáo tổng hợp (Excel)", "tonghop"),
    ("Danh sách đăng ký thi đua (Excel)", "dangkythidua"),
    ("Nhắc đơn vị chưa báo cáo", "nhacnho"),
    ("Mở lại kỳ đã khóa sổ", "mokhoa"),
]
_HELP_ITEM = ("Trợ giúp", "trogiup")


async def _items(ctx: Context) -> list[tuple[str, str]]:
    bound = ctx.reporter is not None and bool(await units_of(ctx.session, ctx.reporter.id))
    items = list(_REPORTER_ITEMS) if bound else []
    if ctx.is_office:
        items += _OFFICE_ITEMS
    return [*items, _HELP_ITEM]


async def show_menu(ctx: Context) -> None:
    """Offer the main choices; typing the number or the name starts it."""
    await ctx.goto("menu", "main")


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


register(Flow("menu", "chọn việc", {"main": Step(_ask, _answer, idle=True)}))


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
    lines = [
        _("Trợ lý báo cáo thi đua — các lệnh:"),
        _("/start — bắt đầu, liên kết với đơn vị bằng mã mời hoặc số điện thoại")
        if ctx.incoming.phone_button
        else _("/start — bắt đầu, liên kết với đơn vị bằng mã mời"),
        _("/lienket — dùng bot trên cả Zalo và Telegram: lấy mã để liên kết ứng dụng kia"),
        _('/nhap — nhập số liệu kỳ báo cáo (gõ "nhap so lieu" cũng được)'),
        _("/dangky — đăng ký thi đua: danh hiệu và chỉ tiêu cam kết"),
        _("/donvi — chọn đơn vị (khi bạn đại diện nhiều đơn vị)"),
        _("/huy — dừng việc đang làm (số đã nhập được giữ lại)"),
    ]
    if ctx.is_office:
        lines += [
            _("/tiendo — tiến độ báo cáo: đơn vị đã nộp, đúng hạn, còn thiếu"),
            _(
                "/tonghop — báo cáo tổng hợp Excel của một kỳ (có thể ghi mã phong trào, mã kỳ: /tonghop NGANAM2026 2026Q3)"
            ),
            _("/dangkythidua — danh sách đăng ký thi đua của các đơn vị (Excel)"),
            _("/mokhoa — mở lại kỳ đã khóa sổ cho một đơn vị trong vài ngày"),
            _(
                "/nhacnho — nhắc ngay các đơn vị chưa báo cáo (thêm chữ gap để gửi cả trong giờ nghỉ)"
            ),
        ]
    lines += [
        "",
        _("Khi bot hỏi và đưa danh sách, chỉ cần gõ số thứ tự (ví dụ 2)."),
        _("Nhập số như thường viết: 12.500 hoặc 12,5 hoặc 45 tỷ hoặc 1tr2 hoặc 95,15%."),
    ]
    ctx.say("\n".join(lines))
