"""The channels' one back-off rule (``bot.channels.backoff``) and per-chat limiter
(``bot.channels.limits``), shared by Telegram, Zalo and the outbox sender."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.channels.backoff import Backoff, backoff_delay
from bot.channels.limits import MOST_CHATS, ChatLimiters
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.zalo.api import ZaloBotAPI
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.polling import TOO_MANY_WAIT
from bot.sender import Pacing


@pytest.mark.parametrize(
    ("first", "most", "delays"),
    [
        (1.0, 60.0, [1, 2, 4, 8, 16, 32, 60, 60, 60]),  # polling, webhooks, temporary failures
        (5.0, 60.0, [5, 10, 20, 40, 60, 60]),  # a 429 without a time (Zalo)
        (0.05, 0.2, [0.05, 0.1, 0.2, 0.2]),  # the tests' fast pacing
        (3.0, 3.0, [3, 3, 3]),
    ],
)
def test_backoff_doubles_up_to_the_cap(first: float, most: float, delays: list[float]) -> None:
    backoff = Backoff(first, most)
    assert [backoff.next() for _ in delays] == pytest.approx(delays)
    assert [backoff_delay(attempt, first, most) for attempt in range(1, len(delays) + 1)] == (
        pytest.approx(delays)
    )


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(1, 1.0), (2, 2.0), (6, 32.0), (7, 60.0), (32, 60.0), (10_000, 60.0)],
)
def test_backoff_delay_of_an_attempt(attempt: int, expected: float) -> None:
    assert backoff_delay(attempt) == expected  # defaults: 1 s doubling, at most 60 s


@pytest.mark.parametrize("failures", [1, 3, 10])
def test_backoff_reset_starts_again(failures: int) -> None:
    backoff = Backoff()
    for _ in range(failures):
        backoff.next()
    backoff.reset()
    assert [backoff.next(), backoff.next()] == [1.0, 2.0]


def test_sender_and_zalo_defaults_follow_the_rule() -> None:
    pacing = Pacing()
    assert (pacing.base_backoff, pacing.max_backoff, pacing.throttle_backoff) == (1.0, 60.0, 5.0)
    assert pacing.throttle_backoff == TOO_MANY_WAIT


@pytest.mark.parametrize(
    ("per_second", "chat", "pace"),
    [
        (1.0, "42", (1.0, 1.0)),
        (1000.0, "42", (1000.0, 1.0)),
        (2.0, "-100123", (2.0, 1.0)),  # no special pace given: groups as any chat
    ],
)
def test_chat_limiter_pace(per_second: float, chat: str, pace: tuple[float, float]) -> None:
    limiter = ChatLimiters(per_second)(chat)
    assert (limiter.max_rate, limiter.time_period) == pace


def test_chat_limiter_is_reused() -> None:
    limiters = ChatLimiters(1.0)
    first = limiters("42")
    assert limiters("42") is first
    assert limiters("43") is not first
    assert len(limiters) == 2


@pytest.mark.parametrize("most_chats", [1, 3, 100])
def test_chat_limiters_are_bounded(most_chats: int) -> None:
    limiters = ChatLimiters(1.0, most_chats=most_chats)
    kept = [limiters(str(chat)) for chat in range(most_chats)]
    assert len(limiters) == most_chats
    assert limiters("0") is kept[0]  # a known chat is not a new one
    newcomer = limiters("new")  # past the bound: the idle ones are forgotten
    assert len(limiters) == 1
    assert limiters("new") is newcomer
    assert limiters("0") is not kept[0]


def test_default_bound() -> None:
    assert ChatLimiters().most_chats == MOST_CHATS == 10_000


@pytest.mark.parametrize(
    ("chat", "pace"),
    [("42", (7.0, 1.0)), ("-100123", (20.0, 60.0)), ("-5", (20.0, 60.0))],
)
def test_telegram_chats_and_groups(chat: str, pace: tuple[float, float]) -> None:
    channel = TelegramChannel(bot=None, chat_per_second=7.0)  # type: ignore[arg-type]
    limiter = channel.chat_limiter(chat)
    assert (limiter.max_rate, limiter.time_period) == pace
    assert channel.chat_limiter(chat) is limiter


@pytest.mark.parametrize("chat", ["42", "-100123"])
def test_zalo_chats(chat: str) -> None:
    channel = ZaloChannel(ZaloBotAPI("t", "http://127.0.0.1:9"), None, datetime.now, 3.0)
    limiter = channel.chat_limiter(chat)
    assert (limiter.max_rate, limiter.time_period) == (3.0, 1.0)
    assert channel.chat_limiter(chat) is limiter
