"""The commendation proposal workbook of a review (``/binhxet``, ``reportbot proposals``).

Sheets: "Xếp hạng" (each unit's self, cross, office and final score, rank, titles proposed),
"Điểm theo tiêu chí" (points per criterion), "Đề nghị khen thưởng" (the units proposed per
collective title, then the people proposed per individual title, with ties at a title's cap left
to the council) and "Minh chứng" (the evidence list with links). Pure: a :class:`~reports.data.ProposalReport` in, an ``.xlsx`` out.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl.utils import get_column_letter

from domain.numbers import format_number
from reports.data import PersonRow, ProposalReport, ScoreRow
from reports.excel import (
    HEADER_ROWS,
    NUMBER_DEC,
    NUMBER_INT,
    TEXT,
    TEXT_CENTER,
    WHEN,
    Look,
    RowMaker,
    StreamSheet,
    Styles,
    Target,
    add_sheet,
    new_workbook,
    set_print,
    set_widths,
    write_header,
    write_signature,
)
from reports.layout import (
    lead_columns,
    lead_looks,
    lead_values,
    lead_widths,
    write_two_row_head,
)

APPROVED, NOT_APPROVED = "Đã duyệt", "Chưa duyệt"


def write_proposals(report: ProposalReport, target: Target) -> None:
    """Write the proposal workbook (four sheets) to ``target`` (a path or a binary stream)."""
    book = new_workbook()
    styles = Styles(book)
    _ranking(add_sheet(book, "Xếp hạng"), styles, report)
    _criteria(add_sheet(book, "Điểm theo tiêu chí"), styles, report)
    _proposed(add_sheet(book, "Đề nghị khen thưởng"), styles, report)
    _evidence(add_sheet(book, "Minh chứng"), styles, report)
    book.save(target)


def _start(
    sheet: StreamSheet,
    styles: Styles,
    report: ProposalReport,
    widths: Sequence[float],
    lead: int,
    title: str,
    head_height: float = 32,
) -> None:
    set_widths(sheet, widths)
    first = HEADER_ROWS + 1
    sheet.row_dimensions[first + 1].height = head_height
    sheet.freeze_panes = f"{get_column_letter(lead + 1)}{first + 2}"
    width = set_print(sheet, (first, first + 1), widths, lead)
    header = report.header
    write_header(
        sheet,
        styles,
        width,
        issuing_body=header.issuing_body,
        title=title,
        lines=[header.campaign, header.period],
        generated_at=header.generated_at,
        signing=header.signing,
    )


def _ranking(sheet: StreamSheet, styles: Styles, report: ProposalReport) -> None:
    lead = lead_columns(row.cluster for row in report.rows)
    scores = ["Tự chấm", "Chấm chéo (trung bình)", "Văn phòng", "Điểm cuối cùng"]
    tail = ["Xếp hạng", "Danh hiệu đề nghị", "Tình trạng"]
    widths = [*lead_widths(lead), 11, 13, 11, 12, 9, 48, 12]
    _start(sheet, styles, report, widths, len(lead), "KẾT QUẢ CHẤM ĐIỂM THI ĐUA")
    write_two_row_head(sheet, styles, lead, [(f"Điểm ({report.weights})", scores)], tail)
    looks = lead_looks(lead) + [NUMBER_DEC] * 4 + [TEXT_CENTER, TEXT, TEXT_CENTER]
    maker = RowMaker(sheet, styles, looks, fit=True)
    for number, row in enumerate(report.rows, 1):
        cells = lead_values(number, row.cluster, row.name, lead)
        cells += [row.own, _cross(row), row.office, row.final]
        cells += [row.rank, ", ".join(row.titles), APPROVED if row.approved else NOT_APPROVED]
        sheet.append(maker.row(cells))


def _cross(row: ScoreRow) -> Decimal | None:
    return row.cross if row.cross_count else None


def _criteria(sheet: StreamSheet, styles: Styles, report: ProposalReport) -> None:
    lead = lead_columns(row.cluster for row in report.rows)
    columns = [
        f"{c.code}. {c.name} (tối đa {format_number(c.max_points)}; {c.kind})"
        for c in report.criteria
    ]
    widths = lead_widths(lead) + [14] * len(columns) + [12]
    _start(sheet, styles, report, widths, len(lead), "ĐIỂM THEO TIÊU CHÍ", 78)
    write_two_row_head(sheet, styles, lead, [("Tiêu chí", columns)], ["Điểm cuối cùng"])
    maker = RowMaker(sheet, styles, lead_looks(lead) + [NUMBER_DEC] * (len(columns) + 1))
    for number, row in enumerate(report.rows, 1):
        cells = lead_values(number, row.cluster, row.name, lead)
        cells += [row.points.get(c.code) for c in report.criteria]
        sheet.append(maker.row([*cells, row.final]))


def _proposed(sheet: StreamSheet, styles: Styles, report: ProposalReport) -> None:
    widths = [6, 46, 22, 22]  # the motto spans the last two (write_header)
    _start(sheet, styles, report, widths, 0, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
    heads = ["STT", "Đơn vị / cá nhân", "Điểm cuối cùng", "Xếp hạng"]
    write_two_row_head(sheet, styles, [], [], heads)
    maker = RowMaker(sheet, styles, [TEXT_CENTER, TEXT, NUMBER_DEC, NUMBER_INT], fit=True)
    for title in report.titles:
        chosen = [row for row in report.rows if title in row.titles]
        _group(sheet, maker, f"{title} ({len(chosen)} đơn vị)")
        for number, row in enumerate(chosen, 1):
            sheet.append(maker.row([number, row.name, row.final, row.rank]))
        _tie_note(sheet, maker, report.tied.get(title))
    for title in report.person_titles:
        people = proposed_people(report.people, title)
        _group(sheet, maker, f"{title} ({len(people)} cá nhân)")
        for number, person in enumerate(people, 1):
            sheet.append(maker.row([number, person.label(), person.final, None]))
        _tie_note(sheet, maker, report.tied.get(title))
    # the list the office signs and sends: "Nơi nhận" and the signatures, as on "Tổng hợp"
    write_signature(sheet, styles, widths, report.header.signing, sheet.written + 1)


def proposed_people(people: Sequence[PersonRow], title: str) -> list[PersonRow]:
    """The people proposed for the individual title ``title`` (its name), in order."""
    return [p for p in people if p.proposed and p.title == title]


def _group(sheet: StreamSheet, maker: RowMaker, head: str) -> None:
    """A title's heading row."""
    sheet.append(
        maker.row([None, head], [TEXT_CENTER, Look(bold=True, wrap=True), NUMBER_DEC, NUMBER_INT])
    )


