"""Cell styles shared by the template's data sheets and its instructions sheet."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

__all__ = ["HEADER_FILL", "HEADER_FONT", "WRAP_TOP"]

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
"""Header rows: bold on light blue."""
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
"""Long help texts in the instructions sheet."""
