"""What the channel adapters share about photos and documents people send (evidence): the
failure of a download, the bounded retries of a file that keeps failing, and naming.

A file is downloaded and stored (:mod:`services.file_store`) by the adapter BEFORE its message
goes to the pipeline, so no network call and no file writing happens inside the database
transaction. A transient failure (network, time-out, the platform's 5xx) is raised for the
update to be delivered again as any transient channel fault is (Telegram polling keeps the batch
unconfirmed, a webhook call is answered non-200, Zalo polling retries with back-off); a
permanent one (the file too big, the platform's 4xx) makes the message ``unsupported`` with no
attachment, so the person is told and the update is not tried again. A file that fails
transiently :data:`MAX_ATTEMPTS` times is then taken as permanent, so one broken photo cannot
hold a chat (or a whole ``getUpdates`` batch) back for ever.

No aiogram here: the console and Zalo import this module.
"""

from __future__ import annotations

import logging
import mimetypes
from collections import OrderedDict
from pathlib import PurePosixPath

from domain.i18n import _
from services.file_store import clean_suffix, megabytes

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
"""Transient failures of one file before it is given up as permanent."""
_REMEMBERED = 1000  # files whose failures are counted at once (oldest forgotten first)


TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""Bots download files of at most 20 MB (Bot API, ``getFile``)."""


def not_fetched() -> str:
    """What a person is told of a file the bot could not fetch for good (Vietnamese)."""
    return _(
        "Bot không tải được ảnh/tệp này nên chưa ghi nhận. Hãy gửi lại, hoặc chụp ảnh rồi gửi "
        "dưới dạng ảnh."
    )


def too_big_for_platform(limit: int) -> str:
    """What a person is told of a file over the platform's own download limit (Vietnamese)."""
    return _(
        "Tệp quá lớn: bot chỉ tải được tệp đến {limit}. Hãy gửi ảnh nhỏ hơn, nén tệp hoặc "
        "chia thành nhiều tệp."
    ).format(limit=megabytes(limit))


class DownloadFailed(Exception):
    """A photo or document could not be fetched; ``permanent``: not worth trying again.
    ``user_message``: the Vietnamese reply when it is refused for good (default:
    :func:`not_fetched`)."""

    def __init__(self, reason: str, *, permanent: bool, user_message: str = "") -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.user_message = user_message or not_fetched()


class Attempts:
    """Transient failures per file key (a Telegram ``file_unique_id``, a Zalo photo URL), for
    :data:`MAX_ATTEMPTS`; kept in memory, for the last :data:`_REMEMBERED` keys."""

    def __init__(self, limit: int = MAX_ATTEMPTS) -> None:
        self.limit = limit
        self._failures: OrderedDict[str, int] = OrderedDict()

    def failed(self, key: str, error: DownloadFailed) -> DownloadFailed:
        """Count a failure; the error to act on (made permanent at the limit)."""
        if error.permanent:
            self._failures.pop(key, None)
            return error
        count = self._failures.pop(key, 0) + 1
        if count >= self.limit:
            log.error("file %s failed %d times (%s); given up", key, count, error)
            return DownloadFailed(
                f"{error} ({count} attempts)", permanent=True, user_message=error.user_message
            )
        self._failures[key] = count
        while len(self._failures) > _REMEMBERED:
            self._failures.popitem(last=False)
        return error

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key``."""
        self._failures.pop(key, None)


def suffix_for(media_type: str, name: str = "") -> str:
    """The stored file's suffix: from the file name (``.pdf``, ``.docx``), else from the media
    type (``image/jpeg`` → ``.jpg``), else none."""
    suffix = clean_suffix(PurePosixPath(name).suffix) if name else ""
    if suffix:
        return suffix
    if media_type == "image/jpeg":
        return ".jpg"
    guessed = mimetypes.guess_extension(media_type.split(";")[0].strip()) if media_type else None
    return clean_suffix(guessed or "")


def media_type_for(name: str, given: str = "") -> str:
    """The media type a platform gave, else the one the file name suggests, else
    ``application/octet-stream``."""
    given = given.split(";")[0].strip().lower()
    if given and given != "application/octet-stream":
        return given
    guessed, _encoding = mimetypes.guess_type(name) if name else (None, None)
    return guessed or given or "application/octet-stream"
