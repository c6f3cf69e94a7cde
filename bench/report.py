"""Benchmark: the consolidated workbook of a big campaign end to end (database read + build),
next to raw dumps of the same cells with openpyxl (write-only) and XlsxWriter
(``constant_memory``), each in a fresh child process.

    .venv/bin/python bench/report.py [--units 10000] [--elements 40] [--runs 1]
                                     [--database-url URL]

Setup (not measured): a fresh database (SQLite in a temporary folder, or ``--database-url``,
which must be an empty database) is migrated and gets, through ``import_campaign``, a quarterly
2026 campaign of ``units`` units in 20 clusters (each with a listed contact) and ``elements``
entered data elements (whole numbers, decimals, yes/no, a text note, a weighted mean, some
cumulative) plus one indicator per five elements, plan targets on every other element. Then,
in bulk: 90% of the units reported Quý 1/2026 (every tenth of them late), each by its own
representative (bound on Telegram) who also registered the unit for a title (every seventh
with a committed target); every value has its audit row, and the first element of each unit
was corrected once with a reason. Text values are 120 characters of Vietnamese.

"Consolidated report": a fresh child opens the application on that database with a pinned
clock (:data:`bench.ingest.BENCH_DAY`, never the machine's date), loads the campaign, then
times ``storage.report_rows.consolidated_report`` (the database read) and
``reports.consolidated.write_consolidated`` (the build, in a worker thread after the session
is closed, as the bot does).

"Raw dumps": the same cells of the same generated campaign as plain values (the unit rows with
values and targets, the missing units, the year-to-date rows, the registrations, one detail
row per value), appended to a write-only openpyxl workbook, and written with XlsxWriter in
``constant_memory`` mode: no header block, styles, totals, ranking or charts. Only the dump is
timed (the rows are generated from the same recipe as the database, not read from it).

Time is wall time, with the child's CPU time beside it (less disturbed by other work on the
machine; ratios are given in both). Memory is each child's peak resident set (VmHWM): Python, the libraries and its data.
Figures are printed; nothing is asserted (targets, README "Performance": report / raw
openpyxl <= 1.5, the report's peak <= 250 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.aggregation import ratio  # noqa: E402
from domain.campaign_spec import (  # noqa: E402
    Aggregation,
    CampaignSpec,
    Direction,
    ElementSpec,
    Frequency,
    TitleSpec,
    UnitSpec,
    ValueType,
)
from domain.validation import canonical  # noqa: E402

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "BAOCAO2026"
PERIOD, PERIOD_NAME = "2026Q1", "Quý 1/2026"
ENTERED = datetime(2026, 4, 1, 8, 0, tzinfo=ZONE)
"""Quý 1's figures are typed from 1 April on, one unit a minute (before the bench day)."""
REGISTERED = datetime(2026, 1, 20, 8, 0, tzinfo=ZONE)
NOTE = "Đã triển khai đầy đủ các nội dung của kế hoạch, vận động nhân dân tham gia tích cực. " * 2
CORRECTION = "Nhập nhầm, sửa lại theo sổ theo dõi"
TITLES = (
    TitleSpec("TTLDTT", "Tập thể lao động tiên tiến"),
    TitleSpec("TTLDXS", "Tập thể lao động xuất sắc"),
)
CHUNK = 20_000


