"""Scoring rules of a review: automatic criteria, totals, weights, ranking and proposals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.scoring import (
    OFFICE_ONLY,
    AutoRule,
    Below,
    Candidate,
    CriterionKind,
    Line,
    ScoringProblem,
    TitleRule,
    Weights,
    auto_points,
    check_points,
    final_score,
    parse_auto_rule,
    parse_weights,
    propose,
    sheet_total,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("% đạt kế hoạch ≥ 100 → đủ điểm, tỷ lệ dưới đó", AutoRule(D(100), Below.PROPORTIONAL)),
        ("≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ", AutoRule(D(100), Below.PROPORTIONAL)),
        (">= 90%: du diem; duoi do 0 diem", AutoRule(D(90), Below.NOTHING)),
        ("đạt 95,5% trở lên đủ điểm, dưới đó không điểm", AutoRule(D("95.5"), Below.NOTHING)),
    ],
)
def test_rules_as_offices_write_them(text: str, rule: AutoRule) -> None:
    assert parse_auto_rule(text) == rule


@pytest.mark.parametrize("text", ["", "đủ điểm", "≥ 100 → đủ điểm", "≥ 0 → đủ điểm, tỷ lệ", "tùy"])
def test_a_rule_not_understood_is_refused_with_the_pattern(text: str) -> None:
    with pytest.raises(ScoringProblem) as raised:
        parse_auto_rule(text)
    assert "dưới đó tính theo tỷ lệ" in raised.value.user_message


@pytest.mark.parametrize(
    ("below", "achieved", "points", "said"),
    [
        (Below.PROPORTIONAL, D("1.2"), D(10), "Đạt 120% kế hoạch (từ 100% trở lên): đủ 10 điểm."),
        (Below.PROPORTIONAL, D(1), D(10), "đủ 10 điểm"),
        (Below.PROPORTIONAL, D("0.875"), D("8.75"), "10 × 87,5/100 = 8,75 điểm"),
        (Below.PROPORTIONAL, D("0.33333"), D("3.33"), "= 3,33 điểm"),
        (Below.NOTHING, D("0.99"), D(0), "Đạt 99% kế hoạch (dưới 100%): 0 điểm."),
        (Below.PROPORTIONAL, None, D(0), "Chưa có số liệu"),
    ],
)
def test_automatic_points_say_how_they_were_computed(
    below: Below, achieved: Decimal | None, points: Decimal, said: str
) -> None:
    computed = auto_points(AutoRule(D(100), below), achieved, D(10))
    assert computed.points == points
    assert said in computed.explanation


@given(st.decimals(min_value=-5, max_value=5, places=4), st.sampled_from(list(Below)))
def test_automatic_points_stay_within_the_maximum(achieved: Decimal, below: Below) -> None:
    points = auto_points(AutoRule(D(100), below), achieved, D(15)).points
    assert D(0) <= points <= D(15)


def test_points_outside_the_range_are_refused() -> None:
    assert check_points(D(5), D(10), "1.1") == D(5)
    for wrong in (D(-1), D("10.5")):
        with pytest.raises(ScoringProblem, match="từ 0 đến 10 điểm"):
            check_points(wrong, D(10), "1.1")


def test_a_sheet_adds_bonus_and_takes_off_penalties() -> None:
    lines = [
        Line(CriterionKind.STANDARD, D(40)),
        Line(CriterionKind.STANDARD, D("35.5")),
        Line(CriterionKind.BONUS, D(5)),
        Line(CriterionKind.PENALTY, D(3)),
    ]
    assert sheet_total(lines) == D("77.5")


@pytest.mark.parametrize(
    ("text", "weights"),
    [
        ("tự chấm 30%, chấm chéo 30%, văn phòng 40%", Weights(D(30), D(30), D(40))),
        ("van phong 50; tu cham 50", Weights(D(50), D(0), D(50))),
        ("chỉ văn phòng", OFFICE_ONLY),
        ("", OFFICE_ONLY),
    ],
)
def test_weights(text: str, weights: Weights) -> None:
    assert parse_weights(text) == weights


@pytest.mark.parametrize("text", ["tự chấm 30%, chấm chéo 30%", "một nửa", "tự chấm 120%"])
def test_weights_that_do_not_make_100_are_refused(text: str) -> None:
    with pytest.raises(ScoringProblem):
        parse_weights(text)


def test_the_final_score_mixes_the_parts_by_weight() -> None:
    weights = Weights(D(30), D(30), D(40))
    assert final_score(weights, D(90), [D(80), D(84)], D(85)) == D("85.60")
    assert final_score(weights, D(90), [], D(85)) is None  # peers have not scored yet
    assert final_score(OFFICE_ONLY, None, [], D("88.5")) == D("88.50")


def _candidates() -> list[Candidate]:
    xs = frozenset({"TTLĐXS", "TTLĐTT"})
    tt = frozenset({"TTLĐTT"})
    return [
        Candidate("A", D(95), xs, always_on_time=True),
        Candidate("B", D(92), xs, always_on_time=True),
        Candidate("C", D(92), xs, always_on_time=True),
        Candidate("D", D(88), tt, always_on_time=False),
        Candidate("E", D(70), tt, always_on_time=True),
        Candidate("F", None, tt, always_on_time=True),
    ]


def test_titles_are_proposed_to_those_who_registered_and_reached_the_score() -> None:
    rules = [TitleRule("TTLĐTT", min_score=D(80))]
    proposal = propose(_candidates(), rules)
    assert {code for code, titles in proposal.titles.items() if titles} == {"A", "B", "C", "D"}
    assert proposal.titles["E"] == [] and proposal.titles["F"] == []


def test_a_cap_keeps_the_best_and_leaves_a_tie_at_its_edge_to_the_council() -> None:
    """At most 20% of 6 units (1) for "Tập thể lao động xuất sắc"; and with a cap of 2, B and C
    tie on 92 for the second place: neither is chosen by order."""
    one = propose(
        _candidates(), [TitleRule("TTLĐXS", D(90), needs_on_time=True, max_share=D("0.2"))]
    )
    assert one.titles["A"] == ["TTLĐXS"] and one.tied_at_cap == {}
    two = propose(_candidates(), [TitleRule("TTLĐXS", D(90), max_share=D("0.34"))])
    assert two.titles["A"] == ["TTLĐXS"]
    assert two.titles["B"] == two.titles["C"] == []
    assert two.tied_at_cap == {"TTLĐXS": ["B", "C"]}


def test_on_time_reporting_can_be_required() -> None:
    proposal = propose(_candidates(), [TitleRule("TTLĐTT", D(80), needs_on_time=True)])
    assert proposal.titles["D"] == []  # reported late once