def _tie_note(sheet: StreamSheet, maker: RowMaker, tied: Sequence[str] | None) -> None:
    """Who tied at a title's cap: the council decides between them."""
    if tied:
        note = "Đồng điểm ở giới hạn tỷ lệ, Hội đồng xem xét: " + ", ".join(tied)
        sheet.append(
            maker.row(
                [None, note], [TEXT_CENTER, Look(italic=True, wrap=True), NUMBER_DEC, NUMBER_INT]
            )
        )


def _evidence(sheet: StreamSheet, styles: Styles, report: ProposalReport) -> None:
    widths = [6, 26, 30, 28, 20, 16, 40]
    _start(sheet, styles, report, widths, 0, "DANH SÁCH MINH CHỨNG")
    heads = ["STT", "Đơn vị", "Tiêu chí", "Tệp", "Người gửi", "Thời gian", "Đường dẫn"]
    write_two_row_head(sheet, styles, [], [], heads)
    maker = RowMaker(sheet, styles, [TEXT_CENTER, TEXT, TEXT, TEXT, TEXT, WHEN, TEXT], fit=True)
    for number, item in enumerate(report.evidence, 1):
        sheet.append(
            maker.row(
                [
                    number,
                    item.unit,
                    item.criterion,
                    item.file_name,
                    item.sent_by,
                    item.sent_at,
                    item.link,
                ]
            )
        )
