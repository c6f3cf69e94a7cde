"""Issue 14, item 6: wrong codes are limited per account (5 an hour) and for the whole bot (30
an hour from all accounts); when the bot-wide limit trips, the office is told once, with the
accounts involved."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from domain.clock import ManualClock
from handlers.binding import MAX_FAILURES, MAX_FAILURES_EVERYWHERE
from storage.models import BindFailure, ReporterUnit
from tests.conftest import Person
from tests.helpers import count, make_invite


async def test_many_accounts_guessing_codes_are_stopped_and_reported(
    app: App, clock: ManualClock
) -> None:
    office = Person(app, "clerk")
    await office.say(f"/start {await make_invite(app, None)}")
    await office.inbox()
    guessers = [Person(app, f"guesser-{n}") for n in range(7)]  # 7 x 5 = 35 > 30
    answers = []
    for guesser in guessers:
        for attempt in range(MAX_FAILURES):
            answers.append(await guesser.say(f"ZZZZ{attempt:04d}"))
    assert await count(app, BindFailure) == MAX_FAILURES_EVERYWHERE
    assert "tạm ngừng nhận mã" in answers[MAX_FAILURES_EVERYWHERE]
    assert all("tạm ngừng nhận mã" in answer for answer in answers[MAX_FAILURES_EVERYWHERE:])

    notice = await office.inbox()
    assert notice.count("⚠️ Trong 1 giờ qua có 30 lần nhập sai mã mời, từ 6 tài khoản") == 1
    assert "- console guesser-0 guesser-0: 5" in notice and "guesser-5" in notice

    honest = Person(app, "honest")  # a real code is refused too while the limit holds
    code = await make_invite(app, "P2")
    assert "tạm ngừng nhận mã" in await honest.say(code)
    clock.current += timedelta(hours=1, minutes=1)  # an hour later codes are taken again
    assert "Đã liên kết bạn với đơn vị: Phường 2" in await honest.say(code)
    assert await count(app, ReporterUnit) >= 1
    assert await office.inbox() == ""  # told once
