"""Photos sent to the bot on Zalo, downloaded into the evidence store.

An image message (``event_name`` "message.image.received") carries the picture as a URL in
``message.photo`` (as the platform's documentation and open-source clients read it) and an
optional ``caption``; some payloads name the URL ``photo_url``, which is read too. The URL is
fetched with the adapter's own aiohttp session (:attr:`ZaloBotAPI.session`) and stored
(:mod:`services.file_store`).

Zalo bots receive no documents: the Zalo Bot Platform delivers text, image, sticker and voice
messages only ("message.text.received", "message.image.received", "message.sticker.received",
"message.voice.received", "message.unsupported.received"; ``../shared/specs/README.md``: "no
documents"), so a PDF or Word file can be sent as evidence on Telegram or, as a photo of its
pages, on Zalo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientTimeout

from bot.channels.attachments import Attempts, DownloadFailed, media_type_for, suffix_for
from bot.channels.zalo.api import ZaloBotAPI
from domain.messages import Attachment
from services.file_store import CHUNK, FileStore, FileTooLarge

DOWNLOAD_SECONDS = 120.0  # for a whole image
IMAGE_EVENTS = {"message.image.received"}


def image_url(update: dict[str, Any]) -> str | None:
    """The http(s) URL of an image message's picture (None: not an image message, or none)."""
    message = update.get("message")
    if str(update.get("event_name", "")) not in IMAGE_EVENTS or not isinstance(message, dict):
        return None
    for key in ("photo_url", "photo", "url"):
        value = message.get(key)
        if isinstance(value, dict):  # tolerate {"url": ...}
            value = value.get("url")
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            return value
    return None


@dataclass
class ZaloFiles:
    """Downloads the images of Zalo messages into ``store`` with ``api``'s session, counting
    the transient failures of each URL (:class:`~bot.channels.attachments.Attempts`)."""

    api: ZaloBotAPI
    store: FileStore
    attempts: Attempts = field(default_factory=Attempts)

    async def fetch(self, url: str) -> Attachment:
        """The image at ``url``, stored. Raises ``DownloadFailed``: permanent for a file too
        big or a 4xx answer, transient for network trouble, time-outs and 5xx answers; a URL
        failing transiently :data:`~bot.channels.attachments.MAX_ATTEMPTS` times becomes
        permanent."""
        try:
            found = await self._fetch(url)
        except DownloadFailed as failure:
            raise self.attempts.failed(url, failure) from None
        self.attempts.succeeded(url)
        return found

    async def _fetch(self, url: str) -> Attachment:
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        try:
            async with self.api.session.get(
                url, timeout=ClientTimeout(total=DOWNLOAD_SECONDS)
            ) as response:
                if response.status >= 400:
                    final = response.status < 500 and response.status not in (408, 429)
                    raise DownloadFailed(f"image: HTTP {response.status}", permanent=final)
                self.store.check_size(response.content_length)
                media_type = media_type_for(name, response.headers.get("Content-Type", ""))
                writer = self.store.writer(suffix_for(media_type, name))
                try:
                    async for chunk in response.content.iter_chunked(CHUNK):
                        writer.write(chunk)
                except BaseException:
                    writer.abort()
                    raise
                stored = writer.finish()
        except FileTooLarge as error:
            told = error.user_message
            raise DownloadFailed(str(error), permanent=True, user_message=told) from None
        except (ClientError, TimeoutError, OSError) as error:
            raise DownloadFailed(f"image: {type(error).__name__}", permanent=False) from None
        return Attachment(
            kind="photo",
            path=stored.path,
            sha256=stored.sha256,
            media_type=media_type,
            file_name="",
            size=stored.size,
        )
