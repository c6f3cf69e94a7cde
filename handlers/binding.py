"""Binding a person to their unit (``/start``): by invite code, by a verified phone number, or
as an office user with an office code.

Wrong codes are limited to 5 per account per hour (a guess at an 8-character code then takes
centuries); after that the person is told when to try again.
"""

from __future__ import annotations

from datetime import timedelta

from domain.phones import normalize_phone
from handlers.common import moment
from handlers.flow import Context, Flow, Step, command, register
from handlers.i18n import _
from handlers.menu import show_menu
from storage import accounts
from storage.models import Invite, InviteKind, OrgUnit, Reporter

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)


@command("start")
async def start(ctx: Context, args: str) -> None:
    """``/start [CODE]``: bind by the code given, greet a bound person, or bind by a verified
    phone; otherwise ask for a code."""
    code = args.strip()
    if code:
        await try_code(ctx, code)
    elif ctx.reporter is not None and (ctx.is_office or await _unit_names(ctx)):
        ctx.note(await _greeting(ctx, ctx.reporter))
        await show_menu(ctx)
    elif ctx.incoming.verified_phone:
        await bind_by_phone(ctx, ctx.incoming.verified_phone)
    else:
        await ctx.goto("lienket", "code")


def looks_like_code(text: str) -> bool:
    """True for text shaped like an invite code: one word of 6-12 Latin letters and digits."""
    compact = "".join(ch for ch in text if ch.isalnum() or ch == "-")
    return (
        6 <= len(compact.replace("-", "")) <= 12 and compact.isascii() and compact == text.strip()
    )


async def _ask_code(ctx: Context) -> None:
    ctx.say(
        _(
            "Chào bạn! Đây là trợ lý báo cáo thi đua của văn phòng.\n"
            "Để bắt đầu, hãy gửi mã mời (8 ký tự) văn phòng đã cấp cho bạn, "
            "hoặc bấm nút gửi số điện thoại nếu số của bạn đã có trong danh sách đơn vị."
        ),
        request_phone=True,
    )


async def answer_code(ctx: Context, text: str) -> None:
    """A code is tried (and counted if wrong); a typed phone is refused; other words are
    answered with the question again, without counting against the limit."""
    if normalize_phone(text):
        ctx.note(
            _(
                "Để bảo mật, bot không liên kết bằng số điện thoại gõ tay. "
                "Hãy bấm nút gửi số điện thoại, hoặc nhập mã mời."
            )
        )
        await _ask_code(ctx)
    elif looks_like_code(text):
        await try_code(ctx, text)
    elif ctx.incoming.verified_phone:
        await bind_by_phone(ctx, ctx.incoming.verified_phone)
    else:
        ctx.note(_("Mình cần mã mời gồm 8 chữ và số, ví dụ K7MX2QPA."))
        await _ask_code(ctx)


register(Flow("lienket", "liên kết với đơn vị", {"code": Step(_ask_code, answer_code, idle=True)}))


async def try_code(ctx: Context, code: str) -> None:
    """Bind with an invite or office code, counting wrong codes against the hourly limit."""
    since = ctx.now - FAILURE_WINDOW
    failures = await accounts.recent_failures(ctx.session, ctx.account.id, since)
    if len(failures) >= MAX_FAILURES:
        retry_at = ctx.local(failures[0] + FAILURE_WINDOW)
        ctx.say(
            _("Bạn đã nhập sai mã {count} lần trong 1 giờ. Vui lòng thử lại sau {time}.").format(
                count=MAX_FAILURES, time=moment(retry_at)
            )
        )
        ctx.state.flow = ctx.state.step = None
        return
    invite = await accounts.find_invite(ctx.session, code)
    problem = await _invite_problem(ctx, invite)
    if problem or invite is None:
        accounts.record_failure(ctx.session, ctx.account.id, ctx.now)
        left = MAX_FAILURES - len(failures) - 1
        ctx.note(problem or _("Mã không đúng."))
        if left > 0:
            ctx.note(_("Bạn còn {left} lần thử trong giờ này.").format(left=left))
        await ctx.goto("lienket", "code")
        return
    await _use_invite(ctx, invite)


async def _invite_problem(ctx: Context, invite: Invite | None) -> str | None:
    if invite is None:
        return _("Mã không đúng. Hãy kiểm tra lại mã văn phòng đã gửi (8 ký tự, không dấu).")
    if invite.used_by_reporter_id is not None and (
        ctx.reporter is None or invite.used_by_reporter_id != ctx.reporter.id
    ):
        return _(
            "Mã này đã được người khác sử dụng. Mỗi mã chỉ dùng cho một người; hãy xin văn phòng mã mới."
        )
    if invite.expires_at < ctx.now:
        return _("Mã này đã hết hạn. Hãy xin văn phòng mã mới.")
    return None


async def _use_invite(ctx: Context, invite: Invite) -> None:
    reporter = await accounts.ensure_reporter(
        ctx.session,
        ctx.account,
        ctx.incoming.display_name or ctx.account.display_name,
        None,
        ctx.now,
    )
    ctx.reporter = reporter
    invite.used_by_reporter_id, invite.used_at = reporter.id, invite.used_at or ctx.now
    if invite.kind is InviteKind.OFFICE:
        reporter.is_office = True
        ctx.command_menu = "office"
        ctx.note(_("Bạn đã được cấp quyền văn phòng: xem tiến độ và báo cáo tổng hợp."))
    else:
        ctx.command_menu = "office" if reporter.is_office else "reporter"
        unit = await ctx.session.get(OrgUnit, invite.org_unit_id)
        assert unit is not None
        await accounts.bind_unit(ctx.session, reporter, unit.id, "invite", ctx.now)
        ctx.state.keep["unit_id"] = unit.id
        ctx.note(_("Đã liên kết bạn với đơn vị: {unit}.").format(unit=unit.name))
    ctx.finish()
    await show_menu(ctx)


async def bind_by_phone(ctx: Context, typed_phone: str) -> None:
    """Bind to every unit that lists this verified phone among its representatives."""
    phone = normalize_phone(typed_phone)
    contacts = await accounts.units_with_phone(ctx.session, phone) if phone else []
    if not contacts:
        ctx.note(
            _(
                "Số điện thoại {phone} chưa có trong danh sách đại diện đơn vị. Hãy nhập mã mời do văn phòng cấp."
            ).format(phone=phone or typed_phone)
        )
        await ctx.goto("lienket", "code")
        return
    name = contacts[0].name or ctx.incoming.display_name
    reporter = await accounts.ensure_reporter(ctx.session, ctx.account, name, phone, ctx.now)
    ctx.reporter = reporter
    for contact in contacts:
        await accounts.bind_unit(ctx.session, reporter, contact.org_unit_id, "phone", ctx.now)
    ctx.command_menu = "office" if reporter.is_office else "reporter"
    ctx.finish()
    ctx.note(await _greeting(ctx, reporter))
    await show_menu(ctx)


async def _unit_names(ctx: Context) -> list[str]:
    if ctx.reporter is None:
        return []
    return [unit.name for unit in await accounts.units_of(ctx.session, ctx.reporter.id)]


async def _greeting(ctx: Context, reporter: Reporter) -> str:
    names = await _unit_names(ctx)
    hello = (
        _("Chào {name}!").format(name=reporter.full_name) if reporter.full_name else _("Chào bạn!")
    )
    parts = [hello]
    if names:
        parts.append(_("Bạn đại diện cho: {units}.").format(units=", ".join(names)))
    if reporter.is_office:
        parts.append(_("Bạn có quyền văn phòng."))
    return " ".join(parts)
