"""The command catalogue feeds the router, the main menu, /trogiup and Telegram's menus."""

from __future__ import annotations

import re

import pytest

from domain.text import fold
from handlers import router  # noqa: F401  (registers every command)
from handlers.commands import (
    ALIASES,
    CATALOGUE,
    Audience,
    help_entries,
    menu_entries,
    telegram_menu,
)
from handlers.flow import COMMANDS
from handlers.router import parse_command

# Bot API, BotCommand: command 1-32 characters of a-z, 0-9 and _; description 1-256 characters.
_TELEGRAM_NAME = re.compile(r"[a-z0-9_]{1,32}")
OFFICE_WORK = {"tiendo", "tonghop", "dangkythidua", "nhacnho", "mokhoa", "duyet", "binhxet"} | {
    "web"
}


def test_every_registered_command_is_in_the_catalogue_and_back() -> None:
    names = {info.name for info in CATALOGUE}
    assert set(COMMANDS) == names - {"huy"}  # /huy is the router's own


def test_no_alias_means_two_commands() -> None:
    seen: dict[str, str] = {}
    for info in CATALOGUE:
        for alias in info.aliases:
            key = fold(alias)
            assert seen.setdefault(key, info.name) == info.name, alias
    assert seen == ALIASES


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nhập số liệu", ("nhap", "")),
        ("NOP BAO CAO", ("nhap", "")),
        ("/tiến độ", ("tiendo", "")),
        ("/tonghop@xa_bot NGANAM 2026Q3", ("tonghop", "NGANAM 2026Q3")),
        ("Hướng dẫn", ("trogiup", "")),
        ("mở khóa sổ", ("mokhoa", "")),
        ("xin chào", None),
    ],
)
def test_typed_words_reach_their_command(typed: str, expected: tuple[str, str] | None) -> None:
    assert parse_command(typed) == expected


def test_telegram_menus_fit_the_bot_api() -> None:
    for kind in ("reporter", "office"):
        for info in telegram_menu(kind):
            assert _TELEGRAM_NAME.fullmatch(info.name)
            assert 1 <= len(info.summary) <= 256
    reporter = [info.name for info in telegram_menu("reporter")]
    office = [info.name for info in telegram_menu("office")]
    assert reporter[0] == "nhap" and "tonghop" not in reporter and "menu" not in reporter
    assert office[: len(office) - len(reporter)] == [
        info.name for info in CATALOGUE if info.audience is Audience.OFFICE
    ]
    assert office[len(office) - len(reporter) :] == reporter


def test_the_office_sees_its_commands_and_a_reporter_does_not() -> None:
    reporter_help = {info.name for info in help_entries(office=False)}
    office_help = {info.name for info in help_entries(office=True)}
    assert {"start", "nhap", "huy"} <= reporter_help
    assert not reporter_help & {"tiendo", "tonghop", "mokhoa", "nhacnho"}
    assert office_help - reporter_help == OFFICE_WORK


def test_the_numbered_menu_puts_work_first_and_help_last() -> None:
    stranger = [info.name for info in menu_entries(bound=False, office=False)]
    reporter = [info.name for info in menu_entries(bound=True, office=False)]
    office = [info.name for info in menu_entries(bound=True, office=True)]
    assert stranger == ["trogiup"]
    assert reporter == ["nhap", "dangky", "donvi", "trogiup"]
    assert office[:3] == reporter[:3] and office[-1] == "trogiup"
    assert set(office[3:-1]) == OFFICE_WORK
