"""Telegram updates in: normalised messages (a tapped button read as its label), committed in
order, then the tapped buttons answered and the sender woken.

Nothing lost, nothing twice: a ``getUpdates`` batch is committed in one transaction, with every
``update_id``, before the offset moves past it (``bot.channels.telegram.polling``); a webhook
call is answered 200 only after its commit, shared with the calls waiting beside it
(:mod:`bot.channels.batcher`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, Update

from bot.channels.batcher import Batcher
from bot.channels.telegram.channel import CHANNEL
from bot.pipeline import Pipeline
from bot.sender import OutboxSender
from domain.messages import Incoming

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]


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


@dataclass
class Ingest:
    """Telegram updates into the pipeline: normalised (:func:`from_message`), committed
    together (one transaction for a ``getUpdates`` batch, :meth:`Pipeline.process_batch`; the
    webhook calls waiting together through :class:`~bot.channels.batcher.Batcher`), then the
    tapped buttons answered and the sender woken. aiogram's dispatcher handles one update at a
    time, so it is not used for incoming updates; aiogram's types and ``Bot`` are."""

    pipeline: Pipeline
    sender: OutboxSender
    office_chats: frozenset[str]
    batcher: Batcher = field(init=False)

    def __post_init__(self) -> None:
        self.batcher = Batcher(self.pipeline)

    def incoming(self, update: Update) -> Incoming | None:
        """The normalised message of ``update`` (None: nothing for the bot)."""
        if update.message is not None:
            return from_message(update.message, update.update_id, self.office_chats)
        if update.callback_query is not None:
            return from_callback(update.callback_query, update.update_id, self.office_chats)
        return None

    async def take(self, updates: list[Update]) -> None:
        """Commit a ``getUpdates`` batch in order, in one transaction; raises when it could not
        be committed (nothing of it is then confirmed)."""
        batch = [found for update in updates if (found := self.incoming(update)) is not None]
        if batch:
            await self.pipeline.process_batch(batch)
            self.sender.wake()
        await _answer_buttons(updates)

    async def take_one(self, update: Update) -> None:
        """Commit one webhook call's update with the others waiting (raises when it could not
        be committed: the webhook then answers non-200)."""
        found = self.incoming(update)
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
    pipeline: Pipeline, sender: OutboxSender, office_chats: frozenset[str]
) -> Ingest:
    """The Telegram ingest of ``pipeline`` (the name kept from when this was an aiogram
    dispatcher)."""
    return Ingest(pipeline, sender, office_chats)
