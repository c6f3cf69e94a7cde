"""Photos and documents where the bot keeps none, and files a channel refused (issue 16):
the person is told why in Vietnamese, the step's question comes back, the caption is not taken
as an answer, and nothing is stored."""

from __future__ import annotations

import uuid

from bot.app import App
from domain.clock import ManualClock
from domain.messages import Incoming
from storage.models import DataValue, Evidence
from tests.conftest import Person
from tests.helpers import count
from tests.test_dialogs import P1_PHONE
from tests.test_self_scoring import DONG, head_of, photo


async def test_photo_outside_any_conversation(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    answer = await photo(head, "bao-cao-giay.jpg", caption="1200")
    assert "chỉ nhận ảnh và tệp làm minh chứng khi chấm điểm thi đua (/chamdiem)" in answer
    assert "Tin nhắn trống" not in answer
    assert await count(app, Evidence) == 0


async def test_photo_of_a_paper_report_while_entering_figures(app: App) -> None:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.say("/nhap")
    assert "Chỉ tiêu 2/26" in await head.say("1.200")
    answer = await photo(head, "bao-cao-giay.jpg", caption="800")  # the caption is not read
    assert "Bước này không nhận ảnh hay tệp" in answer and "Chỉ tiêu 2/26" in answer
    answer = await head.say("800")
    assert "Chỉ tiêu 3/26" in answer
    assert "đã nhập 2/26" in await head.script("/huy", "/nhap")
    assert await count(app, DataValue) == 0 and await count(app, Evidence) == 0


async def test_refused_file_is_explained_and_its_caption_ignored(
    app: App, clock: ManualClock
) -> None:
    head = await head_of(app, clock, DONG)
    assert "Tiêu chí 1/8 (I.1)" in await head.say("/chamdiem")
    refused = Incoming(
        channel=head.channel,
        external_id=head.name,
        chat_id=head.name,
        message_id=uuid.uuid4().hex,
        text="25",
        display_name=head.name,
        refusal="Tệp quá lớn (30 MB): bot chỉ nhận ảnh và tệp minh chứng đến 20 MB.",
    )
    await app.pipeline.process(refused)
    answer = await head.inbox()
    assert "Tệp quá lớn (30 MB)" in answer and "Tiêu chí 1/8 (I.1)" in answer
    assert "Đã ghi" not in answer  # "25" was the caption of the refused file
    assert await count(app, Evidence) == 0
