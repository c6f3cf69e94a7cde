"""Scoring rules of a review (sơ kết / tổng kết): points per criterion, automatic criteria,
the final score and its weights, ranking, and which titles a unit qualifies for.

The shape follows the criteria tables Vietnamese emulation councils use (tiêu chí, điểm tối đa,
điểm thưởng, điểm trừ; seed 004, Xuân Sơn: "tự chấm điểm thi đua và tham gia chấm chéo") and
the emulation software built on them: a unit scores itself, its cluster peers score it, the
office reviews; the final score is a weighted mix set in the template. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_, _
from domain.numbers import NumberParseError, format_number, parse_number
from domain.text import fold

CENT = Decimal("0.01")
"""Scores are kept to 2 decimals, as score sheets write them."""


class CriterionKind(StrEnum):
    """A criterion's points count towards the standard score (điểm chuẩn), add a bonus (điểm
    thưởng) or are taken off (điểm trừ)."""

    STANDARD = "standard"
    BONUS = "bonus"
    PENALTY = "penalty"


KIND_LABELS = {
    CriterionKind.STANDARD: N_("điểm chuẩn"),
    CriterionKind.BONUS: N_("điểm thưởng"),
    CriterionKind.PENALTY: N_("điểm trừ"),
}


class ScoringProblem(DomainError):
    """A rule in the template or points typed that cannot be used; the message says why."""


class Below(StrEnum):
    """What an automatic criterion gives under its threshold: a proportional share of the
    maximum, or nothing."""

    PROPORTIONAL = "proportional"
    NOTHING = "nothing"


@dataclass(frozen=True)
class AutoRule:
    """Points from a figure's achievement of its target: reaching ``full_at`` percent of the
    plan gives the maximum; below it, ``below`` says what (e.g. "% đạt kế hoạch ≥ 100 → đủ
    điểm, dưới đó tính theo tỷ lệ": full_at 100, proportional)."""

    full_at: Decimal
    below: Below


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def parse_auto_rule(text: str) -> AutoRule:
    """Read a rule as an office writes it in the "Tiêu chí" sheet, with or without diacritics:
    "≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ", ">= 90%: đủ điểm; dưới đó 0 điểm". The first
    number is the threshold (percent of the plan achieved). Raises :class:`ScoringProblem`
    when the rule names no threshold, no "đủ điểm", or neither "tỷ lệ" nor "0 điểm"."""
    folded = fold(text)
    found = _NUMBER.search(folded)
    if found is None or "du diem" not in folded:
        raise ScoringProblem(_(_RULE_HELP).format(rule=text))
    try:
        threshold = parse_number(found.group(0)).value
    except NumberParseError as error:
        raise ScoringProblem(_(_RULE_HELP).format(rule=text)) from error
    if threshold <= 0:
        raise ScoringProblem(_(_RULE_HELP).format(rule=text))
    rest = folded[found.end() :]
    if "ty le" in rest:
        return AutoRule(threshold, Below.PROPORTIONAL)
    if re.search(r"\b0 diem\b|khong diem|khong duoc diem", rest):
        return AutoRule(threshold, Below.NOTHING)
    raise ScoringProblem(_(_RULE_HELP).format(rule=text))


_RULE_HELP = N_(
    'Chưa hiểu quy tắc chấm tự động "{rule}". Viết theo mẫu: '
    '"≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ" hoặc "≥ 100 → đủ điểm, dưới đó 0 điểm".'
)


@dataclass(frozen=True)
class Computed:
    """Points computed for an automatic criterion and, in Vietnamese, how."""

    points: Decimal
    explanation: str


def auto_points(rule: AutoRule, achieved: Decimal | None, max_points: Decimal) -> Computed:
    """The points ``rule`` gives for ``achieved`` (a fraction of the target: 1 = on target, as
    :func:`domain.aggregation.achievement` returns) out of ``max_points``; no figure gives 0.
    Points are rounded down to 2 decimals (never more than earned)."""
    threshold = format_number(rule.full_at, 2)
    maximum = format_number(max_points, 2)
    if achieved is None:
        return Computed(Decimal(0), _("Chưa có số liệu để tính: 0 điểm."))
    percent = achieved * 100
    shown = format_number(percent, 2)
    if percent >= rule.full_at:
        return Computed(
            max_points,
            _("Đạt {shown}% kế hoạch (từ {threshold}% trở lên): đủ {maximum} điểm.").format(
                shown=shown, threshold=threshold, maximum=maximum
            ),
        )
    if rule.below is Below.NOTHING:
        return Computed(
            Decimal(0),
            _("Đạt {shown}% kế hoạch (dưới {threshold}%): 0 điểm.").format(
                shown=shown, threshold=threshold
            ),
        )
    points = _down(max_points * max(percent, Decimal(0)) / rule.full_at)
    return Computed(
        points,
        _(
            "Đạt {shown}% kế hoạch, dưới {threshold}%: {maximum} × {shown}/{threshold} = "
            "{points} điểm."
        ).format(
            shown=shown, threshold=threshold, maximum=maximum, points=format_number(points, 2)
        ),
    )


def _down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_FLOOR)


