"""Sheet "Tiến độ": reporting rate and timeliness, overall and per cluster, and who is missing.

Rates follow DHIS2's data set reports: reporting rate = reports received / units expected;
timeliness = reports received by the due date / units expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports.data import ConsolidatedReport, ReportStatus, UnitRow
from reports.excel import (
    HEAD,
    HEADER_ROWS,
    NUMBER_INT,
    NUMBER_PCT,
    TEXT,
    TEXT_CENTER,
    Look,
    RowMaker,
    Styles,
    set_print,
    set_widths,
    total_look,
    write_header,
)
from reports.layout import NO_CLUSTER

__all__ = ["NO_CLUSTER", "Tally", "tallies", "tally", "write_progress"]

WHOLE_CAMPAIGN = "Toàn phong trào"
BLOCKED = "đã chặn bot"


@dataclass(frozen=True)
class Tally:
    """Counts of one group of units: expected, on time, late; rates as fractions (0-1)."""

    name: str
    expected: int
    on_time: int
    late: int

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def reporting_rate(self) -> Decimal | None:
        return Decimal(self.reported) / self.expected if self.expected else None

    @property
    def timeliness(self) -> Decimal | None:
        return Decimal(self.on_time) / self.expected if self.expected else None


def tally(name: str, units: Sequence[UnitRow]) -> Tally:
    """Count a group of units by status."""
    on_time = sum(unit.status is ReportStatus.ON_TIME for unit in units)
    late = sum(unit.status is ReportStatus.LATE for unit in units)
    return Tally(name, len(units), on_time, late)


def tallies(units: Sequence[UnitRow]) -> list[Tally]:
    """One tally per cluster (in first-seen order) when there are clusters, then the whole."""
    clusters: dict[str, list[UnitRow]] = {}
    for unit in units:
        clusters.setdefault(unit.cluster, []).append(unit)
    groups = [tally(name or NO_CLUSTER, members) for name, members in clusters.items()]
    whole = tally(WHOLE_CAMPAIGN, units)
    return [*groups, whole] if any(unit.cluster for unit in units) else [whole]


_TALLY_HEAD = (
    "Cụm/khối",
    "Số đơn vị",
    "Đã báo cáo",
    "Tỷ lệ báo cáo",
    "Đúng hạn",
    "Trễ hạn",
    "Tỷ lệ đúng hạn",
    "Chưa báo cáo",
)
_TALLY_LOOKS = (
    TEXT,
    NUMBER_INT,
    NUMBER_INT,
    NUMBER_PCT,
    NUMBER_INT,
    NUMBER_INT,
    NUMBER_PCT,
    NUMBER_INT,
)
_MISSING_HEAD = ("STT", "Cụm/khối", "Đơn vị", "Người đại diện", "Số điện thoại", "Ghi chú")
_MISSING_LOOKS = (TEXT_CENTER, TEXT, TEXT, TEXT, TEXT, TEXT)
_SECTION = Look(bold=True, grid=False)


def write_progress(sheet: WriteOnlyWorksheet, styles: Styles, report: ConsolidatedReport) -> None:
    """Sheet "Tiến độ": the tallies table, then the missing units with names and phones."""
    widths = [24, 16, 26, 26, 16, 14, 14, 13]
    set_widths(sheet, widths)
    set_print(sheet, None, widths)
    write_header(
        sheet,
        styles,
        len(_TALLY_HEAD),
        issuing_body=report.header.issuing_body,
        title="TIẾN ĐỘ BÁO CÁO",
        lines=[report.header.campaign, f"Kỳ báo cáo: {report.header.period}"],
        generated_at=report.header.generated_at,
        signing=report.header.signing,
    )
    section = RowMaker(sheet, styles, [_SECTION])
    sheet.append(section.row(["I. TỶ LỆ BÁO CÁO VÀ ĐÚNG HẠN"]))
    sheet.append(RowMaker(sheet, styles, [HEAD] * len(_TALLY_HEAD)).row(_TALLY_HEAD))
    rows = RowMaker(sheet, styles, _TALLY_LOOKS, fit=True)
    groups = tallies(report.units)
    for index, group in enumerate(groups):
        looks = [total_look(look) for look in _TALLY_LOOKS] if index == len(groups) - 1 else None
        sheet.append(rows.row(_tally_cells(group), looks))
    sheet.append([])
    missing = [unit for unit in report.units if unit.status is ReportStatus.MISSING]
    sheet.append(section.row([f"II. ĐƠN VỊ CHƯA BÁO CÁO ({len(missing)})"]))
    if not missing:
        sheet.append(section.row(["Tất cả đơn vị đã báo cáo."]))
        return
    sheet.append(RowMaker(sheet, styles, [HEAD] * len(_MISSING_HEAD)).row(_MISSING_HEAD))
    people = RowMaker(sheet, styles, _MISSING_LOOKS, fit=True)
    for number, unit in enumerate(missing, 1):
        sheet.append(people.row(_missing_cells(number, unit)))


def _tally_cells(group: Tally) -> list[object]:
    return [
        group.name,
        group.expected,
        group.reported,
        group.reporting_rate,
        group.on_time,
        group.late,
        group.timeliness,
        group.missing,
    ]


def _missing_cells(number: int, unit: UnitRow) -> list[object]:
    names = "\n".join(contact.name for contact in unit.contacts)
    phones = "\n".join(contact.phone for contact in unit.contacts)
    blocked = [c.name or c.phone for c in unit.contacts if not c.reachable]
    note = f"{', '.join(blocked)} {BLOCKED}" if blocked else None
    return [number, unit.cluster, unit.name, names, phones, note]


MISSING_FIRST_ROW = HEADER_ROWS + 1
"""The first row after the header block (the section title "I. ...")."""
