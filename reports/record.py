"""The review's Word document (``/binhxet``, ``reportbot proposals``): the meeting record of
the commendation review (biên bản họp bình xét thi đua, khen thưởng) followed, on a new page, by
the list of units proposed for each collective title and of people proposed for each individual
title (danh sách đề nghị khen thưởng), in the
administrative layout of :mod:`reports.admin_document`. Pure: plain values in, ``.docx`` out.

The meeting's time, place, attendance and opinions are left as dotted lines for the secretary
to fill in: the bot knows the scores, not what was said.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt

from domain.numbers import format_number
from reports.admin_document import (
    BLANK,
    Signing,
    body,
    closing,
    national_header,
    set_page,
    set_widths,
    signatures,
    title,
)
from reports.data import ProposalReport, ScoreRow
from reports.excel import Target
from reports.proposals import proposed_people

DOTS = "…" * 24


def write_record(
    report: ProposalReport, signing: Signing, day: date | None, target: Target
) -> None:
    """Write the meeting record and the proposal list of ``report`` to ``target``; ``day`` is
    the meeting's date (None: left blank)."""
    document = docx.Document()
    set_page(document)
    _record(document, report, signing, day)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _proposal_list(document, report, signing, day)
    document.save(target)  # type: ignore[arg-type]


def _record(
    document: DocxDocument, report: ProposalReport, signing: Signing, day: date | None
) -> None:
    national_header(document, signing, day)
    title(document, "Biên bản", f"Họp bình xét thi đua, khen thưởng {report.header.period}")
    body(document, f"Phong trào: {report.header.campaign}.")
    for line in ("Thời gian", "Địa điểm", "Chủ trì", "Thư ký", "Thành phần tham dự"):
        body(document, f"{line}: {DOTS}", justify=False)
    body(document, "Nội dung:", bold=True)
    ranked = [row for row in report.rows if row.rank is not None]
    waiting = len(report.rows) - len(ranked)
    body(
        document,
        f"1. Kết quả chấm điểm: {len(report.rows)} đơn vị tham gia; {len(ranked)} đơn vị đã được "
        f"duyệt điểm"
        + (f", {waiting} đơn vị chưa đủ điểm để xếp hạng" if waiting else "")
        + f". Điểm cuối cùng tính theo: {report.weights}.",
    )
    _ranking_table(document, ranked)
    body(document, "2. Ý kiến thảo luận: " + DOTS, justify=False)
    body(document, "3. Kết quả bình xét, đề nghị khen thưởng:")
    for name in report.titles:
        chosen = [row.name for row in report.rows if name in row.titles]
        body(document, _decided(name, "đơn vị", chosen, report.tied.get(name), ", "))
    for name in report.person_titles:
        people = [p.label() for p in proposed_people(report.people, name)]
        body(document, _decided(name, "cá nhân", people, report.tied.get(name), "; "))
    body(document, f"Cuộc họp kết thúc vào lúc {BLANK} cùng ngày. Biên bản đã được thông qua.")
    signatures(document, ("Thư ký", ""), (signing.signer_title or "Chủ trì", signing.signer_name))


def _decided(title: str, noun: str, chosen: list[str], tied: Sequence[str] | None, sep: str) -> str:
    """ "- Tập thể lao động tiên tiến: 2 đơn vị (Thôn Đông, Thôn Đoài)." with the tie note;
    names joined by ``sep`` ("; " for people, whose labels may hold commas)."""
    line = f"- {title}: {len(chosen)} {noun}" + (f" ({sep.join(chosen)})" if chosen else "")
    if tied:
        line += f"; đồng điểm ở giới hạn tỷ lệ, Hội đồng xem xét: {sep.join(tied)}"
    return line + "."


def _ranking_table(document: DocxDocument, rows: list[ScoreRow]) -> None:
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    set_widths(table, [Cm(w) for w in (1.7, 4.5, 2.6, 5.1, 2.6)])
    heads = ("Hạng", "Đơn vị", "Điểm cuối cùng", "Danh hiệu đề nghị", "Cụm/khối")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        values = (
            str(row.rank),
            row.name,
            format_number(row.final, 2) if row.final is not None else "",
            ", ".join(row.titles),
            row.cluster,
        )
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].add_run(text).font.size = Pt(12)
    document.add_paragraph()


def _proposal_list(
    document: DocxDocument, report: ProposalReport, signing: Signing, day: date | None
) -> None:
    national_header(document, signing, day)
    title(
        document,
        "Danh sách đề nghị khen thưởng",
        f"{report.header.period} — {report.header.campaign}",
    )
    for name in report.titles:
        chosen = [row for row in report.rows if name in row.titles]
        body(document, f"{name} ({len(chosen)} đơn vị)", bold=True)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        set_widths(table, [Cm(w) for w in (1.4, 9.6, 3, 2.5)])
        for cell, text in zip(table.rows[0].cells, ("STT", "Đơn vị", "Điểm", "Hạng"), strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for number, row in enumerate(chosen, 1):
            values = (str(number), row.name, format_number(row.final or 0, 2), str(row.rank or ""))
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.paragraphs[0].add_run(text)
        tied = report.tied.get(name)
        if tied:
            note = body(
                document, "Đồng điểm ở giới hạn tỷ lệ, Hội đồng xem xét: " + ", ".join(tied)
            )
            note.runs[0].italic = True
        document.add_paragraph()
    for name in report.person_titles:
        _people_table(document, report, name)
    signer = (signing.signer_title or "Thủ trưởng đơn vị", signing.signer_name)
    closing(document, signing.recipients, signer)


def _people_table(document: DocxDocument, report: ProposalReport, name: str) -> None:
    """The people proposed for the individual title ``name``: STT, full name, position, unit."""
    people = proposed_people(report.people, name)
    body(document, f"{name} ({len(people)} cá nhân)", bold=True)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    set_widths(table, [Cm(w) for w in (1.4, 6, 4.6, 4.5)])
    heads = ("STT", "Họ và tên", "Chức vụ", "Đơn vị")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for number, person in enumerate(people, 1):
        values = (str(number), person.full_name, person.position, person.unit)
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(text)
    tied = report.tied.get(name)
    if tied:
        note = body(document, "Đồng điểm ở giới hạn tỷ lệ, Hội đồng xem xét: " + "; ".join(tied))
        note.runs[0].italic = True
    document.add_paragraph()
