"""The command catalogue: every command's name, the words people type for it without a slash,
what it does, who may use it and where it is offered.

One table feeds the router (``handlers.router.parse_command``), the main numbered menu
(``handlers.menu``), ``/trogiup`` and Telegram's command menus (``bot.channels.telegram.channel.commands``), so a
command added here is offered everywhere at once. Texts are Vietnamese msgids, translated where
they are shown (``domain.i18n._``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.i18n import N_
from domain.text import fold


class Audience(StrEnum):
    """Who is offered a command: anyone, a person bound to a unit, or an office user."""

    EVERYONE = "everyone"
    REPORTER = "reporter"
    OFFICE = "office"


@dataclass(frozen=True)
class CommandInfo:
    """One command.

    ``aliases``: whole messages meaning the command when typed without a slash, compared
    folded (no diacritics, lower case: ``nhập số liệu`` = ``nhap so lieu``). ``summary``: the
    short line of Telegram's menu (Telegram allows 3-256 characters, Bot API ``BotCommand``).
    ``help``: the ``/trogiup`` line after "/name — " (None: not listed); ``help_phone``: that
    line where the channel has a phone button. ``label``: the entry of the numbered main menu
    (None: not offered there). ``harmless``: may be used in the middle of a flow without
    stopping it. ``takes_code``: given an argument (an invite or link code) it binds at once,
    whatever the person was doing. ``in_telegram_menu``: listed in Telegram's menu.
    """

    name: str
    aliases: tuple[str, ...]
    summary: str
    audience: Audience = Audience.EVERYONE
    help: str | None = None
    help_phone: str | None = None
    label: str | None = None
    harmless: bool = False
    takes_code: bool = False
    in_telegram_menu: bool = True


CATALOGUE: tuple[CommandInfo, ...] = (
    CommandInfo(
        "start",
        ("bat dau",),
        N_("Bắt đầu, liên kết đơn vị"),
        help=N_("bắt đầu, liên kết với đơn vị bằng mã mời"),
        help_phone=N_("bắt đầu, liên kết với đơn vị bằng mã mời hoặc số điện thoại"),
        takes_code=True,
    ),
    CommandInfo(
        "nhap",
        ("nhap", "nhap so lieu", "nhap lieu", "bao cao", "nop bao cao"),
        N_("Nhập số liệu kỳ báo cáo"),
        Audience.REPORTER,
        help=N_('nhập số liệu kỳ báo cáo (gõ "nhap so lieu" cũng được)'),
        label=N_("Nhập số liệu"),
    ),
    CommandInfo(
        "dangky",
        ("dang ky", "dang ky thi dua"),
        N_("Đăng ký thi đua"),
        Audience.REPORTER,
        help=N_("đăng ký thi đua: danh hiệu và chỉ tiêu cam kết"),
        label=N_("Đăng ký thi đua"),
    ),
    CommandInfo(
        "donvi",
        ("don vi", "doi don vi"),
        N_("Chọn đơn vị"),
        Audience.REPORTER,
        help=N_("chọn đơn vị (khi bạn đại diện nhiều đơn vị)"),
        label=N_("Đổi đơn vị"),
    ),
    CommandInfo(
        "chamdiem",
        ("cham diem", "tu cham", "tu cham diem"),
        N_("Tự chấm điểm thi đua"),
        Audience.REPORTER,
        help=N_("tự chấm điểm thi đua theo từng tiêu chí, gửi ảnh minh chứng"),
    ),
    CommandInfo(
        "chamcheo",
        ("cham cheo", "cham diem cheo"),
        N_("Chấm chéo các đơn vị trong cụm"),
        Audience.REPORTER,
        help=N_("chấm điểm chéo các đơn vị cùng cụm/khối thi đua"),
    ),
    CommandInfo(
        "tonghopcum",
        ("tong hop cum", "bang diem cum"),
        N_("Bảng điểm của cụm (cụm trưởng)"),
        Audience.REPORTER,
        help=N_("cụm trưởng xem bảng điểm của cụm và đề xuất xếp hạng"),
    ),
    CommandInfo(
        "lienket",
        ("lien ket", "lienket"),
        N_("Dùng bot trên cả Zalo và Telegram"),
        help=N_("dùng bot trên cả Zalo và Telegram: lấy mã để liên kết ứng dụng kia"),
        takes_code=True,
    ),
    CommandInfo(
        "huy",
        ("huy", "thoat"),
        N_("Dừng việc đang làm"),
        help=N_("dừng việc đang làm (số đã nhập được giữ lại)"),
    ),
    CommandInfo(
        "trogiup",
        ("tro giup", "giup", "huong dan", "help"),
        N_("Hướng dẫn"),
        label=N_("Trợ giúp"),
        harmless=True,
    ),
    CommandInfo("menu", ("menu",), N_("Các việc có thể làm"), in_telegram_menu=False),
    CommandInfo(
        "tiendo",
        ("tien do", "xem tien do"),
        N_("Tiến độ báo cáo"),
        Audience.OFFICE,
        help=N_("tiến độ báo cáo: đơn vị đã nộp, đúng hạn, còn thiếu"),
        label=N_("Tiến độ báo cáo"),
    ),
    CommandInfo(
        "tonghop",
        ("tonghop", "tong hop", "bao cao tong hop"),
        N_("Báo cáo tổng hợp (Excel)"),
        Audience.OFFICE,
        help=N_(
            "báo cáo tổng hợp Excel của một kỳ (có thể ghi mã phong trào, mã kỳ: /tonghop NGANAM2026 2026Q3)"
        ),
        label=N_("Báo cáo tổng hợp (Excel)"),
    ),
    CommandInfo(
        "dangkythidua",
        ("dangkythidua", "danh sach dang ky", "danh sach dang ky thi dua"),
        N_("Danh sách đăng ký thi đua (Excel)"),
        Audience.OFFICE,
        help=N_("danh sách đăng ký thi đua của các đơn vị (Excel)"),
        label=N_("Danh sách đăng ký thi đua (Excel)"),
    ),
    CommandInfo(
        "nhacnho",
        ("nhacnho", "nhac nho", "nhac bao cao"),
        N_("Nhắc các đơn vị chưa báo cáo"),
        Audience.OFFICE,
        help=N_("nhắc ngay các đơn vị chưa báo cáo (thêm chữ gap để gửi cả trong giờ nghỉ)"),
        label=N_("Nhắc đơn vị chưa báo cáo"),
    ),
    CommandInfo(
        "mokhoa",
        ("mokhoa", "mo khoa", "mo khoa so"),
        N_("Mở lại kỳ đã khóa sổ cho một đơn vị"),
        Audience.OFFICE,
        help=N_("mở lại kỳ đã khóa sổ cho một đơn vị trong vài ngày"),
        label=N_("Mở lại kỳ đã khóa sổ"),
    ),
    CommandInfo(
        "duyet",
        ("duyet", "duyet diem"),
        N_("Duyệt điểm thi đua của đơn vị"),
        Audience.OFFICE,
        help=N_("xem điểm tự chấm, chấm chéo của từng đơn vị; duyệt hoặc trả lại để sửa"),
        label=N_("Duyệt điểm thi đua"),
    ),
    CommandInfo(
        "binhxet",
        ("binh xet", "binh xet khen thuong"),
        N_("Bình xét, đề nghị khen thưởng"),
        Audience.OFFICE,
        help=N_("xếp hạng, danh sách đề nghị khen thưởng (Excel) và biên bản họp (Word)"),
        label=N_("Bình xét khen thưởng"),
    ),
    CommandInfo(
        "web",
        ("trang web", "web van phong"),
        N_("Link đăng nhập trang web của văn phòng"),
        Audience.OFFICE,
        help=N_("link đăng nhập trang web: tiến độ, số liệu, lịch sử sửa (dùng trong 10 phút)"),
        label=N_("Trang web của văn phòng"),
    ),
)

BY_NAME: dict[str, CommandInfo] = {info.name: info for info in CATALOGUE}

ALIASES: dict[str, str] = {fold(alias): info.name for info in CATALOGUE for alias in info.aliases}
"""Folded whole messages typed without a slash -> command name (a name with a slash needs no
alias: ``/tiendo``)."""

HARMLESS = frozenset(info.name for info in CATALOGUE if info.harmless)
TAKES_CODE = frozenset(info.name for info in CATALOGUE if info.takes_code)
HELP = BY_NAME["trogiup"]


def offered(*, bound: bool, office: bool) -> list[CommandInfo]:
    """The commands offered to a person, in catalogue order: everyone's, a bound reporter's
    (``bound``: linked to at least one unit) and an office user's."""
    allowed = {Audience.EVERYONE}
    if bound:
        allowed.add(Audience.REPORTER)
    if office:
        allowed.add(Audience.OFFICE)
    return [info for info in CATALOGUE if info.audience in allowed]


def menu_entries(*, bound: bool, office: bool) -> list[CommandInfo]:
    """The numbered main menu: the person's labelled commands, reporter work first, then the
    office's, help last."""
    entries = [info for info in offered(bound=bound, office=office) if info.label]
    return sorted(entries, key=lambda info: (info is HELP, info.audience is Audience.OFFICE))


def help_entries(*, office: bool) -> list[CommandInfo]:
    """The ``/trogiup`` lines: every command with a help text (a reporter's work is listed to
    anyone, since help is also read before binding), the office's only to office users."""
    return [
        info
        for info in offered(bound=True, office=office)
        if info.help and (office or info.audience is not Audience.OFFICE)
    ]


def telegram_menu(kind: str) -> list[CommandInfo]:
    """Telegram's command menu for ``kind`` "reporter" or "office": the office's commands
    first for office users, then the daily work, the binding commands (used once) last."""
    listed = [info for info in CATALOGUE if info.in_telegram_menu]
    office = [info for info in listed if info.audience is Audience.OFFICE]
    others = [info for info in listed if info.audience is not Audience.OFFICE]
    others.sort(key=lambda info: info.takes_code)
    return [*office, *others] if kind == "office" else others
