"""The pace of each chat, one :class:`~aiolimiter.AsyncLimiter` per chat, for the outbox sender
(``Channel.chat_limiter``) of every channel.

Telegram (Bot API FAQ): about one message a second in a private chat, 20 a minute in a group.
Zalo publishes no limits; its chats get one a second as on Telegram. The overall pace of a
channel (about 30 a second for a Telegram bot) is the sender's (``Pacing.per_second``).
"""

from __future__ import annotations

from collections.abc import Callable

from aiolimiter import AsyncLimiter

MOST_CHATS = 10_000
"""Chats whose pacing state is kept at once; beyond, all are forgotten (memory stays bounded,
and a chat forgotten is one that was idle or will simply start a fresh limiter)."""

Pace = tuple[float, float]
"""``(messages, seconds)``: at most that many messages in that many seconds."""


class ChatLimiters:
    """The limiter of each chat: ``per_second`` messages a second, or what ``pace`` gives for
    a chat id; at most ``most_chats`` kept."""

    def __init__(
        self,
        per_second: float = 1.0,
        most_chats: int = MOST_CHATS,
        pace: Callable[[str], Pace | None] | None = None,
    ) -> None:
        self.per_second = per_second
        self.most_chats = most_chats
        self.pace = pace
        self._limiters: dict[str, AsyncLimiter] = {}

    def __call__(self, chat_id: str) -> AsyncLimiter:
        """The limiter of ``chat_id``, the same one each time while it is kept."""
        limiter = self._limiters.get(chat_id)
        if limiter is None:
            if len(self._limiters) >= self.most_chats:  # forget idle chats, keep memory bounded
                self._limiters.clear()
            special = self.pace(chat_id) if self.pace is not None else None
            limiter = AsyncLimiter(*(special or (self.per_second, 1)))
            self._limiters[chat_id] = limiter
        return limiter

    def __len__(self) -> int:
        return len(self._limiters)
