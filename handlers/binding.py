"""Binding a person to their unit (``/start``): by invite code, by a verified phone number, or
as an office user with an office code; and one person on several channels (``/lienket``).

A bound person's ``/lienket`` gives a pairing code (valid 30 minutes, one use). Sent from
another channel account (``/lienket CODE``, ``/start CODE``, or the bare code from a new
account), it makes that account the same person's: reminders then go to the account the
person used last (``storage.recipients``).

Wrong codes, invite or pairing, are limited to 5 per account per hour (a guess at an
8-character code then takes centuries); after that the person is told when to try again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.clock import moment
from domain.i18n import N_, _
from domain.messages import Reply
from domain.phones import normalize_phone
from handlers.flow import Context, Flow, Step, command, register
from handlers.menu import show_menu
from handlers.state import BindingStep, FlowName
from storage import accounts
from storage.models import Invite, InviteKind, OrgUnit, Reporter

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
MAX_FAILURES_EVERYWHERE = 30
"""Wrong codes an hour from all accounts together before the bot stops taking codes for the
rest of the hour and tells the office: 100 accounts at 5 each would otherwise try 500 codes an
hour unseen (issue 14). A commune binds a few dozen people in a day; 30 typos an hour is far
beyond honest use."""
LINK_CODE_VALID_FOR = timedelta(minutes=30)


@command("start")
async def start(ctx: Context, args: str) -> None:
    """``/start [CODE]``: bind by the code given, greet a bound person, or bind by a verified
    phone; otherwise ask for a code."""
    code = args.strip()
    if code:
        await try_code(ctx, code)
    elif ctx.reporter is not None and await _is_bound(ctx):
        ctx.note(await _greeting(ctx, ctx.reporter))
        await show_menu(ctx)
    elif ctx.incoming.verified_phone:
        await bind_by_phone(ctx, ctx.incoming.verified_phone)
    else:
        await ctx.goto(FlowName.LIENKET, BindingStep.CODE)


@command("lienket")
async def link(ctx: Context, args: str) -> None:
    """``/lienket [CODE]``: use the code given (invite or pairing); for a bound person, issue
    a pairing code for their other channel; for anyone else, what ``/start`` does."""
    code = args.strip()
    if code:
        await try_code(ctx, code)
    elif ctx.reporter is not None and await _is_bound(ctx):
        await _issue_link_code(ctx, ctx.reporter)
    else:
        await start(ctx, "")


async def _issue_link_code(ctx: Context, reporter: Reporter) -> None:
    ctx.finish()
    if ctx.incoming.is_group:  # anyone in the group could take the person's place with it
        ctx.say(_("Để lấy mã liên kết, hãy nhắn riêng cho bot (không gõ trong nhóm)."))
        return
    invite = await accounts.create_link_code(ctx.session, reporter, ctx.now, LINK_CODE_VALID_FOR)
    ctx.say(
        _(
            "Mã liên kết của bạn: {code}\n"
            "Để dùng bot trên cả Zalo và Telegram: mở bot trên ứng dụng kia và gửi\n"
            "/lienket {code}\n"
            "(nếu bạn chưa từng dùng bot bên đó, chỉ cần gửi mã {code}).\n"
            "Mã dùng được {minutes} phút, một lần. Chưa có gì được chia sẻ cho đến khi mã được dùng. "
            "Sau khi liên kết, bot nhắc việc qua ứng dụng bạn dùng gần nhất."
        ).format(code=invite.code, minutes=int(LINK_CODE_VALID_FOR.total_seconds()) // 60)
    )


def looks_like_code(text: str) -> bool:
    """True for text shaped like an invite code: one word of 6-12 Latin letters and digits."""
    compact = "".join(ch for ch in text if ch.isalnum() or ch == "-")
    return (
        6 <= len(compact.replace("-", "")) <= 12 and compact.isascii() and compact == text.strip()
    )


async def _ask_code(ctx: Context) -> None:
    if not ctx.incoming.phone_button:
        ctx.say(
            _(
                "Chào bạn! Đây là trợ lý báo cáo thi đua của văn phòng.\n"
                "Để bắt đầu, hãy gửi mã mời 8 ký tự do văn phòng cấp cho bạn. "
                "Nếu bạn đã dùng bot trên ứng dụng khác, gõ /lienket ở đó để lấy mã liên kết "
                "rồi gửi mã ấy vào đây."
            )
        )
        return
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
            if ctx.incoming.phone_button
            else _(
                "Để bảo mật, bot không liên kết bằng số điện thoại. "
                "Hãy gửi mã mời 8 ký tự do văn phòng cấp."
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


register(
    Flow(
        FlowName.LIENKET,
        N_("liên kết với đơn vị"),
        {BindingStep.CODE: Step(_ask_code, answer_code, idle=True)},
    )
)


async def try_code(ctx: Context, code: str) -> None:
    """Bind with an invite, office or pairing code, counting wrong, expired and used codes
    against the hourly limit (a pairing code of the person's own is refused, not counted)."""
    since = ctx.now - FAILURE_WINDOW
    everywhere = await accounts.failures_everywhere(ctx.session, since)
    if sum(guesser.wrong for guesser in everywhere) >= MAX_FAILURES_EVERYWHERE:
        ctx.say(
            _(
                "Bot tạm ngừng nhận mã trong ít phút vì có quá nhiều lần nhập sai mã. "
                "Vui lòng thử lại sau, hoặc liên hệ văn phòng."
            )
        )
        ctx.state.flow = ctx.state.step = None
        return
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
    if invite is not None and _links_to_self(ctx, invite):
        await _already_linked(ctx, invite)
        return
    problem = await _invite_problem(ctx, invite)
    if problem or invite is None:
        accounts.record_failure(ctx.session, ctx.account.id, ctx.now)
        if sum(guesser.wrong for guesser in everywhere) + 1 == MAX_FAILURES_EVERYWHERE:
            await _warn_office(ctx, since)
        left = MAX_FAILURES - len(failures) - 1
        ctx.note(problem or _("Mã không đúng."))
        if left > 0:
            ctx.note(_("Bạn còn {left} lần thử trong giờ này.").format(left=left))
        await ctx.goto(FlowName.LIENKET, BindingStep.CODE)
        return
    if invite.kind is InviteKind.LINK:
        await _use_link_code(ctx, invite)
    else:
        await _use_invite(ctx, invite)


async def _warn_office(ctx: Context, since: datetime) -> None:
    """Tell every office user (private chats) that codes are being guessed, with the accounts
    involved; sent once, when the bot-wide limit is reached."""
    await ctx.session.flush()
    guessers = await accounts.failures_everywhere(ctx.session, since)
    lines = [
        _(
            "⚠️ Trong 1 giờ qua có {count} lần nhập sai mã mời, từ {people} tài khoản. Bot tạm "
            "ngừng nhận mã đến khi số lần sai trong 1 giờ giảm xuống. Có thể có người đang dò mã: "
            "hãy kiểm tra, và cấp mã mới cho người cần liên kết."
        ).format(count=sum(g.wrong for g in guessers), people=len(guessers))
    ]
    lines += [
        f"- {g.channel} {g.external_id} {g.display_name}: {g.wrong}".replace("  ", " ")
        for g in guessers[:20]
    ]
    text = "\n".join(lines)
    for channel, chat_id, account_id in await accounts.office_private_chats(ctx.session):
        accounts.enqueue(
            ctx.session, channel, chat_id, account_id, [Reply(text).to_payload()], ctx.now
        )


async def _invite_problem(ctx: Context, invite: Invite | None) -> str | None:
    if invite is None:
        return _("Mã không đúng. Hãy kiểm tra lại mã văn phòng đã gửi (8 ký tự, không dấu).")
    if invite.kind is InviteKind.LINK:
        return _link_code_problem(ctx, invite)
    if invite.used_by_reporter_id is not None and (
        ctx.reporter is None or invite.used_by_reporter_id != ctx.reporter.id
    ):
        return _(
            "Mã này đã được người khác sử dụng. Mỗi mã chỉ dùng cho một người; hãy xin văn phòng mã mới."
        )
    if invite.expires_at < ctx.now:
        return _("Mã này đã hết hạn. Hãy xin văn phòng mã mới.")
    return None


def _link_code_problem(ctx: Context, invite: Invite) -> str | None:
    """Why a pairing code of someone else cannot be used now (used or expired), or None."""
    if invite.used_at is not None:
        return _(
            "Mã liên kết này đã được dùng. Mỗi mã chỉ dùng một lần; "
            "hãy gõ /lienket trên ứng dụng đã liên kết để lấy mã mới."
        )
    if invite.expires_at < ctx.now:
        return _(
            "Mã liên kết này đã hết hạn (mã chỉ dùng được {minutes} phút). "
            "Hãy gõ /lienket trên ứng dụng đã liên kết để lấy mã mới."
        ).format(minutes=int(LINK_CODE_VALID_FOR.total_seconds()) // 60)
    return None


def _links_to_self(ctx: Context, invite: Invite) -> bool:
    """True for a pairing code of the person this account already belongs to."""
    return (
        invite.kind is InviteKind.LINK
        and ctx.reporter is not None
        and invite.for_reporter_id == ctx.reporter.id
    )


async def _already_linked(ctx: Context, invite: Invite) -> None:
    """Refuse, kindly and without counting it, a pairing code of the person's own: from the
    only account they have (the one that issued it) or from one linked already."""
    assert ctx.reporter is not None
    ctx.finish()
    if len(await accounts.accounts_of(ctx.session, ctx.reporter.id)) <= 1:
        ctx.say(
            _(
                "Mã {code} là mã liên kết của chính tài khoản này. Hãy mở bot trên ứng dụng kia "
                "(Zalo hoặc Telegram) và gửi /lienket {code} ở đó."
            ).format(code=invite.code)
        )
    else:
        ctx.say(_("Tài khoản này đã được liên kết với bạn rồi, không cần dùng mã nữa."))


async def _use_link_code(ctx: Context, invite: Invite) -> None:
    """Make this account the code's person's. An account that already represents a unit or
    has office rights is not moved (a code passed on by someone else must not take it over,
    nor hand its units to them); it keeps working as it is."""
    assert invite.for_reporter_id is not None
    reporter = await ctx.session.get(Reporter, invite.for_reporter_id)
    assert reporter is not None
    ctx.finish()
    if ctx.reporter is not None and await _is_bound(ctx):
        ctx.say(
            _(
                "Tài khoản này đang được dùng cho đơn vị hoặc văn phòng nên không liên kết với "
                "người khác được. Mã {code} chưa bị dùng. Mã liên kết chỉ dùng cho tài khoản "
                "chưa liên kết; tài khoản này vẫn báo cáo được như trước."
            ).format(code=invite.code)
        )
        return
    await accounts.link_account(ctx.session, ctx.account, reporter)
    invite.used_by_reporter_id, invite.used_at = reporter.id, ctx.now
    ctx.reporter = reporter
    ctx.command_menu = "office" if reporter.is_office else "reporter"
    ctx.note(
        _("✅ Đã liên kết tài khoản này với {name}.").format(name=reporter.full_name)
        if reporter.full_name
        else _("✅ Đã liên kết tài khoản này với tài khoản bạn đã dùng trước đó.")
    )
    if roles := await _roles(ctx, reporter):
        ctx.note(" ".join(roles))
    ctx.note(_("Từ nay bot gửi lời nhắc qua ứng dụng bạn dùng gần nhất (Zalo hoặc Telegram)."))
    await show_menu(ctx)


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
        ctx.keep.unit_id = unit.id
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
        await ctx.goto(FlowName.LIENKET, BindingStep.CODE)
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


async def _is_bound(ctx: Context) -> bool:
    """True when the person is an office user or represents at least one unit."""
    return ctx.is_office or bool(await _unit_names(ctx))


async def _unit_names(ctx: Context) -> list[str]:
    if ctx.reporter is None:
        return []
    return [unit.name for unit in await accounts.units_of(ctx.session, ctx.reporter.id)]


async def _greeting(ctx: Context, reporter: Reporter) -> str:
    hello = (
        _("Chào {name}!").format(name=reporter.full_name) if reporter.full_name else _("Chào bạn!")
    )
    return " ".join([hello, *await _roles(ctx, reporter)])


async def _roles(ctx: Context, reporter: Reporter) -> list[str]:
    """Sentences naming the units ``reporter`` represents and their office right, if any."""
    names = [unit.name for unit in await accounts.units_of(ctx.session, reporter.id)]
    parts = []
    if names:
        parts.append(_("Bạn đại diện cho: {units}.").format(units=", ".join(names)))
    if reporter.is_office:
        parts.append(_("Bạn có quyền văn phòng."))
    return parts
