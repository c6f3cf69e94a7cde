"""The English catalog (issue 19, point 5): every chat message in the sources has an English
translation with the same placeholders, the compiled ``messages.mo`` is the ``.po`` as it is
now, and a conversation answers in English with ``REPORTBOT_LOCALE=en`` or, with
``REPORTBOT_PERSON_LOCALE=true``, for a Telegram user whose app is in English.

When the first tests fail: run ``make messages``, translate the new empty or fuzzy entries in
``domain/locales/en/LC_MESSAGES/messages.po`` and run ``make messages`` again.
"""

from __future__ import annotations

import re
import string
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.types import Message
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.app import App, open_app
from bot.channels.telegram.ingest import from_message
from bot.settings import Settings
from domain.clock import ManualClock
from domain.i18n import LOCALES, _, answer_locale, translating, use_locale
from domain.messages import Incoming, Reply
from domain.periods import period_name
from storage import outbox
from storage.models import OutboxMessage
from tests.conftest import Person
from tests.helpers import sample, typed_answer

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("handlers", "domain", "bot", "services")
"""The folders ``make messages`` extracts from (the Makefile's ``messages`` target)."""
PO = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
P1_PHONE = "0900000001"


def _ids_in_sources() -> dict[str, str]:
    """Every message id marked in the sources (``_()``, ``N_()``, ``ngettext()``), as
    ``pybabel extract -F babel.cfg`` finds them, with the first file it is in."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        # Babel's own reading of the mapping file pybabel uses (untyped in Babel 2.18)
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found: dict[str, str] = {}
    for folder in SOURCES:
        for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=DEFAULT_KEYWORDS
        ):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found.setdefault(text, f"{folder}/{filename}")
    return found


def _catalog() -> Catalog:
    with PO.open("rb") as po:
        return read_po(po, locale="en")


def _fields(text: str) -> list[str]:
    """The placeholders of ``text``: ``{name}`` fields and ``%(name)s`` / ``%s`` ones."""
    braces = [field for _t, field, _s, _c in string.Formatter().parse(text) if field is not None]
    percents = re.findall(r"%(?:\([^)]*\))?[sdif]", text)
    return sorted(braces + percents)


def _translations(catalog: Catalog) -> dict[str, str]:
    """The usable (non-empty, not fuzzy) translations of ``catalog``, by message id."""
    usable: dict[str, str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or ())
        )
        if strings and all(strings):
            for position, text in enumerate(ids):
                usable[text] = strings[min(position, len(strings) - 1)]
    return usable


# --------------------------------------------------------------------------- the catalog


def test_every_message_in_the_sources_has_an_english_translation() -> None:
    in_sources = _ids_in_sources()
    assert len(in_sources) > 400  # the extraction found the chat's messages
    translated = _translations(_catalog())
    missing = [f"{where}: {text!r}" for text, where in in_sources.items() if text not in translated]
    assert not missing, (
        f"{len(missing)} message(s) without an English translation (run `make messages`, "
        "translate them in domain/locales/en/LC_MESSAGES/messages.po, run it again):\n"
        + "\n".join(missing)
    )


def test_translations_keep_placeholders_and_spacing() -> None:
    wrong = []
    for text, english in _translations(_catalog()).items():
        if _fields(text) != _fields(english):
            wrong.append(f"{text!r} -> {english!r}: placeholders differ")
        edges = (text[:1].isspace(), text[-1:].isspace())
        if edges != (english[:1].isspace(), english[-1:].isspace()):
            wrong.append(f"{text!r} -> {english!r}: leading/trailing space differs")
        if text.count("\n") != english.count("\n"):
            wrong.append(f"{text!r} -> {english!r}: line breaks differ")
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalog_is_the_po_as_it_is() -> None:
    with MO.open("rb") as mo:
        compiled = read_mo(mo)
    in_mo = {m.id: m.string for m in compiled if m.id}
    expected = {
        m.id: m.string
        for m in _catalog()
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert in_mo == expected, "messages.mo is stale: run `make messages`"


# --------------------------------------------------------------------------- choosing


@pytest.mark.parametrize(
    ("code", "by_person", "office", "chosen"),
    [
        ("en", True, "vi", "en"),
        ("en-US", True, "vi", "en"),
        ("en_GB", True, "vi", "en"),
        ("vi", True, "en", "vi"),
        ("fr", True, "vi", "vi"),  # no French catalog: the office's language
        ("", True, "en", "en"),  # Zalo and the console say nothing
        ("en", False, "vi", "vi"),  # REPORTBOT_PERSON_LOCALE off
    ],
)
def test_the_language_of_an_answer(code: str, by_person: bool, office: str, chosen: str) -> None:
    assert answer_locale(code, office, by_person) == chosen


def test_translating_is_undone_after_the_block() -> None:
    use_locale("vi")
    with translating("en"):
        assert period_name("2026Q4") == "Q4/2026"
        assert _("Có") == "Yes"
    assert period_name("2026Q4") == "Quý 4/2026"


# --------------------------------------------------------------------------- conversations


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``REPORTBOT_LOCALE=en`` in the environment, as an office would set it."""
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    yield


