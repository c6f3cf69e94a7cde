"""Building workbooks (a service: conversations, the scheduler, the command line and the
document worker call it; it never imports a conversation).

The consolidated workbook of a campaign period and the registrations workbook of a campaign are
read from the database (``storage.report_rows``), written by the pure builders (``reports/``)
in a worker thread into the reports folder (``REPORTBOT_REPORTS_DIR``) under a unique name, and
sent under a short ASCII name (``Tong-hop-NGANAM2026-2026Q4.xlsx``): phones and mail programs
mangle accented file names. The folder keeps a workbook for :data:`KEEP_REPORTS`.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.i18n import VIETNAMESE, _, translating
from domain.messages import Document
from domain.periods import period_name
from reports.consolidated import write_consolidated
from reports.data import ConsolidatedReport, ProposalReport, RegistrationReport, ReportStatus
from reports.proposals import write_proposals
from reports.record import write_record
from reports.registrations import write_registrations
from services.proposals import (
    ProposalDocuments,
    proposal_caption,
    proposal_documents,
    record_caption,
)
from storage import report_rows
from storage.models import Campaign, Period, Review

log = logging.getLogger(__name__)

R = TypeVar("R")


@dataclass(frozen=True)
class BuiltReport:
    """A workbook written into the reports folder, ready to send: the document and a caption;
    ``extra``: further documents sent after it, each with its caption (the proposal's Word
    record)."""

    document: Document
    caption: str
    extra: tuple[tuple[Document, str], ...] = ()


async def build_consolidated(
    session: AsyncSession,
    campaign: Campaign,
    period: Period,
    *,
    now: datetime,
    zone: ZoneInfo,
    reports_dir: Path,
) -> BuiltReport:
    """Read the rows of ``campaign`` (loaded) for ``period``, write the consolidated workbook
    into ``reports_dir`` (created if need be) and return it with its caption.

    Raises what the builder or the file system raise (OSError for an unwritable folder).
    """
    with translating(VIETNAMESE):  # workbooks are Vietnamese; the caption is the reader's
        report = await report_rows.consolidated_report(session, campaign, period, now, zone)
    stem = f"{_safe(campaign.code)}-{_safe(period.code)}"
    path = await write_file(write_consolidated, report, reports_dir, f"tong-hop-{stem}", now)
    return BuiltReport(Document(f"Tong-hop-{stem}.xlsx", str(path)), consolidated_caption(report))


async def build_registrations(
    session: AsyncSession,
    campaign: Campaign,
    *,
    now: datetime,
    zone: ZoneInfo,
    reports_dir: Path,
) -> BuiltReport:
    """Like :func:`build_consolidated`, for the registrations workbook of ``campaign``."""
    with translating(VIETNAMESE):
        report = await report_rows.registrations_report(session, campaign, now, zone)
    stem = _safe(campaign.code)
    path = await write_file(
        write_registrations, report, reports_dir, f"dang-ky-thi-dua-{stem}", now
    )
    return BuiltReport(
        Document(f"Dang-ky-thi-dua-{stem}.xlsx", str(path)), registrations_caption(report)
    )


async def build_proposals(
    session: AsyncSession,
    campaign: Campaign,
    review: Review,
    *,
    now: datetime,
    zone: ZoneInfo,
    reports_dir: Path,
) -> BuiltReport:
    """Like :func:`build_consolidated`, for a review's commendation proposal: the workbook
    (``reports.proposals``) and, as an extra document, the Word meeting record and proposal
    list (``reports.record``)."""
    with translating(VIETNAMESE):
        made = await proposal_documents(session, campaign, review, now, zone)
    stem = f"{_safe(campaign.code)}-{_safe(review.code)}"
    book = await write_file(write_proposals, made.report, reports_dir, f"de-nghi-{stem}", now)
    record = await write_file(
        record_writer(made), made.report, reports_dir, f"bien-ban-{stem}", now, suffix=".docx"
    )
    return BuiltReport(
        Document(f"De-nghi-khen-thuong-{stem}.xlsx", str(book)),
        proposal_caption(campaign, review, made.report),
        ((Document(f"Bien-ban-binh-xet-{stem}.docx", str(record)), record_caption(review)),),
    )


def record_writer(made: ProposalDocuments) -> Callable[[ProposalReport, Path], None]:
    """The Word builder bound to ``made``'s signing and meeting day, shaped like a workbook
    builder (report, target) for :func:`write_file` and :func:`save_as`."""

    def write(report: ProposalReport, target: Path) -> None:
        write_record(report, made.signing, made.day, target)

    return write


async def write_file(
    write: Callable[[R, Path], None],
    report: R,
    folder: Path,
    prefix: str,
    now: datetime,
    *,
    suffix: str = ".xlsx",
) -> Path:
    """Write ``report`` with the builder ``write`` (in a worker thread) to a new file of
    ``folder``: ``<prefix>-<UTC time>-<random><suffix>``, an absolute path. A failed write
    leaves no file behind."""
    folder = folder.resolve()
    written = now.astimezone(UTC)
    path = folder / f"{prefix}-{written:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}{suffix}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(write, report, path)
    except OSError as error:
        _remove(path)
        log.error("cannot write the workbook %s: %s", path, error)
        raise ReportsFolderProblem(folder, error) from error
    except BaseException:
        _remove(path)
        raise
    prune(folder, now)
    return path


def _remove(path: Path) -> None:
    """Remove a half-written file, if there is one and it can be removed."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove the half-written %s", path)


