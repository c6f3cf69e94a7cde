"""Telegram updates in: normalised messages (a tapped button read as its label), committed in
order, then the tapped buttons answered and the sender woken.

A photo or document in a private chat is downloaded into the evidence store
(:mod:`bot.channels.telegram.files`) before its batch goes to the pipeline, so no network call
happens inside the transaction; a transient download failure raises, and the batch is fetched
(or the webhook call delivered) again; a permanent one (too big, refused) makes the message
``unsupported``, so the person is told (:mod:`bot.channels.attachments`).

Nothing lost, nothing twice: a ``getUpdates`` batch is committed in one transaction, with every
``update_id``, before the offset moves past it (``bot.channels.telegram.polling``); a webhook
call is answered 200 only after its commit, shared with the calls waiting beside it
(:mod:`bot.channels.batcher`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, Update

from bot.channels.attachments import Attempts, DownloadFailed
from bot.channels.batcher import Batcher
from bot.channels.telegram.channel import CHANNEL
from bot.channels.telegram.files import download, file_key
from bot.pipeline import Pipeline
from bot.sender import OutboxSender
from domain.messages import Attachment, Incoming
from services.file_store import FileStore

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
DOWNLOADS_AT_ONCE = 4  # files of one getUpdates batch fetched side by side


def from_message(
    message: Message,
    update_id: int,
    office_chats: frozenset[str],
    attachment: Attachment | None = None,
    refused: str = "",
) -> Incoming | None:
    """A normalised message, or None for messages without a person behind them.

    ``attachment``: the message's photo or document, already stored (:meth:`Ingest.incoming`);
    ``refused``: why its file was refused for good (too big ...; Vietnamese): the message's
    ``refusal``, caption or not, so the person is told and the caption is not taken as an
    answer."""
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
        unsupported=contact is None and not text and attachment is None and not refused,
        refusal=refused,
        attachment=attachment,
        language_code=sender.language_code or "",
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
        language_code=query.from_user.language_code or "",
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


@dataclass
class Ingest:
    """Telegram updates into the pipeline: normalised (:func:`from_message`), committed
    together (one transaction for a ``getUpdates`` batch, :meth:`Pipeline.process_batch`; the
    webhook calls waiting together through :class:`~bot.channels.batcher.Batcher`), then the
    tapped buttons answered and the sender woken. aiogram's dispatcher handles one update at a
    time, so it is not used for incoming updates; aiogram's types and ``Bot`` are.

    With ``bot`` and ``store`` the photos and documents of private chats are downloaded into
    ``store`` first (:meth:`incoming`); without them they are ``unsupported``."""

    pipeline: Pipeline
    sender: OutboxSender
    office_chats: frozenset[str]
    bot: Bot | None = None
    store: FileStore | None = None
    batcher: Batcher = field(init=False)
    attempts: Attempts = field(init=False)

    def __post_init__(self) -> None:
        self.batcher = Batcher(self.pipeline)
        self.attempts = Attempts()

    async def incoming(self, update: Update) -> Incoming | None:
        """The normalised message of ``update`` (None: nothing for the bot), its photo or
        document downloaded first. Raises
        :class:`~bot.channels.attachments.DownloadFailed` for a transient download failure."""
        if update.message is not None:
            attachment, refused = await self.attachment(update.message)
            return from_message(
                update.message, update.update_id, self.office_chats, attachment, refused
            )
        if update.callback_query is not None:
            return from_callback(update.callback_query, update.update_id, self.office_chats)
        return None

    async def attachment(self, message: Message) -> tuple[Attachment | None, str]:
        """The photo or document of a private message, stored, and why it was refused for
        good ("" when it was not; too big, a 4xx, :data:`~bot.channels.attachments.MAX_ATTEMPTS`
        transient failures). Nothing is downloaded for a message without one, in a group, or without a
        ``bot`` and ``store``. Raises ``DownloadFailed`` for a transient failure."""
        key = file_key(message)
        if key is None or message.chat.type != "private" or message.from_user is None:
            return None, ""
        if self.bot is None or self.store is None:
            return None, ""
        try:
            found = await download(self.bot, self.store, message)
        except DownloadFailed as failure:
            error = self.attempts.failed(key, failure)
            if not error.permanent:
                log.warning("file of update in chat %s not downloaded: %s", message.chat.id, error)
                raise error from None
            log.warning("file in chat %s refused: %s", message.chat.id, error)
            return None, error.user_message
        self.attempts.succeeded(key)
        return found, ""

    async def normalise(self, updates: list[Update]) -> list[Incoming]:
        """The normalised messages of a batch, in order; the files of several updates are
        downloaded side by side (at most :data:`DOWNLOADS_AT_ONCE`). Raises the first
        transient download failure (after every download has ended)."""
        turns = asyncio.Semaphore(DOWNLOADS_AT_ONCE)

        async def one(update: Update) -> Incoming | None:
            async with turns:
                return await self.incoming(update)

        found = await asyncio.gather(*(one(update) for update in updates), return_exceptions=True)
        for result in found:
            if isinstance(result, BaseException):
                raise result
        return [result for result in found if isinstance(result, Incoming)]

    async def take(self, updates: list[Update]) -> None:
        """Commit a ``getUpdates`` batch in order, in one transaction; raises when it could not
        be committed or a file of it could not be downloaded for now (nothing of it is then
        confirmed)."""
        batch = await self.normalise(updates)
        if batch:
            await self.pipeline.process_batch(batch)
            self.sender.wake()
        await _answer_buttons(updates)

    async def take_one(self, update: Update) -> None:
        """Commit one webhook call's update with the others waiting (raises when it could not
        be committed or its file downloaded for now: the webhook then answers non-200)."""
        found = await self.incoming(update)
        if found is not None:
            await self.batcher.submit(found)
            self.sender.wake()
        await _answer_buttons([update])


async def _answer_buttons(updates: list[Update]) -> None:
    """Stop the spinner of every tapped button (best effort, after the commit)."""
    for update in updates:
        query = update.callback_query
        if query is None:
            continue
        try:
            await query.answer()
        except TelegramAPIError:
            log.info("could not answer callback query %s", query.id)


def build_dispatcher(
    pipeline: Pipeline,
    sender: OutboxSender,
    office_chats: frozenset[str],
    bot: Bot | None = None,
    store: FileStore | None = None,
) -> Ingest:
    """The Telegram ingest of ``pipeline`` (the name kept from when this was an aiogram
    dispatcher); with ``bot`` and ``store`` photos and documents are downloaded into
    ``store``."""
    return Ingest(pipeline, sender, office_chats, bot, store)
