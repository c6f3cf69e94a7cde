"""Measure units as village heads type them, and how they convert.

A data element has a measure unit ("tấn", "hộ", "tỷ đồng", "%"); a figure may be typed with a
unit after the number ("12.500 tấn", "3,25ha", "1.250 tạ"). This module knows, for every unit
the campaigns use, its spellings (with and without diacritics, abbreviations, synonyms), its
family (units of one family convert into each other) and its size in the family's base unit as
a power of ten, so that every conversion is exact:

* mass, base kg: tấn = 10³, tạ = 10², yến = 10¹, kg = 10⁰ (so 1.250 tạ = 125 tấn);
* area, base m²: km² = 10⁶, ha = 10⁴, m² = 10⁰;
* money, base đồng: tỷ đồng = 10⁹, triệu đồng = 10⁶, nghìn đồng = 10³, đồng = 10⁰;
* percent: % only;
* counts (người, hộ, học sinh, trẻ, trường, vụ, ...): each its own family, size 10⁰.

``magnitudes`` says which magnitude words may multiply a number of the unit: nghìn/ngàn/k = 3,
vạn = 4, triệu = 6, tỷ = 9. Money takes all of them; counts, mass and area only nghìn and vạn
("12 nghìn tấn", "1,2 vạn người"), never triệu or tỷ (a commune has no billion households, and
"45 tỷ" typed for rice is money typed into the wrong question).

Spellings are stored folded (:func:`domain.text.fold`: lowercase, no diacritics); ``đ`` folds
to ``d``. A measure unit that is not in the vocabulary (a template may say "con", "km",
"lượt") is still understood: its own folded spelling, with or without spaces, is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.text import fold

THOUSAND, MYRIAD, MILLION, BILLION = 3, 4, 6, 9
COUNT_MAGNITUDES = frozenset({THOUSAND, MYRIAD})
MONEY_MAGNITUDES = frozenset({THOUSAND, MYRIAD, MILLION, BILLION})

MASS, AREA, MONEY, PERCENT = "mass", "area", "money", "percent"


@dataclass(frozen=True)
class Unit:
    """One measure unit.

    ``name``: how the bot writes it ("tấn", "m²"); ``family``: units of the same family convert
    into each other; ``exponent``: its size in the family's base unit as a power of ten (tấn in
    kg: 3); ``spellings``: folded forms a person may type after a number; ``magnitudes``: the
    powers of ten of the magnitude words allowed with it (see the module docstring); ``known``:
    False for a measure unit this module has no entry for (then only its own spelling fits).
    """

    name: str
    family: str
    exponent: int
    spellings: frozenset[str]
    magnitudes: frozenset[int] = COUNT_MAGNITUDES
    known: bool = True
    base: int | None = None

    @property
    def base_exponent(self) -> int:
        """Exponent of the unit without its leading magnitude word: 0 for "tỷ đồng" (đồng),
        3 for "nghìn tấn" (tấn, in kg); the unit's own exponent when it has no such word."""
        return self.exponent if self.base is None else self.base

    @property
    def scaled(self) -> bool:
        """True when the unit's name starts with a magnitude word ("tỷ đồng", "nghìn người"):
        a number typed with a magnitude word is then an absolute amount to convert."""
        return self.base_exponent != self.exponent


def _unit(
    name: str,
    family: str,
    exponent: int,
    spellings: str,
    magnitudes: frozenset[int] = COUNT_MAGNITUDES,
) -> Unit:
    """Build a unit; ``spellings`` is a ``|``-separated list, folded here (the name included)."""
    forms = {fold(form) for form in spellings.split("|") if form} | {fold(name)}
    return Unit(name, family, exponent, frozenset(forms), magnitudes)


def _scaled(unit: Unit) -> Unit:
    """A money unit named with a magnitude word: its base is the đồng."""
    return replace(unit, base=0)


def _count(name: str, spellings: str) -> Unit:
    """A count of things or people: a family of its own, no conversion."""
    return _unit(name, "count:" + fold(name), 0, spellings)


VOCABULARY: tuple[Unit, ...] = (
    # Mass.
    _unit("tấn", MASS, 3, "tan|t|tấn|tân"),
    _unit("tạ", MASS, 2, "ta"),
    _unit("yến", MASS, 1, "yen"),
    _unit("kg", MASS, 0, "kg|kí|ký|ki lô|ki-lô|kilô|kilo|ki lô gam|kilogam|kilogram|kgs|cân"),
    # Area.
    _unit("ha", AREA, 4, "ha|héc-ta|hec-ta|hécta|hecta|héc ta|hec ta|hectare|hecta"),
    _unit("m²", AREA, 0, "m2|m²|mét vuông|met vuong|mét 2|m^2"),
    _unit("km²", AREA, 6, "km2|km²|ki lô mét vuông|cây số vuông"),
    # Money (typed magnitude words such as "tỷ" are read with the number, not as units).
    _unit("đồng", MONEY, 0, "đồng|đ|d|vnd|vnđ|vnđồng|dong", MONEY_MAGNITUDES),
    _scaled(_unit("nghìn đồng", MONEY, 3, "nghìn đồng|ngàn đồng|nghìn đ|ngàn đ", MONEY_MAGNITUDES)),
    _scaled(
        _unit("triệu đồng", MONEY, 6, "triệu đồng|triệu đ|tr đồng|trđ|tr.đ|tr đ", MONEY_MAGNITUDES)
    ),
    _scaled(_unit("tỷ đồng", MONEY, 9, "tỷ đồng|tỉ đồng|tỷ đ|tỉ đ|tỷđ", MONEY_MAGNITUDES)),
    # Percent.
    _unit("%", PERCENT, 0, "%|phần trăm|phan tram|pt", frozenset()),
    # Counts.
    _count(
        "người",
        "người|ng|nguoi|ngưởi|người dân|nhân khẩu|khẩu|lao động|lđ|ld|người lao động|nhân"
        "|thanh niên|người tham gia|thành viên|tv",
    ),
    _count("hộ", "hộ|ho|hộ dân|hộ gia đình|gia đình|gđ|hgđ|hộ dân cư"),
    _count("học sinh", "học sinh|hs|hsinh|em|em học sinh|cháu"),
    _count("trẻ", "trẻ|tre|trẻ em|cháu|bé|em"),
    _count("trường", "trường|trường học|truong"),
    _count("vụ", "vụ|vụ việc|vu|vụ án"),
    _count("điểm", "điểm|đ|d|diem"),
    _count("lớp", "lớp|lớp học"),
    _count("phòng", "phòng|phòng học"),
    _count("xã", "xã"),
    _count("thôn", "thôn|xóm|ấp|tổ dân phố|tdp"),
    _count("cơ sở", "cơ sở|cs"),
    _count("công trình", "công trình|ct"),
    _count("mô hình", "mô hình"),
    _count("lượt", "lượt|lượt người"),
    _count("lần", "lần"),
    _count("buổi", "buổi"),
    _count("cuộc", "cuộc"),
    _count("con", "con"),
    _count("cây", "cây"),
    _count("km", "km|ki lô mét|cây số"),
    _count("giường", "giường"),
    _count("bác sĩ", "bác sĩ|bs"),
    _count("câu lạc bộ", "câu lạc bộ|clb"),
    _count("tổ", "tổ"),
    _count("đơn vị", "đơn vị|đv"),
    _count("trạm", "trạm"),
)

