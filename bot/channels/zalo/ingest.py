"""Zalo updates in: normalised messages, handed to the pipeline (or to the webhook's
:class:`~bot.channels.batcher.Batcher`) and retried by the channels' back-off rule
(:mod:`bot.channels.backoff`) while they cannot be committed.

An image message in a private chat is downloaded into the evidence store first
(:mod:`bot.channels.zalo.files`), outside the transaction: a transient failure is retried like
a commit that failed (polling), or answered non-200 (webhook) for the platform to deliver it
again; a permanent one (too big, a 4xx) makes the message ``unsupported``, so the person is told.
Zalo bots receive no documents (:mod:`bot.channels.zalo.files`).

Zalo updates carry no ``update_id``: the message's own ``message_id`` is the key that drops a
message delivered twice (``storage.accounts.mark_processed``, in the step's transaction).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.channels.attachments import DownloadFailed
from bot.channels.backoff import Backoff
from bot.channels.batcher import Batcher
from bot.channels.zalo.channel import CHANNEL
from bot.channels.zalo.files import IMAGE_EVENTS, ZaloFiles, image_url
from bot.pipeline import Pipeline
from bot.sender import sleep_or_stop
from domain.messages import Attachment, Incoming

MAX_ID = 64  # characters of a message, chat or user id the database keeps
TEXT_EVENTS = {"message.text.received"}

log = logging.getLogger(__name__)


def unwrap(body: Any) -> dict[str, Any] | None:
    """The update inside a webhook body: ``{"ok": true, "result": update}`` or bare."""
    if isinstance(body, dict) and "result" in body and "event_name" not in body:
        body = body["result"]
    return body if isinstance(body, dict) else None


def from_update(
    update: dict[str, Any], attachment: Attachment | None = None, refused: str = ""
) -> Incoming | None:
    """A normalised message, or None for updates without a person or a message id behind
    them (the bot's own messages, events without a message) and for malformed ones (ids
    missing or longer than the 64 characters the database keeps).

    ``attachment``: the image, already stored (:func:`process_update`); ``refused``: why the
    image was refused for good (too big ...; Vietnamese): the message's ``refusal``, caption or
    not."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    sender = _mapping(message.get("from"))
    chat = _mapping(message.get("chat"))
    message_id = str(message.get("message_id") or "")
    sender_id = str(sender.get("id") or "")
    chat_id = str(chat.get("id") or sender_id)
    if sender.get("is_bot") or not all(0 < len(key) <= MAX_ID for key in (message_id, chat_id)):
        return None
    if not sender_id or len(sender_id) > MAX_ID:
        return None
    event = str(update.get("event_name", ""))
    text = _text_of(event, message)
    group = str(chat.get("chat_type", "PRIVATE")).upper() == "GROUP"
    if group and not text:
        return None  # photos and stickers in a group: nothing said to the bot
    if group:
        attachment = None  # nothing is downloaded from groups
    return Incoming(
        channel=CHANNEL,
        external_id=sender_id,
        chat_id=chat_id,
        message_id=message_id,
        text=text,
        display_name=str(sender.get("display_name") or sender.get("name") or ""),
        is_group=group,
        unsupported=not text and attachment is None and not refused,
        refusal=refused,
        phone_button=False,
        attachment=attachment,
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text_of(event: str, message: dict[str, Any]) -> str:
    """What the person wrote: a text, or a photo's caption; nothing for stickers and the like."""
    if event in TEXT_EVENTS or (not event and "text" in message):
        return str(message.get("text") or "")
    if event in IMAGE_EVENTS:
        return str(message.get("caption") or "")
    return ""


async def process_update(
    pipeline: Pipeline | Batcher,
    update: dict[str, Any],
    stop: asyncio.Event | None = None,
    files: ZaloFiles | None = None,
) -> bool:
    """Hand one update to the pipeline (or to a :class:`~bot.channels.batcher.Batcher`, which
    commits it with the webhook calls waiting beside it), retrying while the step cannot
    commit (the pipeline answers every conversation error itself; what escapes it is the
    database). An image in a private chat is first downloaded with ``files`` (without
    ``files`` it is ``unsupported``), retried the same way. True when it was processed (or
    has nothing for the bot); False when ``stop`` came first. Without ``stop`` (a webhook
    call) a failure is raised at once, for the platform to deliver the update again."""
    process = pipeline.submit if isinstance(pipeline, Batcher) else pipeline.process
    incoming = from_update(update)
    if incoming is None:
        log.debug("Zalo update without a readable message dropped: %.300r", update)
        return True
    backoff = Backoff()
    url = image_url(update)
    if files is not None and url is not None and not incoming.is_group:
        while True:
            try:
                attachment = await files.fetch(url)
            except DownloadFailed as failure:
                if failure.permanent:
                    log.warning("Zalo image %s refused: %s", incoming.message_id, failure)
                    incoming = from_update(update, refused=failure.user_message) or incoming
                    break
                if stop is None:
                    raise
                log.warning(
                    "Zalo image %s not downloaded (%s); retrying", incoming.message_id, failure
                )
            else:
                incoming = from_update(update, attachment) or incoming
                break
            if stop.is_set():
                log.error("Zalo message %s dropped at shutdown", incoming.message_id)
                return False
            await sleep_or_stop(stop, backoff.next())
        backoff.reset()
    while True:
        try:
            await process(incoming)
            return True
        except Exception:
            if stop is None:
                raise
            log.exception("Zalo message %s not processed; retrying", incoming.message_id)
        if stop.is_set():
            log.error("Zalo message %s dropped at shutdown", incoming.message_id)
            return False
        await sleep_or_stop(stop, backoff.next())