class ReportsFolderProblem(DomainError):
    """The reports folder (``REPORTBOT_REPORTS_DIR``) cannot take the workbook: full, read-only,
    missing or not a folder. The office is told what is wrong; the log has the path."""

    def __init__(self, folder: Path, error: OSError) -> None:
        why = {
            errno.ENOSPC: _("ổ đĩa đã đầy"),
            errno.EDQUOT: _("đã hết dung lượng được cấp"),
            errno.EROFS: _("ổ đĩa chỉ cho đọc"),
            errno.EACCES: _("bot không được phép ghi vào đó"),
            errno.EPERM: _("bot không được phép ghi vào đó"),
            errno.ENOTDIR: _("đường dẫn không phải là thư mục"),
            errno.EEXIST: _("đường dẫn không phải là thư mục"),
        }.get(error.errno or 0, error.strerror or str(error))
        super().__init__(
            _(
                "Không lập được file Excel: thư mục lưu báo cáo trên máy chủ ({folder}) có "
                "vấn đề — {why}. Số liệu không bị ảnh hưởng. Hãy báo người quản trị máy chủ "
                "(thiết lập REPORTBOT_REPORTS_DIR)."
            ).format(folder=folder, why=why)
        )


OWN_FILE = re.compile(
    r"(?:tong-hop|dang-ky-thi-dua|de-nghi|bien-ban)-[A-Za-z0-9_.-]+"
    r"-(?P<written>\d{8}T\d{6})-[0-9a-f]{8}\.(?:xlsx|docx)"
)
"""The names :func:`write_file` gives (with the UTC time it wrote them, by the application's
clock); :func:`prune` deletes nothing else."""

KEEP_REPORTS = timedelta(days=7)
"""How long a workbook file stays in the reports folder: long enough for the outbox to send
it (its retries end within hours), short enough that old phone lists do not pile up."""


def prune(folder: Path, now: datetime, keep: timedelta = KEEP_REPORTS) -> int:
    """Delete the bot's workbooks (:data:`OWN_FILE`) in ``folder`` written more than ``keep``
    before ``now`` (aware, the application's clock), judged by the time in their names, so the
    file system's clock never disagrees with the bot's; returns how many. Other files are never
    touched; files that vanish meanwhile are skipped."""
    oldest = now.astimezone(UTC).replace(tzinfo=None) - keep
    removed = 0
    for path in [*folder.glob("*.xlsx"), *folder.glob("*.docx")]:
        name = OWN_FILE.fullmatch(path.name)
        if name is None:
            continue  # someone else's workbook in the same folder
        if datetime.strptime(name["written"], "%Y%m%dT%H%M%S") < oldest:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


async def save_as(write: Callable[[R, Path], None], report: R, target: Path) -> Path:
    """Write ``report`` to ``target`` through a temporary file beside it, renamed on success,
    so a failed build never leaves half a file or replaces a good one; the absolute path.

    Raises DomainError (in Vietnamese) when the folder is missing or not writable.
    """
    target = target.resolve()
    if not target.parent.is_dir():  # say so before building, not after
        missing = FileNotFoundError(errno.ENOENT, _("thư mục không tồn tại"), str(target.parent))
        raise CannotSave(target, missing)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        await asyncio.to_thread(write, report, temporary)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise CannotSave(target, error) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


class CannotSave(DomainError):
    """The workbook could not be written where asked."""

    def __init__(self, target: Path, error: OSError) -> None:
        super().__init__(
            _(
                "Không lưu được file {target}: {reason}. "
                "Kiểm tra thư mục có tồn tại và được phép ghi không."
            ).format(target=target, reason=error.strerror or error)
        )


def _safe(code: str) -> str:
    """A code as it may appear in a file name: ASCII letters, digits, ``_ . -``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", code).strip("-.") or "x"


def consolidated_caption(report: ConsolidatedReport) -> str:
    """The text sent with the consolidated workbook: what it is and how many units reported."""
    statuses = [unit.status for unit in report.units]
    on_time = statuses.count(ReportStatus.ON_TIME)
    late = statuses.count(ReportStatus.LATE)
    return "\n".join(
        [
            _("📊 Báo cáo tổng hợp {period} — {campaign}").format(
                period=period_name(report.period.code), campaign=report.header.campaign
            ),
            _("Đã báo cáo {done}/{total} đơn vị (đúng hạn {on_time}, trễ hạn {late}).").format(
                done=on_time + late, total=len(statuses), on_time=on_time, late=late
            ),
        ]
    )


def registrations_caption(report: RegistrationReport) -> str:
    """The text sent with the registrations workbook."""
    registered = sum(1 for row in report.rows if row.registered_at is not None)
    return "\n".join(
        [
            _("📋 Danh sách đăng ký thi đua — {campaign}").format(campaign=report.header.campaign),
            _("Đã đăng ký {done}/{total} đơn vị.").format(done=registered, total=len(report.rows)),
        ]
    )
