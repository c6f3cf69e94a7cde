"""The one back-off rule of every channel: wait ``first`` seconds, then twice as long after
each further failure, never more than ``most`` (1, 2, 4 ... 60 s by default).

Used by the polling loops (Telegram's and Zalo's ``getUpdates``), the webhook registrations
(``setWebhook``), Zalo's retries of a message that could not be committed, and the outbox
sender's retry delays (``bot.sender``: a temporary failure, and a 429 that names no time).

Sources. Telegram (Bot API FAQ, "My bot is hitting limits, how do I avoid this?"): about 30
messages a second per bot, about one a second per private chat, 20 a minute per group; beyond
that the API answers 429 with ``parameters.retry_after``, the seconds to wait, which the sender
then honours instead of this rule. Zalo Bot Platform (``../shared/specs/README.md``): no
published limits and a 429 without a waiting time, so the sender backs off by this rule from
``Pacing.throttle_backoff`` (5 s). The cap keeps a channel that was down for long from waiting
many minutes once it is back.
"""

from __future__ import annotations

FIRST = 1.0
"""Seconds of the first wait."""
MOST = 60.0
"""Seconds of the longest wait."""
_MOST_DOUBLINGS = 64  # 2**64 times any sensible ``first`` is past any sensible ``most``


def backoff_delay(attempt: int, first: float = FIRST, most: float = MOST) -> float:
    """The wait after failed attempt number ``attempt`` (1 for the first failure):
    ``min(most, first * 2 ** (attempt - 1))``."""
    return min(most, first * 2.0 ** min(attempt - 1, _MOST_DOUBLINGS))


class Backoff:
    """The waits of one retry loop: :meth:`next` after each failure, :meth:`reset` after a
    success (the next failure waits ``first`` again)."""

    def __init__(self, first: float = FIRST, most: float = MOST) -> None:
        self.first = first
        self.most = most
        self.failures = 0

    def next(self) -> float:
        """The wait after one more failure."""
        self.failures += 1
        return backoff_delay(self.failures, self.first, self.most)

    def reset(self) -> None:
        """A success: start again from ``first``."""
        self.failures = 0
