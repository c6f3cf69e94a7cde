"""The Telegram channel (aiogram 3): updates in as normalised messages, outbox payloads out.

Messages are sent as plain text (no parse mode), so names and answers typed by people need no
escaping and can never break the formatting. Choices become inline buttons whose
``callback_data`` is a short ``c<number>`` (the Bot API allows 1-64 bytes); a tap is read back
as the button's label, so an old button pressed later picks nothing it should not.
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
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiolimiter import AsyncLimiter

from bot.sender import (
    DeliveryError,
    PermanentFailure,
    RecipientGone,
    RetryLater,
    TemporaryFailure,
)
from domain.i18n import _
from domain.messages import Incoming, Reply, render_text, split_text
from handlers.commands import telegram_menu

CHANNEL = "telegram"
MAX_TEXT = 4096  # characters per message (Bot API, sendMessage)
MAX_CAPTION = 1024  # characters per document caption (Bot API, sendDocument)
MAX_BUTTONS = 12
MAX_LIMITERS = 10_000  # per-chat pacing state kept at once  # beyond this a list is easier to answer by typing its number
PHONE_BUTTON = "📱 Gửi số điện thoại của tôi"

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def make_bot(token: str, api_base: str, timeout: float = 60.0) -> Bot:
    """An aiogram bot talking to ``api_base`` (Telegram's, a self-hosted or a fake server);
    a request with no answer after ``timeout`` seconds fails as a network error."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
    return Bot(token, session=session)


def from_message(message: Message, update_id: int, office_chats: frozenset[str]) -> Incoming | None:
    """A normalised message, or None for messages without a person behind them."""
    sender = message.from_user
    if sender is None or sender.is_bot:
        return None
    contact = message.contact
    own_contact = contact is not None and contact.user_id == sender.id
    text = message.text or message.caption or ""
    if message.chat.type != "private" and not text:
        return None  # joins, pins, photos in a group: nothing said to the bot
    return Incoming(
        channel=CHANNEL,
        external_id=str(sender.id),
        chat_id=str(message.chat.id),
        message_id=str(update_id),
        text=text,
        display_name=sender.full_name,
        verified_phone=contact.phone_number if contact is not None and own_contact else None,
        is_group=message.chat.type != "private",
        is_office_chat=str(message.chat.id) in office_chats,
        unverified_contact=contact is not None and not own_contact,
        unsupported=contact is None and not text,
    )


def from_callback(
    query: CallbackQuery, update_id: int, office_chats: frozenset[str]
) -> Incoming | None:
    """A tapped button, read as if the person had typed the button's label."""
    message = query.message
    if not isinstance(message, Message) or query.from_user.is_bot:
        return None
    label = _choice_label(message.text or "", query.data or "")
    return Incoming(
        channel=CHANNEL,
        external_id=str(query.from_user.id),
        chat_id=str(message.chat.id),
        message_id=str(update_id),
        text=label,
        display_name=query.from_user.full_name,
        is_group=message.chat.type != "private",
        is_office_chat=str(message.chat.id) in office_chats,
        unsupported=not label,
    )


def _choice_label(text: str, data: str) -> str:
    """The full label of choice ``c<n>`` as the message lists it (``  n. label``); buttons may
    be shortened on screen, the text never is."""
    prefix = f"  {data.removeprefix('c')}. "
    if data.startswith("c"):
        for line in text.splitlines():
            if line.startswith(prefix):
                return line[len(prefix) :]
    return ""


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
            keyboard=[[KeyboardButton(text=PHONE_BUTTON, request_contact=True)]],
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


class TelegramChannel:
    """Delivers outbox payloads with the Bot API and maps its errors for the sender.

    Per-chat pace (Bot API FAQ): about one message a second in a private chat, 20 a minute in
    a group (group and supergroup ids are negative).
    """

    name = CHANNEL

    def __init__(self, bot: Bot, chat_per_second: float = 1.0) -> None:
        self.bot = bot
        self.chat_per_second = chat_per_second
        self._limiters: dict[str, AsyncLimiter] = {}

    def chat_limiter(self, chat_id: str) -> AsyncLimiter:
        """The pace of one chat."""
        if chat_id not in self._limiters:
            if len(self._limiters) >= MAX_LIMITERS:  # forget idle chats, keep memory bounded
                self._limiters.clear()
            group = chat_id.startswith("-")
            pace = (20, 60) if group else (self.chat_per_second, 1)
            self._limiters[chat_id] = AsyncLimiter(*pace)
        return self._limiters[chat_id]

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
