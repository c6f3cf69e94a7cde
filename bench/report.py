"""Benchmark: the full consolidated workbook of a big generated campaign, next to a raw
openpyxl write-only dump of the same cells, each in a fresh child process.

    .venv/bin/python bench/report.py [--units 10000] [--elements 40]

The campaign: ``units`` units in 20 clusters, ``elements`` entered data elements (whole
numbers, decimals, yes/no, a text note, a weighted mean, some cumulative) plus one indicator
per five elements, plan targets on every other element, 90% of the units reported (some late,
some with committed targets), 120 characters of Vietnamese text per text value. Sheet "Chi
tiết" gets one row per stored value.

"Raw dump" writes the same rows of plain values (the unit rows with the entered values and
targets, the detail rows, the registration rows) with ``ws.append`` into a write-only workbook:
no header block, no styles, no totals, ranking or charts. Time is the build alone (the data is
generated first); memory is the child's peak resident set (ru_maxrss), so it includes Python,
the libraries and the generated input. Figures are printed; nothing is asserted (targets: ratio
<= 1.5, peak memory <= 150 MB, README "Performance").
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import astuple
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.campaign_spec import Aggregation, Direction, ValueType  # noqa: E402
from reports.data import (  # noqa: E402
    Column,
    ConsolidatedReport,
    Contact,
    DetailRow,
    Header,
    PeriodLabel,
    RegistrationReport,
    RegistrationRow,
    ReportStatus,
    UnitRow,
    Value,
)

PERIOD = PeriodLabel("2026Q1", "Quý 1/2026")
NOTE = "Đã triển khai đầy đủ các nội dung của kế hoạch, vận động nhân dân tham gia tích cực. " * 2


def make_columns(count: int) -> list[Column]:
    """``count`` entered elements of mixed kinds, with an indicator after every fifth."""
    columns: list[Column] = []
    for index in range(count):
        code, name = f"E{index:02d}", f"Chỉ tiêu số {index + 1} của phong trào thi đua"
        target = Decimal(500 + index) if index % 2 == 0 else None
        kind = index % 10
        if kind == 3:
            columns.append(Column(code, name, "có/không", ValueType.BOOLEAN, target=Decimal(1)))
        elif kind == 7 and index % 20 == 7:
            columns.append(Column(code, name, "", ValueType.TEXT, Aggregation.NONE))
        elif kind == 9:
            columns.append(
                Column(
                    code,
                    name,
                    "%",
                    ValueType.PERCENTAGE,
                    Aggregation.WEIGHTED_MEAN,
                    target=Decimal(80),
                    weight=f"E{index - 1:02d}",
                )
            )
        else:
            value_type = ValueType.INTEGER if index % 3 else ValueType.NUMBER
            columns.append(
                Column(
                    code,
                    name,
                    "người" if index % 3 else "tấn",
                    value_type,
                    target=target,
                    cumulative=index % 4 == 0,
                )
            )
        if index % 5 == 4:
            columns.append(
                Column(
                    f"TL{index:02d}",
                    f"Tỷ lệ {index}",
                    "%",
                    ValueType.PERCENTAGE,
                    Aggregation.RATIO,
                    Direction.HIGHER_IS_BETTER,
                    Decimal(60),
                    numerator=f"E{index - 2:02d}",
                    denominator=f"E{index - 1:02d}",
                )
            )
    return columns


def value_for(column: Column, unit: int) -> Value:
    """A deterministic value for a unit."""
    if column.value_type is ValueType.BOOLEAN:
        return Decimal(unit % 3 != 0)
    if column.value_type is ValueType.TEXT:
        return NOTE
    if column.value_type is ValueType.PERCENTAGE:
        return Decimal(50 + unit % 50)
    if column.value_type is ValueType.INTEGER:
        return Decimal(300 + (unit * 7 + len(column.code)) % 600)
    return Decimal(unit % 1000) / 4 + 100


def make_report(unit_count: int, element_count: int) -> ConsolidatedReport:
    """The generated campaign's report (details are a generator)."""
    columns = make_columns(element_count)
    entered = [c for c in columns if not c.is_indicator]
    at = datetime(2026, 4, 8, 9, 0)
    header = Header(
        "UBND tỉnh Thử Nghiệm",
        "BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA",
        "Phong trào thi đua thử tải",
        "Quý 1/2026 (01/01/2026 - 31/03/2026)",
        datetime(2026, 4, 20, 9, 0),
    )
    units = []
    for number in range(unit_count):
        status = (
            ReportStatus.MISSING
            if number % 10 == 9
            else (ReportStatus.LATE if number % 10 == 8 else ReportStatus.ON_TIME)
        )
        reported = status is not ReportStatus.MISSING
        units.append(
            UnitRow(
                code=f"U{number:05d}",
                name=f"Thôn số {number + 1} xã Thử Nghiệm",
                cluster=f"Cụm thi đua số {number % 20 + 1}",
                status=status,
                submitted_at=at + timedelta(minutes=number) if reported else None,
                submitted_by=f"Nguyễn Văn {number}" if reported else "",
                values={c.code: value_for(c, number) for c in entered} if reported else {},
                targets={"E00": Decimal(450)} if number % 7 == 0 else {},
                contacts=(Contact(f"Trần Thị {number}", f"09{number:08d}"),),
            )
        )
    registrations = RegistrationReport(
        header,
        ["Tập thể lao động tiên tiến", "Tập thể lao động xuất sắc"],
        [entered[0]],
        [
            RegistrationRow(
                u.code,
                u.name,
                u.cluster,
                frozenset({"Tập thể lao động tiên tiến"}),
                u.targets,
                at,
                u.submitted_by,
            )
            for u in units
        ],
    )
    return ConsolidatedReport(
        header, PERIOD, columns, units, [PERIOD], registrations, details(units, entered, at)
    )


