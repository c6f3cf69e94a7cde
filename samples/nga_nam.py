"""Sample campaign: the 2023 emulation plan of Ngã Năm town (seed 002), reported quarterly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.campaign_spec import (
    Aggregation,
    CampaignSpec,
    ElementSpec,
    Frequency,
    UnitSpec,
    ValueType,
)
from samples.parts import HUNDRED, amount, common_titles, count, ratio, unit, yes_no

__all__ = ["nga_nam_2023"]


def nga_nam_2023() -> CampaignSpec:
    """The 2023 emulation plan of Ngã Năm town (seed 002): its 3 wards and 5 communes report
    quarterly on the plan's numeric targets.

    Choices beyond the plan: the health-standard and doctor-at-the-station targets (100% of
    communes / stations) are yes/no rows with target "có", summed, because each reporting unit
    is one commune with one station: the town total counts the units that meet them, and 100%
    means every unit answers "có". The poor-household targets (-2 and -3 points a year) are
    entered reductions in percentage points, averaged weighted by the households (all, Khmer);
    their minimum is left blank because a rate can also rise. The specialty-rice share is "over
    65%": target 65, higher is better. Representatives and phones are made up (0900000001...); so is where the
    consolidated report goes ("Nơi nhận"), and the signer's name is left for the office.
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
        parent_body="UBND tỉnh Sóc Trăng",
        place="Ngã Năm",
        report_suffix="BC-UBND",
        signer_title="Chủ tịch",
        recipients=("UBND tỉnh Sóc Trăng", "Ban Thi đua - Khen thưởng tỉnh", "Lưu: VT"),
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
        titles=common_titles(),
    )


def _nga_nam_economy() -> tuple[ElementSpec, ...]:
    return (
        amount("LUA_TONG", "Tổng sản lượng lúa", "tấn"),
        amount("LUA_DAC_SAN", "Sản lượng lúa đặc sản, lúa thơm", "tấn"),
        ratio(
            "TL_LUA_DAC_SAN",
            "Tỷ lệ sản lượng lúa đặc sản, lúa thơm trên tổng sản lượng lúa",
            "LUA_DAC_SAN",
            "LUA_TONG",
            "65",
        ),
        amount("THUY_SAN", "Tổng sản lượng khai thác và nuôi trồng thủy sản", "tấn", "12500"),
        amount("THU_NGAN_SACH", "Thu ngân sách", "tỷ đồng", "45"),
    )


def _nga_nam_education() -> tuple[ElementSpec, ...]:
    return (
        count("TRUONG", "Tổng số trường học", "trường"),
        count("TRUONG_CHUAN", "Số trường đạt chuẩn quốc gia", "trường"),
        ratio(
            "TL_TRUONG_CHUAN", "Tỷ lệ trường đạt chuẩn quốc gia", "TRUONG_CHUAN", "TRUONG", "100"
        ),
        count("MG_DO_TUOI", "Số trẻ em trong độ tuổi mẫu giáo", "trẻ"),
        count("MG_RA_LOP", "Số trẻ em trong độ tuổi mẫu giáo đến lớp", "trẻ"),
        ratio(
            "TL_MG_RA_LOP",
            "Tỷ lệ huy động trẻ em trong độ tuổi đến lớp mẫu giáo",
            "MG_RA_LOP",
            "MG_DO_TUOI",
            "90",
        ),
        count("TH_DO_TUOI", "Số trẻ em trong độ tuổi tiểu học", "trẻ"),
        count("TH_DUNG_TUOI", "Số học sinh đi học đúng tuổi cấp tiểu học", "học sinh"),
        ratio(
            "TL_TH_DUNG_TUOI",
            "Tỷ lệ huy động học sinh đi học đúng tuổi cấp tiểu học",
            "TH_DUNG_TUOI",
            "TH_DO_TUOI",
            "99.5",
        ),
        count("THCS_DO_TUOI", "Số trẻ em trong độ tuổi trung học cơ sở", "trẻ"),
        count("THCS_DUNG_TUOI", "Số học sinh đi học đúng tuổi cấp trung học cơ sở", "học sinh"),
        ratio(
            "TL_THCS_DUNG_TUOI",
            "Tỷ lệ huy động học sinh đi học đúng tuổi cấp trung học cơ sở",
            "THCS_DUNG_TUOI",
            "THCS_DO_TUOI",
            "98",
        ),
        count("THPT_DO_TUOI", "Số thanh thiếu niên trong độ tuổi trung học phổ thông", "người"),
        count("THPT_DUNG_TUOI", "Số học sinh đi học đúng tuổi cấp trung học phổ thông", "học sinh"),
        ratio(
            "TL_THPT_DUNG_TUOI",
            "Tỷ lệ huy động học sinh đi học đúng tuổi cấp trung học phổ thông",
            "THPT_DUNG_TUOI",
            "THPT_DO_TUOI",
            "50",
        ),
    )


