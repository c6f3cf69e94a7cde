"""The values of campaign-template cells: how each kind of cell is read, and written back.

The campaign template (``reports.template``) is an Excel workbook an office fills in; this module
holds the rules for one cell's value, without any spreadsheet library: a cell arrives as what a
spreadsheet reader returns (``str``, ``int``, ``float``, ``bool``, ``date``/``datetime``, or a
:class:`PercentCell` for a number shown as a percentage) and leaves as a typed value, or a
:class:`CellProblem` whose argument is the Vietnamese message without the cell's location (the
reader adds sheet, row and column).

Rules and their sources:

* codes: letters, digits and ``_ - .``, upper-cased (the template's own help text);
* dates: a real date cell, or text ``dd/mm/yyyy`` (also with ``-`` or ``.``) or ``yyyy-mm-dd``,
  years 1990–2100;
* numbers: a number cell as it is (a percentage cell as the percentage shown, only where the
  measure unit is a percentage); text read exactly as a unit's typed figure
  (:func:`domain.reading.read_figure`: ``12.500``, ``95,15``, ``45 tỷ``, ``12 hộ``), below
  :data:`domain.validation.MAX_MAGNITUDE` as every entered figure;
* yes/no: :func:`domain.numbers.parse_boolean`, or a boolean cell;
* day counts: whole numbers from 0 (reminder and escalation counts up to
  :data:`MAX_REMINDER_DAYS`); reminder days before the due date: ``3; 1`` or ``không``;
* lists (representatives, phones): ``;``-separated, phones checked by
  :func:`domain.phones.normalize_phone`;
* period ids of reviews: DHIS2 ids (``2026S1``, ``2026``, ``2026Q1``, ``202601``) or the whole
  campaign (``CADOT``, also typed "cả đợt"), :func:`domain.periods.period_span`'s forms;
* weights of a review's final score: :func:`domain.scoring.parse_weights`, kept as typed.

The ``show_*`` functions and :func:`number_cell` write values the way these parsers read them
back (``parse_reminder_days(show_reminder_days(days)) == days``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.campaign_spec import PERIOD_ID_HELP, ValueType, covers_problems
from domain.errors import DomainError
from domain.numbers import NumberParseError, format_number, parse_boolean
from domain.periods import WHOLE_CAMPAIGN
from domain.phones import normalize_phone
from domain.reading import AskBack, read_figure
from domain.scoring import ScoringProblem, parse_weights
from domain.text import fold, normalize_tone_placement
from domain.validation import MAX_MAGNITUDE, Rules

__all__ = [
    "MAX_REMINDER_DAYS",
    "NO",
    "YES",
    "CellProblem",
    "PercentCell",
    "cell_text",
    "choice_key",
    "is_percent_unit",
    "number_cell",
    "parse_code",
    "parse_date",
    "parse_day_count",
    "parse_decimal",
    "parse_period_id",
    "parse_phones",
    "parse_reminder_day_count",
    "parse_reminder_days",
    "parse_weights_text",
    "parse_yes_no",
    "quoted",
    "show_date",
    "show_number",
    "show_reminder_days",
    "show_yes_no",
    "split_list",
]

YES, NO = "có", "không"
MAX_REMINDER_DAYS = 60
"""Upper bound of every reminder and escalation day count of sheet "Phong trào"."""


class CellProblem(ValueError):
    """Raised by a cell parser; the argument is the Vietnamese message (without location)."""


@dataclass(frozen=True)
class PercentCell:
    """A number cell formatted as a percentage: Excel shows ``95%`` and stores ``stored`` 0.95."""

    stored: int | float

    @property
    def percent(self) -> Decimal:
        """The number of percent shown (0.9515 -> 95.15), exact, without trailing zeros."""
        return _canonical(Decimal(str(self.stored)) * 100)


# --------------------------------------------------------------------------- text


def cell_text(raw: object) -> str:
    """A cell as text: whole floats without ``.0``, dates as dd/mm/yyyy, percentage cells as
    shown (``95,15%``)."""
    if isinstance(raw, PercentCell):
        return format_number(raw.percent, max_decimals=6) + "%"
    if isinstance(raw, datetime | date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def quoted(raw: object) -> str:
    """A cell's text in quotes for a message, on one line, cut at 40 characters (``"…"``)."""
    text = " ".join(cell_text(raw).split())
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def choice_key(text: str) -> str:
    """Matching key of a drop-down value: case, spaces, punctuation and the placement of the
    tone mark (``"luỹ kế"`` = ``"lũy kế"``) do not matter, diacritics do (``"so"`` is not
    ``"số"``: the issue's own example of a value to refuse)."""
    return re.sub(r"[\W_]", "", normalize_tone_placement(text).casefold())


_CODE_SHAPE = re.compile(r"[\w.\-]+")


def parse_code(raw: object) -> str:
    """A code, upper-cased: letters, digits and ``_ - .`` only (``thon_dong`` -> ``THON_DONG``)."""
    code = cell_text(raw).strip().upper()
    if not _CODE_SHAPE.fullmatch(code):
        raise CellProblem(
            f"mã {quoted(raw)} chỉ được gồm chữ, số và các dấu _ - . (không có dấu cách)"
        )
    return code


