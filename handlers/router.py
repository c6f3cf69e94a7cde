"""The entry point of every conversation: route one normalised message to a command or to
the step the person is at.

Commands work with a slash (``/nhap``), typed as words with or without diacritics (``nhập số
liệu``, ``nhap so lieu``), and on Telegram with ``@botname`` after them. A command in the
middle of a flow does not throw away what was typed: the person is told how to stop (``/huy``)
and asked the same question again.
"""

from __future__ import annotations

import logging

from domain.errors import DomainError
from domain.i18n import _
from domain.text import fold
from handlers import (  # noqa: F401  (each module registers its commands and flows)
    binding,
    cluster,
    menu,
    office,
    registration,
    remind,
    reopen,
    reports,
    review_office,
    scoring,
    submission,
    units,
    web_link,
)
from handlers.codec import BadState
from handlers.commands import ALIASES, HARMLESS, TAKES_CODE
from handlers.flow import COMMANDS, FLOWS, Context, ask_again, check_state
from handlers.state import DRAFT_MODES, BindingStep, FlowName, SubmissionData, SubmissionStep

MAX_TEXT = 4000

log = logging.getLogger(__name__)


def parse_command(text: str) -> tuple[str, str] | None:
    """``("nhap", "")`` for ``/nhap`` or ``nhập số liệu``; ``("start", "CODE")`` for
    ``/start CODE``; None when the text is not a command."""
    stripped = text.strip()
    if stripped.startswith("/"):
        whole = ALIASES.get(fold(stripped[1:]))
        if whole:  # "/tiến độ", typed with a space
            return whole, ""
        head, _sep, args = stripped[1:].partition(" ")
        name = fold(head.split("@")[0]).replace(" ", "")
        return ALIASES.get(name, name), args.strip()
    alias = ALIASES.get(fold(stripped))
    return (alias, "") if alias else None


async def handle(ctx: Context) -> None:
    """Answer one incoming message; replies accumulate in ``ctx.replies``.

    A ``DomainError`` raised by a step becomes its Vietnamese message; the conversation state
    keeps whatever the step stored before it. A stored state this version cannot read (an
    unknown flow or step, data of the wrong shape: ``BadState``) stops that flow with a note
    (drafts stay kept); the message is then taken as a command, else the menu is shown.
    """
    try:
        try:
            check_state(ctx)
            await _route(ctx)
        except BadState as bad:
            await _restart(ctx, bad)
    except DomainError as error:
        ctx.say(error.user_message)


async def _restart(ctx: Context, bad: BadState) -> None:
    log.warning("conversation state of account %s dropped: %s", ctx.account.id, bad)
    ctx.finish()
    ctx.note(bad.user_message)
    parsed = parse_command(ctx.incoming.text.strip())
    if parsed is not None:
        await _command(ctx, *parsed)
    else:
        await menu.show_menu(ctx)


async def _route(ctx: Context) -> None:
    incoming = ctx.incoming
    text = incoming.text.strip()
    if incoming.is_group and not (incoming.is_office_chat and ctx.is_office):
        ctx.say(_("Để báo cáo, vui lòng nhắn riêng cho bot (bấm vào tên bot rồi chọn Nhắn tin)."))
        return
    if incoming.refusal:
        ctx.note(incoming.refusal)
        await _ask_or_menu(ctx)
        return
    if incoming.attachment is not None and not _takes_files(ctx):
        ctx.note(_file_not_wanted(ctx))
        await _ask_or_menu(ctx)
        return
    if incoming.unverified_contact or incoming.unsupported:
        ctx.note(
            _unverified_contact_note(ctx)
            if incoming.unverified_contact
            else _("Bot chỉ đọc được tin nhắn chữ. Hãy gõ câu trả lời.")
        )
        await _ask_or_menu(ctx)
        return
    if len(text) > MAX_TEXT:
        ctx.note(
            _("Tin nhắn quá dài ({count} ký tự). Hãy gửi ngắn gọn hơn.").format(count=len(text))
        )
        await ask_again(ctx)
        return
    parsed = parse_command(text)
    if parsed == ("nhap", "") and not text.startswith("/") and _at_summary(ctx):
        parsed = None  # "nộp báo cáo" at the summary means: submit it
    if parsed is not None:
        await _command(ctx, *parsed)
    elif incoming.verified_phone and not text and ctx.in_idle_step:
        await binding.bind_by_phone(ctx, incoming.verified_phone)
    elif not text and incoming.attachment is None:
        ctx.note(_("Tin nhắn trống."))
        await _ask_or_menu(ctx)
    elif ctx.state.flow and ctx.state.step:
        await FLOWS[ctx.state.flow].steps[ctx.state.step].answer(ctx, text)
    elif ctx.reporter is None:
        ctx.state.flow, ctx.state.step = FlowName.LIENKET, BindingStep.CODE
        await binding.answer_code(ctx, text)
    else:
        await menu.not_understood(ctx)


