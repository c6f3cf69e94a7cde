"""The two sample campaigns, built from real plans in ``shared/seeds`` (see its README).

``samples/build.py`` writes each one as a filled campaign template (``samples/<stem>.xlsx``);
code that needs a sample campaign uses these functions directly. Neither is marked
``is_sample``: the loader does that when it shifts a sample to the current year.

Modelling rules used in both:

* every share in a plan ("tỷ lệ ... đạt 95,15%") is a computed indicator row (aggregation RATIO,
  value type percentage, unit "%", the plan's target) over two entered count rows, so that the
  town total is recomputed from the summed counts, never averaged; count rows that serve as
  denominators carry no target;
* amounts (tonnes, VND) are summed; yearly production and revenue are entered year-to-date
  (cumulative, "lũy kế"), so the last period of the year holds the annual figure;
* counts have minimum 0, percentages minimum 0 and maximum 100.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    Direction,
    ElementSpec,
    Frequency,
    TitleKind,
    TitleSpec,
    UnitSpec,
    ValueType,
)

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def _count(
    code: str, name: str, unit: str, *, required: bool = True, cumulative: bool = False
) -> ElementSpec:
    """An entered whole count (people, households, schools), summed across units."""
    return ElementSpec(
        code,
        name,
        unit,
        value_type=ValueType.INTEGER,
        minimum=_ZERO,
        required=required,
        cumulative=cumulative,
    )


def _amount(
    code: str, name: str, unit: str, target: str | None = None, *, required: bool = True
) -> ElementSpec:
    """An entered year-to-date amount (tonnes, VND), summed across units."""
    return ElementSpec(
        code,
        name,
        unit,
        target=Decimal(target) if target else None,
        minimum=_ZERO,
        required=required,
        cumulative=True,
    )


def _ratio(
    code: str,
    name: str,
    numerator: str,
    denominator: str,
    target: str | None,
    direction: Direction = Direction.HIGHER_IS_BETTER,
) -> ElementSpec:
    """A computed share in percent: numerator / denominator x 100, never entered."""
    return ElementSpec(
        code,
        name,
        "%",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO,
        numerator=numerator,
        denominator=denominator,
        target=Decimal(target) if target else None,
        direction=direction,
        minimum=_ZERO,
        maximum=_HUNDRED,
    )


def _yes_no(code: str, name: str) -> ElementSpec:
    """An entered yes/no fact with target "có"; summing counts the units where it holds."""
    return ElementSpec(code, name, "có/không", value_type=ValueType.BOOLEAN, target=Decimal(1))


def _unit(
    code: str, name: str, kind: str, cluster: str, person: str, phone: str, *, head: bool = False
) -> UnitSpec:
    """A unit with one representative; ``head``: it is its cluster's head (Cụm trưởng)."""
    return UnitSpec(code, name, kind, cluster, (phone,), (person,), is_cluster_head=head)


def _titles() -> tuple[TitleSpec, ...]:
    """The four titles of the 2024 Bình Thuận plan (seed 003), common to every campaign."""
    return (
        TitleSpec("LDTT", "Lao động tiên tiến", TitleKind.INDIVIDUAL),
        TitleSpec("CSTDCS", "Chiến sĩ thi đua cơ sở", TitleKind.INDIVIDUAL),
        TitleSpec("TTLDTT", "Tập thể lao động tiên tiến", TitleKind.COLLECTIVE),
        TitleSpec("TTLDXS", "Tập thể lao động xuất sắc", TitleKind.COLLECTIVE),
    )


# --------------------------------------------------------------------------- Ngã Năm 2023