def check_points(points: Decimal, max_points: Decimal, criterion: str) -> Decimal:
    """``points`` when within 0..``max_points`` (penalties are typed as positive points taken
    off); else :class:`ScoringProblem` saying the range."""
    if points < 0 or points > max_points:
        raise ScoringProblem(
            _("Tiêu chí {criterion}: chỉ chấm từ 0 đến {most} điểm.").format(
                criterion=criterion, most=format_number(max_points, 2)
            )
        )
    return points


@dataclass(frozen=True)
class Line:
    """One criterion's points on a score sheet, with its kind."""

    kind: CriterionKind
    points: Decimal


def sheet_total(lines: Sequence[Line]) -> Decimal:
    """Standard points plus bonus points minus penalty points."""
    total = Decimal(0)
    for line in lines:
        total += -line.points if line.kind is CriterionKind.PENALTY else line.points
    return total


@dataclass(frozen=True)
class Weights:
    """Shares, in percent, of the self-score, the mean cross-score and the office's score in
    the final score; they add up to 100 (e.g. 30/30/40, or 0/0/100 for "office only")."""

    own: Decimal
    cross: Decimal
    office: Decimal

    def __post_init__(self) -> None:
        if min(self.own, self.cross, self.office) < 0 or self.own + self.cross + self.office != 100:
            raise ScoringProblem(
                _("Tỷ trọng tự chấm, chấm chéo và văn phòng phải cộng lại đúng 100%.")
            )


OFFICE_ONLY = Weights(Decimal(0), Decimal(0), Decimal(100))

_WEIGHT_WORDS = {"own": ("tu cham",), "cross": ("cham cheo",), "office": ("van phong", "duyet")}


def parse_weights(text: str) -> Weights:
    """Read "tự chấm 30%, chấm chéo 30%, văn phòng 40%" (any order, without diacritics too) or
    "chỉ văn phòng" (the office's score only); a part not named is 0. Raises
    :class:`ScoringProblem` when nothing is understood or the shares do not add up to 100."""
    folded = fold(text)
    if not folded.strip() or re.fullmatch(r"\s*chi (van phong|duyet)\s*", folded):
        return OFFICE_ONLY
    shares: dict[str, Decimal] = {}
    for part in re.split(r"[,;+]", folded):
        number = _NUMBER.search(part)
        name = next(
            (key for key, words in _WEIGHT_WORDS.items() if any(w in part for w in words)), None
        )
        if number is None or name is None:
            raise ScoringProblem(
                _(
                    'Chưa hiểu cách tính điểm cuối cùng "{text}". Viết theo mẫu: '
                    '"tự chấm 30%, chấm chéo 30%, văn phòng 40%" hoặc "chỉ văn phòng".'
                ).format(text=text)
            )
        shares[name] = parse_number(number.group(0)).value
    return Weights(
        shares.get("own", Decimal(0)),
        shares.get("cross", Decimal(0)),
        shares.get("office", Decimal(0)),
    )