def _takes_files(ctx: Context) -> bool:
    flow, step = ctx.state.flow, ctx.state.step
    return flow is not None and step is not None and FLOWS[flow].steps[step].takes_files


def _file_not_wanted(ctx: Context) -> str:
    """Why a photo or document is not kept here (Vietnamese): only evidence is."""
    if ctx.in_idle_step:  # no question waiting for an answer (a menu, a choice)
        return _(
            "Bot chỉ nhận ảnh và tệp làm minh chứng khi chấm điểm thi đua (/chamdiem), nên "
            "ảnh/tệp này chưa được ghi nhận. Số liệu báo cáo hãy gõ bằng chữ số (/nhap)."
        )
    return _(
        "Bước này không nhận ảnh hay tệp (bot không đọc được số trong ảnh), nên ảnh/tệp này "
        "chưa được ghi nhận. Hãy gõ câu trả lời."
    )


async def _command(ctx: Context, name: str, args: str) -> None:
    flow = ctx.state.flow
    busy = flow is not None and not ctx.in_idle_step
    if name == "huy":
        await _cancel(ctx)
    elif name not in COMMANDS:
        ctx.note(_("Không có lệnh /{name}.").format(name=name))
        await (ask_again(ctx) if busy else menu.show_menu(ctx))
    elif busy and name in HARMLESS:
        await COMMANDS[name](ctx, args)
        await ask_again(ctx)
    elif busy and flow is not None and not (name in TAKES_CODE and args):
        note = _("Bạn đang {doing}. Hãy trả lời câu hỏi dưới đây, hoặc gõ /huy để dừng.").format(
            doing=_(FLOWS[flow].doing)
        )
        if _keeps_draft(ctx):
            note += " " + _("Số đã nhập được giữ trong bản nháp.")
        ctx.note(note)
        await ask_again(ctx)
    else:
        ctx.finish()
        await COMMANDS[name](ctx, args)


def _at_summary(ctx: Context) -> bool:
    """True at the summary of ``/nhap``, where "nộp báo cáo" answers the question."""
    return ctx.state.flow == FlowName.NHAP and ctx.state.step == SubmissionStep.SUMMARY


def _unverified_contact_note(ctx: Context) -> str:
    """Why a shared contact is not used, worded for channels with or without a phone button."""
    if ctx.incoming.phone_button:
        return _('Bot chỉ nhận số điện thoại của chính bạn, gửi bằng nút "Gửi số điện thoại".')
    return _(
        "Bot không liên kết bằng danh bạ hay số điện thoại được gửi tới. "
        "Để liên kết, hãy gửi mã mời 8 ký tự do văn phòng cấp."
    )


def _keeps_draft(ctx: Context) -> bool:
    """True while entering figures into a draft (kept after /huy), not while correcting;
    always while scoring (the score sheet is the draft)."""
    if ctx.state.flow in scoring.DRAFT_FLOWS:
        return True
    return ctx.state.flow == FlowName.NHAP and ctx.data(SubmissionData).mode in DRAFT_MODES


async def _cancel(ctx: Context) -> None:
    if ctx.state.flow in (None, FlowName.MENU):
        ctx.finish()
        ctx.say(_("Không có việc nào đang làm. Gõ /trogiup để xem hướng dẫn."))
        return
    if ctx.state.flow in scoring.DRAFT_FLOWS:
        text = scoring.stopped_text(ctx.state.flow)
    elif _keeps_draft(ctx):
        text = _("Đã dừng. Số đã nhập được giữ trong bản nháp; gõ /nhap để tiếp tục.")
    elif ctx.state.flow == FlowName.DANGKY:
        text = _("Đã dừng. Đăng ký chưa được lưu; gõ /dangky để làm lại.")
    else:
        text = _("Đã dừng, chưa có gì thay đổi.")
    ctx.finish()
    ctx.say(text)


async def _ask_or_menu(ctx: Context) -> None:
    """The current question again, or the main choices when no flow is running."""
    if ctx.state.flow:
        await ask_again(ctx)
    else:
        await menu.show_menu(ctx)