def nga_nam_2023() -> CampaignSpec:
    """The 2023 emulation plan of Ngã Năm town (seed 002): its 3 wards and 5 communes report
    quarterly on the plan's numeric targets.

    Choices beyond the plan: the health-standard and doctor-at-the-station targets (100% of
    communes / stations) are yes/no rows with target "có", summed, because each reporting unit
    is one commune with one station: the town total counts the units that meet them, and 100%
    means every unit answers "có". The poor-household targets (-2 and -3 points a year) are
    entered reductions in percentage points, averaged weighted by the households (all, Khmer);
    their minimum is left blank because a rate can also rise. The specialty-rice share is "over
    65%": target 65, higher is better. Representatives and phones are made up (0900000001...).
    """
    return CampaignSpec(
        code="NGANAM2023",
        name="Phong trào thi đua yêu nước năm 2023 thị xã Ngã Năm",
        start=date(2023, 1, 1),
        end=date(2023, 12, 31),
        frequency=Frequency.QUARTERLY,
        theme=(
            "Hoàn thành thắng lợi các chỉ tiêu phát triển kinh tế - xã hội, "
            "đảm bảo quốc phòng, an ninh năm 2023"
        ),
        issuing_body="UBND thị xã Ngã Năm",
        due_days=10,
        lock_days=15,
        elements=(
            *_nga_nam_economy(),
            *_nga_nam_education(),
            *_nga_nam_health(),
            *_nga_nam_labour(),
            *_nga_nam_poverty(),
        ),
        units=_nga_nam_units(),
        titles=_titles(),
    )


def _nga_nam_economy() -> tuple[ElementSpec, ...]:
    return (
        _amount("LUA_TONG", "Tổng sản lượng lúa", "tấn"),
        _amount("LUA_DAC_SAN", "Sản lượng lúa đặc sản, lúa thơm", "tấn"),
        _ratio(
            "TL_LUA_DAC_SAN",
            "Tỷ lệ sản lượng lúa đặc sản, lúa thơm trên tổng sản lượng lúa",
            "LUA_DAC_SAN",
            "LUA_TONG",
            "65",
        ),
        _amount("THUY_SAN", "Tổng sản lượng khai thác và nuôi trồng thủy sản", "tấn", "12500"),
        _amount("THU_NGAN_SACH", "Thu ngân sách", "tỷ đồng", "45"),
    )


def _nga_nam_education() -> tuple[ElementSpec, ...]:
    return (
        _count("TRUONG", "Tổng số trường học", "trường"),
        _count("TRUONG_CHUAN", "Số trường đạt chuẩn quốc gia", "trường"),
        _ratio(
            "TL_TRUONG_CHUAN", "Tỷ lệ trường đạt chuẩn quốc gia", "TRUONG_CHUAN", "TRUONG", "100"
        ),
        _count("MG_DO_TUOI", "Số trẻ em trong độ tuổi mẫu giáo", "trẻ"),
        _count("MG_RA_LOP", "Số trẻ em trong độ tuổi mẫu giáo đến lớp", "trẻ"),
        _ratio(
            "TL_MG_RA_LOP",
            "Tỷ lệ huy động trẻ em trong độ tuổi đến lớp mẫu giáo",
            "MG_RA_LOP",
            "MG_DO_TUOI",
            "90",
        ),
        _count("TH_DO_TUOI", "Số trẻ em trong độ tuổi tiểu học", "trẻ"),
        _count("TH_DUNG_TUOI", "Số học sinh đi học đúng tuổi cấp tiểu học", "học sinh"),
        _ratio(
            "TL_TH_DUNG_TUOI",
            "Tỷ lệ huy động học sinh đi học đúng tuổi cấp tiểu học",
            "TH_DUNG_TUOI",
            "TH_DO_TUOI",
            "99.5",
        ),
        _count("THCS_DO_TUOI", "Số trẻ em trong độ tuổi trung học cơ sở", "trẻ"),
        _count("THCS_DUNG_TUOI", "Số học sinh đi học đúng tuổi cấp trung học cơ sở", "học sinh"),
        _ratio(
            "TL_THCS_DUNG_TUOI",
            "Tỷ lệ huy động học sinh đi học đúng tuổi cấp trung học cơ sở",
            "THCS_DUNG_TUOI",
            "THCS_DO_TUOI",
            "98",
        ),
        _count("THPT_DO_TUOI", "Số thanh thiếu niên trong độ tuổi trung học phổ thông", "người"),
        _count(
            "THPT_DUNG_TUOI", "Số học sinh đi học đúng tuổi cấp trung học phổ thông", "học sinh"
        ),
        _ratio(
            "TL_THPT_DUNG_TUOI",
            "Tỷ lệ huy động học sinh đi học đúng tuổi cấp trung học phổ thông",
            "THPT_DUNG_TUOI",
            "THPT_DO_TUOI",
            "50",
        ),
    )