def final_score(
    weights: Weights, own: Decimal | None, cross: Sequence[Decimal], office: Decimal | None
) -> Decimal | None:
    """The weighted final score, rounded to 2 decimals; the cross part is the mean of the
    peers' totals. None while a part with a weight is missing (not scored yet)."""
    parts: list[tuple[Decimal, Decimal | None]] = [
        (weights.own, own),
        (weights.cross, sum(cross, Decimal(0)) / len(cross) if cross else None),
        (weights.office, office),
    ]
    if any(weight and value is None for weight, value in parts):
        return None
    total = sum(
        (weight * value for weight, value in parts if weight and value is not None), Decimal(0)
    )
    return (total / 100).quantize(CENT)


@dataclass(frozen=True)
class Candidate:
    """A unit (or registered individual) in the commendation round: its final score, the
    titles it registered for, and whether it reported every period on time."""

    code: str
    score: Decimal | None
    registered: frozenset[str] = frozenset()
    always_on_time: bool = False


@dataclass(frozen=True)
class TitleRule:
    """Who may be proposed for ``title``: registered for it (if ``needs_registration``), a
    final score of at least ``min_score``, every period reported on time (if
    ``needs_on_time``), and at most ``max_share`` (0-1) of the candidates, best first."""

    title: str
    min_score: Decimal = Decimal(0)
    needs_registration: bool = True
    needs_on_time: bool = False
    max_share: Decimal | None = None


@dataclass
class Proposal:
    """The titles proposed per candidate code, and the candidates who qualified but tied at a
    title's cap: the council decides between them (bình xét), the bot does not."""

    titles: dict[str, list[str]] = field(default_factory=dict)
    tied_at_cap: dict[str, list[str]] = field(default_factory=dict)


def propose(candidates: Sequence[Candidate], rules: Sequence[TitleRule]) -> Proposal:
    """Apply every rule to the candidates, best score first. A cap of ``max_share`` allows
    floor(share x number of candidates) titles; qualifying candidates tied on the score at the
    cap's edge are all left to the council (``tied_at_cap``) rather than chosen by order."""
    proposal = Proposal({c.code: [] for c in candidates})
    ranked = sorted(
        (c for c in candidates if c.score is not None),
        key=lambda c: c.score or Decimal(0),
        reverse=True,
    )
    for rule in rules:
        qualified = [c for c in ranked if _qualifies(c, rule)]
        cap = _cap(rule, len(candidates))
        if cap is not None and len(qualified) > cap:
            edge = qualified[cap].score  # the best one left out
            if cap and qualified[cap - 1].score == edge:  # a tie across the cap
                proposal.tied_at_cap[rule.title] = [c.code for c in qualified if c.score == edge]
            qualified = [c for c in qualified[:cap] if c.score != edge]
        for candidate in qualified:
            proposal.titles[candidate.code].append(rule.title)
    return proposal


def _qualifies(candidate: Candidate, rule: TitleRule) -> bool:
    return (
        candidate.score is not None
        and candidate.score >= rule.min_score
        and (not rule.needs_registration or rule.title in candidate.registered)
        and (not rule.needs_on_time or candidate.always_on_time)
    )


def _cap(rule: TitleRule, count: int) -> int | None:
    if rule.max_share is None:
        return None
    return int((rule.max_share * count).to_integral_value(rounding=ROUND_FLOOR))


def criterion_totals(points: Mapping[str, Decimal], kinds: Mapping[str, CriterionKind]) -> Decimal:
    """:func:`sheet_total` of points keyed by criterion code (codes without a kind ignored)."""
    return sheet_total(
        [Line(kinds[code], value) for code, value in points.items() if code in kinds]
    )
