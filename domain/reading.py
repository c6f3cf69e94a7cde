"""Reading one typed figure for one data element: read right, or asked back, never guessed.

Issue 13, items 1 and 2; DESIGN.md "Standards". Pure: no I/O, no clock. :func:`read_figure`
takes the text a person typed for one data element and its :class:`~domain.validation.Rules`
and returns a :class:`Figure` (the canonical value to store, in the element's measure unit, and
the echo), or raises:

* :class:`~domain.numbers.NumberParseError` when the text is not a figure at all (letters, two
  lines, ``12.5.3``);
* :class:`~domain.validation.ValueRejected` when it is a figure the element cannot take (a
  unit that does not fit, ``45 tỷ`` for rice, a share over 100 %, a negative count);
* :class:`AskBack` when it has two honest readings or looks like a slip (``12,500`` where
  decimals are allowed, ``12.5000``, a phone number in a count, ``hơn 300``): the question names
  the readings, spelled out in words, and ``options`` holds them ready to store.

All three are :class:`~domain.errors.DomainError`; nothing else is raised for any ``str``.

The rules, in the order they apply:

1. One line only: a line break anywhere is refused (the handler splits pasted lists itself), so
   ``12⏎500`` is never 12.500. Full-width digits and signs (``１２．５００``) read as ASCII.
2. Around the number: a label before ``:`` or ``=`` (``Dân số: 12.345``), the element's own
   name, polite and filler words before (``dạ``, ``vâng``, ``khoảng``, ``tầm``, ``được``,
   ``đạt``, ``có``, ``là``, ``tổng``, ``tổng số``) and particles after (``ạ``, ``nhé``, ``nha``)
   are dropped, and so is trailing punctuation (``12500!``, ``95%.``, ``300.``).
3. Zero: ``0``, ``không``, ``ko``, ``k``, ``không có``, ``chưa có``, ``không có vụ nào``.
   ``chưa`` alone is asked back (0, or not known yet?).
4. The unit after the number (:mod:`domain.units`): the element's own unit in any spelling is
   accepted; a unit of the same family is converted exactly and the echo shows it (``1.250 tạ
   = 125 tấn``, ``45.000 triệu đồng = 45 tỷ đồng``); any other unit is refused.
5. Magnitude words (nghìn/ngàn/k, vạn, triệu/tr, tỷ/tỉ) only where the unit takes them:
   money all of them; counts, mass and area nghìn and vạn; percentages none. Money keeps the
   old reading: with a magnitude word the amount is in đồng and converted into the element's
   unit (``45 tỷ`` in tỷ đồng = 45), without one the number is already in the element's unit
   (``45`` in tỷ đồng = 45). An element with a unit this module does not know asks back
   before taking triệu or tỷ.
6. Numbers in words up to the thousands and beyond (``mười``, ``hai mươi lăm``, ``một trăm
   linh năm``, ``3 chục``, ``một nghìn hai trăm``, ``hai nghìn rưỡi``, ``mười hai phẩy năm``);
   the spoken short forms follow :func:`~domain.numbers.parse_number`'s ``1tr2`` rule: ``ba
   trăm hai`` = 320, ``hai nghìn ba`` = 2.300.
7. Two readings (see :func:`read_figure`) are asked back when both fit the element; when only
   one fits (the other is not whole, or over the maximum), that one is taken.
8. The element's rules last: whole numbers, minimum (0 unless set), maximum, 100 % for shares.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Context, Decimal, DecimalException, InvalidOperation, Overflow
from decimal import localcontext as _localcontext

from domain.campaign_spec import ValueType
from domain.errors import DomainError
from domain.i18n import N_, _
from domain.numbers import (
    SCALE_EXPONENTS,
    NumberParseError,
    format_number,
    parse_boolean,
    parse_number,
)
from domain.text import clean_text, fold
from domain.units import (
    MILLION,
    MONEY,
    PERCENT,
    Unit,
    all_spellings,
    typed_units,
    unit_of,
)
from domain.validation import (
    MAX_TEXT,
    Rules,
    ValueRejected,
    canonical,
    check_number,
    display_number,
    display_value,
)

MAX_FIGURE_CHARS = 160
"""A typed figure with its label and particles ("Dân số: 12.345 người ạ") fits in this; longer
text is refused outright."""

# Wide enough that no sum or power-of-ten shift of a 160-character answer is ever rounded;
# rounding stays allowed for display (format_number rounds to two places on purpose).
_EXACT = Context(prec=400, traps=[InvalidOperation, Overflow])
_EXAMPLES = N_("Hãy nhập số, ví dụ: 12.500 hoặc 12,5 hoặc 45 tỷ.")
_SHOWN_CHARS = 30
# Below this, a converted amount is too small to be meant (``45 đồng`` in tỷ đồng): asked back.
_TINY = Decimal("0.001")

_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class Figure:
    """A figure read for one data element.

    ``value``: the canonical text to store (:func:`domain.validation.canonical`), in the
    element's measure unit (``"125"``, ``"12.5"``); ``"1"``/``"0"`` for yes/no; the cleaned
    text for a text element. ``shown``: the echo, ``"125 tấn"``, with a conversion ``"1.250 tạ
    = 125 tấn"``, ``"Có"``.
    """

    value: str
    shown: str


@dataclass(frozen=True)
class Option:
    """One reading offered in an :class:`AskBack`: ``value`` canonical, ready to store (in the
    element's unit); ``label`` as shown on a button or a numbered line (``"12.500 tấn"``)."""

    value: str
    label: str


class AskBack(DomainError):
    """The text has more than one honest reading, or looks like a slip: ask before storing.

    ``user_message`` is the Vietnamese question (it names the readings, spelled out in words);
    ``options`` are the readings to choose from, in the order to number them (1, 2, ...). It may
    be empty: then the person types the figure again.
    """

    def __init__(self, user_message: str, options: tuple[Option, ...] = ()) -> None:
        super().__init__(user_message)
        self.options = options


# --------------------------------------------------------------------------- read_figure


def read_figure(text: str, rules: Rules) -> Figure:
    """Read ``text``, typed for the data element ``rules``, as one figure.

    Returns a :class:`Figure` (value canonical in ``rules.measure_unit``). Raises
    :class:`~domain.numbers.NumberParseError` when ``text`` is not a figure,
    :class:`~domain.validation.ValueRejected` when the element cannot take it, and
    :class:`AskBack` when unsure; see the module docstring for the rules. Asked back:

    * ``12,500`` / ``1,250`` (a comma then exactly three digits) where decimals are allowed
      (NUMBER, PERCENTAGE): 12,5 or 12.500. In an INTEGER element the comma groups thousands
      (12.500) without asking, since a decimal is impossible there.
    * ``12.5000`` (one dot then four or more digits): 12,5 or 125.000, asked even when only
      one of them fits the element.
    * A phone-number-like figure (10-11 digits starting with 0, or 84/+84 and 9-10 digits):
      one option confirming the number, spelled out.
    * ``hơn 300``, ``trên 300``, ``gần 300``, ``300 mấy``, ``300 trở lên``: not an exact figure,
      one option confirming 300. ``chưa`` alone: one option, 0.
    * A conversion that gives a tiny amount (under 0,001 of the element's unit, ``500.000
      đồng`` in tỷ đồng); triệu/tỷ in an element whose unit is not in the vocabulary.

    Never raises anything but these three :class:`~domain.errors.DomainError` subclasses.
    """
    if rules.value_type is ValueType.TEXT:
        cleaned = _text_answer(text)
        return Figure(cleaned, cleaned)
    line = _one_line(text)
    if rules.value_type is ValueType.BOOLEAN:
        value = "1" if parse_boolean(line) else "0"
        return Figure(value, display_value(value, rules))
    try:
        with _localcontext(_EXACT):
            return _NumberReader(line, rules).read()
    except DecimalException as error:  # pragma: no cover - arithmetic here is exact; a guard
        raise _not_a_number(line) from error


def _text_answer(text: str) -> str:
    """A text answer, cleaned (:func:`domain.text.clean_text`: line breaks kept), within
    :data:`~domain.validation.MAX_TEXT` characters."""
    cleaned = clean_text(text).strip()
    if not cleaned:
        raise ValueRejected(_("Nội dung trống. Hãy nhập nội dung."))
    if len(cleaned) > MAX_TEXT:
        raise ValueRejected(
            _("Nội dung quá dài ({count} ký tự). Tối đa {most} ký tự.").format(
                count=len(cleaned), most=MAX_TEXT
            )
        )
    return cleaned


def _one_line(text: str) -> str:
    """The answer as one line of NFKC text (full-width digits become ASCII), or an error."""
    stripped = text.strip()
    if any(ch in _LINE_BREAKS for ch in stripped):
        raise NumberParseError(
            _(
                "Mỗi tin nhắn chỉ ghi một số cho một chỉ tiêu; tin nhắn này có nhiều dòng. "
                "Hãy nhập lại một số."
            )
        )
    if not stripped:
        raise NumberParseError(_("Chưa có số nào.") + " " + _(_EXAMPLES))
    if len(stripped) > MAX_FIGURE_CHARS:
        raise NumberParseError(
            _("{text} quá dài, không phải là một số.").format(text=_quote(stripped))
            + " "
            + _(_EXAMPLES)
        )
    return unicodedata.normalize("NFKC", clean_text(stripped)).strip()


# --------------------------------------------------------------------------- words around


# Folded words dropped before the number; "tam" (tầm, "about") only when a digit follows, since
# "tám" (eight) folds to the same word.
_LEADING = sorted(
    {
        "da",
        "vang",
        "da vang",
        "vang a",
        "khoang",
        "khoang chung",
        "chung",
        "uoc",
        "uoc tinh",
        "uoc khoang",
        "duoc",
        "dat",
        "la",
        "co",
        "hien co",
        "hien",
        "hien nay",
        "tong",
        "tong so",
        "tong cong",
        "so luong",
        "sl",
        "so lieu",
        "so",
        "gom",
        "bao cao",
        "em bao cao",
        "ket qua",
        "kq",
        "ghi",
        "nhap",
        "tam",
    },
    key=lambda word: (-len(word), word),
)
# Words before the number that make it not an exact figure: asked back.
_APPROXIMATE_LEADING = sorted(
    {"hon", "tren", "gan", "duoi", "xap xi", "it nhat", "toi thieu", "toi da", "chua toi", "ngot"},
    key=lambda word: (-len(word), word),
)
_APPROXIMATE_TRAILING = ("tro len", "tro xuong", "may", "hon", "ngoai", "gi do")
# Particles after the number.
_TRAILING = sorted(
    {"a", "nhe", "nha", "nhen", "ah", "ak", "day", "do", "roi", "thoi", "a nhe", "nhe a", "ha a"},
    key=lambda word: (-len(word), word),
)
_PUNCTUATION = ".!?,;:…~\"'“”‘’()[]«»*"
_ZERO = frozenset(
    {
        "khong",
        "ko",
        "k",
        "kh",
        "khg",
        "khoong",
        "khong co",
        "ko co",
        "k co",
        "kh co",
        "khg co",
        "khong co gi",
        "khong co ai",
        "khong ai",
        "chua co",
        "chua co ai",
        "chua co gi",
        "khong phat sinh",
        "chua phat sinh",
    }
)
_ZERO_NONE = re.compile(r"(?:khong|ko|k|kh|chua)(?: co)?(?: [a-z ]+)? nao")
_NOT_YET = frozenset({"chua", "chua biet", "chua ro"})


@dataclass(frozen=True)
class _Amount:
    """A number read from text: ``value`` with magnitude words applied (``12 nghìn`` ->
    12000), ``magnitude`` the largest magnitude word's power of ten (0 when none)."""

    value: Decimal
    magnitude: int


@dataclass(frozen=True)
class _Reading:
    """One reading of a figure: ``value`` in the element's unit and the echo ``shown``;
    ``doubt`` is a reason to ask before taking it (a question's opening), or ``""``."""

    value: Decimal
    shown: str
    doubt: str = ""


class _NumberReader:
    """Reads one line typed for a numeric element (NUMBER, INTEGER, PERCENTAGE)."""

    def __init__(self, line: str, rules: Rules) -> None:
        self.line = line
        self.rules = rules
        self.percent = rules.value_type is ValueType.PERCENTAGE or rules.measure_unit == "%"
        self.unit = unit_of("%") if self.percent else unit_of(rules.measure_unit)
        self.approximate = False
        self.in_dong: Decimal | None = None  # a bare huge amount read as đồng (see _plain)

    # ..................................................................... the steps

    def read(self) -> Figure:
        """The figure, or one of the three errors."""
        core = self._core(fold(self.line))
        if core in _ZERO or _ZERO_NONE.fullmatch(core):
            return self._take(_Reading(Decimal(0), self._display(Decimal(0))))
        if core in _NOT_YET:
            zero = self._option(Decimal(0))
            raise AskBack(
                _(
                    '{name}: "{line}" là 0 {unit} (chưa có), '
                    "hay chưa biết số? Chọn 0, hoặc nhập số khi đã có."
                ).format(name=self.rules.name, line=self.line, unit=self._unit_name()),
                (zero,) if zero else (),
            )
        phone = _phone_like(core, money=self.unit.family == MONEY)
        if phone is not None:
            return self._phone(phone)
        readings = self._readings(core)
        if self.approximate:
            return self._confirm(readings[0], _("chưa phải là số chính xác"))
        if len(readings) == 1 and self.in_dong is not None:
            return self._dong_or_unit(readings[0], self.in_dong)
        if len(readings) == 1:
            reading = readings[0]
            if reading.doubt:
                return self._confirm(reading, reading.doubt)
            return self._take(reading)
        return self._choose(core, readings)

    def _core(self, folded: str) -> str:
        """``folded`` without label, fillers, particles and punctuation around the number."""
        text = folded.strip(" " + _PUNCTUATION)
        for mark in (":", "="):
            label, found, rest = text.rpartition(mark)
            if found and rest.strip() and not any(ch.isdigit() for ch in label):
                text = rest.strip(" " + _PUNCTUATION)
        name = fold(self.rules.name)
        changed = True
        while changed and text:
            before = text
            if name and text.startswith(name + " "):
                text = text[len(name) :]
            text = _drop_leading(text, _LEADING, digit_after=("tam",))
            dropped = _drop_leading(text, _APPROXIMATE_LEADING)
            if dropped != text:
                self.approximate = True
                text = dropped
            for word in _APPROXIMATE_TRAILING:
                if text.endswith(" " + word):
                    self.approximate = True
                    text = text[: -len(word) - 1]
            for word in _TRAILING:
                if text.endswith(" " + word) and len(text) > len(word) + 1:
                    text = text[: -len(word) - 1]
                    break
            text = text.strip(" " + _PUNCTUATION)
            changed = text != before
        return text

    def _readings(self, core: str) -> list[_Reading]:
        """Every reading of ``core`` that the element takes: one, or two to choose from.

        Raises the first reading's error when none is taken.
        """
        texts, always_ask = _alternatives(core, integer=self.rules.value_type is ValueType.INTEGER)
        readings: list[_Reading] = []
        first_error: DomainError | None = None
        for alternative in texts:
            try:
                reading = self._reading(alternative)
                check_number(reading.value, self.rules)
            except DomainError as error:
                first_error = first_error or error
                continue
            if all(reading.value != known.value for known in readings):
                readings.append(reading)
        if not readings:
            assert first_error is not None
            raise first_error
        if always_ask and len(readings) == 1 and not readings[0].doubt:
            readings[0] = _Reading(readings[0].value, readings[0].shown, _("viết chưa rõ"))
        return readings

    def _reading(self, core: str) -> _Reading:
        """One reading of ``core``: the number, its unit, in the element's unit."""
        error: DomainError | None = None
        for spelling, amount_text in self._splits(core):
            try:  # a cut that is no reading ("2 tỷ 500" + "triệu đồng") tries the next one
                amount = _read_amount(amount_text, self.line)
                return self._in_element_unit(amount, spelling)
            except NumberParseError as problem:
                error = error or problem
        unknown = _unknown_unit(core)
        if unknown is not None:
            raise NumberParseError(
                _(
                    'Chưa hiểu đơn vị "{unknown}". {name} tính bằng {unit}: '
                    "hãy nhập số {unit}, ví dụ: {example}."
                ).format(
                    unknown=unknown,
                    name=self.rules.name,
                    unit=self._unit_name(),
                    example=self._example(),
                )
            )
        raise error or _not_a_number(self.line)

    def _splits(self, core: str) -> list[tuple[str, str]]:
        """``(unit spelling, amount text)`` ways to cut ``core``, longest unit first, then none."""
        splits: list[tuple[str, str]] = []
        for spelling in all_spellings(self.unit):
            if not core.endswith(spelling) or len(core) == len(spelling):
                continue
            amount = core[: -len(spelling)]
            if spelling in _NUMBER_WORDS and not self._unit_word_typed(spelling):
                continue  # "tám trăm", "2 trăm" are 800 and 200, not 8 and 2 trạm
            if amount[-1].isdigit() or amount[-1] in " %" or spelling[0] in "%":
                splits.append((spelling, amount.strip()))
        splits.append(("", core))
        return splits

    def _unit_word_typed(self, spelling: str) -> bool:
        """True when a word folding to ``spelling`` was typed with marks that make it a unit,
        not a number word (``trạm``, not ``trăm`` or an unmarked ``tram``)."""
        words = unicodedata.normalize("NFC", self.line).lower().split()
        return any(
            fold(word) == spelling and word != spelling and word not in _MARKED_NUMBER_WORDS
            for word in words
        )

    def _in_element_unit(self, amount: _Amount, spelling: str) -> _Reading:
        """Express ``amount`` (typed with unit ``spelling``, maybe none) in the element's unit."""
        element = self.unit
        typed = self._typed_unit(spelling) if spelling else None
        if typed is not None and typed.family == MONEY and typed.exponent and amount.magnitude:
            # "2 tỷ 500 triệu đồng" cut as "2 tỷ 500" + "triệu đồng": not a reading.
            raise _not_a_number(self.line)
        measured_in = typed or element
        if amount.magnitude and amount.magnitude not in measured_in.magnitudes:
            self._refuse_magnitude(amount, measured_in)
        if typed is None:
            if not (element.scaled and amount.magnitude):
                return self._plain(amount)
            # "45 tỷ" in tỷ đồng, "3 nghìn" in nghìn người: an absolute amount of the base unit.
            value = amount.value.scaleb(element.base_exponent - element.exponent)
            base_name = "đồng" if element.family == MONEY else element.name.partition(" ")[2]
            typed_shown = _typed_display(amount, base_name, money=element.family == MONEY)
        else:
            value = amount.value.scaleb(typed.exponent - element.exponent)
            if typed.exponent == element.exponent and typed.name == element.name:
                return _Reading(value, self._display(value))
            typed_shown = _typed_display(amount, typed.name, money=typed.family == MONEY)
        shown = f"{typed_shown} = {self._display(value)}"
        if typed_shown == self._display(value):
            shown = typed_shown
        doubt = ""
        if value and abs(value) < _TINY:
            doubt = _("chỉ bằng {value}, rất nhỏ").format(value=self._display(value))
        return _Reading(value, shown, doubt)

    def _plain(self, amount: _Amount) -> _Reading:
        """A number typed without a unit: already in the element's unit. A bare amount of a
        hundred thousand or more in a unit of millions or billions of đồng may be đồng: both
        asked."""
        doubt = ""
        if amount.magnitude >= MILLION and not self.unit.known:
            doubt = _("là số rất lớn")
        if (
            self.unit.family == MONEY
            and self.unit.exponent >= 6
            and amount.magnitude == 0
            and amount.value >= 10**5
        ):
            self.in_dong = amount.value.scaleb(-self.unit.exponent)
        return _Reading(amount.value, self._display(amount.value), doubt)

    def _typed_unit(self, spelling: str) -> Unit:
        """The unit typed, if it fits the element; else the refusal."""
        candidates = typed_units(spelling, self.unit)
        for unit in candidates:
            if unit.family == self.unit.family:
                return unit
        typed = candidates[0] if candidates else None
        if typed is not None and typed.family == PERCENT:
            raise ValueRejected(
                _("{name} không phải là tỷ lệ %. Hãy nhập số ({unit}).").format(
                    name=self.rules.name, unit=self._unit_name()
                )
            )
        if self.percent:
            raise ValueRejected(
                _(
                    "{name} là tỷ lệ %, không tính bằng {typed}. "
                    "Hãy nhập số phần trăm, ví dụ: 95,5 hoặc 95,5%."
                ).format(name=self.rules.name, typed=typed.name if typed else spelling)
            )
        typed_name = typed.name if typed is not None else spelling
        raise ValueRejected(
            _(
                "{name} tính bằng {unit}, không phải {typed}. Hãy nhập số {unit}, ví dụ: {example}."
            ).format(
                name=self.rules.name,
                unit=self._unit_name(),
                typed=typed_name,
                example=self._example(),
            )
        )

    def _refuse_magnitude(self, amount: _Amount, unit: Unit) -> None:
        """``45 tỷ`` for rice, ``2 tỷ 500 triệu`` households, ``5 nghìn`` percent: refused."""
        word = {3: "nghìn", 4: "vạn", 6: "triệu", 9: "tỷ"}.get(amount.magnitude, "")
        if not unit.known and unit.family.startswith("custom"):
            return  # asked back by _plain instead
        if self.percent:
            raise ValueRejected(
                _(
                    '{name} là tỷ lệ %: không dùng "{word}". Hãy nhập số phần trăm, ví dụ: 95,5.'
                ).format(name=self.rules.name, word=word)
            )
        money = " " + _("(đó là số tiền?)") if amount.magnitude >= MILLION else ""
        raise ValueRejected(
            _(
                '{name} tính bằng {unit}: "{line}" có chữ "{word}"{money}, không phải số {unit}. '
                "Hãy nhập số {unit}, ví dụ: {example}."
            ).format(
                name=self.rules.name,
                unit=self._unit_name(),
                line=_short(self.line),
                word=word,
                money=money,
                example=self._example(),
            )
        )

    # ..................................................................... outcomes

    def _take(self, reading: _Reading) -> Figure:
        """Check the element's rules and return the figure."""
        check_number(reading.value, self.rules)
        return Figure(canonical(reading.value), reading.shown)

    def _phone(self, digits: str) -> Figure:
        """A phone-number-like figure: confirmed once, with the number spelled out."""
        value = Decimal(digits.lstrip("+"))
        try:
            check_number(value, self.rules)
        except ValueRejected as error:
            raise ValueRejected(
                _('"{line}" giống số điện thoại, không phải số liệu của {name}.').format(
                    line=_short(self.line), name=self.rules.name
                )
                + " "
                + _(_EXAMPLES)
            ) from error
        option = Option(canonical(value), self._display(value))
        raise AskBack(
            _(
                '{name}: "{line}" giống số điện thoại. Ghi {label} ({words})? '
                "Chọn để xác nhận, hoặc nhập lại số."
            ).format(
                name=self.rules.name,
                line=_short(self.line),
                label=option.label,
                words=say_number(value),
            ),
            (option,),
        )

    def _confirm(self, reading: _Reading, reason: str) -> Figure:
        """Ask once before taking ``reading``; raises :class:`AskBack` with one option."""
        check_number(reading.value, self.rules)
        option = Option(canonical(reading.value), self._display(reading.value))
        raise AskBack(
            _(
                '{name}: "{line}" {reason}. Ghi {shown} ({words})? '
                "Chọn để xác nhận, hoặc nhập lại số chính xác."
            ).format(
                name=self.rules.name,
                line=_short(self.line),
                reason=reason,
                shown=reading.shown,
                words=say_number(reading.value),
            ),
            (option,),
        )

    def _choose(self, core: str, readings: list[_Reading]) -> Figure:
        """Two honest readings: ask which, both spelled out."""
        described = _(" hay ").join(
            f"{reading.shown} ({say_number(reading.value)})" for reading in readings
        )
        raise AskBack(
            _(
                '{name}: "{line}" là {described}? Chọn một, hoặc nhập lại '
                "(dấu chấm ngăn hàng nghìn, dấu phẩy trước số lẻ: 12.500 là mười hai nghìn năm "
                "trăm, 12,5 là mười hai phẩy năm)."
            ).format(name=self.rules.name, line=_short(self.line), described=described),
            tuple(Option(canonical(r.value), self._display(r.value)) for r in readings),
        )

    def _dong_or_unit(self, typed: _Reading, in_dong: Decimal) -> Figure:
        """``45.000.000.000`` in tỷ đồng: 45 tỷ đồng (the amount in đồng) or, as typed,
        45.000.000.000 tỷ đồng? Asked, never guessed (issue 13)."""
        options = tuple(o for o in (self._option(in_dong), self._option(typed.value)) if o)
        raise AskBack(
            _(
                '{name}: "{line}" là {amount} đồng = {shown} ({words} {unit}), hay {typed}? '
                "Chọn một, hoặc nhập lại kèm đơn vị, ví dụ: 45 tỷ."
            ).format(
                name=self.rules.name,
                line=_short(self.line),
                amount=format_number(typed.value),
                shown=self._display(in_dong),
                words=say_number(in_dong),
                unit=self._unit_name(),
                typed=typed.shown,
            ),
            options,
        )

    def _option(self, value: Decimal) -> Option | None:
        """An option for ``value`` if the element takes it."""
        try:
            check_number(value, self.rules)
        except ValueRejected:
            return None
        return Option(canonical(value), self._display(value))

    # ..................................................................... wording

    def _display(self, value: Decimal) -> str:
        return display_number(value, self.rules)

    def _unit_name(self) -> str:
        return "%" if self.percent else (self.rules.measure_unit or _("số"))

    def _example(self) -> str:
        if self.percent:
            return "95,5"
        example = "12,5" if self.unit.family == MONEY else "1.250"
        return f"{example} {self.rules.measure_unit}".rstrip()


def _drop_leading(text: str, words: list[str], digit_after: tuple[str, ...] = ()) -> str:
    """``text`` without one leading word of ``words`` (followed by a space or a digit)."""
    for word in words:
        if not text.startswith(word) or len(text) == len(word):
            continue
        rest = text[len(word) :]
        if word in digit_after and not rest.lstrip()[:1].isdigit():
            continue
        if rest[0] == " " or (rest[0].isdigit() and word not in ("k", "so")):
            return rest.strip()
    return text


def _alternatives(core: str, *, integer: bool) -> tuple[list[str], bool]:
    """The texts ``core`` may stand for, and whether to ask even when only one fits.

    ``12,500`` -> [``12,500`` (12,5), ``12.500``]; in an INTEGER element just [``12.500``].
    ``12.5000`` -> [``12.5000`` (12,5), ``125000``], always asked. Otherwise [``core``].
    """
    comma = _COMMA_THOUSANDS.search(core)
    if comma is not None and len(_COMMA_THOUSANDS.findall(core)) == 1:
        grouped = core[: comma.start()] + comma[1] + "." + comma[2] + core[comma.end() :]
        return ([grouped] if integer else [core, grouped]), False
    dot = _DOT_MANY.search(core)
    if dot is not None and len(_DOT_MANY.findall(core)) == 1:
        joined = core[: dot.start()] + dot[1] + dot[2] + core[dot.end() :]
        return [core, joined], True
    return [core], False


# A comma followed by exactly three digits, in a number with no other mark: 12,500 or 1,250.
_COMMA_THOUSANDS = re.compile(r"(?<![0-9.,])([1-9][0-9]{0,2}),([0-9]{3})(?![0-9.,])")
# One dot followed by four or more digits: 12.5000.
_DOT_MANY = re.compile(r"(?<![0-9.,])([1-9][0-9]*)\.([0-9]{4,})(?![0-9.,])")
_PHONE = re.compile(r"\+?(?:0[0-9]{9,10}|84[0-9]{9,10})")


def _phone_like(core: str, *, money: bool) -> str | None:
    """The digits of a phone-number-like figure: 10-11 digits starting with 0 (``0912345678``,
    ``0912 345 678``), or 84 and 9-10 digits (``+84 912 345 678``, ``84912345678``; in a money
    element only with the ``+``, since 84.000.000.000 đồng is an amount)."""
    squeezed = re.sub(r"[ .\-()]", "", core)
    if not _PHONE.fullmatch(squeezed):
        return None
    if money and squeezed.startswith("84"):
        return None
    return squeezed


def _unknown_unit(core: str) -> str | None:
    """The trailing word of ``core`` when what comes before it is a number: a unit not known."""
    match = re.fullmatch(r"(?P<amount>[-+]?[0-9][0-9., ]*) ?(?P<word>[^\W\d_][\w ]*)", core)
    if match is None:
        return None
    try:
        parse_number(match["amount"])
    except NumberParseError:
        return None
    return match["word"].strip()


def _typed_display(amount: _Amount, unit_name: str, *, money: bool) -> str:
    """How the typed amount is echoed before a conversion: ``1.250 tạ``, ``45.000 triệu
    đồng``, ``2,5 tỷ đồng``, ``500.000 đồng``, ``3.000 người``."""
    if money and unit_name == "đồng" and amount.magnitude >= MILLION:
        word = {6: "triệu", 9: "tỷ"}[amount.magnitude]
        scaled = amount.value.scaleb(-amount.magnitude)
        return f"{format_number(scaled, _places(scaled))} {word} đồng"
    return f"{format_number(amount.value, _places(amount.value))} {unit_name}".rstrip()


def _places(value: Decimal) -> int:
    """Decimals needed to show ``value`` exactly (at least 2, the usual)."""
    exponent = value.as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2


# --------------------------------------------------------------------------- amounts

_SCALE_WORDS = SCALE_EXPONENTS
_DIGIT_WORDS: dict[str, int] = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "nham": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_WORD_SCALES: dict[str, int] = {"nghin": 3, "ngan": 3, "van": 4, "trieu": 6, "ty": 9, "ti": 9}
_MARKED_NUMBER_WORDS = frozenset(
    {
        *("không", "một", "mốt", "hai", "ba", "bốn", "tư", "năm", "lăm", "nhăm", "sáu", "bảy"),
        *("tám", "chín", "mười", "mươi", "chục", "trăm", "linh", "lẻ", "nghìn", "ngàn", "vạn"),
        *("triệu", "tỷ", "tỉ", "rưỡi", "phẩy"),
    }
)
_NUMBER_WORDS = frozenset(
    {*_DIGIT_WORDS, *_WORD_SCALES, "muoi", "chuc", "tram", "linh", "le", "ruoi", "phay"}
)
_WORD_TOKEN = re.compile(r" ?(?:(?P<num>[0-9]+(?:[.,][0-9]+)*)|(?P<word>[a-z]+))")


def _read_amount(text: str, shown: str) -> _Amount:
    """The number in ``text`` (folded, no unit): digits the Vietnamese way with magnitude
    words (:func:`~domain.numbers.parse_number`), ``vạn``, or Vietnamese number words.

    Raises :class:`NumberParseError` quoting ``shown`` when it is none of these.
    """
    if not text or "%" in text:
        raise _not_a_number(shown)
    words = re.findall(r"[a-z]+", text)
    if all(word in _SCALE_WORDS for word in words):
        parsed = parse_number(text)
        magnitude = max((_SCALE_WORDS[word] for word in words), default=0)
        return _Amount(parsed.value, magnitude)
    van = re.fullmatch(r"(?P<number>[0-9][0-9.,]*) ?van", text)
    if van is not None:
        parsed = parse_number(van["number"])
        return _Amount(parsed.value.scaleb(4), 4)
    return _read_words(text, shown)


def _read_words(text: str, shown: str) -> _Amount:
    """Vietnamese number words, maybe mixed with small numerals (``3 chục``, ``2 nghìn 3 trăm``).

    Grammar (folded words): a group below a thousand is ``[D trăm] [linh|lẻ D | mười [U] |
    D mươi [U] | D chục [U] | D]`` (``rưỡi`` after trăm adds 50; a lone digit after trăm is the
    tens: ``ba trăm hai`` = 320); groups are joined by scale words going down (nghìn/ngàn,
    vạn, triệu, tỷ); after a scale word ``rưỡi`` adds half of it and a lone digit is its next
    digit (``hai nghìn ba`` = 2.300); ``phẩy`` then digits gives the decimals. ``D`` is a digit
    word or a one-digit numeral; a numeral below 1.000 may stand for a whole group before a
    scale word. Raises :class:`NumberParseError` otherwise.
    """
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _WORD_TOKEN.match(text, position)
        if match is None:
            raise _not_a_number(shown)
        tokens.append(match[0].strip())
        position = match.end()
    parser = _WordParser(tokens, shown)
    return parser.parse()


class _WordParser:
    """Recursive-descent reader of :func:`_read_words`' grammar over folded tokens."""

    def __init__(self, tokens: list[str], shown: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.shown = shown

    def parse(self) -> _Amount:
        total = Decimal(0)
        magnitude = 0
        previous_scale: int | None = None
        while self.index < len(self.tokens):
            start = self.index
            group = self._group()
            if group is None:
                raise _not_a_number(self.shown)
            fraction = self._fraction()
            number = group + fraction
            scale = self._scale()
            if scale is None:
                lone = self.index - start == 1
                if (
                    previous_scale is not None
                    and lone
                    and self._lone_digit_at_end(number, fraction)
                ):
                    total += number.scaleb(previous_scale - 1)
                else:
                    if previous_scale is not None and number >= 1000:
                        raise _not_a_number(self.shown)
                    total += number
                if self.index != len(self.tokens):
                    raise _not_a_number(self.shown)
                break
            if previous_scale is not None and scale >= previous_scale:
                raise _not_a_number(self.shown)
            total += number.scaleb(scale)
            magnitude = max(magnitude, scale)
            previous_scale = scale
            if self._accept("ruoi"):
                total += Decimal(5).scaleb(scale - 1)
                if self.index != len(self.tokens):
                    raise _not_a_number(self.shown)
        if not self.tokens:
            raise _not_a_number(self.shown)
        return _Amount(total, magnitude)

    def _lone_digit_at_end(self, number: Decimal, fraction: Decimal) -> bool:
        """True when the last group, one token, was a single digit and nothing followed."""
        last = self.tokens[self.index - 1]
        single = last in _DIGIT_WORDS or (last.isdigit() and len(last) == 1)
        return single and not fraction and self.index == len(self.tokens) and 0 < number < 10

    # ..................................................................... pieces

    def _peek(self, offset: int = 0) -> str | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def _accept(self, *words: str) -> bool:
        if self._peek() in words:
            self.index += 1
            return True
        return False

    def _digit(self) -> int | None:
        """A digit word or a one-digit numeral, consumed; None (nothing consumed) otherwise."""
        token = self._peek()
        if token is None:
            return None
        if token in _DIGIT_WORDS:
            self.index += 1
            return _DIGIT_WORDS[token]
        if token.isdigit() and len(token) == 1:
            self.index += 1
            return int(token)
        return None

    def _scale(self) -> int | None:
        token = self._peek()
        if token in _WORD_SCALES:
            self.index += 1
            return _WORD_SCALES[token]
        return None

    def _group(self) -> Decimal | None:
        """A number below a thousand (or a numeral group), or None."""
        token = self._peek()
        if token is None:
            return None
        follower = self._peek(1)
        if token[0].isdigit() and (len(token) > 1 or follower not in ("tram", "muoi", "chuc")):
            if follower not in _WORD_SCALES and follower not in ("phay", None):
                return None
            self.index += 1
            try:
                return parse_number(token).value
            except NumberParseError:
                return None
        start = self.index
        value = 0
        digit = self._digit()
        if digit is not None and self._accept("tram"):
            value = digit * 100
            if self._accept("ruoi"):
                return Decimal(value + 50)
            if self._accept("linh", "le"):
                unit = self._digit()
                if unit is None:
                    return None
                return Decimal(value + unit)
            tens = self._tens()
            if tens is not None:
                return Decimal(value + tens)
            lone = self._digit()
            if lone is not None:
                if self._peek() in ("muoi", "chuc", "tram"):
                    return None
                return Decimal(value + lone * 10)
            return Decimal(value)
        self.index = start
        tens = self._tens()
        if tens is not None:
            return Decimal(tens)
        self.index = start
        digit = self._digit()
        if digit is None:
            return None
        if digit == 0 and self._peek() is not None and self._peek() != "phay":
            return None
        return Decimal(digit)

    def _tens(self) -> int | None:
        """``mười [U]``, ``D mươi [U]``, ``D chục [U]``; None with nothing consumed otherwise."""
        start = self.index
        if self._accept("muoi"):
            unit = self._digit()
            return 10 + (unit or 0)
        digit = self._digit()
        if digit is not None and digit > 0 and self._accept("muoi", "chuc"):
            unit = self._digit()
            if unit is None and self._accept("ruoi"):
                unit = 5
            return digit * 10 + (unit or 0)
        self.index = start
        return None

    def _fraction(self) -> Decimal:
        """``phẩy`` then digit words (``phẩy năm``, ``phẩy không năm``) or one numeral."""
        if not self._accept("phay"):
            return Decimal(0)
        token = self._peek()
        if token is not None and token.isdigit():
            self.index += 1
            return Decimal("0." + token)
        digits = ""
        while True:
            digit = self._digit()
            if digit is None:
                break
            digits += str(digit)
        if not digits:
            raise _not_a_number(self.shown)
        if len(digits) > 1 and digits[0] != "0":
            self.index -= len(digits)
            group = self._group()
            if group is None:  # pragma: no cover - digits were just read
                raise _not_a_number(self.shown)
            digits = format(group, "f")
        return Decimal("0." + digits)


# --------------------------------------------------------------------------- say_number

_DIGIT_NAMES = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def say_number(value: Decimal) -> str:
    """Vietnamese words for a number, for questions that spell a figure out.

    ``12500`` -> ``"mười hai nghìn năm trăm"``; ``45000000000`` -> ``"bốn mươi lăm tỷ"``;
    ``105`` -> ``"một trăm linh năm"``; ``1005`` -> ``"một nghìn không trăm linh năm"``;
    ``Decimal("12.5")`` -> ``"mười hai phẩy năm"``; ``Decimal("95.15")`` -> ``"chín mươi lăm
    phẩy mười lăm"`` (up to three decimals without a leading 0 read as a number, else digit by
    digit: ``0,05`` -> ``"không phẩy không năm"``); ``-3`` -> ``"âm ba"``; ``0`` ->
    ``"không"``. Thousands of billions are ``"nghìn tỷ"``. Accepts any finite Decimal (or int);
    raises :class:`ValueError` for NaN or infinity.
    """
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot say {value!r}")
    text = canonical(number)
    sign = ""
    if text.startswith("-"):
        sign, text = "âm ", text[1:]
    whole, _, fraction = text.partition(".")
    words = _say_whole(int(whole))
    if fraction:
        if len(fraction) <= 3 and not fraction.startswith("0"):
            words += " phẩy " + _say_whole(int(fraction))
        else:
            words += " phẩy " + " ".join(_DIGIT_NAMES[int(d)] for d in fraction)
    return sign + words


def _say_whole(number: int) -> str:
    """Words for a non-negative integer."""
    if number == 0:
        return "không"
    return _say_positive(number, leading=True)


def _say_positive(number: int, *, leading: bool) -> str:
    """Words for ``number`` > 0; not ``leading``: a group inside a larger number (``không
    trăm`` and ``linh`` are then said)."""
    billion = 10**9
    if number >= billion:
        high, rest = divmod(number, billion)
        words = _say_positive(high, leading=leading) + " tỷ"
        return words + (" " + _say_positive(rest, leading=False) if rest else "")
    parts: list[str] = []
    for scale, word in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group, number = divmod(number, scale)
        if group:
            first = leading and not parts
            parts.append((_say_group(group, leading=first) + " " + word).strip())
    return " ".join(parts)


def _say_group(number: int, *, leading: bool) -> str:
    """Words for 1..999; ``leading`` False says the empty hundreds (``không trăm``)."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGIT_NAMES[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGIT_NAMES[units])
        return " ".join(words)
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGIT_NAMES[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGIT_NAMES[units])
    return " ".join(words)


# --------------------------------------------------------------------------- helpers


def _short(text: str) -> str:
    """The user's text for a message: printable, one line, at most 30 characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    shown = " ".join(printable.split())
    return shown[:_SHOWN_CHARS] + "…" if len(shown) > _SHOWN_CHARS else shown


def _quote(text: str) -> str:
    return f'"{_short(text)}"'


def _not_a_number(shown: str) -> NumberParseError:
    """``Chưa hiểu "12.5.3" là số nào. Hãy nhập số, ví dụ: ...``."""
    return NumberParseError(
        _("Chưa hiểu {text} là số nào.").format(text=_quote(shown)) + " " + _(_EXAMPLES)
    )