def _nga_nam_health() -> tuple[ElementSpec, ...]:
    return (
        _yes_no("CHUAN_Y_TE", "Xã, phường đạt chuẩn quốc gia về y tế"),
        _yes_no("TYT_BAC_SI", "Trạm y tế có bác sĩ"),
        _count("DAN_SO", "Dân số", "người"),
        _count("BHYT", "Số người tham gia bảo hiểm y tế", "người"),
        _ratio("TL_BHYT", "Tỷ lệ người tham gia bảo hiểm y tế", "BHYT", "DAN_SO", "95.15"),
    )


def _nga_nam_labour() -> tuple[ElementSpec, ...]:
    return (
        _count("LD_DO_TUOI", "Tổng số lao động trong độ tuổi", "người"),
        _count("LD_DAO_TAO", "Số lao động qua đào tạo", "người"),
        _ratio("TL_LD_DAO_TAO", "Tỷ lệ lao động qua đào tạo", "LD_DAO_TAO", "LD_DO_TUOI", "65.51"),
        _count("LD_BANG_CC", "Số lao động qua đào tạo có văn bằng, chứng chỉ", "người"),
        _ratio(
            "TL_LD_BANG_CC",
            "Tỷ lệ lao động qua đào tạo có văn bằng, chứng chỉ",
            "LD_BANG_CC",
            "LD_DO_TUOI",
            "57.11",
        ),
        _count("LD_CO_VIEC", "Số lao động đang làm việc", "người"),
        _ratio(
            "TL_LD_CO_VIEC",
            "Tỷ lệ lao động đang làm việc so với tổng số lao động trong độ tuổi",
            "LD_CO_VIEC",
            "LD_DO_TUOI",
            "72",
        ),
    )


def _poverty_reduction(code: str, name: str, weight: str, target: str) -> ElementSpec:
    """An entered reduction of a poverty rate in percentage points, weighted by households."""
    return ElementSpec(
        code,
        name,
        "%",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.WEIGHTED_MEAN,
        denominator=weight,
        target=Decimal(target),
        maximum=_HUNDRED,
    )


def _nga_nam_poverty() -> tuple[ElementSpec, ...]:
    return (
        _count("TONG_HO", "Tổng số hộ", "hộ"),
        _poverty_reduction("GIAM_HO_NGHEO", "Mức giảm tỷ lệ hộ nghèo", "TONG_HO", "2"),
        _count("TONG_HO_KHMER", "Tổng số hộ Khmer", "hộ"),
        _poverty_reduction(
            "GIAM_HO_KHMER_NGHEO", "Mức giảm tỷ lệ hộ Khmer nghèo", "TONG_HO_KHMER", "3"
        ),
    )


def _nga_nam_units() -> tuple[UnitSpec, ...]:
    wards, communes = "Khối phường", "Khối xã"
    return (
        _unit("P1", "Phường 1", "phường", wards, "Nguyễn Văn An", "0900000001"),
        _unit("P2", "Phường 2", "phường", wards, "Trần Thị Bình", "0900000002"),
        _unit("P3", "Phường 3", "phường", wards, "Lê Văn Cường", "0900000003"),
        _unit("VINH_QUOI", "Xã Vĩnh Quới", "xã", communes, "Thạch Thị Dung", "0900000004"),
        _unit("TAN_LONG", "Xã Tân Long", "xã", communes, "Phạm Văn Em", "0900000005"),
        _unit("LONG_BINH", "Xã Long Bình", "xã", communes, "Huỳnh Thị Giang", "0900000006"),
        _unit("MY_QUOI", "Xã Mỹ Quới", "xã", communes, "Lâm Văn Hải", "0900000007"),
        _unit("MY_BINH", "Xã Mỹ Bình", "xã", communes, "Võ Thị Kim", "0900000008"),
    )


# --------------------------------------------------------------------------- Xuân Sơn 2022


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
        titles=(TitleSpec("THON_VH", "Thôn văn hóa", TitleKind.COLLECTIVE), *_titles()),
    )


