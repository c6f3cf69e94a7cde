"""The evidence file store: photos and documents people send (minh chứng), kept by content.

Layout: ``<EVIDENCE_DIR>/<first two hex digits>/<sha256><suffix>``; the path handed back is
relative to the store's parent (the data folder, ``data/`` by default), e.g.
``evidence/3f/3fa4…e1.jpg``, which is what ``domain.messages.Attachment.path`` and the
``evidence`` table keep. Addressing by SHA-256 makes the same file sent twice one file on disk
(the conversations then count it once per criterion, ``storage.reviews.add_evidence``).

A file is written to a temporary file in ``<EVIDENCE_DIR>/tmp`` (the same file system), flushed
and ``fsync``-ed, then renamed into place with :func:`os.replace`, which is atomic on POSIX
(Python docs, ``os.replace``: "If successful, the renaming will be an atomic operation (this is
a POSIX requirement)"): a crash leaves either no file or the whole file, never half of one, and
two processes storing the same content at once both end with the one complete file.

Files larger than ``EVIDENCE_MAX_BYTES`` (20 MB by default: Telegram bots can download files of
up to 20 MB, Bot API ``getFile``, https://core.telegram.org/bots/api#getfile) are refused with
:class:`FileTooLarge`, whose ``user_message`` is the Vietnamese reply; the size is counted while
the bytes come in, so an oversized download stops at the limit instead of filling the disk.

The channel adapters call this before a message is processed: no network and no file writing
happens inside the database transaction (``bot.pipeline``).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from domain.i18n import _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""20 MB: the largest file a Telegram bot can download (Bot API, ``getFile``)."""
CHUNK = 64 * 1024
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")
_STORED = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}(\.[a-z0-9]{1,10})?$")


def megabytes(size: int) -> str:
    """``20 MB``, ``1,5 MB``: a size as Vietnamese people read it."""
    value = size / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " MB"


class FileTooLarge(Exception):
    """A file over the store's limit; ``user_message`` is the Vietnamese reply."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        super().__init__(f"file of {size if size is not None else 'more than ' + str(limit)} bytes")
        self.limit = limit
        self.size = size

    @property
    def user_message(self) -> str:
        """What the person is told."""
        told = f" ({megabytes(self.size)})" if self.size else ""
        return _(
            "Tệp quá lớn{size}: bot chỉ nhận ảnh và tệp minh chứng đến {limit}. Hãy gửi ảnh "
            "nhỏ hơn, nén tệp hoặc chia thành nhiều tệp."
        ).format(size=told, limit=megabytes(self.limit))


@dataclass(frozen=True)
class StoredFile:
    """A stored file: ``path`` relative to the data folder, its SHA-256 (hex) and size."""

    path: str
    sha256: str
    size: int


def clean_suffix(suffix: str) -> str:
    """A safe file suffix: ``.jpg``, ``.pdf``; lower case, at most 10 letters or digits, else
    none (a name a person chose never reaches the file system)."""
    suffix = suffix.strip().lower()
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    return suffix if _SUFFIX.match(suffix) else ""


class Writer:
    """One file being written (:meth:`FileStore.writer`): :meth:`write` chunks as they arrive
    (raises :class:`FileTooLarge` past the limit), then :meth:`finish` to store it or
    :meth:`abort` to drop it. A file-like object (``write``/``flush``), so a downloader can
    write into it directly (aiogram's ``Bot.download_file``)."""

    def __init__(self, store: FileStore, suffix: str) -> None:
        self.store = store
        self.suffix = clean_suffix(suffix)
        self.size = 0
        self._hash = hashlib.sha256()
        store.tmp_dir.mkdir(parents=True, exist_ok=True)
        self._temp = store.tmp_dir / f"{uuid.uuid4().hex}.part"
        self._file: BinaryIO | None = self._temp.open("wb")

    def write(self, chunk: bytes) -> int:
        """Append ``chunk``; over the limit the file is dropped and ``FileTooLarge`` raised."""
        if self._file is None:
            raise ValueError("the file is already finished")
        self.size += len(chunk)
        if self.size > self.store.max_bytes:
            self.abort()
            raise FileTooLarge(self.store.max_bytes)
        self._hash.update(chunk)
        self._file.write(chunk)
        return len(chunk)

    def flush(self) -> None:
        """Nothing to do until :meth:`finish` (for callers that flush after each chunk)."""

    def seek(self, offset: int, whence: int = 0) -> int:
        """Accepted and ignored (aiogram seeks to the start after a download)."""
        return 0

    def finish(self) -> StoredFile:
        """Flush, ``fsync`` and rename into place; the stored file."""
        if self._file is None:
            raise ValueError("the file is already finished")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        sha = self._hash.hexdigest()
        relative = f"{sha[:2]}/{sha}{self.suffix}"
        final = self.store.root / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            self._temp.unlink(missing_ok=True)  # the same content is already there
        else:
            os.replace(self._temp, final)
        return StoredFile(self.store.relative(final), sha, self.size)

    def abort(self) -> None:
        """Drop the file (idempotent)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._temp.unlink(missing_ok=True)


@dataclass
class FileStore:
    """Content-addressed files under ``root`` (``EVIDENCE_DIR``), at most ``max_bytes`` each
    (``EVIDENCE_MAX_BYTES``). Paths handed out and taken back are relative to ``root``'s parent
    (the data folder)."""

    root: Path
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def data_dir(self) -> Path:
        """The folder stored paths are relative to: the store's parent."""
        return self.root.parent

    @property
    def tmp_dir(self) -> Path:
        """Where files are written before they are renamed into place."""
        return self.root / "tmp"

    def relative(self, path: Path) -> str:
        """``path`` (inside the store) relative to the data folder, with forward slashes."""
        return path.relative_to(self.data_dir).as_posix()

    def check_size(self, size: int | None) -> None:
        """Raise :class:`FileTooLarge` for a size announced over the limit (before
        downloading anything); None (unknown) passes, the bytes are counted anyway."""
        if size is not None and size > self.max_bytes:
            raise FileTooLarge(self.max_bytes, size)

    def writer(self, suffix: str = "") -> Writer:
        """A file to write chunk by chunk (downloads); see :class:`Writer`."""
        return Writer(self, suffix)

    def save(self, data: bytes | BinaryIO, suffix: str = "") -> StoredFile:
        """Store ``data`` (bytes or a binary stream read to its end) under its SHA-256; the
        same content twice is one file. Raises :class:`FileTooLarge` over the limit."""
        writer = self.writer(suffix)
        try:
            if isinstance(data, bytes | bytearray | memoryview):
                writer.write(bytes(data))
            else:
                while chunk := data.read(CHUNK):
                    writer.write(chunk)
        except BaseException:
            writer.abort()
            raise
        return writer.finish()

    def path_of(self, stored: str) -> Path:
        """The file on disk of a stored path (``evidence/ab/ab….jpg``). Raises ``ValueError``
        for a path that is not one this store hands out (no ``..``, no absolute paths)."""
        parts = PurePosixPath(stored).parts
        if not parts or parts[0] != self.root.name or not _STORED.match("/".join(parts[1:])):
            raise ValueError(f"not a stored evidence path: {stored!r}")
        return self.root.joinpath(*parts[1:])

    def open(self, stored: str) -> BinaryIO:
        """The stored file, open for reading (binary)."""
        return self.path_of(stored).open("rb")
