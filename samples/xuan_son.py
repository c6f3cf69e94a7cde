"""Sample campaign: the 2022 plan of Xuân Sơn commune (seed 004), reported every six months."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    CriterionSpec,
    Direction,
    ElementSpec,
    Frequency,
    ReviewSpec,
    TitleKind,
    TitleSpec,
    UnitSpec,
    ValueType,
)
from domain.scoring import CriterionKind
from samples.parts import HUNDRED, ZERO, amount, common_titles, count, ratio, unit

__all__ = ["xuan_son_2022"]


def xuan_son_2022() -> CampaignSpec:
    """The 2022 plan of Xuân Sơn commune (seed 004, plan 14/KH-HĐTĐKT), brought to village level.

    Two phases (Jan–Jun, Jul–Dec) give a 6-monthly rhythm; the plan requires registration at the
    start of the year, set here as 31/03/2022. Units are villages and residential groups, the
    departments and the Front and mass organisations the plan names, in three clusters; units send
    their registrations to the cluster head (đơn vị Cụm trưởng), here Thôn Đông, the commune
    People's Committee office and the Fatherland Front committee. The plan names indicators
    without figures ("tỷ lệ cao", "giảm tỷ lệ hộ nghèo"), so the targets are plausible choices.
    Figures that only villages hold (households, residents) are optional, so departments and
    organisations only give their self-score ("Điểm tự chấm", 0–100, not totalled), the plan's
    self-scoring step. Village names and people are made up; phones are fake (0900000101...).
    The reminder policy is the default one.

    Scoring (the plan's "tự chấm điểm thi đua và tham gia chấm chéo", mid-term and final
    reviews): a criteria table of 100 standard points in two groups plus a bonus and a penalty
    (:func:`_xuan_son_criteria`), a mid-year review of 2022S1 and a final one of 2022 whose
    scoring windows open the day after each period's due date (:func:`_xuan_son_reviews`), and
    the usual title rules: "Tập thể lao động xuất sắc" from 90 points, every period on time, at
    most 20% of the units; "Tập thể lao động tiên tiến" and "Thôn văn hóa" from 80 points.
    """
    return CampaignSpec(
        code="XUANSON2022",
        name=(
            'Phong trào thi đua "Thực hiện nhiệm vụ kinh tế - xã hội, giữ vững an ninh quốc '
            'phòng" xã Xuân Sơn năm 2022'
        ),
        start=date(2022, 1, 1),
        end=date(2022, 12, 31),
        frequency=Frequency.SIX_MONTHLY,
        theme=(
            "Thực hiện nhiệm vụ phát triển kinh tế, văn hoá - xã hội, giữ vững an ninh quốc phòng"
        ),
        issuing_body="Hội đồng Thi đua - Khen thưởng xã Xuân Sơn",
        document_number="14/KH-HĐTĐKT",
        due_days=10,
        lock_days=15,
        registration_deadline=date(2022, 3, 31),
        elements=_xuan_son_elements(),
        units=_xuan_son_units(),
        titles=_xuan_son_titles(),
        criteria=_xuan_son_criteria(),
        reviews=_xuan_son_reviews(),
    )


def _xuan_son_titles() -> tuple[TitleSpec, ...]:
    common = {title.code: title for title in common_titles()}
    return (
        TitleSpec("THON_VH", "Thôn văn hóa", TitleKind.COLLECTIVE, min_score=Decimal(80)),
        common["LDTT"],
        common["CSTDCS"],
        replace(common["TTLDTT"], min_score=Decimal(80)),
        replace(common["TTLDXS"], min_score=Decimal(90), needs_on_time=True, max_share=Decimal(20)),
    )


AUTO_RULE = "≥ 100 → đủ điểm, dưới đó tính theo tỷ lệ"
"""The automatic rule of the sample: full points from 100% of the plan, a share below it."""


def _xuan_son_criteria() -> tuple[CriterionSpec, ...]:
    """Scoring table for villages, departments and organisations alike (100 standard points).

    Codes follow the Roman-numbered groups of Vietnamese scoring tables. Criterion I.2 is
    scored from the health-insurance coverage the villages report (TL_BHYT, target 95%)."""
    tasks = "I. Thực hiện nhiệm vụ chính trị, phát triển kinh tế - xã hội"
    society = "II. Văn hóa - xã hội, quốc phòng - an ninh"
    extra = "III. Điểm thưởng, điểm trừ"
    return (
        CriterionSpec(
            "I.1",
            "Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong kỳ",
            tasks,
            Decimal(30),
            evidence_required=True,
        ),
        CriterionSpec(
            "I.2",
            "Tỷ lệ người tham gia bảo hiểm y tế đạt kế hoạch",
            tasks,
            Decimal(15),
            source="TL_BHYT",
            rule=AUTO_RULE,
        ),
        CriterionSpec("I.3", "Báo cáo số liệu đầy đủ, đúng hạn", tasks, Decimal(10)),
        CriterionSpec(
            "II.1",
            "Xây dựng đời sống văn hóa, gia đình văn hóa, khu dân cư văn hóa",
            society,
            Decimal(15),
            evidence_required=True,
        ),
        CriterionSpec(
            "II.2", "Giữ vững an ninh chính trị, trật tự an toàn xã hội", society, Decimal(15)
        ),
        CriterionSpec(
            "II.3",
            "Tham gia các phong trào, hoạt động do xã phát động",
            society,
            Decimal(15),
            evidence_required=True,
        ),
        CriterionSpec(
            "III.1",
            "Có mô hình mới, cách làm hay được xã ghi nhận, nhân rộng",
            extra,
            Decimal(5),
            CriterionKind.BONUS,
            evidence_required=True,
        ),
        CriterionSpec(
            "III.2",
            "Để xảy ra vụ việc phức tạp về an ninh trật tự, khiếu kiện đông người",
            extra,
            Decimal(10),
            CriterionKind.PENALTY,
        ),
    )


WEIGHTS = "tự chấm 30%, chấm chéo 30%, văn phòng 40%"


def _xuan_son_reviews() -> tuple[ReviewSpec, ...]:
    """Sơ kết of the first half and tổng kết of the year; periods are due 10 days after they
    end (10/07 and 10/01), and scoring starts the day after."""
    return (
        ReviewSpec(
            "SOKET",
            "Sơ kết 6 tháng đầu năm",
            "2022S1",
            self_start=date(2022, 7, 11),
            self_end=date(2022, 7, 20),
            cross_start=date(2022, 7, 21),
            cross_end=date(2022, 7, 28),
            review_date=date(2022, 8, 5),
            weights=WEIGHTS,
        ),
        ReviewSpec(
            "TONGKET",
            "Tổng kết năm",
            "2022",
            self_start=date(2023, 1, 11),
            self_end=date(2023, 1, 20),
            cross_start=date(2023, 1, 21),
            cross_end=date(2023, 1, 31),
            review_date=date(2023, 2, 10),
            weights=WEIGHTS,
        ),
    )


def _xuan_son_elements() -> tuple[ElementSpec, ...]:
    lower = Direction.LOWER_IS_BETTER
    return (
        count("TONG_HO", "Tổng số hộ", "hộ", required=False),
        count("HO_VAN_HOA", "Số hộ đạt danh hiệu gia đình văn hóa", "hộ", required=False),
        ratio("TL_HO_VAN_HOA", "Tỷ lệ hộ gia đình văn hóa", "HO_VAN_HOA", "TONG_HO", "90"),
        count("HO_NGHEO", "Số hộ nghèo", "hộ", required=False),
        ratio("TL_HO_NGHEO", "Tỷ lệ hộ nghèo", "HO_NGHEO", "TONG_HO", "1", lower),
        count(
            "VIEC_LAM_MOI",
            "Số lao động được giải quyết việc làm mới",
            "người",
            required=False,
            cumulative=True,
        ),
        amount("THU_NGAN_SACH", "Thu ngân sách trên địa bàn", "triệu đồng", required=False),
        count("NHAN_KHAU", "Số nhân khẩu", "người", required=False),
        count("BHYT", "Số người tham gia bảo hiểm y tế", "người", required=False),
        ratio("TL_BHYT", "Tỷ lệ người tham gia bảo hiểm y tế", "BHYT", "NHAN_KHAU", "95"),
        ElementSpec(
            "VU_VIEC_ANTT",
            "Số vụ việc mất an ninh, trật tự",
            "vụ",
            value_type=ValueType.INTEGER,
            target=ZERO,
            direction=lower,
            minimum=ZERO,
            required=False,
        ),
        ElementSpec(
            "DIEM_TU_CHAM",
            "Điểm tự chấm",
            "điểm",
            aggregation=Aggregation.NONE,
            minimum=ZERO,
            maximum=HUNDRED,
        ),
    )


def _xuan_son_units() -> tuple[UnitSpec, ...]:
    villages, departments, organisations = "Cụm thôn", "Khối ngành", "Khối đoàn thể"
    return (
        unit(
            "THON_DONG",
            "Thôn Đông",
            "thôn",
            villages,
            "Nguyễn Văn Hùng",
            "0900000101",
            head=True,
        ),
        unit("THON_DOAI", "Thôn Đoài", "thôn", villages, "Kiều Văn Minh", "0900000102"),
        unit("THON_DOI_DU", "Thôn Đồi Dư", "thôn", villages, "Phùng Thị Lan", "0900000103"),
        unit(
            "TDP_XUAN_HOA",
            "Tổ dân phố Xuân Hòa",
            "tổ dân phố",
            villages,
            "Đỗ Văn Nam",
            "0900000104",
        ),
        unit(
            "VP_UBND",
            "Văn phòng UBND xã",
            "ban ngành",
            departments,
            "Nguyễn Thị Hoa",
            "0900000105",
            head=True,
        ),
        unit(
            "VH_TT",
            "Văn hóa và Đài truyền thanh xã",
            "ban ngành",
            departments,
            "Khuất Văn Sơn",
            "0900000106",
        ),
        unit(
            "MTTQ",
            "Ủy ban MTTQ xã",
            "đoàn thể",
            organisations,
            "Lê Văn Thành",
            "0900000107",
            head=True,
        ),
        unit(
            "HOI_PHU_NU", "Hội Phụ nữ xã", "đoàn thể", organisations, "Trần Thị Mai", "0900000108"
        ),
        unit(
            "DOAN_TN",
            "Đoàn Thanh niên xã",
            "đoàn thể",
            organisations,
            "Nguyễn Đức Anh",
            "0900000109",
        ),
        unit(
            "HOI_NONG_DAN",
            "Hội Nông dân xã",
            "đoàn thể",
            organisations,
            "Phan Văn Tùng",
            "0900000110",
        ),
        unit(
            "HOI_CCB",
            "Hội Cựu chiến binh xã",
            "đoàn thể",
            organisations,
            "Hoàng Văn Quang",
            "0900000111",
        ),
    )
