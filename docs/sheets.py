"""Render the first printed page of every sheet of the Ngã Năm sample's consolidated workbook
(and the signed last page of "Tổng hợp") to PNG under ``docs/`` (``make docs-images``), the pictures the README and the office guide show.

    .venv/bin/python docs/sheets.py [--keep FOLDER]

A fresh SQLite database in a temporary folder gets the Ngã Năm 2023 sample campaign
(:func:`samples.nga_nam_2023`, signing fields included) through ``import_campaign``; seven of
its eight units report quarters 1 and 2 (one late), six register for titles, one is corrected
with a reason; figures are made up but plausible, from a fixed recipe (the same pictures on
every run). The workbook is built by the bot's own path (``services.documents
.build_consolidated``) with a pinned clock, printed to PDF by LibreOffice (``soffice
--headless``) and each sheet's first page ("<sheet> — Trang 1" in the footer) turned into a PNG
by ``pdftoppm``. Needs LibreOffice and poppler-utils (see ``.ci/run``).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bot.app import open_app  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.campaign_spec import CampaignSpec, ValueType  # noqa: E402
from domain.clock import ManualClock  # noqa: E402
from samples import nga_nam_2023  # noqa: E402
from services.documents import build_consolidated  # noqa: E402
from storage.campaigns import import_campaign, load_campaign  # noqa: E402
from storage.models import (  # noqa: E402
    ChannelAccount,
    OrgUnit,
    Registration,
    RegistrationTitle,
    Reporter,
    ReporterUnit,
    Title,
)
from storage.values import Change, submit, write_values  # noqa: E402

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2023, 7, 12, 9, 30, tzinfo=ZONE)  # Quý 2/2023 was due on 10/07/2023
SHEETS = {
    "Tổng hợp": "tong-hop",
    "Tiến độ": "tien-do",
    "Lũy kế": "luy-ke",
    "Đăng ký thi đua": "dang-ky",
    "Chi tiết": "chi-tiet",
    "Biểu đồ": "bieu-do",
}
PICTURES = {**SHEETS, "Tổng hợp, trang ký": "tong-hop-trang-ky"}
REGISTERED = datetime(2023, 2, 14, 9, 15, tzinfo=ZONE)
SIGNED = "Tổng hợp, trang ký"  # the last page of "Tổng hợp": the signatures
MISSING = {"MY_BINH"}  # has not reported Quý 2
LATE = {"LONG_BINH"}

# per denominator: (smallest, largest) for the eight units; numerators take a share of it
SIZES = {
    "LUA_TONG": (18_000, 64_000),
    "THUY_SAN": (900, 2_600),
    "THU_NGAN_SACH": (3, 9),
    "TRUONG": (4, 9),
    "MG_DO_TUOI": (280, 720),
    "TH_DO_TUOI": (650, 1_480),
    "THCS_DO_TUOI": (520, 1_210),
    "THPT_DO_TUOI": (430, 990),
    "DAN_SO": (8_400, 21_500),
    "LD_DO_TUOI": (5_100, 12_800),
    "TONG_HO": (2_100, 5_400),
    "TONG_HO_KHMER": (310, 1_650),
}
SHARES = {  # numerator: (denominator, lowest share, highest share)
    "LUA_DAC_SAN": ("LUA_TONG", "0.58", "0.74"),
    "TRUONG_CHUAN": ("TRUONG", "0.6", "1"),
    "MG_RA_LOP": ("MG_DO_TUOI", "0.86", "0.97"),
    "TH_DUNG_TUOI": ("TH_DO_TUOI", "0.985", "1"),
    "THCS_DUNG_TUOI": ("THCS_DO_TUOI", "0.95", "0.995"),
    "THPT_DUNG_TUOI": ("THPT_DO_TUOI", "0.42", "0.6"),
    "BHYT": ("DAN_SO", "0.9", "0.985"),
    "LD_DAO_TAO": ("LD_DO_TUOI", "0.6", "0.72"),
    "LD_BANG_CC": ("LD_DO_TUOI", "0.5", "0.62"),
    "LD_CO_VIEC": ("LD_DO_TUOI", "0.68", "0.8"),
}
REDUCTIONS = {"GIAM_HO_NGHEO": ("1.2", "2.8"), "GIAM_HO_KHMER_NGHEO": ("1.8", "3.6")}


def spread(low: Decimal, high: Decimal, index: int, quarter: int) -> Decimal:
    """A figure between ``low`` and ``high`` for unit ``index`` (0-7) in ``quarter`` (1-2):
    units are shuffled by a fixed step so neighbours differ."""
    step = Decimal((index * 5 + quarter * 3) % 8) / 7
    return low + (high - low) * step


def figures(spec: CampaignSpec, index: int, quarter: int) -> dict[str, str]:
    """Canonical texts of one unit's figures for one quarter (year-to-date amounts grow)."""
    values: dict[str, Decimal] = {}
    for code, (low, high) in SIZES.items():
        size = spread(Decimal(low), Decimal(high), index, 1)
        values[code] = size * Decimal(quarter) / 2 if code.startswith(("LUA", "THU")) else size
    for code, (base, low, high) in SHARES.items():
        values[code] = values[base] * spread(Decimal(low), Decimal(high), index, quarter)
    for code, (low, high) in REDUCTIONS.items():
        values[code] = spread(Decimal(low), Decimal(high), index, quarter)
    texts: dict[str, str] = {}
    for element in spec.elements:
        if element.is_indicator:
            continue
        if element.value_type is ValueType.BOOLEAN:
            texts[element.code] = "0" if (index + len(element.code)) % 5 == 0 else "1"
        elif element.code in values:
            whole = element.value_type is ValueType.INTEGER or element.code in SIZES
            places = Decimal(1) if whole else Decimal("0.01")
            texts[element.code] = str(values[element.code].quantize(places))
    return texts


