"""Photos and documents sent to the bot on Telegram, downloaded into the evidence store.

A ``photo`` message carries several sizes of one picture (Bot API, ``Message.photo``: "Available
sizes of the photo"); the largest is kept. A ``document`` is any file sent as a file (PDF, Word,
images sent uncompressed), kept with its name and media type. The file is found with ``getFile``
and fetched from ``<api base>/file/bot<token>/<file_path>`` with aiogram's
``Bot.download_file`` (which also reads a local Bot API server's files). Bots can download files
of up to 20 MB (Bot API, ``getFile``); a larger one is answered 400 "file is too big", and one
announced larger than ``EVIDENCE_MAX_BYTES`` is refused before any call.
"""

from __future__ import annotations

from typing import BinaryIO, cast

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramEntityTooLarge
from aiogram.types import Message, PhotoSize
from aiohttp import ClientError, ClientResponseError

from bot.channels.attachments import (
    TELEGRAM_DOWNLOAD_LIMIT,
    DownloadFailed,
    media_type_for,
    suffix_for,
    too_big_for_platform,
)
from domain.messages import Attachment
from services.file_store import FileStore, FileTooLarge

PHOTO_TYPE = "image/jpeg"  # Telegram re-encodes photos as JPEG
DOWNLOAD_SECONDS = 120  # for a whole file of up to 20 MB


def file_key(message: Message) -> str | None:
    """The ``file_unique_id`` of the photo or document a message carries (None: none)."""
    if message.photo:
        return largest(message).file_unique_id
    if message.document is not None:
        return message.document.file_unique_id
    return None


def largest(message: Message) -> PhotoSize:
    """The largest size of a photo message (by pixels, then bytes)."""
    assert message.photo
    return max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))


async def download(bot: Bot, store: FileStore, message: Message) -> Attachment:
    """Fetch the photo (largest size) or document of ``message`` into ``store``.

    Raises :class:`~bot.channels.attachments.DownloadFailed`: permanent for a file too big (or
    refused by the Bot API with a 4xx), transient for network trouble and 5xx answers.
    """
    if message.photo:
        size = largest(message)
        kind, file_id, name, given, announced = (
            "photo",
            size.file_id,
            "",
            PHOTO_TYPE,
            size.file_size,
        )
    elif message.document is not None:
        document = message.document
        kind, file_id, announced = "document", document.file_id, document.file_size
        name, given = document.file_name or "", document.mime_type or ""
    else:
        raise DownloadFailed("no photo or document", permanent=True)
    media_type = media_type_for(name, given)
    try:
        store.check_size(announced)
        file = await bot.get_file(file_id)
        store.check_size(file.file_size)
        if not file.file_path:
            raise DownloadFailed("getFile gave no file_path", permanent=True)
        writer = store.writer(suffix_for(media_type, name or file.file_path))
        try:
            await bot.download_file(
                file.file_path,
                destination=cast(BinaryIO, writer),
                timeout=DOWNLOAD_SECONDS,
                seek=False,
            )
        except BaseException:
            writer.abort()
            raise
        stored = writer.finish()
    # no error chained below: aiohttp's carry the file URL, and the URL carries the token
    except FileTooLarge as error:
        raise DownloadFailed(str(error), permanent=True, user_message=error.user_message) from None
    except TelegramEntityTooLarge as error:
        told = too_big_for_platform(TELEGRAM_DOWNLOAD_LIMIT)
        raise DownloadFailed(
            f"getFile: {error.message}", permanent=True, user_message=told
        ) from None
    except TelegramBadRequest as error:
        told = too_big_for_platform(TELEGRAM_DOWNLOAD_LIMIT) if "too big" in error.message else ""
        raise DownloadFailed(
            f"getFile: {error.message}", permanent=True, user_message=told
        ) from None
    except ClientResponseError as error:
        final = 400 <= error.status < 500 and error.status not in (408, 429)
        raise DownloadFailed(f"download: HTTP {error.status}", permanent=final) from None
    except (TelegramAPIError, ClientError, TimeoutError, OSError) as error:
        raise DownloadFailed(f"download: {type(error).__name__}", permanent=False) from None
    return Attachment(
        kind=kind,
        path=stored.path,
        sha256=stored.sha256,
        media_type=media_type,
        file_name=name,
        size=stored.size,
    )
