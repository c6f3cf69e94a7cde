"""``/web`` (office): a one-time link to the office's web page (issue 17), valid 10 minutes,
sent privately; the web page signs the person in with it."""

from __future__ import annotations

from domain.i18n import _
from handlers.codec import need
from handlers.flow import Context, command
from handlers.office import refuse_if_not_office
from services import web_access


@command("web")
async def web_command(ctx: Context, _args: str) -> None:
    """Send the office user a sign-in link to the web page (never in a group chat)."""
    if refuse_if_not_office(ctx):
        return
    if ctx.incoming.is_group:
        ctx.say(
            _("Link đăng nhập chỉ gửi trong tin nhắn riêng với bot. Hãy nhắn /web riêng cho bot.")
        )
        return
    if not ctx.web_address:
        ctx.say(
            _(
                "Trang web của văn phòng chưa được bật trên máy chủ này. Người quản trị cần khai "
                "địa chỉ trang web (WEB_BASE_URL) rồi chạy lại bot."
            )
        )
        return
    reporter = need(ctx.reporter, "reporter")
    token = await web_access.issue_login(ctx.session, reporter.id, ctx.now)
    url = web_access.login_url(ctx.web_address, token)
    ctx.say(
        _(
            "🌐 Trang web của văn phòng: mở link này trong 10 phút (chỉ dùng được một lần, "
            "không chuyển cho người khác):\n{url}\n"
            "Trên trang web: tiến độ báo cáo từng kỳ, số liệu và lịch sử sửa của từng đơn vị."
        ).format(url=url)
    )
