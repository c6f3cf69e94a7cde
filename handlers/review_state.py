"""Stored steps and data of the office's review conversations (``handlers.review_office``):
``/duyet`` and ``/binhxet``.

As in ``handlers.state``, everything here is stored: field names are JSON keys, every field has
a default; rename nothing, add fields with a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from handlers.state import CAMPAIGN_STEP, OfficeChoice


class ReviewOfficeStep(StrEnum):
    """Steps of ``/duyet`` (``/binhxet`` has the campaign step only)."""

    CAMPAIGN = CAMPAIGN_STEP
    UNIT = "unit"  # the units with their status, numbered
    ACTION = "action"  # one unit's scores: duyệt / trả lại / sửa điểm
    RETURN_REASON = "return_reason"  # why the scores go back to the unit
    CRITERION = "criterion"  # which criterion the office changes
    POINTS = "points"  # the new points
    EDIT_REASON = "edit_reason"  # why they change


@dataclass
class ReviewOfficeData(OfficeChoice):
    """``/duyet`` and ``/binhxet``: ``words`` typed after the command (a campaign or review
    code); the campaign and review chosen; the units as listed, the page of the list shown
    (0-based) and the unit chosen; the criteria as listed, the one being changed and its new
    points (canonical text)."""

    words: list[str] = field(default_factory=list)
    campaign_id: int | None = None
    review_id: int | None = None
    unit_ids: list[int] = field(default_factory=list)
    unit_id: int | None = None
    page: int = 0
    criterion_ids: list[int] = field(default_factory=list)
    criterion_id: int | None = None
    points: str | None = None