def details(units: list[UnitRow], entered: list[Column], at: datetime) -> Iterator[DetailRow]:
    """One detail row per stored value, generated as the sheet is written."""
    for unit in units:
        for column in entered:
            value = unit.values.get(column.code)
            if value is not None:
                yield DetailRow(
                    unit.cluster,
                    unit.name,
                    PERIOD.name,
                    column.name,
                    column.measure_unit,
                    value,
                    unit.submitted_by,
                    at,
                    1 if column.code == "E00" else 0,
                    "",
                )


def raw_dump(report: ConsolidatedReport, path: str) -> int:
    """The same cells as plain values in a write-only workbook; returns the cell count."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    cells = 0
    summary = book.create_sheet("Tổng hợp")
    for number, unit in enumerate(report.units, 1):
        row: list[object] = [number, unit.cluster, unit.name]
        for column in report.columns:
            row += [unit.values.get(column.code), column.target, None]
        row += [unit.status.value, unit.submitted_at, unit.submitted_by, None, None]
        summary.append(row)
        cells += len(row)
    registration = book.create_sheet("Đăng ký thi đua")
    for number, reg in enumerate(report.registrations.rows, 1):
        row = [
            number,
            reg.cluster,
            reg.name,
            "x",
            None,
            reg.targets.get("E00"),
            "Đã đăng ký",
            reg.registered_at,
            reg.registered_by,
        ]
        registration.append(row)
        cells += len(row)
    detail_sheet = book.create_sheet("Chi tiết")
    for detail in report.details:
        detail_sheet.append(list(astuple(detail)))
        cells += 10
    book.save(path)
    return cells


def child(kind: str, units: int, elements: int, path: str) -> None:
    """Run one side and print its figures as JSON."""
    report = make_report(units, elements)
    started = time.perf_counter()
    if kind == "ours":
        from reports.consolidated import write_consolidated

        write_consolidated(report, path)
        cells = 0
    else:
        cells = raw_dump(report, path)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = Path(path).stat().st_size / 1e6
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "cells": cells, "size_mb": size_mb}))


def run(kind: str, units: int, elements: int, path: str) -> dict[str, float]:
    """One side in a fresh Python, so peak memory is its own."""
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--units",
            str(units),
            "--elements",
            str(elements),
            "--out",
            path,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--elements", type=int, default=40)
    parser.add_argument("--child", choices=["ours", "raw"])
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.units, args.elements, args.out)
        return
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        raw = run("raw", args.units, args.elements, f"{folder}/raw.xlsx")
        ours = run("ours", args.units, args.elements, f"{folder}/ours.xlsx")
    print(f"campaign: {args.units} units x {args.elements} data elements, Quý 1, 90% reported")
    print(
        f"raw write-only dump : {raw['seconds']:7.1f} s  peak {raw['peak_mb']:6.0f} MB  "
        f"{raw['size_mb']:5.1f} MB file  {int(raw['cells']):,} cells"
    )
    print(
        f"consolidated report : {ours['seconds']:7.1f} s  peak {ours['peak_mb']:6.0f} MB  "
        f"{ours['size_mb']:5.1f} MB file"
    )
    print(
        f"ratio (report / raw): {ours['seconds'] / raw['seconds']:.2f}  (target <= 1.5); "
        f"peak memory {ours['peak_mb']:.0f} MB (target <= 150 MB)"
    )


if __name__ == "__main__":
    main()
