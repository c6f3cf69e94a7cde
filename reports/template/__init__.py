"""The campaign template: the Excel workbook in which an office defines a campaign.

A workbook with fixed sheets and columns describes one :class:`~domain.campaign_spec.CampaignSpec`
(sheets "Phong trào", "Chỉ tiêu", "Đơn vị", "Danh hiệu", and the optional "Tiêu chí" and "Sơ kết,
tổng kết", after the instructions sheet "Hướng dẫn").
:func:`write_template` writes the blank template, or a filled one from a spec (the shipped
samples); :func:`read_template` validates a whole workbook and returns the spec, or raises
:class:`TemplateInvalid` listing every problem found (sheet, row, column, Vietnamese message).

Modules:

* :mod:`~reports.template.columns`: the sheets, their columns (headers, help, drop-downs,
  formats) and intros: data only;
* :mod:`~reports.template.writer` and :mod:`~reports.template.guide`: writing the workbook and
  its instructions sheet (:mod:`~reports.template.styles`: the shared header style);
* :mod:`~reports.template.reader`, :mod:`~reports.template.elements` and
  :mod:`~reports.template.tables`: loading the sheets, matching headers, reading rows and
  checking rules across cells and rows; :mod:`~reports.template.scoring`: the criteria and
  reviews; :mod:`~reports.template.errors`: what is reported;
* the value of one cell (codes, dates, numbers with their unit, yes/no, day counts, drop-down
  choices) is read by :mod:`domain.template_cells` and :mod:`domain.template_choices`.
"""

from __future__ import annotations

from domain.template_cells import MAX_REMINDER_DAYS
from reports.template.columns import (
    CAMPAIGN_SHEET,
    CRITERIA_SHEET,
    DATA_SHEETS,
    ELEMENTS_SHEET,
    GUIDE_SHEET,
    IMPORT_COMMAND,
    OPTIONAL_SHEETS,
    REVIEWS_SHEET,
    TEMPLATE_COLUMNS,
    TITLES_SHEET,
    UNITS_SHEET,
    Column,
)
from reports.template.errors import TemplateError, TemplateInvalid
from reports.template.reader import read_template
from reports.template.writer import write_template

__all__ = [
    "CAMPAIGN_SHEET",
    "CRITERIA_SHEET",
    "DATA_SHEETS",
    "ELEMENTS_SHEET",
    "GUIDE_SHEET",
    "IMPORT_COMMAND",
    "MAX_REMINDER_DAYS",
    "OPTIONAL_SHEETS",
    "REVIEWS_SHEET",
    "TEMPLATE_COLUMNS",
    "TITLES_SHEET",
    "UNITS_SHEET",
    "Column",
    "TemplateError",
    "TemplateInvalid",
    "read_template",
    "write_template",
]
