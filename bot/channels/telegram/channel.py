"""The Telegram channel (aiogram 3), sending: outbox payloads out through the Bot API, its errors
mapped for the outbox sender, the command menus.

Messages are sent as plain text (no parse mode), so names and answers typed by people need no
escaping and can never break the formatting. Choices become inline buttons whose
``callback_data`` is a short ``c<number>`` (the Bot API allows 1-64 bytes); a tap is read back
as the button's label (``bot.channels.telegram.ingest``), so an old button pressed later picks
nothing it should not.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiolimiter import AsyncLimiter

from bot.channels.limits import ChatLimiters, Pace
from bot.sender import (
    DeliveryError,
    PermanentFailure,
    RecipientGone,
    RetryLater,
    TemporaryFailure,
)
from domain.i18n import N_, _
from domain.messages import Reply, render_text, split_text
from handlers.commands import telegram_menu

CHANNEL = "telegram"
MAX_TEXT = 4096  # characters per message (Bot API, sendMessage)
MAX_CAPTION = 1024  # characters per document caption (Bot API, sendDocument)
MAX_BUTTONS = 12  # beyond this a list is easier to answer by typing its number
GROUP_PACE: Pace = (20.0, 60.0)  # messages a minute in a group (Bot API FAQ)
PHONE_BUTTON = N_("📱 Gửi số điện thoại của tôi")

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def make_bot(token: str, api_base: str, timeout: float = 60.0) -> Bot:
    """An aiogram bot talking to ``api_base`` (Telegram's, a self-hosted or a fake server);
    a request with no answer after ``timeout`` seconds fails as a network error."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
    return Bot(token, session=session)


def _inline(choices: tuple[str, ...]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=f"{number}. {label}", callback_data=f"c{number}")]
        for number, label in enumerate(choices, 1)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def markup_for(reply: Reply) -> Markup:
    """Buttons for a reply: a phone button, inline choices, or none (hiding an old keyboard)."""
    if reply.request_phone:
        return ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text=_(PHONE_BUTTON), request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.choices and len(reply.choices) <= MAX_BUTTONS:
        return _inline(reply.choices)
    return ReplyKeyboardRemove()


def commands(kind: str) -> list[BotCommand]:
    """The Vietnamese command menu for reporters or for office users, from the catalogue
    (``handlers.commands.telegram_menu``)."""
    return [
        BotCommand(command=info.name, description=_(info.summary)) for info in telegram_menu(kind)
    ]


def group_pace(chat_id: str) -> Pace | None:
    """The pace of a group or supergroup (their ids are negative); None for a private chat."""
    return GROUP_PACE if chat_id.startswith("-") else None


class TelegramChannel:
    """Delivers outbox payloads with the Bot API and maps its errors for the sender.

    Per-chat pace (Bot API FAQ): about one message a second in a private chat, 20 a minute in
    a group (group and supergroup ids are negative).
    """

    name = CHANNEL

    def __init__(self, bot: Bot, chat_per_second: float = 1.0) -> None:
        self.bot = bot
        self.chat_per_second = chat_per_second
        self.limiters = ChatLimiters(chat_per_second, pace=group_pace)

    def chat_limiter(self, chat_id: str) -> AsyncLimiter:
        """The pace of one chat."""
        return self.limiters(chat_id)

    async def deliver(self, chat_id: str, payload: dict[str, Any]) -> None:
        """Send one outbox payload; raise a ``DeliveryError`` subclass on failure.

        A payload sent in several calls (a document, then a long text in parts) resumes after
        ``payload["parts_sent"]``, so a retry never repeats what already went out.
        """
        reply = Reply.from_payload(payload)
        if reply.command_menu:
            await self._set_menu(chat_id, reply.command_menu)
        done = int(payload.get("parts_sent", 0))
        for index, call in enumerate(self._calls(chat_id, reply)):
            if index < done:
                continue
            try:
                await call()
            except Exception as error:
                failure = _delivery_error(error)
                failure.parts_sent = index if index > 0 else None
                raise failure from error

    def _calls(self, chat_id: str, reply: Reply) -> list[Callable[[], Awaitable[object]]]:
        text = render_text(reply)
        calls: list[Callable[[], Awaitable[object]]] = []
        if reply.document:
            file = FSInputFile(reply.document.path, filename=reply.document.filename)
            caption = text if len(text) <= MAX_CAPTION else None
            calls.append(partial(self.bot.send_document, chat_id, file, caption=caption))
            if caption is not None:
                return calls
        parts = split_text(text, MAX_TEXT)
        for index, part in enumerate(parts):
            markup = markup_for(reply) if index == len(parts) - 1 else None
            calls.append(partial(self.bot.send_message, chat_id, part, reply_markup=markup))
        return calls

    async def _set_menu(self, chat_id: str, kind: str) -> None:
        """Best effort: a menu that cannot be set must not hold back the message itself."""
        try:
            scope = BotCommandScopeChat(chat_id=int(chat_id))
            await self.bot.set_my_commands(commands(kind), scope=scope)
        except TelegramAPIError as error:
            log.warning("could not set the %s menu for %s: %s", kind, chat_id, error)


def _delivery_error(error: Exception) -> DeliveryError:
    """What the sender should do about a Bot API failure."""
    if isinstance(error, TelegramRetryAfter):
        return RetryLater(float(error.retry_after), error.message)
    if isinstance(error, TelegramForbiddenError):
        return RecipientGone(error.message)
    if isinstance(error, TelegramEntityTooLarge):  # a NetworkError subclass, but final
        return PermanentFailure(error.message)
    if isinstance(error, TelegramServerError | TelegramNetworkError | TimeoutError | OSError):
        return TemporaryFailure(str(error))
    if isinstance(error, TelegramAPIError):
        return PermanentFailure(error.message)
    return TemporaryFailure(repr(error))


async def set_default_commands(bot: Bot) -> None:
    """The reporters' command menu in every private chat (office users get theirs per chat)."""
    await bot.set_my_commands(commands("reporter"), scope=BotCommandScopeAllPrivateChats())
