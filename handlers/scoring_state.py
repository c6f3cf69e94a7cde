"""What the scoring conversations store (``/chamdiem``, ``/chamcheo``, ``/tonghopcum``): their
step names and typed data.

Stored format, as ``handlers.state``: step values and field names are JSON keys kept in
``conversation_state``; rename nothing, add fields with a default. The points themselves are
never kept here: a score sheet (``storage.models.ScoreSheet``, status draft) is the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ScoringStep(StrEnum):
    """Steps of ``/chamdiem`` and ``/chamcheo``."""

    REVIEW = "review"  # which review (sơ kết / tổng kết) of which campaign
    PEER = "peer"  # /chamcheo: which unit of the cluster
    POINTS = "points"  # one criterion's points (and, self-scoring, its evidence)
    REASON = "reason"  # why the points differ (from the automatic or self score; after submit)
    SUMMARY = "summary"  # every criterion, the total, submit or correct
    PICK = "pick"  # which criterion to correct


class ScoreMode(StrEnum):
    """What the points step is doing."""

    FILL = "fill"  # criteria in order, from the first without points
    FIX = "fix"  # one criterion from the summary, then back to it


class ClusterStep(StrEnum):
    """Steps of ``/tonghopcum``."""

    REVIEW = "review"
    RANK = "rank"


@dataclass
class ScoringData:
    """``/chamdiem`` and ``/chamcheo``. ``unit_id``: the unit scoring; ``target_id``: the unit
    scored (itself when self-scoring); ``reviews`` and ``peers``: the choices as shown;
    ``sheet_id``: the score sheet being filled; ``index``: the criterion asked (0-based, sheet
    order); ``pending``: points (canonical text) waiting for their reason; ``reason``: a reason
    typed with a one-line correction ("sửa 3 8 vì ...")."""

    unit_id: int | None = None
    reviews: list[int] = field(default_factory=list)
    review_id: int | None = None
    peers: list[int] = field(default_factory=list)
    target_id: int | None = None
    sheet_id: int | None = None
    index: int = 0
    mode: ScoreMode = ScoreMode.FILL
    pending: str | None = None
    reason: str = ""


@dataclass
class ClusterData:
    """``/tonghopcum``: the head's unit, the reviews offered, the review chosen and the units
    in the order shown (the best by score first), which the ranking typed refers to."""

    unit_id: int | None = None
    reviews: list[int] = field(default_factory=list)
    review_id: int | None = None
    units: list[int] = field(default_factory=list)