async def fill(settings: Settings) -> Path:
    """Load the sample and its made-up figures; build the workbook; return its path."""
    spec = nga_nam_2023()
    async with open_app(settings, clock=ManualClock(NOW)) as app:
        async with app.sessions() as session, session.begin():
            campaign_id = (await import_campaign(session, spec, NOW)).campaign_id
            campaign = await load_campaign(session, campaign_id)
            elements = {e.code: e.id for e in campaign.elements}
            titles = {t.code: t.id for t in await session.scalars(select(Title))}
            periods = {p.code: p for p in campaign.periods}
            for index, row in enumerate(spec.units):
                unit = await session.scalar(select(OrgUnit).where(OrgUnit.code == row.code))
                assert unit is not None
                person = Reporter(full_name=row.representatives[0], phone=row.phones[0])
                session.add(person)
                await session.flush()
                session.add(
                    ReporterUnit(reporter_id=person.id, org_unit_id=unit.id, bound_via="code")
                )
                chat = str(7_000_000 + index)  # bound on Telegram, so reachable
                session.add(
                    ChannelAccount(
                        channel="telegram", external_id=chat, chat_id=chat, reporter_id=person.id
                    )
                )
                if index < 6:
                    chosen = ["TTLDTT"] if index % 2 else ["TTLDXS", "TTLDTT"]
                    registration = Registration(
                        campaign_id=campaign_id,
                        org_unit_id=unit.id,
                        registered_by_id=person.id,
                        registered_at=REGISTERED,
                        updated_at=REGISTERED,
                    )
                    registration.titles = [
                        RegistrationTitle(title_id=titles[code]) for code in chosen
                    ]
                    session.add(registration)
                for quarter in (1, 2):
                    if quarter == 2 and row.code in MISSING:
                        continue
                    period = periods[f"2023Q{quarter}"]
                    late = quarter == 2 and row.code in LATE
                    at = datetime(2023, 3 * quarter + 1, 11 if late else 8, 15, tzinfo=ZONE)
                    changes = [
                        Change(elements[code], text)
                        for code, text in figures(spec, index, quarter).items()
                    ]
                    await write_values(session, unit.id, period.id, changes, person.id, at)
                    await submit(session, unit.id, period.id, person.id, at, late)
                if row.code == "P2":
                    fixed = [Change(elements["THU_NGAN_SACH"], "4.2", "Nhập nhầm số quý 1")]
                    period = periods["2023Q2"]
                    await write_values(session, unit.id, period.id, fixed, person.id, NOW)
        async with app.sessions() as session, session.begin():
            campaign = await load_campaign(session, campaign_id)
            period = next(p for p in campaign.periods if p.code == "2023Q2")
            built = await build_consolidated(
                session, campaign, period, now=NOW, zone=ZONE, reports_dir=settings.reports_dir
            )
    return Path(built.document.path)


def first_pages(pdf: Path) -> dict[str, int]:
    """The page (1-based) where each sheet starts, read from the footers, and the page with
    the signatures (:data:`SIGNED`)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    starts: dict[str, int] = {}
    for number, page in enumerate(text.split("\f"), 1):
        for sheet in SHEETS:
            if f"{sheet} — Trang 1" in page and sheet not in starts:
                starts[sheet] = number
        if "Nơi nhận" in page:
            starts[SIGNED] = number
    return starts


def render(workbook: Path, folder: Path, out: Path) -> list[Path]:
    """Print ``workbook`` to PDF and write each sheet's first page to ``out`` as PNG."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = folder / (workbook.stem + ".pdf")
    written = []
    for sheet, page in first_pages(pdf).items():
        stem = out / f"bao-cao-{PICTURES[sheet]}"
        pages = ["-f", str(page), "-l", str(page), "-singlefile"]
        subprocess.run(["pdftoppm", "-png", "-r", "70", *pages, str(pdf), str(stem)], check=True)
        written.append(stem.with_suffix(".png"))
    return written


def main() -> None:
    """Build, print and render; print the PNG paths written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="Also copy the workbook and PDF here.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        settings = Settings(database_url=f"sqlite+aiosqlite:///{folder}/sample.db").model_copy(
            update={"reports_dir": folder / "reports", "evidence_dir": folder / "evidence"}
        )
        workbook = asyncio.run(fill(settings))
        for path in render(workbook, folder, args.out):
            print(path)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(workbook, args.keep / "nga-nam.xlsx")
            shutil.copy(folder / (workbook.stem + ".pdf"), args.keep / "nga-nam.pdf")


if __name__ == "__main__":
    main()