def split_list(raw: object) -> tuple[str, ...]:
    """Items of a ";"-separated cell (line breaks separate too), stripped, empties dropped."""
    parts = re.split(r"[;\n]", cell_text(raw))
    return tuple(part.strip() for part in parts if part.strip())


def parse_phones(raw: object) -> tuple[str, ...]:
    """Phone numbers as typed (a numeric cell gets back the leading 0 Excel dropped);
    separated by ``;``, ``,`` or line breaks; each must be a Vietnamese number."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = normalize_phone(cell_text(raw)) or cell_text(raw)
    phones = tuple(p for p in re.split(r"[;,\n]", cell_text(raw)) if p.strip())
    bad = [p.strip() for p in phones if normalize_phone(p) is None]
    if bad:
        shown = ", ".join(f'"{p}"' for p in bad)
        raise CellProblem(
            f"{shown} không phải số điện thoại Việt Nam hợp lệ "
            "(ví dụ 0912345678; nhiều số cách nhau bằng dấu ;)"
        )
    return tuple(p.strip() for p in phones)


# --------------------------------------------------------------------------- dates

_DATE_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEARS = range(1990, 2101)


def _date_of(raw: object) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = cell_text(raw)
    try:
        if match := _DATE_DMY.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _DATE_ISO.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


def parse_date(raw: object) -> date:
    """A real date cell, or text dd/mm/yyyy (also with - or .) or yyyy-mm-dd, years 1990-2100."""
    day = _date_of(raw)
    if day is not None and day.year in _YEARS:
        return day
    raise CellProblem(
        f"{quoted(raw)} không phải ngày hợp lệ — ghi dạng dd/mm/yyyy, ví dụ 31/12/2024"
    )


def show_date(day: date) -> str:
    """A date as the template writes it in text: ``31/12/2024``."""
    return day.strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- numbers


def parse_decimal(raw: object, measure_unit: str = "") -> Decimal:
    """A numeric cell, or text typed the Vietnamese way ("12.500", "95,15", "45 tỷ"),
    below ``MAX_MAGNITUDE`` (the same bound as entered figures)."""
    value = _decimal_of(raw, measure_unit)
    if abs(value) >= MAX_MAGNITUDE:
        raise CellProblem(f"{quoted(raw)} quá lớn — kiểm tra lại đơn vị tính")
    return value


def _decimal_of(raw: object, measure_unit: str) -> Decimal:
    """A cell's number in ``measure_unit``; raises :class:`CellProblem` (see ``parse_decimal``)."""
    if isinstance(raw, bool | datetime | date):
        raise CellProblem(f"{quoted(raw)} không phải là số")
    if isinstance(raw, PercentCell):
        if not math.isfinite(raw.stored):
            raise CellProblem(f"{quoted(raw.stored)} không phải là số")
        if not is_percent_unit(measure_unit):
            raise CellProblem(_percent_problem(raw, measure_unit))
        return raw.percent
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellProblem(f"{quoted(raw)} không phải là số")
        return Decimal(str(raw))
    return _typed_number(cell_text(raw), measure_unit)


def _typed_number(text: str, measure_unit: str) -> Decimal:
    """A number written as text, read exactly as a figure a unit types
    (:func:`domain.reading.read_figure`): the element's unit after it, conversions, magnitude
    words only where the unit takes them; a text with two readings, or a unit that does not
    fit, is a cell problem, never a guess ("45 tỷ" in tấn, "12,500" where decimals are
    allowed)."""
    rules = Rules(
        "Ô này", ValueType.NUMBER, measure_unit, minimum=-MAX_MAGNITUDE, maximum=MAX_MAGNITUDE
    )
    try:
        return Decimal(read_figure(text, rules).value)
    except AskBack as unsure:
        raise CellProblem(f"{quoted(text)} chưa rõ — {unsure.user_message}") from None
    except DomainError as error:
        raise CellProblem(f"{quoted(text)}: {error.user_message}") from None


def is_percent_unit(measure_unit: str) -> bool:
    """True for ``%``, ``phần trăm`` and units such as ``tỷ lệ (%)``."""
    key = re.sub(r"[^a-z0-9%]", "", fold(measure_unit))
    return "%" in key or key == "phantram"


def _percent_problem(raw: object, measure_unit: str) -> str:
    shown_unit = f'"{measure_unit}"' if measure_unit else "(chưa ghi đơn vị tính)"
    return (
        f"{quoted(raw)} là phần trăm nhưng đơn vị tính là {shown_unit} — "
        "ghi số theo đơn vị tính (bỏ dấu % hoặc định dạng phần trăm của ô)"
    )


def _canonical(value: Decimal) -> Decimal:
    """``value`` without trailing zeros, whole numbers with exponent 0 (``95.00`` -> ``95``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def number_cell(value: Decimal | None) -> int | float | None:
    """A Decimal as an Excel number: ``int`` when whole, else ``float`` (read back exactly)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def show_number(value: Decimal) -> str:
    """A number in a message, the Vietnamese way with up to six decimals (``12.500``, ``95,15``)."""
    return format_number(value, max_decimals=6)