def _xuan_son_elements() -> tuple[ElementSpec, ...]:
    lower = Direction.LOWER_IS_BETTER
    return (
        _count("TONG_HO", "Tổng số hộ", "hộ", required=False),
        _count("HO_VAN_HOA", "Số hộ đạt danh hiệu gia đình văn hóa", "hộ", required=False),
        _ratio("TL_HO_VAN_HOA", "Tỷ lệ hộ gia đình văn hóa", "HO_VAN_HOA", "TONG_HO", "90"),
        _count("HO_NGHEO", "Số hộ nghèo", "hộ", required=False),
        _ratio("TL_HO_NGHEO", "Tỷ lệ hộ nghèo", "HO_NGHEO", "TONG_HO", "1", lower),
        _count(
            "VIEC_LAM_MOI",
            "Số lao động được giải quyết việc làm mới",
            "người",
            required=False,
            cumulative=True,
        ),
        _amount("THU_NGAN_SACH", "Thu ngân sách trên địa bàn", "triệu đồng", required=False),
        _count("NHAN_KHAU", "Số nhân khẩu", "người", required=False),
        _count("BHYT", "Số người tham gia bảo hiểm y tế", "người", required=False),
        _ratio("TL_BHYT", "Tỷ lệ người tham gia bảo hiểm y tế", "BHYT", "NHAN_KHAU", "95"),
        ElementSpec(
            "VU_VIEC_ANTT",
            "Số vụ việc mất an ninh, trật tự",
            "vụ",
            value_type=ValueType.INTEGER,
            target=_ZERO,
            direction=lower,
            minimum=_ZERO,
            required=False,
        ),
        ElementSpec(
            "DIEM_TU_CHAM",
            "Điểm tự chấm",
            "điểm",
            aggregation=Aggregation.NONE,
            minimum=_ZERO,
            maximum=_HUNDRED,
        ),
    )


def _xuan_son_units() -> tuple[UnitSpec, ...]:
    villages, departments, organisations = "Cụm thôn", "Khối ngành", "Khối đoàn thể"
    return (
        _unit(
            "THON_DONG",
            "Thôn Đông",
            "thôn",
            villages,
            "Nguyễn Văn Hùng",
            "0900000101",
            head=True,
        ),
        _unit("THON_DOAI", "Thôn Đoài", "thôn", villages, "Kiều Văn Minh", "0900000102"),
        _unit("THON_DOI_DU", "Thôn Đồi Dư", "thôn", villages, "Phùng Thị Lan", "0900000103"),
        _unit(
            "TDP_XUAN_HOA",
            "Tổ dân phố Xuân Hòa",
            "tổ dân phố",
            villages,
            "Đỗ Văn Nam",
            "0900000104",
        ),
        _unit(
            "VP_UBND",
            "Văn phòng UBND xã",
            "ban ngành",
            departments,
            "Nguyễn Thị Hoa",
            "0900000105",
            head=True,
        ),
        _unit(
            "VH_TT",
            "Văn hóa và Đài truyền thanh xã",
            "ban ngành",
            departments,
            "Khuất Văn Sơn",
            "0900000106",
        ),
        _unit(
            "MTTQ",
            "Ủy ban MTTQ xã",
            "đoàn thể",
            organisations,
            "Lê Văn Thành",
            "0900000107",
            head=True,
        ),
        _unit(
            "HOI_PHU_NU", "Hội Phụ nữ xã", "đoàn thể", organisations, "Trần Thị Mai", "0900000108"
        ),
        _unit(
            "DOAN_TN",
            "Đoàn Thanh niên xã",
            "đoàn thể",
            organisations,
            "Nguyễn Đức Anh",
            "0900000109",
        ),
        _unit(
            "HOI_NONG_DAN",
            "Hội Nông dân xã",
            "đoàn thể",
            organisations,
            "Phan Văn Tùng",
            "0900000110",
        ),
        _unit(
            "HOI_CCB",
            "Hội Cựu chiến binh xã",
            "đoàn thể",
            organisations,
            "Hoàng Văn Quang",
            "0900000111",
        ),
    )


SAMPLES: dict[str, Callable[[], CampaignSpec]] = {
    "nga-nam-2023": nga_nam_2023,
    "xuan-son-2022": xuan_son_2022,
}
"""Sample campaigns by file stem: ``samples/<stem>.xlsx`` = ``write_template(SAMPLES[stem]())``."""