_BY_NAME: dict[str, Unit] = {fold(unit.name): unit for unit in VOCABULARY}
_MAGNITUDE_PREFIXES = {"nghin": 3, "ngan": 3, "trieu": 6, "ty": 9, "ti": 9}
# Spellings that may open a longer measure unit ("hộ nghèo"); one letter is too short to tell.
_PREFIXES: dict[str, Unit] = {
    spelling: unit
    for unit in VOCABULARY
    if unit.family not in (MONEY, PERCENT)
    for spelling in unit.spellings
    if len(spelling) > 1 and spelling not in ("em", "chau", "d", "ta", "ha")
}


def unit_of(measure_unit: str) -> Unit:
    """The :class:`Unit` of a data element's measure unit text (any spelling of it).

    ``unit_of("tấn").exponent == 3``; ``unit_of("Tỷ đồng").family == "money"``. A unit made of a
    magnitude word and a known unit (``"nghìn người"``, ``"nghìn tấn"``) is that unit times the
    power of ten (``base`` is the inner unit's exponent); a known unit with a qualifier
    (``"hộ nghèo"``) is that unit under its own name. ``unit_of("")`` is an unknown unit with no
    spellings (a bare number); any other text (``"con giống"``) gives an unknown unit accepting
    its own folded spelling, with or without spaces, and the magnitude words nghìn and vạn.
    Never raises.
    """
    folded = fold(measure_unit).strip()
    if folded in _BY_NAME:
        return _BY_NAME[folded]
    for unit in VOCABULARY:
        if folded in unit.spellings and unit.family != "count:" + fold("điểm"):
            return unit
    if folded in ("co/khong", "co / khong"):
        return Unit(measure_unit, "boolean", 0, frozenset(), frozenset(), known=False)
    forms = frozenset({folded, folded.replace(" ", "")} - {""})
    first, _, rest = folded.partition(" ")
    if first in _MAGNITUDE_PREFIXES and rest and not rest.startswith("le"):
        inner = unit_of(rest)
        if inner.known:  # "nghìn người", "nghìn tấn": the inner unit times a power of ten
            exponent = inner.exponent + _MAGNITUDE_PREFIXES[first]
            return Unit(
                measure_unit.strip(),
                inner.family,
                exponent,
                forms,
                MONEY_MAGNITUDES,
                base=inner.exponent,
            )
    for spelling in sorted(_PREFIXES, key=len, reverse=True):
        if folded.startswith(spelling + " "):  # "hộ nghèo", "người cao tuổi": a kind of hộ
            inner = _PREFIXES[spelling]
            return replace(inner, name=measure_unit.strip(), spellings=inner.spellings | forms)
    return Unit(measure_unit.strip(), "custom:" + folded, 0, forms, COUNT_MAGNITUDES, known=False)


def typed_units(spelling: str, element: Unit) -> list[Unit]:
    """The units a folded ``spelling`` typed after a number may mean, the element's own first.

    ``typed_units("t", unit_of("tấn"))`` -> [tấn]; ``typed_units("d", unit_of("điểm"))`` ->
    [điểm, đồng] (the element decides the short forms); ``typed_units("ha", ...)`` -> [ha].
    An empty list when the spelling is no unit at all. Never raises.
    """
    found: list[Unit] = []
    if spelling in element.spellings:
        found.append(element)
    for unit in VOCABULARY:
        if unit.family == element.family and unit not in found and spelling in unit.spellings:
            found.append(unit)
    for unit in VOCABULARY:
        if unit not in found and spelling in unit.spellings:
            found.append(unit)
    return found


def all_spellings(element: Unit) -> list[str]:
    """Every folded unit spelling worth looking for at the end of a typed figure, longest first
    (so that "ha" is not taken for the "a" particle and "tỷ đồng" wins over "đồng")."""
    forms = set(element.spellings)
    for unit in VOCABULARY:
        forms |= unit.spellings
    return sorted(forms, key=lambda form: (-len(form), form))


def converts(typed: Unit, element: Unit) -> bool:
    """True when a number in ``typed`` can be expressed in ``element`` (same family)."""
    return typed.family == element.family