# --------------------------------------------------------------------------- yes/no and days


def parse_yes_no(raw: object) -> bool:
    """A boolean cell, or a yes/no answer as :func:`domain.numbers.parse_boolean` reads it."""
    if isinstance(raw, bool):
        return raw
    try:
        return parse_boolean(cell_text(raw))
    except NumberParseError:
        raise CellProblem(f"{quoted(raw)} không hợp lệ — chọn: {YES}, {NO}") from None


def show_yes_no(value: bool) -> str:
    """``có`` or ``không``, the drop-down values of a yes/no column."""
    return YES if value else NO


def _whole_days(raw: object, maximum: int | None = None) -> int | None:
    """A whole number from 0 to ``maximum`` (no bound when ``None``), or ``None``."""
    try:
        value = parse_decimal(raw)
    except CellProblem:
        return None
    if value < 0 or value != value.to_integral_value():
        return None
    if maximum is not None and value > maximum:
        return None
    return int(value)


def parse_day_count(raw: object) -> int:
    """A whole number of days, 0 or more."""
    days = _whole_days(raw)
    if days is None:
        raise CellProblem(f"{quoted(raw)} phải là số ngày nguyên, từ 0 trở lên (ví dụ 10)")
    return days


def parse_reminder_day_count(raw: object) -> int:
    """A whole number of days from 0 to :data:`MAX_REMINDER_DAYS` (reminders, escalations)."""
    days = _whole_days(raw, MAX_REMINDER_DAYS)
    if days is None:
        raise CellProblem(
            f"{quoted(raw)} phải là số ngày nguyên, từ 0 đến {MAX_REMINDER_DAYS} (ví dụ 3)"
        )
    return days


_NO_REMINDERS = frozenset(choice_key(text) for text in (NO, "không nhắc"))
_REMINDER_DAY = re.compile(r"(\d{1,9})(?:\s*ngày)?", re.IGNORECASE)


def parse_reminder_days(raw: object) -> tuple[int, ...]:
    """Days before the due date: whole numbers 1..MAX_REMINDER_DAYS separated by ``;``, ``,``
    or line breaks, each once, in the order written; ``"không"`` for none. A number cell
    (``3``) is one day."""
    text = cell_text(raw)
    if choice_key(text) in _NO_REMINDERS:
        return ()
    items = [item.strip() for item in re.split(r"[;,\n]", text) if item.strip()]
    days: list[int] = []
    for item in items:
        match = _REMINDER_DAY.fullmatch(unicodedata.normalize("NFC", item))
        if match is None:
            raise CellProblem(
                f"{quoted(item)} không hợp lệ — ghi các số ngày nguyên từ 1 đến "
                f'{MAX_REMINDER_DAYS}, cách nhau bằng dấu ; (ví dụ 3; 1), hoặc "{NO}"'
            )
        day = int(match[1])
        if not 1 <= day <= MAX_REMINDER_DAYS:
            hint = ' (nhắc đúng ngày hạn nộp: dùng cột "Nhắc vào ngày hạn")' if day == 0 else ""
            raise CellProblem(
                f"số ngày nhắc trước hạn phải từ 1 đến {MAX_REMINDER_DAYS}, không phải {day}" + hint
            )
        if day in days:
            raise CellProblem(f"{day} ngày được ghi hai lần — mỗi số chỉ ghi một lần")
        days.append(day)
    if not days:
        raise CellProblem(f'{quoted(raw)} không hợp lệ — ghi các số ngày, ví dụ 3; 1, hoặc "{NO}"')
    return tuple(days)


def show_reminder_days(days: Sequence[int]) -> str:
    """A list of reminder days as written in the template: ``3; 1``, or ``không`` when empty."""
    return "; ".join(str(day) for day in days) if days else NO


# --------------------------------------------------------------------------- reviews


def parse_period_id(raw: object) -> str:
    """A review's period id, upper-cased: ``2026S1``, ``2026`` (a number cell too), ``2026Q1``,
    ``202601``, or ``CADOT`` (the whole campaign; "cả đợt" typed with or without diacritics)."""
    text = re.sub(r"\s", "", cell_text(raw)).upper()
    if fold(text) == fold(WHOLE_CAMPAIGN) or choice_key(cell_text(raw)) == choice_key("cả đợt"):
        return WHOLE_CAMPAIGN
    if covers_problems(text):
        raise CellProblem(f"{quoted(raw)} không phải kỳ đánh giá hợp lệ — {PERIOD_ID_HELP}")
    return text


def parse_weights_text(raw: object) -> str:
    """A final-score rule as typed ("tự chấm 30%, chấm chéo 30%, văn phòng 40%"), checked by
    :func:`domain.scoring.parse_weights` and returned stripped."""
    text = " ".join(cell_text(raw).split())
    try:
        parse_weights(text)
    except ScoringProblem as problem:
        raise CellProblem(problem.user_message) from None
    return text
