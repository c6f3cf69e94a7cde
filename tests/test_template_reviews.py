"""Criteria (sheet "Tiêu chí"), reviews (sheet "Sơ kết, tổng kết") and title rules (sheet
"Danh hiệu") in the campaign template, and their import (issue 16, item 1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.app import App
from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    CriterionSpec,
    ReviewSpec,
    SpecProblem,
    TitleSpec,
    ValueType,
)
from domain.scoring import CriterionKind
from reports.template import (
    CRITERIA_SHEET,
    GUIDE_SHEET,
    REVIEWS_SHEET,
    TITLES_SHEET,
    TemplateInvalid,
    read_template,
    write_template,
)
from samples import xuan_son_2022
from storage.campaigns import CampaignConflict, find_unit, import_campaign
from storage.models import (
    Criterion,
    DataElement,
    Indicator,
    Reporter,
    Review,
    Score,
    ScoreSheet,
    SheetRole,
    SheetStatus,
    Title,
)
from tests.helpers import VILLAGE_SAMPLE, sample

Edit = Callable[[Workbook], None]
XUAN_SON = xuan_son_2022()
TITLE_RULE_HEADERS = ("Điểm tối thiểu", "Báo cáo đúng hạn mọi kỳ", "Tỷ lệ tối đa (%)")


# --------------------------------------------------------------------------- helpers


def _workbook(spec: CampaignSpec | None = None) -> Workbook:
    return load_workbook(BytesIO(write_template(spec)))


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column(ws: Any, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"no column {header!r} in {ws.title}")


def _row_of(ws: Any, code: str) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == code:
            return row
    raise AssertionError(f"no row {code!r} in {ws.title}")


def _set(sheet: str, code: str, header: str, value: object) -> Edit:
    def edit(workbook: Workbook) -> None:
        ws = workbook[sheet]
        ws.cell(_row_of(ws, code), _column(ws, header)).value = value

    return edit


def _read_edited(spec: CampaignSpec, *edits: Edit) -> CampaignSpec:
    workbook = _workbook(spec)
    for edit in edits:
        edit(workbook)
    return read_template(_bytes(workbook))


def _problems(*edits: Edit) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(TemplateInvalid) as caught:
        _read_edited(XUAN_SON, *edits)
    return [(e.sheet, e.row, e.column, e.message) for e in caught.value.errors]


def _criterion(code: str) -> CriterionSpec:
    return next(c for c in XUAN_SON.criteria if c.code == code)


def _review(spec: CampaignSpec, code: str) -> ReviewSpec:
    return next(r for r in spec.reviews if r.code == code)


def _title(spec: CampaignSpec, code: str) -> TitleSpec:
    return next(t for t in spec.titles if t.code == code)


def _drop_new_sheets_and_columns(workbook: Workbook) -> None:
    """Make the workbook look like a template from before issue 16."""
    del workbook[CRITERIA_SHEET]
    del workbook[REVIEWS_SHEET]
    ws = workbook[TITLES_SHEET]
    for header in TITLE_RULE_HEADERS:
        ws.delete_cols(_column(ws, header))


# --------------------------------------------------------------------------- writing and reading


def test_the_sample_has_a_criteria_table_two_reviews_and_title_rules() -> None:
    kinds = [c.kind for c in XUAN_SON.criteria]
    standard = sum(c.max_points for c in XUAN_SON.criteria if c.kind is CriterionKind.STANDARD)

    assert 5 <= len(XUAN_SON.criteria) <= 8 and standard == 100
    assert len({c.group for c in XUAN_SON.criteria}) in (2, 3)
    assert kinds.count(CriterionKind.BONUS) == 1 and kinds.count(CriterionKind.PENALTY) == 1
    assert any(c.evidence_required for c in XUAN_SON.criteria)
    assert _criterion("I.2").source == "TL_BHYT"
    assert _criterion("I.2").rule == "≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ"
    assert [(r.code, r.covers) for r in XUAN_SON.reviews] == [
        ("SOKET", "2022S1"),
        ("TONGKET", "2022"),
    ]
    # scoring opens the day after each period's due date (10 days after it ends)
    assert _review(XUAN_SON, "SOKET").self_start == date(2022, 7, 11)
    assert _review(XUAN_SON, "TONGKET").self_start == date(2023, 1, 11)
    assert {r.weights for r in XUAN_SON.reviews} == {"tự chấm 30%, chấm chéo 30%, văn phòng 40%"}
    excellent = _title(XUAN_SON, "TTLDXS")
    assert (excellent.min_score, excellent.needs_on_time, excellent.max_share) == (90, True, 20)
    assert _title(XUAN_SON, "TTLDTT").min_score == 80
    assert _title(XUAN_SON, "LDTT") == TitleSpec(
        "LDTT", "Lao động tiên tiến", _title(XUAN_SON, "LDTT").kind
    )


@pytest.mark.parametrize(
    "spec",
    [
        XUAN_SON,
        replace(
            XUAN_SON,
            reviews=(
                ReviewSpec(
                    "CUOI",
                    "Tổng kết đợt",
                    "CADOT",
                    date(2022, 12, 20),
                    date(2022, 12, 31),
                ),
            ),
            criteria=(CriterionSpec("A", "Một tiêu chí", "", Decimal("2.5")),),
        ),
    ],
    ids=["sample", "office-only, no cross-scoring"],
)
def test_criteria_reviews_and_title_rules_round_trip(spec: CampaignSpec) -> None:
    assert read_template(write_template(spec)) == spec


def test_the_new_sheets_follow_the_old_ones_with_dates_and_numbers() -> None:
    workbook = _workbook(XUAN_SON)

    assert workbook.sheetnames[-2:] == [CRITERIA_SHEET, REVIEWS_SHEET]
    criteria, reviews = workbook[CRITERIA_SHEET], workbook[REVIEWS_SHEET]
    assert [c.value for c in criteria[1]] == [
        "Mã",
        "Tên tiêu chí",
        "Nhóm",
        "Điểm tối đa",
        "Loại điểm",
        "Cần minh chứng",
        "Chấm tự động từ chỉ tiêu",
        "Quy tắc chấm tự động",
    ]
    assert [c.value for c in reviews[1]] == [
        "Mã",
        "Tên đợt",
        "Kỳ đánh giá",
        "Tự chấm từ ngày",
        "Tự chấm đến ngày",
        "Chấm chéo từ ngày",
        "Chấm chéo đến ngày",
        "Ngày họp bình xét",
        "Cách tính điểm cuối cùng",
    ]
    row = _row_of(criteria, "III.1")
    assert criteria.cell(row, 4).value == 5 and criteria.cell(row, 5).value == "điểm thưởng"
    row = _row_of(reviews, "SOKET")
    assert reviews.cell(row, 4).value.date() == date(2022, 7, 11)
    assert reviews.cell(row, 4).number_format == "DD/MM/YYYY"
    assert reviews.cell(row, 3).value == "2022S1" and reviews.cell(row, 3).number_format == "@"
    titles = workbook[TITLES_SHEET]
    row = _row_of(titles, "TTLDXS")
    assert [titles.cell(row, _column(titles, h)).value for h in TITLE_RULE_HEADERS] == [
        90,
        "có",
        20,
    ]


def test_the_instructions_sheet_explains_the_new_sheets() -> None:
    guide = _workbook()[GUIDE_SHEET]
    text = " ".join(str(c) for row in guide.iter_rows(values_only=True) for c in row if c)
    rows = {row[0]: row for row in guide.iter_rows(values_only=True) if row[0]}

    assert f'Trang "{CRITERIA_SHEET}"' in text and f'Trang "{REVIEWS_SHEET}"' in text
    assert rows["Loại điểm"][3] == "điểm chuẩn, điểm thưởng, điểm trừ"
    assert "tự chấm 30%, chấm chéo 30%, văn phòng 40%" in rows["Cách tính điểm cuối cùng"][2]
    assert "CADOT" in rows["Kỳ đánh giá"][2]
    assert "Để trống là không giới hạn" in rows["Tỷ lệ tối đa (%)"][2]
    assert "≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ" in text
    assert "Tổng điểm của đơn vị = điểm chuẩn + điểm thưởng − điểm trừ." in text


def test_a_template_from_before_the_new_sheets_still_reads() -> None:
    read = _read_edited(XUAN_SON, _drop_new_sheets_and_columns)

    assert read.criteria == () and read.reviews == ()
    assert all(
        (t.min_score, t.needs_on_time, t.max_share) == (None, False, None) for t in read.titles
    )
    assert read == replace(
        XUAN_SON,
        criteria=(),
        reviews=(),
        titles=tuple(TitleSpec(t.code, t.name, t.kind) for t in XUAN_SON.titles),
    )


def test_empty_new_sheets_mean_no_criteria_and_no_reviews() -> None:
    spec = replace(XUAN_SON, criteria=(), reviews=())
    assert read_template(write_template(spec)) == spec


def test_values_typed_by_hand() -> None:
    read = _read_edited(
        XUAN_SON,
        _set(CRITERIA_SHEET, "I.1", "Điểm tối đa", "30 điểm"),
        _set(CRITERIA_SHEET, "I.1", "Loại điểm", "Chuẩn"),
        _set(CRITERIA_SHEET, "III.1", "Loại điểm", "thưởng"),
        _set(CRITERIA_SHEET, "III.2", "Loại điểm", "Điểm trừ"),
        _set(CRITERIA_SHEET, "II.1", "Điểm tối đa", "7,5"),
        _set(CRITERIA_SHEET, "I.2", "Chấm tự động từ chỉ tiêu", "tl_bhyt"),
        _set(CRITERIA_SHEET, "I.3", "Cần minh chứng", "Có"),
        _set(REVIEWS_SHEET, "SOKET", "Kỳ đánh giá", "2022s1"),
        _set(REVIEWS_SHEET, "SOKET", "Tự chấm từ ngày", "11/07/2022"),
        _set(REVIEWS_SHEET, "TONGKET", "Kỳ đánh giá", 2022),
        _set(REVIEWS_SHEET, "TONGKET", "Cách tính điểm cuối cùng", "chi van phong"),
        _set(TITLES_SHEET, "TTLDXS", "Tỷ lệ tối đa (%)", "20%"),
        _set(TITLES_SHEET, "TTLDTT", "Điểm tối thiểu", "80 điểm"),
    )

    assert _review(read, "SOKET") == _review(XUAN_SON, "SOKET")
    assert _review(read, "TONGKET") == replace(
        _review(XUAN_SON, "TONGKET"), weights="chi van phong"
    )
    criteria = {c.code: c for c in read.criteria}
    assert criteria["II.1"].max_points == Decimal("7.5") and criteria["I.1"].max_points == 30
    assert criteria["I.2"].source == "TL_BHYT" and criteria["I.3"].evidence_required
    assert [criteria[c].kind for c in ("I.1", "III.1", "III.2")] == list(CriterionKind)
    assert _title(read, "TTLDXS").max_share == 20 and _title(read, "TTLDTT").min_score == 80


@pytest.mark.parametrize("typed", ["cả đợt", "Cả đợt", "ca dot", "cadot"])
def test_the_whole_campaign_is_typed_as_ca_dot(typed: str) -> None:
    read = _read_edited(XUAN_SON, _set(REVIEWS_SHEET, "TONGKET", "Kỳ đánh giá", typed))
    assert _review(read, "TONGKET").covers == "CADOT"


def test_a_percentage_formatted_share_reads_as_shown() -> None:
    def share(workbook: Workbook) -> None:
        ws = workbook[TITLES_SHEET]
        cell = ws.cell(_row_of(ws, "TTLDXS"), _column(ws, "Tỷ lệ tối đa (%)"))
        cell.value, cell.number_format = 0.2, "0%"

    assert _title(_read_edited(XUAN_SON, share), "TTLDXS").max_share == 20


# --------------------------------------------------------------------------- problems

C, R, T = CRITERIA_SHEET, REVIEWS_SHEET, TITLES_SHEET
AUTO = "Chấm tự động từ chỉ tiêu"
RULE = "Quy tắc chấm tự động"

BAD_CELLS: list[tuple[str, str, str, object, str, str, str]] = [
    # (sheet, row code, header, value typed, header reported, message)  -- row found by code
    (C, "I.1", "Điểm tối đa", 0, "Điểm tối đa", "điểm tối đa phải lớn hơn 0, không phải 0", "zero"),
    (
        C,
        "I.1",
        "Điểm tối đa",
        -5,
        "Điểm tối đa",
        "điểm tối đa phải lớn hơn 0, không phải -5",
        "neg",
    ),
    (
        C,
        "I.1",
        "Điểm tối đa",
        2.125,
        "Điểm tối đa",
        "điểm tối đa chỉ lấy 2 chữ số thập phân, không phải 2,125",
        "decimals",
    ),
    (C, "I.1", "Điểm tối đa", None, "Điểm tối đa", "ô bắt buộc đang để trống", "blank"),
    (
        C,
        "I.1",
        "Loại điểm",
        "điểm phạt",
        "Loại điểm",
        '"điểm phạt" không hợp lệ — chọn: điểm chuẩn, điểm thưởng, điểm trừ',
        "kind",
    ),
    (
        C,
        "I.1",
        "Cần minh chứng",
        "cần",
        "Cần minh chứng",
        '"cần" không hợp lệ — chọn: có, không',
        "evidence",
    ),
    (
        C,
        "I.2",
        AUTO,
        "KHONG_CO",
        AUTO,
        'không có chỉ tiêu nào mã "KHONG_CO" trong trang "Chỉ tiêu"',
        "unknown source",
    ),
    (
        C,
        "I.2",
        AUTO,
        "TONG_HO",
        AUTO,
        'chỉ tiêu "TONG_HO" chưa có chỉ tiêu kế hoạch (khác 0) nên không tính được % đạt kế '
        "hoạch để chấm tự động",
        "source without target",
    ),
    (
        C,
        "I.2",
        AUTO,
        None,
        AUTO,
        "có quy tắc chấm tự động thì phải ghi mã chỉ tiêu dùng để chấm",
        "rule without source",
    ),
    (
        C,
        "I.2",
        RULE,
        None,
        RULE,
        'tiêu chí chấm tự động cần quy tắc chấm, ví dụ: "≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ"',
        "source without rule",
    ),
    (
        C,
        "I.2",
        RULE,
        "đạt thì đủ điểm",
        RULE,
        'Chưa hiểu quy tắc chấm tự động "đạt thì đủ điểm". Viết theo mẫu: "≥ 100 → đủ điểm, '
        'dưới đó tính theo tỷ lệ" hoặc "≥ 100 → đủ điểm, dưới đó 0 điểm".',
        "rule not understood",
    ),
    (C, "II.1", "Mã", "I.1", "Mã", 'mã "I.1" trùng với dòng 2', "duplicate code"),
    (
        R,
        "SOKET",
        "Kỳ đánh giá",
        "2022H1",
        "Kỳ đánh giá",
        '"2022H1" không phải kỳ đánh giá hợp lệ — ghi 2026S1 (6 tháng đầu năm), 2026S2 (6 '
        "tháng cuối năm), 2026 (cả năm), 2026Q1 (quý), 202601 (tháng) hoặc CADOT (cả đợt)",
        "bad period id",
    ),
    (
        R,
        "SOKET",
        "Kỳ đánh giá",
        "2023S1",
        "Kỳ đánh giá",
        "kỳ 2023S1 (01/01/2023–30/06/2023) nằm ngoài thời gian phong trào (01/01/2022–31/12/2022)",
        "period outside the campaign",
    ),
    (
        R,
        "SOKET",
        "Tự chấm đến ngày",
        date(2022, 7, 1),
        "Tự chấm đến ngày",
        "ngày 01/07/2022 trước ngày bắt đầu tự chấm 11/07/2022",
        "self window reversed",
    ),
    (
        R,
        "SOKET",
        "Tự chấm từ ngày",
        date(2021, 12, 31),
        "Tự chấm từ ngày",
        "tự chấm bắt đầu 31/12/2021, trước khi kỳ 2022S1 bắt đầu (01/01/2022)",
        "self-scoring before the period",
    ),
    (
        R,
        "SOKET",
        "Chấm chéo từ ngày",
        date(2022, 7, 10),
        "Chấm chéo từ ngày",
        "chấm chéo bắt đầu 10/07/2022, trước ngày bắt đầu tự chấm 11/07/2022",
        "cross before self",
    ),
    (
        R,
        "SOKET",
        "Chấm chéo đến ngày",
        date(2022, 7, 20),
        "Chấm chéo đến ngày",
        "ngày 20/07/2022 trước ngày bắt đầu chấm chéo 21/07/2022",
        "cross window reversed",
    ),
    (
        R,
        "SOKET",
        "Chấm chéo đến ngày",
        None,
        "Chấm chéo đến ngày",
        "chấm chéo cần đủ cả ngày bắt đầu và ngày kết thúc",
        "half a cross window",
    ),
    (
        R,
        "SOKET",
        "Ngày họp bình xét",
        date(2022, 7, 25),
        "Ngày họp bình xét",
        "ngày họp 25/07/2022 trước khi hết thời gian chấm điểm (28/07/2022)",
        "meeting before scoring ends",
    ),
    (
        R,
        "TONGKET",
        "Ngày họp bình xét",
        date(2023, 4, 1),
        "Ngày họp bình xét",
        "ngày 01/04/2023 quá xa sau khi phong trào kết thúc (31/12/2022) — chậm nhất 90 ngày "
        "sau, tức 31/03/2023",
        "meeting too late",
    ),
    (
        R,
        "SOKET",
        "Cách tính điểm cuối cùng",
        "tự chấm 30%, chấm chéo 30%, văn phòng 30%",
        "Cách tính điểm cuối cùng",
        "Tỷ trọng tự chấm, chấm chéo và văn phòng phải cộng lại đúng 100%.",
        "weights not 100",
    ),
    (
        R,
        "SOKET",
        "Cách tính điểm cuối cùng",
        "một nửa mỗi bên",
        "Cách tính điểm cuối cùng",
        'Chưa hiểu cách tính điểm cuối cùng "một nửa mỗi bên". Viết theo mẫu: "tự chấm 30%, '
        'chấm chéo 30%, văn phòng 40%" hoặc "chỉ văn phòng".',
        "weights not understood",
    ),
    (
        R,
        "SOKET",
        "Tự chấm từ ngày",
        "31/02/2022",
        "Tự chấm từ ngày",
        '"31/02/2022" không phải ngày hợp lệ — ghi dạng dd/mm/yyyy, ví dụ 31/12/2024',
        "bad date",
    ),
    (
        T,
        "TTLDXS",
        "Tỷ lệ tối đa (%)",
        120,
        "Tỷ lệ tối đa (%)",
        "tỷ lệ tối đa phải từ 0 đến 100 (%), không phải 120",
        "share above 100",
    ),
    (
        T,
        "TTLDXS",
        "Điểm tối thiểu",
        -1,
        "Điểm tối thiểu",
        "điểm tối thiểu phải từ 0 trở lên, không phải -1",
        "negative minimum",
    ),
    (
        T,
        "TTLDXS",
        "Báo cáo đúng hạn mọi kỳ",
        "luôn luôn",
        "Báo cáo đúng hạn mọi kỳ",
        '"luôn luôn" không hợp lệ — chọn: có, không',
        "on time not yes/no",
    ),
]


@pytest.mark.parametrize(
    ("sheet", "code", "header", "value", "reported", "message"),
    [case[:6] for case in BAD_CELLS],
    ids=[case[6] for case in BAD_CELLS],
)
def test_a_bad_cell_is_reported_with_sheet_row_and_column(
    sheet: str, code: str, header: str, value: object, reported: str, message: str
) -> None:
    row = _row_of(_workbook(XUAN_SON)[sheet], code)

    assert _problems(_set(sheet, code, header, value)) == [(sheet, row, reported, message)]


def test_a_cross_share_needs_a_cross_window() -> None:
    def no_cross(workbook: Workbook) -> None:
        for header in ("Chấm chéo từ ngày", "Chấm chéo đến ngày"):
            _set(REVIEWS_SHEET, "SOKET", header, None)(workbook)

    assert _problems(no_cross) == [
        (
            REVIEWS_SHEET,
            2,
            "Cách tính điểm cuối cùng",
            "chấm chéo chiếm 30% nhưng chưa có thời gian chấm chéo — điền ngày chấm chéo hoặc "
            "bỏ phần chấm chéo",
        )
    ]


def test_a_source_must_be_numeric() -> None:
    text = replace(XUAN_SON.elements[0], code="GHI_CHU", name="Ghi chú")
    spec = replace(
        XUAN_SON,
        elements=(
            *XUAN_SON.elements,
            replace(text, value_type=ValueType.TEXT, aggregation=Aggregation.NONE, minimum=None),
        ),
    )
    workbook = _workbook(spec)
    _set(CRITERIA_SHEET, "I.2", AUTO, "GHI_CHU")(workbook)
    with pytest.raises(TemplateInvalid) as caught:
        read_template(_bytes(workbook))
    assert [(e.sheet, e.row, e.column, e.message) for e in caught.value.errors] == [
        (
            CRITERIA_SHEET,
            3,
            AUTO,
            '"GHI_CHU" là chỉ tiêu kiểu văn bản — chấm tự động cần chỉ tiêu số',
        )
    ]


def test_problems_on_every_sheet_come_at_once_in_sheet_order() -> None:
    problems = _problems(
        _set(REVIEWS_SHEET, "TONGKET", "Kỳ đánh giá", "hàng năm"),
        _set(CRITERIA_SHEET, "III.2", "Điểm tối đa", "nhiều điểm"),
        _set(CRITERIA_SHEET, "I.1", "Loại điểm", "x"),
        _set(TITLES_SHEET, "TTLDXS", "Tỷ lệ tối đa (%)", 101),
    )

    assert [(sheet, row, column) for sheet, row, column, _ in problems] == [
        (TITLES_SHEET, 6, "Tỷ lệ tối đa (%)"),
        (CRITERIA_SHEET, 2, "Loại điểm"),
        (CRITERIA_SHEET, 9, "Điểm tối đa"),
        (REVIEWS_SHEET, 3, "Kỳ đánh giá"),
    ]


@pytest.mark.parametrize(("header", "value"), [("Tử số", "KHONG_CO"), ("Đơn vị tính", None)])
def test_a_source_naming_a_broken_row_is_not_reported_twice(header: str, value: object) -> None:
    problems = _problems(_set("Chỉ tiêu", "TL_BHYT", header, value))
    assert [(sheet, column) for sheet, _, column, _ in problems] == [("Chỉ tiêu", header)]


# --------------------------------------------------------------------------- the spec in code


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: CriterionSpec("A", "a", "", Decimal(0)), "A: điểm tối đa phải lớn hơn 0"),
        (lambda: CriterionSpec("A", "a", "", Decimal(5), rule="≥ 100 → đủ điểm"), "phải ghi mã"),
        (lambda: CriterionSpec("A", "a", "", Decimal(5), source="X"), "cần quy tắc chấm"),
        (
            lambda: ReviewSpec("S", "s", "2022S3", date(2022, 7, 1), date(2022, 7, 2)),
            'S: "2022S3" không phải kỳ đánh giá hợp lệ',
        ),
        (
            lambda: ReviewSpec("S", "s", "2022S1", date(2022, 7, 2), date(2022, 7, 1)),
            "trước ngày bắt đầu tự chấm",
        ),
        (
            lambda: ReviewSpec(
                "S", "s", "2022", date(2022, 7, 1), date(2022, 7, 2), weights="chấm chéo 100%"
            ),
            "chưa có thời gian chấm chéo",
        ),
        (lambda: TitleSpec("T", "t", max_share=Decimal(101)), "T: tỷ lệ tối đa phải từ 0 đến 100"),
        (
            lambda: replace(
                XUAN_SON,
                criteria=(replace(XUAN_SON.criteria[1], source="KHONG_CO"),),
            ),
            'I.2: không có chỉ tiêu nào mã "KHONG_CO"',
        ),
        (
            lambda: replace(XUAN_SON, criteria=XUAN_SON.criteria[:2] * 2),
            'mã tiêu chí "I.1" bị trùng',
        ),
        (
            lambda: replace(XUAN_SON, start=date(2023, 1, 1), end=date(2023, 12, 31)),
            "SOKET: kỳ 2022S1 (01/01/2022–30/06/2022) nằm ngoài thời gian phong trào",
        ),
    ],
)
def test_a_spec_built_in_code_is_checked_the_same_way(
    build: Callable[[], object], fragment: str
) -> None:
    with pytest.raises(SpecProblem) as caught:
        build()
    assert fragment in caught.value.user_message


def test_moving_the_sample_to_another_year_moves_its_reviews() -> None:
    moved = XUAN_SON.shifted_to_year(2026)

    assert _review(moved, "SOKET") == replace(
        _review(XUAN_SON, "SOKET"),
        covers="2026S1",
        self_start=date(2026, 7, 11),
        self_end=date(2026, 7, 20),
        cross_start=date(2026, 7, 21),
        cross_end=date(2026, 7, 28),
        review_date=date(2026, 8, 5),
    )
    assert _review(moved, "TONGKET").covers == "2026"
    assert _review(moved, "TONGKET").review_date == date(2027, 2, 10)
    whole = replace(XUAN_SON, reviews=(replace(XUAN_SON.reviews[1], covers="CADOT"),))
    assert whole.shifted_to_year(2030).reviews[0].covers == "CADOT"


# --------------------------------------------------------------------------- import


def _village_spec(year: int, **changes: Any) -> CampaignSpec:
    """The Xuân Sơn sample as loaded for ``year`` (same code, so an import updates it)."""
    return replace(xuan_son_2022().shifted_to_year(year), code=VILLAGE_SAMPLE, **changes)


async def _import(app: App, spec: CampaignSpec) -> Any:
    async with app.sessions() as session, session.begin():
        return await import_campaign(session, spec, app.clock.now())


async def _criteria(app: App, campaign_id: int) -> list[Criterion]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(Criterion)
            .where(Criterion.campaign_id == campaign_id)
            .order_by(Criterion.sort_order)
        )
        return list(rows)


async def _reviews(app: App, campaign_id: int) -> list[Review]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(Review).where(Review.campaign_id == campaign_id).order_by(Review.sort_order)
        )
        return list(rows)


async def test_import_stores_criteria_reviews_and_title_rules(app: App) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    year = campaign.start_date.year
    criteria = await _criteria(app, campaign.id)
    reviews = await _reviews(app, campaign.id)

    assert [c.code for c in criteria] == [c.code for c in XUAN_SON.criteria]
    auto = criteria[1]
    async with app.sessions() as session:
        indicator = await session.get(Indicator, auto.source_indicator_id)
    assert indicator is not None and indicator.code == "TL_BHYT"
    assert (auto.source_element_id, auto.rule, auto.max_points) == (
        None,
        "≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ",
        "15",
    )
    assert [(c.kind, c.evidence_required) for c in criteria[-2:]] == [
        (CriterionKind.BONUS, True),
        (CriterionKind.PENALTY, False),
    ]
    assert criteria[0].group_name == "I. Thực hiện nhiệm vụ chính trị, phát triển kinh tế - xã hội"
    assert [(r.code, r.covers, r.self_start, r.review_date) for r in reviews] == [
        ("SOKET", f"{year}S1", date(year, 7, 11), date(year, 8, 5)),
        ("TONGKET", f"{year}", date(year + 1, 1, 11), date(year + 1, 2, 10)),
    ]
    assert reviews[0].weights == "tự chấm 30%, chấm chéo 30%, văn phòng 40%"
    rules = {t.code: (t.min_score, t.needs_on_time, t.max_share) for t in campaign.titles}
    assert rules["TTLDXS"] == ("90", True, "20")
    assert rules["TTLDTT"] == ("80", False, None)
    assert rules["LDTT"] == (None, False, None)


async def test_reimport_updates_criteria_reviews_and_rules_by_code(app: App) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    year = campaign.start_date.year
    spec = _village_spec(year)
    before = {c.code: c.id for c in await _criteria(app, campaign.id)}
    first, *rest = spec.criteria
    changed = replace(
        spec,
        criteria=(*rest, replace(first, name="Tên mới", max_points=Decimal("25.5"))),
        reviews=(replace(spec.reviews[1], weights=""),),
        titles=tuple(
            replace(t, max_share=Decimal("15.5")) if t.code == "TTLDXS" else t for t in spec.titles
        ),
    )

    result = await _import(app, changed)

    assert (result.created, result.criteria, result.reviews) == (False, 8, 1)
    criteria = await _criteria(app, campaign.id)
    assert [c.code for c in criteria] == [*(c.code for c in rest), first.code]
    assert {c.code: c.id for c in criteria} == before  # updated in place, not recreated
    assert (criteria[-1].name, criteria[-1].max_points) == ("Tên mới", "25.5")
    reviews = await _reviews(app, campaign.id)
    assert [(r.code, r.weights) for r in reviews] == [("TONGKET", "")]
    async with app.sessions() as session:
        share = await session.scalar(
            select(Title.max_share).where(Title.campaign_id == campaign.id, Title.code == "TTLDXS")
        )
    assert share == "15.5"


async def test_an_indicator_that_was_a_source_can_be_dropped_with_the_rule(app: App) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    year = campaign.start_date.year
    spec = _village_spec(year)
    plain = tuple(replace(c, source=None, rule="") for c in spec.criteria)
    without_insurance = tuple(
        e for e in spec.elements if e.code not in {"BHYT", "NHAN_KHAU", "TL_BHYT"}
    )

    await _import(app, replace(spec, criteria=plain, elements=without_insurance))

    criteria = await _criteria(app, campaign.id)
    assert all(c.source_indicator_id is None and c.rule == "" for c in criteria)
    async with app.sessions() as session:
        gone = await session.scalar(
            select(Indicator).where(
                Indicator.campaign_id == campaign.id, Indicator.code == "TL_BHYT"
            )
        )
        assert gone is None
    result = await _import(app, spec)  # and back
    assert result.criteria == 8
    criteria = await _criteria(app, campaign.id)
    assert criteria[1].source_indicator_id is not None


async def test_a_criterion_or_review_with_scores_is_not_dropped(app: App) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    year = campaign.start_date.year
    spec = _village_spec(year)
    criteria = await _criteria(app, campaign.id)
    review = (await _reviews(app, campaign.id))[0]
    async with app.sessions() as session, session.begin():
        unit = await find_unit(session, "THON_DONG")
        assert unit is not None
        reporter = Reporter(full_name="Trưởng thôn")
        session.add(reporter)
        sheet = ScoreSheet(
            review_id=review.id,
            org_unit_id=unit.id,
            role=SheetRole.SELF,
            scorer_unit_id=unit.id,
            status=SheetStatus.DRAFT,
            updated_at=app.clock.now(),
        )
        session.add(sheet)
        await session.flush()
        session.add(Score(sheet_id=sheet.id, criterion_id=criteria[0].id, points="28"))

    broken = replace(spec, criteria=spec.criteria[1:], reviews=spec.reviews[1:])
    with pytest.raises(CampaignConflict) as caught:
        await _import(app, broken)

    assert caught.value.problems == [
        'tiêu chí I.1 "Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong kỳ" đã có điểm chấm '
        "hoặc minh chứng",
        'đợt SOKET "Sơ kết 6 tháng đầu năm" đã có phiếu chấm điểm, minh chứng hoặc kết quả duyệt',
    ]
    assert [c.code for c in await _criteria(app, campaign.id)] == [c.code for c in spec.criteria]
    # a criterion or review without scores may go; the scored ones may change
    fine = replace(
        spec,
        criteria=(replace(spec.criteria[0], max_points=Decimal(35)), *spec.criteria[2:]),
        reviews=spec.reviews[:1],
    )
    result = await _import(app, fine)
    assert (result.criteria, result.reviews) == (7, 1)


async def test_an_old_template_imports_without_criteria_or_reviews(app: App) -> None:
    campaign = await sample(app, VILLAGE_SAMPLE)
    year = campaign.start_date.year
    workbook = _workbook(_village_spec(year))
    _drop_new_sheets_and_columns(workbook)
    spec = read_template(_bytes(workbook))

    result = await _import(app, spec)

    assert (result.criteria, result.reviews) == (0, 0)
    assert await _criteria(app, campaign.id) == [] and await _reviews(app, campaign.id) == []
    async with app.sessions() as session:
        shares = await session.scalars(
            select(Title.max_share).where(Title.campaign_id == campaign.id)
        )
        assert set(shares) == {None}
        assert await session.scalar(select(DataElement.id).where(DataElement.code == "TONG_HO"))
