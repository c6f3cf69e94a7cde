"""The layout of a Vietnamese administrative document in Word (python-docx), as Decree
30/2020/NĐ-CP (Appendix I) sets it: A4, Times New Roman 13-14 pt, margins top/bottom 20 mm,
left 30 mm, right 15 mm; the issuing body (its parent above it) and the document number on the
left, the national name and the underlined motto on the right, the place and date in italics;
the title; the body; the signature block; "Nơi nhận". Shared by every Word document the bot
writes (the review's meeting record and proposal list first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from reports.data import Signing

__all__ = ["Signing"]

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
BLANK = "…………"


def set_page(document: DocxDocument) -> None:
    """A4 portrait with the decree's margins and Times New Roman 13 pt as the normal style."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = BODY_SIZE
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)


def national_header(document: DocxDocument, signing: Signing, day: date | None) -> None:
    """The two-column heading: parent and issuing body with the number | national name, motto
    (underlined) and "Place, ngày dd tháng mm năm yyyy" (blanks when ``day`` is None)."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, (Cm(6.3), Cm(10.2)))
    left, right = table.rows[0].cells
    if signing.parent_body:
        _line(left, signing.parent_body.upper(), size=12, first=True)
    _line(left, signing.issuing_body.upper(), bold=True, size=12, first=not signing.parent_body)
    _line(left, "───────", size=10)
    _line(left, f"Số: {BLANK}/{signing.number_suffix}" if signing.number_suffix else "", size=13)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, first=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True)
    _line(right, "", size=6)
    _line(right, date_line(signing.place, day), italic=True, size=13)


def set_widths(table: Table, widths: Sequence[Length]) -> None:
    """Fixed column widths (Word and LibreOffice both honour them only on every cell)."""
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = width
        for cell in table.columns[index].cells:
            cell.width = width


def date_line(place: str, day: date | None) -> str:
    """ "Xuân Sơn, ngày 05 tháng 07 năm 2026"; blanks for the date when ``day`` is None."""
    when = (
        f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
        if day
        else "ngày … tháng … năm …"
    )
    return f"{place}, {when}" if place else when.capitalize()


def _line(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = 13,
    first: bool = False,
) -> Paragraph:
    paragraph: Paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return paragraph


def title(document: DocxDocument, heading: str, subject: str = "") -> None:
    """The document's name in capitals and what it is about, centred and bold."""
    document.add_paragraph()
    for text, size in ((heading.upper(), 14), (subject, 13)):
        if text:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.bold, run.font.size = True, Pt(size)
    document.add_paragraph()


def body(
    document: DocxDocument, text: str, *, bold: bool = False, justify: bool = True
) -> Paragraph:
    """A body paragraph with the decree's 1 cm first-line indent, justified unless it is a
    line to fill in by hand (``justify`` False)."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if justify else WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.add_run(text).bold = bold
    return paragraph


def signatures(document: DocxDocument, left: tuple[str, str], right: tuple[str, str]) -> None:
    """Two signature columns, each (title, name): the title in capitals, "(Ký, ghi rõ họ
    tên)" under it, room to sign, the name in bold (a blank line when unknown)."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    for cell, (role, name) in zip(table.rows[0].cells, (left, right), strict=True):
        _signer(cell, role, name)


def closing(document: DocxDocument, lines: Sequence[str], signer: tuple[str, str]) -> None:
    """The end of a document: "Nơi nhận:" on the left (the label bold italic 12 pt, then "- line;"
    in 11 pt, the last ending with a full stop; "Lưu: VT." when none is given) beside the
    signer's block on the right (title, name)."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    set_widths(table, (Cm(7.5), Cm(9)))
    left, right = table.rows[0].cells
    label = left.paragraphs[0].add_run("Nơi nhận:")
    label.bold, label.italic, label.font.size = True, True, Pt(12)
    shown = list(lines) or ["Lưu: VT"]
    for index, line in enumerate(shown):
        end = "." if index == len(shown) - 1 else ";"
        left.add_paragraph().add_run(f"- {line.rstrip(';.')}{end}").font.size = Pt(11)
    _signer(right, *signer)


def _signer(cell: _Cell, role: str, name: str) -> None:
    _line(cell, role.upper(), bold=True, first=True)
    _line(cell, "(Ký, ghi rõ họ tên)", italic=True, size=12)
    for _ in range(3):
        _line(cell, "")
    _line(cell, name or BLANK, bold=True)
