"""Normalised messages: what every channel adapter turns its updates into, and what the
conversations answer with. No Telegram or Zalo type appears here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.text import clean_text


@dataclass(frozen=True)
class Attachment:
    """A photo or document a person sent (evidence, minh chứng), saved by the channel adapter
    before the message is processed: ``path`` relative to the data folder (content-addressed,
    so the same file sent twice is stored once), its SHA-256 (hex), ``kind`` "photo" or
    "document", the media type, the name the sender gave it (documents) and its size in bytes.
    """

    kind: str
    path: str
    sha256: str
    media_type: str = ""
    file_name: str = ""
    size: int = 0


@dataclass(frozen=True)
class Incoming:
    """One message from a person.

    ``message_id`` is unique per channel (Telegram ``update_id``, Zalo ``message_id``, a counter
    in the console) and is used to drop duplicates. ``verified_phone`` is set only when the
    channel itself vouches for the number (a Telegram contact whose user id is the sender's,
    or the console's ``--as PHONE``); a typed number is just text, and a forwarded or someone
    else's contact only sets ``unverified_contact``. ``is_office_chat`` marks a group listed in
    ``OFFICE_CHAT_IDS``; ``unsupported`` a message with nothing the bot can read (a sticker, a
    photo without caption). ``phone_button``: the channel can ask for the person's own phone
    with a button (Telegram); False on text-only channels such as Zalo, where binding is by code
    only (texts then mention no button and replies set no ``request_phone``). ``attachment``: a
    photo or document the person sent, already saved by the channel adapter (its caption, if
    any, is ``text``). ``refusal``: the person sent a photo or document the channel refused for
    good (too big, could not be fetched): the Vietnamese reason, told instead of reading the
    message (its caption is not taken as an answer). ``language_code``: the language of the
    person's app where the channel tells it (Telegram's ``language_code``, ``en`` or ``vi-VN``;
    empty elsewhere), which may choose the language of the answer (:mod:`domain.i18n`).

    Every channel builds one of these, so this is where what a person sends is made safe: on
    construction ``text`` goes through :func:`domain.text.clean_text` (control, bidi and
    zero-width characters removed, line breaks kept) and ``display_name`` too, on one line.
    Nothing a person typed reaches a step, the database or an echo without it.
    """

    channel: str
    external_id: str
    chat_id: str
    message_id: str
    text: str = ""
    display_name: str = ""
    verified_phone: str | None = None
    is_group: bool = False
    is_office_chat: bool = False
    unverified_contact: bool = False
    unsupported: bool = False
    refusal: str = ""
    phone_button: bool = True
    attachment: Attachment | None = None
    language_code: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean_text(self.text))
        object.__setattr__(self, "display_name", clean_text(self.display_name, multiline=False))


@dataclass(frozen=True)
class Document:
    """A file to send: its name as the user will see it, and where it is on disk."""

    filename: str
    path: str


@dataclass(frozen=True)
class Reply:
    """One answer to a person.

    ``choices`` are shown numbered (``1. ...``) on text-only channels and as buttons where the
    channel has them; typing the number or the label picks one. ``request_phone`` asks the
    channel for a verified phone number where it can. ``command_menu`` ("office" or "reporter")
    asks channels with a command menu to show that person's commands from now on.
    """

    text: str
    choices: tuple[str, ...] = ()
    request_phone: bool = False
    document: Document | None = None
    command_menu: str | None = None

    def to_payload(self) -> dict[str, Any]:
        """The JSON shape stored in the outbox."""
        payload: dict[str, Any] = {"text": self.text}
        if self.choices:
            payload["choices"] = list(self.choices)
        if self.request_phone:
            payload["request_phone"] = True
        if self.document:
            payload["document"] = {"filename": self.document.filename, "path": self.document.path}
        if self.command_menu:
            payload["command_menu"] = self.command_menu
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Reply:
        """Rebuild a reply from its outbox payload."""
        document = payload.get("document")
        return cls(
            text=payload["text"],
            choices=tuple(payload.get("choices", ())),
            request_phone=bool(payload.get("request_phone", False)),
            document=Document(**document) if document else None,
            command_menu=payload.get("command_menu"),
        )


def render_text(reply: Reply) -> str:
    """The reply as plain text with its choices numbered, as text-only channels show it."""
    lines = [reply.text]
    lines.extend(f"  {number}. {choice}" for number, choice in enumerate(reply.choices, 1))
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into parts of at most ``limit`` characters, at line breaks where possible
    (then at spaces, then anywhere). Telegram allows 4096 characters a message, Zalo 2000."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut])
        rest = rest[cut + 1 :] if rest[cut] in "\n " else rest[cut:]
    parts.append(rest)
    return [part for part in parts if part] or [""]