async def _open(database_url: str, clock: ManualClock, reports_dir: Path) -> AsyncIterator[App]:
    settings = Settings(database_url=database_url).model_copy(update={"reports_dir": reports_dir})
    async with open_app(settings, load_samples=True, clock=clock) as application:
        yield application


@pytest.fixture
async def english_app(
    english: None, database_url: str, clock: ManualClock, reports_dir: Path
) -> AsyncIterator[App]:
    """The application with ``REPORTBOT_LOCALE=en`` read from the environment."""
    async for application in _open(database_url, clock, reports_dir):
        assert application.settings.locale == "en"
        yield application


async def test_an_english_office_answers_in_english(english_app: App) -> None:
    head = Person(english_app, "head", phone=P1_PHONE)
    greeting = await head.say("/start")
    assert "You represent: Phường 1." in greeting
    assert "Bạn đại diện" not in greeting

    answer = await head.say("/nhap")
    assert "Indicator 1/26" in answer and "Chỉ tiêu 1/26" not in answer
    campaign = await sample(english_app)
    answer = await head.say("12.5.3")
    assert "Could not tell which number" in answer
    assert "Type a number" in answer or "Please type a number" in answer
    for position, element in enumerate(campaign.elements):
        answer = await head.say(typed_answer(element, position))
    assert "Submit this report?" in answer
    assert "1. Confirm and submit" in answer
    receipt = await head.say("1")
    assert "✅ Report Q4/2026 of Phường 1 received." in receipt
    assert "on time" in receipt and "Receipt code" in receipt

    assert "There is no command /khongco." in await head.say("/khongco")
    help_text = await head.say("/trogiup")
    assert "Emulation reporting assistant — commands:" in help_text


def _telegram_message(user_id: int, text: str, language_code: str | None) -> Message:
    sender: dict[str, object] = {"id": user_id, "is_bot": False, "first_name": "Anh"}
    if language_code is not None:
        sender["language_code"] = language_code
    return Message.model_validate(
        {
            "message_id": 1,
            "date": datetime(2026, 12, 1, tzinfo=UTC),
            "chat": {"id": user_id, "type": "private"},
            "from": sender,
            "text": text,
        }
    )


async def _telegram_says(app: App, user_id: int, text: str, language_code: str | None) -> str:
    """``text`` from a Telegram user whose app is in ``language_code``, read by the Telegram
    adapter and answered by the pipeline; the replies as the person reads them."""
    incoming = from_message(
        _telegram_message(user_id, text, language_code), uuid.uuid4().int % 10**9, frozenset()
    )
    assert isinstance(incoming, Incoming)
    await app.pipeline.process(incoming)
    got: list[str] = []

    async def collect(message: OutboxMessage) -> None:
        got.append(Reply.from_payload(message.payload).text)

    await outbox.deliver_pending(
        app.sessions, "telegram", collect, app.clock.now, chat_id=str(user_id)
    )
    return "\n---\n".join(got)


@pytest.fixture
async def by_person_app(
    monkeypatch: pytest.MonkeyPatch, database_url: str, clock: ManualClock, reports_dir: Path
) -> AsyncIterator[App]:
    """A Vietnamese office that lets each person's app choose (``REPORTBOT_PERSON_LOCALE``)."""
    monkeypatch.setenv("REPORTBOT_PERSON_LOCALE", "true")
    async for application in _open(database_url, clock, reports_dir):
        assert application.settings.locale == "vi" and application.settings.person_locale
        yield application


async def test_a_person_whose_app_is_in_english_gets_english(by_person_app: App) -> None:
    english = await _telegram_says(by_person_app, 1001, "/start", "en-US")
    assert "Hello! This is the office's emulation reporting assistant." in english
    assert "Chào bạn" not in english
    assert "I need an invite code" in await _telegram_says(by_person_app, 1001, "abc", "en")

    vietnamese = await _telegram_says(by_person_app, 1002, "/start", "vi")
    assert "Chào bạn! Đây là trợ lý báo cáo thi đua của văn phòng." in vietnamese
    unknown = await _telegram_says(by_person_app, 1003, "/start", None)
    assert "Chào bạn!" in unknown


async def test_without_person_locale_the_office_language_holds(app: App) -> None:
    answer = await _telegram_says(app, 1001, "/start", "en")
    assert "Chào bạn! Đây là trợ lý báo cáo thi đua của văn phòng." in answer