async def bulk_insert(connection: Any, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    """Insert ``rows`` (column -> value dicts) into ``table`` on ``connection`` (an
    ``AsyncConnection`` in a transaction), :data:`CHUNK` rows a statement; returns how many."""
    from sqlalchemy import insert

    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            await connection.execute(insert(table), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        await connection.execute(insert(table), chunk)
    return count + len(chunk)


NUMERIC = (ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENTAGE)


# --------------------------------------------------------------------------- the campaign


def make_elements(count: int) -> tuple[ElementSpec, ...]:
    """``count`` entered elements of mixed kinds, with an indicator after every fifth."""
    elements: list[ElementSpec] = []
    for index in range(count):
        code, name = f"E{index:02d}", f"Chỉ tiêu số {index + 1} của phong trào thi đua"
        target = Decimal(500 + index) if index % 2 == 0 else None
        kind = index % 10
        if kind == 3:
            elements.append(
                ElementSpec(code, name, "có/không", ValueType.BOOLEAN, target=Decimal(1))
            )
        elif kind == 7 and index % 20 == 7:
            elements.append(ElementSpec(code, name, "", ValueType.TEXT, Aggregation.NONE))
        elif kind == 9:
            elements.append(
                ElementSpec(
                    code,
                    name,
                    "%",
                    ValueType.PERCENTAGE,
                    Aggregation.WEIGHTED_MEAN,
                    denominator=f"E{index - 1:02d}",
                    target=Decimal(80),
                )
            )
        else:
            elements.append(
                ElementSpec(
                    code,
                    name,
                    "người" if index % 3 else "tấn",
                    ValueType.INTEGER if index % 3 else ValueType.NUMBER,
                    target=target,
                    cumulative=index % 4 == 0,
                )
            )
        if index % 5 == 4:
            elements.append(
                ElementSpec(
                    f"TL{index:02d}",
                    f"Tỷ lệ {index}",
                    "%",
                    ValueType.PERCENTAGE,
                    Aggregation.RATIO,
                    numerator=f"E{index - 2:02d}",
                    denominator=f"E{index - 1:02d}",
                    target=Decimal(60),
                    direction=Direction.HIGHER_IS_BETTER,
                )
            )
    return tuple(elements)


def unit_name(number: int) -> str:
    return f"Thôn số {number + 1} xã Thử Nghiệm"


def cluster(number: int) -> str:
    return f"Cụm thi đua số {number % 20 + 1}"


def phone(number: int) -> str:
    return f"09{number:08d}"


def contact_name(number: int) -> str:
    return f"Trần Thị {number}"


def reporter_name(number: int) -> str:
    return f"Nguyễn Văn {number}"


def reported(number: int) -> bool:
    return number % 10 != 9


def late(number: int) -> bool:
    return number % 10 == 8


def entered_at(number: int) -> datetime:
    return ENTERED + timedelta(minutes=number)


def committed(number: int) -> dict[str, Decimal]:
    """A registered unit's committed targets (every seventh commits to E00)."""
    return {"E00": Decimal(450)} if number % 7 == 0 else {}


def value_of(element: ElementSpec, number: int) -> Decimal | str:
    """A deterministic value of an entered element for a unit."""
    if element.value_type is ValueType.BOOLEAN:
        return Decimal(number % 3 != 0)
    if element.value_type is ValueType.TEXT:
        return NOTE
    if element.value_type is ValueType.PERCENTAGE:
        return Decimal(50 + number % 50)
    if element.value_type is ValueType.INTEGER:
        return Decimal(300 + (number * 7 + len(element.code)) % 600)
    return Decimal(number % 1000) / 4 + 100


def stored_text(value: Decimal | str) -> str:
    """A value as the database stores it (canonical text)."""
    return value if isinstance(value, str) else canonical(value)


def campaign_spec(units: int, elements: int) -> CampaignSpec:
    """The generated campaign (open on the bench day, Quý 1 due on 10 April)."""
    return CampaignSpec(
        code=CODE,
        name="Phong trào thi đua thử tải",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        frequency=Frequency.QUARTERLY,
        issuing_body="UBND tỉnh Thử Nghiệm",
        due_days=10,
        lock_days=15,
        elements=make_elements(elements),
        units=tuple(
            UnitSpec(
                f"U{n:05d}",
                unit_name(n),
                "thôn",
                cluster(n),
                (phone(n),),
                (contact_name(n),),
            )
            for n in range(units)
        ),
        titles=TITLES,
    )


# --------------------------------------------------------------------------- setup


async def load(url: str, units: int, elements: int, now: datetime) -> str:
    """Create and fill the database; returns a line of what it holds and how long it took."""
    from sqlalchemy import select

    from bot.app import open_app
    from bot.settings import Settings
    from domain.clock import ManualClock
    from storage.campaigns import import_campaign
    from storage.models import (
        ChannelAccount,
        DataElement,
        DataValue,
        DataValueAudit,
        OrgUnit,
        Period,
        Registration,
        RegistrationTarget,
        RegistrationTitle,
        Reporter,
        ReporterUnit,
        Submission,
        Title,
    )

    started = time.perf_counter()
    spec = campaign_spec(units, elements)
    numbers = range(units)
    settings = Settings(database_url=url)
    async with open_app(settings, clock=ManualClock(now)) as app:
        async with app.sessions() as session, session.begin():
            result = await import_campaign(session, spec, now)
        imported = time.perf_counter() - started
        campaign_id = result.campaign_id
        async with app.engine.begin() as connection:

            async def ids(query: Any) -> dict[Any, int]:
                return {key: row_id for key, row_id in await connection.execute(query)}

            async def bulk(table: Any, rows: Iterator[dict[str, Any]]) -> int:
                return await bulk_insert(connection, table, rows)

            element_ids = await ids(
                select(DataElement.code, DataElement.id).where(
                    DataElement.campaign_id == campaign_id
                )
            )
            title_ids = await ids(
                select(Title.code, Title.id).where(Title.campaign_id == campaign_id)
            )
            (period_id,) = (
                await connection.execute(
                    select(Period.id).where(
                        Period.campaign_id == campaign_id, Period.code == PERIOD
                    )
                )
            ).one()
            unit_ids = await ids(select(OrgUnit.code, OrgUnit.id))
            unit_id = [unit_ids[f"U{n:05d}"] for n in numbers]
            people = [n for n in numbers if reported(n)]
            await bulk(
                Reporter.__table__,
                (
                    {"full_name": reporter_name(n), "phone": phone(n), "created_at": REGISTERED}
                    for n in people
                ),
            )
            reporter_ids = await ids(select(Reporter.phone, Reporter.id))
            reporter = {n: reporter_ids[phone(n)] for n in people}
            await bulk(
                ReporterUnit.__table__,
                (
                    {
                        "reporter_id": reporter[n],
                        "org_unit_id": unit_id[n],
                        "bound_at": REGISTERED,
                        "bound_via": "invite",
                    }
                    for n in people
                ),
            )
            await bulk(
                ChannelAccount.__table__,
                (
                    {
                        "channel": "telegram",
                        "external_id": str(100_000_000 + n),
                        "chat_id": str(100_000_000 + n),
                        "display_name": reporter_name(n),
                        "reporter_id": reporter[n],
                        "is_active": True,
                        "created_at": REGISTERED,
                        "last_seen_at": REGISTERED,
                    }
                    for n in people
                ),
            )
            await bulk(
                Registration.__table__,
                (
                    {
                        "campaign_id": campaign_id,
                        "org_unit_id": unit_id[n],
                        "registered_by_id": reporter[n],
                        "registered_at": REGISTERED,
                        "updated_at": REGISTERED,
                    }
                    for n in people
                ),
            )
            registration_ids = await ids(
                select(Registration.org_unit_id, Registration.id).where(
                    Registration.campaign_id == campaign_id
                )
            )
            await bulk(
                RegistrationTitle.__table__,
                (
                    {
                        "registration_id": registration_ids[unit_id[n]],
                        "title_id": title_ids[TITLES[0].code],
                    }
                    for n in people
                ),
            )
            await bulk(
                RegistrationTarget.__table__,
                (
                    {
                        "registration_id": registration_ids[unit_id[n]],
                        "data_element_id": element_ids[code],
                        "value": canonical(figure),
                    }
                    for n in people
                    for code, figure in committed(n).items()
                ),
            )
            await bulk(
                Submission.__table__,
                (
                    {
                        "org_unit_id": unit_id[n],
                        "period_id": period_id,
                        "submitted_by_id": reporter[n],
                        "submitted_at": entered_at(n),
                        "is_late": late(n),
                        "receipt": f"R{n:06X}",
                    }
                    for n in people
                ),
            )
            entered = [e for e in spec.elements if not e.is_indicator]
            values = await bulk(
                DataValue.__table__,
                (
                    {
                        "org_unit_id": unit_id[n],
                        "period_id": period_id,
                        "data_element_id": element_ids[e.code],
                        "value": stored_text(value_of(e, n)),
                        "entered_by_id": reporter[n],
                        "created_at": entered_at(n),
                        "updated_at": entered_at(n),
                    }
                    for n in people
                    for e in entered
                ),
            )
            trail = _audit_rows(people, entered, _Ids(unit_id, period_id, element_ids, reporter))
            audits = await bulk(DataValueAudit.__table__, trail)
    seconds = time.perf_counter() - started
    return (
        f"setup: {units:,} units imported in {imported:.1f} s; {len(people):,} submissions, "
        f"{values:,} values, {audits:,} audit rows; {seconds:.1f} s in all"
    )


@dataclass(frozen=True)
class _Ids:
    """Database ids: unit by number, the period, element by code, reporter by unit number."""

    unit: list[int]
    period: int
    element: dict[str, int]
    reporter: dict[int, int]


def _audit_rows(
    people: Sequence[int], entered: Sequence[ElementSpec], ids: _Ids
) -> Iterator[dict[str, Any]]:
    """The audit trail of every value: its first entry, and for E00 a correction with a
    reason an hour later (the value stored is the corrected one)."""
    for n in people:
        for element in entered:
            text = stored_text(value_of(element, n))
            base = {
                "org_unit_id": ids.unit[n],
                "period_id": ids.period,
                "data_element_id": ids.element[element.code],
                "changed_by_id": ids.reporter[n],
            }
            if element.code == "E00":
                yield base | {
                    "action": "create",
                    "old_value": None,
                    "new_value": "1",
                    "changed_at": entered_at(n) - timedelta(hours=1),
                    "reason": "",
                }
                yield base | {
                    "action": "update",
                    "old_value": "1",
                    "new_value": text,
                    "changed_at": entered_at(n),
                    "reason": CORRECTION,
                }
            else:
                yield base | {
                    "action": "create",
                    "old_value": None,
                    "new_value": text,
                    "changed_at": entered_at(n),
                    "reason": "",
                }


# --------------------------------------------------------------------------- raw cells


def raw_sheets(units: int, elements: int) -> Iterator[tuple[str, Iterator[list[Any]]]]:
    """The generated campaign's cells as plain values, sheet by sheet, row by row."""
    spec = campaign_spec(units, elements)
    entered = [e for e in spec.elements if not e.is_indicator]
    numbers = range(units)
    targeted = {e.code for e in spec.elements if e.target is not None} | {"E00"}
    cumulative = [e for e in entered if e.cumulative]
    commit_columns = [e for e in entered if e.target is not None and e.value_type in NUMERIC]

    def local(moment: datetime) -> datetime:
        return moment.astimezone(ZONE).replace(tzinfo=None)

    def values(n: int) -> dict[str, Decimal | str]:
        return {e.code: value_of(e, n) for e in entered} if reported(n) else {}

    def summary() -> Iterator[list[Any]]:
        for n in numbers:
            found = values(n)
            row: list[Any] = [n + 1, cluster(n), unit_name(n)]
            for element in spec.elements:
                value: Any = found.get(element.code)
                if element.is_indicator and found:
                    top = found[element.numerator or ""]
                    bottom = found[element.denominator or ""]
                    if isinstance(top, Decimal) and isinstance(bottom, Decimal):
                        value = ratio(top, bottom)
                row.append(value)
                if element.code in targeted:
                    row += [committed(n).get(element.code, element.target), None]
            if reported(n):
                status = "Trễ hạn" if late(n) else "Đúng hạn"
                row += [status, local(entered_at(n)), reporter_name(n), None, None]
            else:
                row += ["Chưa báo cáo", None, None, None, None]
            yield row

    def missing() -> Iterator[list[Any]]:
        for index, n in enumerate((n for n in numbers if not reported(n)), 1):
            yield [index, cluster(n), unit_name(n), contact_name(n), phone(n), None]

    def year_to_date() -> Iterator[list[Any]]:
        for n in numbers:
            found = values(n)
            yield [n + 1, cluster(n), unit_name(n), *(found.get(e.code) for e in cumulative)]

    def registrations() -> Iterator[list[Any]]:
        for n in numbers:
            row: list[Any] = [n + 1, cluster(n), unit_name(n)]
            if reported(n):
                row += ["x", None, *(committed(n).get(e.code) for e in commit_columns)]
                row += ["Đã đăng ký", local(REGISTERED), reporter_name(n)]
            else:
                row += [None] * (2 + len(commit_columns)) + ["Chưa đăng ký", None, None]
            yield row

    def details() -> Iterator[list[Any]]:
        for n in numbers:
            if not reported(n):
                continue
            at = local(entered_at(n))
            for element in entered:
                corrected = element.code == "E00"
                yield [
                    cluster(n),
                    unit_name(n),
                    PERIOD_NAME,
                    element.name,
                    element.measure_unit,
                    value_of(element, n),
                    reporter_name(n),
                    at,
                    1 if corrected else 0,
                    CORRECTION if corrected else None,
                ]

    yield "Tổng hợp", summary()
    yield "Tiến độ", missing()
    yield "Lũy kế", year_to_date()
    yield "Đăng ký thi đua", registrations()
    yield "Chi tiết", details()


def raw_openpyxl(units: int, elements: int, path: str) -> int:
    """The raw cells appended to a write-only openpyxl workbook; returns the cell count."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    cells = 0
    for title, rows in raw_sheets(units, elements):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
            cells += len(row)
    book.save(path)
    return cells


def raw_xlsxwriter(units: int, elements: int, path: str) -> int:
    """The raw cells written by XlsxWriter in constant_memory mode; returns the cell count."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        path, {"constant_memory": True, "default_date_format": "dd/mm/yyyy hh:mm"}
    )
    cells = 0
    for title, rows in raw_sheets(units, elements):
        sheet = book.add_worksheet(title)
        for index, row in enumerate(rows):
            sheet.write_row(index, 0, row)
            cells += len(row)
    book.close()
    return cells


# --------------------------------------------------------------------------- children


async def report_end_to_end(url: str, path: str, now: datetime) -> dict[str, float]:
    """The bot's way: read the rows in a session, then build the workbook in a worker thread
    once the session is closed. Returns the timings and the peak memory after the read."""
    from bot.app import open_app
    from bot.settings import Settings
    from domain.clock import ManualClock
    from reports.consolidated import write_consolidated
    from storage.campaigns import find_campaign, load_campaign
    from storage.report_rows import consolidated_report

    settings = Settings(database_url=url)
    async with open_app(settings, clock=ManualClock(now)) as app:
        async with app.sessions() as session:
            found = await find_campaign(session, CODE)
            assert found is not None
            campaign = await load_campaign(session, found.id)
            period = next(p for p in campaign.periods if p.code == PERIOD)
            started, cpu = time.perf_counter(), time.process_time()
            report = await consolidated_report(
                session, campaign, period, app.clock.now(), settings.zone
            )
            read = time.perf_counter() - started
        read_peak = peak_mb()
        started = time.perf_counter()
        await asyncio.to_thread(write_consolidated, report, path)
        build = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return {
        "seconds": read + build,
        "cpu": cpu,
        "read": read,
        "build": build,
        "read_peak_mb": read_peak,
    }


def peak_mb() -> float:
    """This process's peak resident set so far, in MB: VmHWM, the high-water mark of its own
    memory since it started (``ru_maxrss`` would count the parent's peak too, which Linux
    carries over into a child across fork and exec)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def child(kind: str, args: argparse.Namespace) -> None:
    """Run one side and print its figures as JSON."""
    figures: dict[str, float] = {}
    if kind == "report":
        figures = asyncio.run(
            report_end_to_end(args.database_url, args.out, datetime.fromisoformat(args.now))
        )
    else:
        dump = raw_openpyxl if kind == "openpyxl" else raw_xlsxwriter
        started, cpu = time.perf_counter(), time.process_time()
        figures["cells"] = dump(args.units, args.elements, args.out)
        figures["seconds"] = time.perf_counter() - started
        figures["cpu"] = time.process_time() - cpu
    figures["peak_mb"] = peak_mb()
    figures["size_mb"] = Path(args.out).stat().st_size / 1e6
    print(json.dumps(figures))


def run(
    kind: str, args: argparse.Namespace, url: str, path: str, now: datetime
) -> dict[str, float]:
    """One side in a fresh Python, so peak memory is its own."""
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--units",
        str(args.units),
        "--elements",
        str(args.elements),
        "--database-url",
        url,
        "--out",
        path,
        "--now",
        now.isoformat(),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    output = done.stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def spread(values: Sequence[float], unit: str, digits: int = 1) -> str:
    """``x`` for one run (or runs that agree), ``min-max`` for several."""
    low, high = f"{min(values):.{digits}f}", f"{max(values):.{digits}f}"
    return f"{low}{unit}" if low == high else f"{low}-{high}{unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--elements", type=int, default=40)
    parser.add_argument("--runs", type=int, default=1, help="times to run each side")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--child", choices=["report", "openpyxl", "xlsxwriter"])
    parser.add_argument("--out", default="")
    parser.add_argument("--now", default="")
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    from bench.ingest import bench_clock

    now = bench_clock(ZONE).now().replace(microsecond=0)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db"
        setup = asyncio.run(load(url, args.units, args.elements, now))
        database = "SQLite" if url.startswith("sqlite") else url.split("@")[-1]
        print(
            f"campaign: {args.units} units x {args.elements} data elements, {PERIOD_NAME}, "
            f"90% reported; database: {database}; now {now.astimezone(ZONE):%d/%m/%Y %H:%M}"
        )
        print(setup, flush=True)
        runs: dict[str, list[dict[str, float]]] = {"openpyxl": [], "xlsxwriter": [], "report": []}
        for number in range(args.runs):
            for kind in runs:
                figures = run(kind, args, url, f"{folder}/{kind}.xlsx", now)
                runs[kind].append(figures)
                if args.runs > 1:
                    print(
                        f"  run {number + 1} {kind}: {figures['seconds']:.1f} s "
                        f"(cpu {figures['cpu']:.1f} s)",
                        flush=True,
                    )
    raw, fast, ours = runs["openpyxl"], runs["xlsxwriter"], runs["report"]

    def line(label: str, found: list[dict[str, float]], extra: str = "") -> str:
        seconds = spread([f["seconds"] for f in found], " s")
        cpu = spread([f["cpu"] for f in found], " s")
        peak = spread([f["peak_mb"] for f in found], " MB", 0)
        size = found[0]["size_mb"]
        return (
            f"{label:<33}{seconds:>13} (cpu {cpu:>11})  peak {peak:>10}  {size:5.1f} MB file{extra}"
        )

    print(line("raw openpyxl write-only dump", raw, f"  {int(raw[0]['cells']):,} cells"))
    print(line("raw XlsxWriter constant_memory", fast, f"  {int(fast[0]['cells']):,} cells"))
    print(line("consolidated report, end to end", ours))
    print(
        f"  = database read {spread([f['read'] for f in ours], ' s')} "
        f"(peak {spread([f['read_peak_mb'] for f in ours], ' MB', 0)}) "
        f"+ build {spread([f['build'] for f in ours], ' s')}"
    )

    def ratios(top: list[dict[str, float]], key: str) -> str:
        return spread([t[key] / r[key] for t, r in zip(top, raw, strict=True)], "", 2)

    print(
        f"ratio (report / raw): {ratios(ours, 'seconds')}  (target <= 1.5); "
        f"in CPU time {ratios(ours, 'cpu')}"
    )
    print(
        f"ratio (XlsxWriter / raw openpyxl): {ratios(fast, 'seconds')}; "
        f"in CPU time {ratios(fast, 'cpu')}"
    )
    print(
        f"peak memory of the report: {spread([o['peak_mb'] for o in ours], ' MB', 0)}  "
        "(target <= 250 MB)"
    )


if __name__ == "__main__":
    main()