def _nga_nam_health() -> tuple[ElementSpec, ...]:
    return (
        yes_no("CHUAN_Y_TE", "Xã, phường đạt chuẩn quốc gia về y tế"),
        yes_no("TYT_BAC_SI", "Trạm y tế có bác sĩ"),
        count("DAN_SO", "Dân số", "người"),
        count("BHYT", "Số người tham gia bảo hiểm y tế", "người"),
        ratio("TL_BHYT", "Tỷ lệ người tham gia bảo hiểm y tế", "BHYT", "DAN_SO", "95.15"),
    )


def _nga_nam_labour() -> tuple[ElementSpec, ...]:
    return (
        count("LD_DO_TUOI", "Tổng số lao động trong độ tuổi", "người"),
        count("LD_DAO_TAO", "Số lao động qua đào tạo", "người"),
        ratio("TL_LD_DAO_TAO", "Tỷ lệ lao động qua đào tạo", "LD_DAO_TAO", "LD_DO_TUOI", "65.51"),
        count("LD_BANG_CC", "Số lao động qua đào tạo có văn bằng, chứng chỉ", "người"),
        ratio(
            "TL_LD_BANG_CC",
            "Tỷ lệ lao động qua đào tạo có văn bằng, chứng chỉ",
            "LD_BANG_CC",
            "LD_DO_TUOI",
            "57.11",
        ),
        count("LD_CO_VIEC", "Số lao động đang làm việc", "người"),
        ratio(
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
        maximum=HUNDRED,
    )


def _nga_nam_poverty() -> tuple[ElementSpec, ...]:
    return (
        count("TONG_HO", "Tổng số hộ", "hộ"),
        _poverty_reduction("GIAM_HO_NGHEO", "Mức giảm tỷ lệ hộ nghèo", "TONG_HO", "2"),
        count("TONG_HO_KHMER", "Tổng số hộ Khmer", "hộ"),
        _poverty_reduction(
            "GIAM_HO_KHMER_NGHEO", "Mức giảm tỷ lệ hộ Khmer nghèo", "TONG_HO_KHMER", "3"
        ),
    )


def _nga_nam_units() -> tuple[UnitSpec, ...]:
    wards, communes = "Khối phường", "Khối xã"
    return (
        unit("P1", "Phường 1", "phường", wards, "Nguyễn Văn An", "0900000001"),
        unit("P2", "Phường 2", "phường", wards, "Trần Thị Bình", "0900000002"),
        unit("P3", "Phường 3", "phường", wards, "Lê Văn Cường", "0900000003"),
        unit("VINH_QUOI", "Xã Vĩnh Quới", "xã", communes, "Thạch Thị Dung", "0900000004"),
        unit("TAN_LONG", "Xã Tân Long", "xã", communes, "Phạm Văn Em", "0900000005"),
        unit("LONG_BINH", "Xã Long Bình", "xã", communes, "Huỳnh Thị Giang", "0900000006"),
        unit("MY_QUOI", "Xã Mỹ Quới", "xã", communes, "Lâm Văn Hải", "0900000007"),
        unit("MY_BINH", "Xã Mỹ Bình", "xã", communes, "Võ Thị Kim", "0900000008"),
    )
