"""What people send is cleaned before it is stored or echoed (issue 13, item 6), and words are
matched whatever the placement of their tone mark (item 5): the rules in ``domain.text``, and
whole conversations through the real pipeline checking the rows (SQLite, and PostgreSQL when
``TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import App
from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    ElementSpec,
    Frequency,
    UnitSpec,
    ValueType,
)
from domain.messages import Incoming, Reply, render_text
from domain.text import clean_text, fold, normalize_tone_placement
from storage import outbox
from storage.accounts import DISPLAY_NAME_CHARS, fit
from storage.campaigns import import_campaign
from storage.models import (
    ChannelAccount,
    ConversationState,
    DataValue,
    OutboxMessage,
    Reporter,
    Submission,
)
from tests.helpers import make_invite, rows

# Everything clean_text removes, one of each kind.
NUL, BEL, ESC, DEL, C1 = "\x00", "\x07", "\x1b", "\x7f", "\x9b"
RLO, LRE, PDF, RLI, PDI = "\u202e", "\u202a", "\u202c", "\u2067", "\u2069"
ZWSP, ZWNJ, ZWJ, WJ, BOM = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
REMOVED = (NUL, BEL, ESC, DEL, C1, RLO, LRE, PDF, RLI, PDI, ZWSP, ZWNJ, ZWJ, WJ, BOM)


# --------------------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Thôn\x00 Đông", "Thôn Đông"),
        (f"{RLO}12.500{PDF}", "12.500"),
        (f"Hoàn{ZWSP} thành{BOM}", "Hoàn thành"),
        (f"{LRE}a{RLI}b{PDI}c{WJ}d{ZWJ}e{ZWNJ}", "abcde"),
        (f"bell{BEL} esc{ESC} del{DEL} csi{C1}", "bell esc del csi"),
        ("12\r\n500", "12\n500"),  # separate lines stay separate, never "12500"
        ("12\r500\u2028600\u2029700\x85800", "12\n500\n600\n700\n800"),
        ("12\t500", "12 500"),
        ("a\x0bb\x0cc", "a\nb\nc"),
        ("Hoa\u0300", "Hoà"),  # decomposed Vietnamese (some keyboards) is composed
        ("Tốt 👍🏽 ❤️", "Tốt 👍🏽 ❤️"),  # emoji, skin tones and variation selectors kept
        ("  giữ  khoảng trắng  ", "  giữ  khoảng trắng  "),
        ("x\ud800y", "xy"),  # an unpaired surrogate cannot be stored in UTF-8
    ],
)
def test_clean_text(typed: str, expected: str) -> None:
    assert clean_text(typed) == expected


def test_clean_text_on_one_line() -> None:
    assert clean_text("Nguyễn\nVăn\r\nAn\u2028", multiline=False) == "Nguyễn Văn An "


@given(st.text())
def test_clean_text_leaves_no_control_or_invisible_character(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not any(ch in cleaned for ch in REMOVED)
    assert all(unicodedata.category(ch) not in ("Cc", "Cs") for ch in cleaned.replace("\n", ""))
    assert "\n" not in clean_text(text, multiline=False)


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs", "So"))))
def test_clean_text_keeps_ordinary_text(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    if not any(ch in text for ch in "\u00ad\u180e\u2028\u2029\u0085") and "\t" not in text:
        assert clean_text(text) == text


# --------------------------------------------------------------------------- tone placement


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("luỹ kế", "lũy kế"),
        ("Khoá sổ", "Khóa sổ"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("loè", "lòe"),
        ("Thuỷ lợi, hoà giải", "Thủy lợi, hòa giải"),
    ],
)
def test_either_tone_placement_becomes_the_one_the_bot_writes(typed: str, expected: str) -> None:
    assert normalize_tone_placement(typed) == expected
    assert normalize_tone_placement(expected) == expected


@pytest.mark.parametrize(
    "word",
    [
        "người",
        "quý",
        "quả",
        "giữa",
        "già",
        "gì",
        "toán",
        "hoàng",
        "ngoài",
        "khuỷu",
        "chuyện",
        "rượu",
        "tuổi",
        "mùa",
        "mía",
        "số",
        "so",
        "café",
        "12.500",
        "",
    ],
)
def test_words_already_placed_are_unchanged(word: str) -> None:
    assert normalize_tone_placement(word) == word


def test_tone_placement_keeps_the_other_marks() -> None:
    """Only where the tone sits is normalised: "so" is still not "số"."""
    assert normalize_tone_placement("so") != normalize_tone_placement("số")
    assert normalize_tone_placement("hoà") != normalize_tone_placement("hoá")


@given(st.text())
def test_tone_placement_is_idempotent_and_folds_the_same(text: str) -> None:
    placed = normalize_tone_placement(text)
    assert normalize_tone_placement(placed) == placed
    assert fold(placed) == fold(text)


def test_fold_ignores_the_tone_placement() -> None:
    assert fold("luỹ kế") == fold("lũy kế") == "luy ke"


# --------------------------------------------------------------------------- at the edge


def test_incoming_messages_are_cleaned_where_every_channel_builds_them() -> None:
    incoming = Incoming(
        channel="telegram",
        external_id="1",
        chat_id="1",
        message_id="1",
        text=f"12{NUL}.500{RLO}\r\n300{ZWSP}",
        display_name=f"Nguyễn{NUL} Văn\nAn{RLO}",
    )
    assert incoming.text == "12.500\n300"
    assert incoming.display_name == "Nguyễn Văn An"


def test_fit_cuts_to_the_column_size() -> None:
    assert fit("An", 200) == "An"
    cut = fit("A" * 300, DISPLAY_NAME_CHARS)
    assert len(cut) == DISPLAY_NAME_CHARS and cut.endswith("…")


# --------------------------------------------------------------------------- through the pipeline


class Sender:
    """Someone on Telegram whose display name and texts are chosen by the test."""

    def __init__(self, app: App, user: str, display_name: str) -> None:
        self.app, self.user, self.display_name = app, user, display_name

    async def say(self, text: str) -> str:
        incoming = Incoming(
            channel="telegram",
            external_id=self.user,
            chat_id=self.user,
            message_id=uuid.uuid4().hex,
            text=text,
            display_name=self.display_name,
        )
        await self.app.pipeline.process(incoming)
        got: list[Reply] = []

        async def collect(message: OutboxMessage) -> None:
            got.append(Reply.from_payload(message.payload))

        await outbox.deliver_pending(
            self.app.sessions, "telegram", collect, self.app.clock.now, self.user
        )
        return "\n---\n".join(render_text(reply) for reply in got)


APOLOGY = "Xin lỗi, bot gặp lỗi"


async def _stored_texts(app: App) -> str:
    """Every text the database holds that came from or goes to people, joined."""
    parts: list[str] = []
    for account in await rows(app, ChannelAccount):
        parts.append(account.display_name)
    for reporter in await rows(app, Reporter):
        parts.append(reporter.full_name)
    for state in await rows(app, ConversationState):
        parts.append(repr(state.data))
    for message in await rows(app, OutboxMessage):
        parts.append(repr(message.payload))
    for value in await rows(app, DataValue):
        parts.append(value.value)
    return "\n".join(parts)


def _assert_clean(text: str) -> None:
    found = [f"U+{ord(ch):04X}" for ch in REMOVED if ch in text]
    assert not found, found
    assert "\\x00" not in text and "\\u202e" not in text


async def test_a_long_display_name_with_controls_blocks_nobody(app: App) -> None:
    """A 300-character name with a NUL and a bidi override: every step answers normally, the
    stored name fits its column and holds neither."""
    name = f"Nguyễn{NUL} Văn An{RLO}" + "ư" * 300
    stranger = Sender(app, "7001", name)

    for text in ("/start", "hello", "/trogiup", "/start SAIMA123"):
        answer = await stranger.say(text)
        assert answer and APOLOGY not in answer

    code = await make_invite(app, "P1")
    assert "Phường 1" in await stranger.say(f"/start {code}")

    account = (await rows(app, ChannelAccount, ChannelAccount.external_id == "7001"))[0]
    assert len(account.display_name) == DISPLAY_NAME_CHARS
    assert account.display_name.startswith("Nguyễn Văn Anưư")
    reporter = (await rows(app, Reporter, Reporter.id == account.reporter_id))[0]
    assert reporter.full_name == account.display_name
    _assert_clean(await _stored_texts(app))


async def test_a_nul_or_an_override_in_a_message_blocks_nobody(app: App) -> None:
    stranger = Sender(app, "7002", "Bình")
    for text in (NUL, f"/start{NUL}", f"{RLO}/trogiup{PDF}", f"xin{NUL} chào{ZWSP}{BOM}"):
        answer = await stranger.say(text)
        assert APOLOGY not in answer
    _assert_clean(await _stored_texts(app))


TEXT_CAMPAIGN = CampaignSpec(
    code="VANBAN2026",
    name="Phong trào thử câu trả lời văn bản",
    start=date(2026, 1, 1),
    end=date(2026, 12, 31),
    frequency=Frequency.QUARTERLY,
    due_days=10,
    lock_days=15,
    elements=(
        ElementSpec(
            "GHI_CHU",
            "Kết quả nổi bật",
            "",
            value_type=ValueType.TEXT,
            aggregation=Aggregation.NONE,
        ),
    ),
    units=(UnitSpec("THON_VB", "Thôn Văn Bản", "thôn"),),
)


async def test_a_text_answer_is_stored_and_echoed_without_controls(app: App) -> None:
    async with app.sessions() as session, session.begin():
        await import_campaign(session, TEXT_CAMPAIGN, app.clock.now())
    head = Sender(app, "7003", f"Trưởng thôn{RLO}")
    await head.say(f"/start {await make_invite(app, 'THON_VB')}")

    answer = await head.say("/nhap")
    assert "Kết quả nổi bật" in answer and APOLOGY not in answer
    typed = f"Hoàn{NUL} thành{RLO} đường{ZWSP} giao thông{BOM} và nhà văn hoá{PDF}{DEL}"
    answer = await head.say(typed)
    assert APOLOGY not in answer
    _assert_clean(answer)
    answer = await head.say("1")
    assert APOLOGY not in answer

    async with app.sessions() as session:
        values = list(await session.scalars(select(DataValue.value)))
        submitted = list(await session.scalars(select(Submission)))
    assert values == ["Hoàn thành đường giao thông và nhà văn hoá"]
    assert len(submitted) == 1
    _assert_clean(await _stored_texts(app))
