"""What a conversation stores (``conversation_state``): flow and step names, and each flow's
typed scratch data.

Everything here is stored, so every name and field name is part of the stored format: a person
half-way through a flow when a new version is deployed goes on from what the old one wrote.
Rename nothing; add fields with a default. ``handlers.codec`` gives the JSON rules
(``tests/corpus/flow_states_v1.json`` holds states as stored before these types existed).

A step reads and changes its flow's data with ``ctx.data(SubmissionData)`` and the values that
survive the end of a flow with ``ctx.keep`` (:class:`Keep`); ``handlers.flow`` stores them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FlowName(StrEnum):
    """The stored name of each flow (``conversation_state.flow``)."""

    NHAP = "nhap"  # figure submission (handlers.submission)
    DANGKY = "dangky"  # campaign registration (handlers.registration)
    MOKHOA = "mokhoa"  # reopening a locked period (handlers.reopen)
    TIENDO = "tiendo"  # reporting progress (handlers.office)
    NHACNHO = "nhacnho"  # reminding now (handlers.remind)
    DONVI = "donvi"  # choosing the unit acted for (handlers.units)
    LIENKET = "lienket"  # binding with a code (handlers.binding)
    MENU = "menu"  # the main menu (handlers.menu)
    TONGHOP = "tonghop"  # the consolidated workbook (handlers.reports)
    DANGKYTHIDUA = "dangkythidua"  # the registrations workbook (handlers.reports)
    CHAMDIEM = "chamdiem"  # self-scoring a review (handlers.scoring)
    CHAMCHEO = "chamcheo"  # cross-scoring the cluster's units (handlers.scoring)
    TONGHOPCUM = "tonghopcum"  # the cluster head's table and ranking (handlers.cluster)
    DUYET = "duyet"  # the office's review of a unit's scores (handlers.review_office)
    BINHXET = "binhxet"  # the commendation proposal (handlers.review_office)


CAMPAIGN_STEP = "campaign"
"""The step of ``handlers.common.campaign_step``, the same name in every flow that has it."""


class SubmissionStep(StrEnum):
    """Steps of ``/nhap``."""

    CAMPAIGN = CAMPAIGN_STEP
    PERIOD = "period"
    VALUE = "value"
    CHECK = "check"
    SUMMARY = "summary"
    PICK = "pick"
    SUBMITTED = "submitted"
    REASON = "reason"


class RegistrationStep(StrEnum):
    """Steps of ``/dangky``."""

    CAMPAIGN = CAMPAIGN_STEP
    EXISTING = "existing"
    TITLES = "titles"
    WANT_TARGETS = "want_targets"
    TARGET = "target"
    CONFIRM = "confirm"
    PERSON_TITLES = "person_titles"  # which individual titles to name people for
    PEOPLE = "people"  # the people of one individual title, one a message
    MODELS = "models"  # named models and initiatives (mô hình, sáng kiến)


class ReopenStep(StrEnum):
    """Steps of ``/mokhoa``."""

    CAMPAIGN = CAMPAIGN_STEP
    PERIOD = "period"
    UNIT = "unit"
    DAYS = "days"
    CONFIRM = "confirm"


class OfficeStep(StrEnum):
    """The one step of ``/tiendo``, ``/nhacnho``, ``/tonghop`` and ``/dangkythidua``."""

    CAMPAIGN = CAMPAIGN_STEP


class UnitStep(StrEnum):
    """The one step of ``/donvi``."""

    CHOOSE = "choose"


class BindingStep(StrEnum):
    """The one step of binding (``lienket``)."""

    CODE = "code"


class MenuStep(StrEnum):
    """The one step of the main menu."""

    MAIN = "main"


class Mode(StrEnum):
    """What the value step of ``/nhap`` is doing."""

    FILL = "fill"  # answering the figures in order
    FIX_DRAFT = "fix_draft"  # correcting one figure of the draft (from the summary)
    QUEUE = "queue"  # asking the unclear lines of a paste, one by one
    FIX_FILL = "fix_fill"  # "sửa 4 …" while answering in order; then back to ``resume``
    FIX_SUBMITTED = "fix_submitted"  # correcting a submitted figure, with a reason


DRAFT_MODES = frozenset({Mode.FILL, Mode.FIX_DRAFT, Mode.QUEUE, Mode.FIX_FILL})
"""Modes that write into the draft (kept after ``/huy``), not into submitted values."""


@dataclass
class NoData:
    """The data of a flow that keeps none (menu, binding)."""


@dataclass
class CampaignChoice:
    """Data of a flow with a ``campaign_step``: the campaign ids offered, in order."""

    campaigns: list[int] = field(default_factory=list)


@dataclass
class SubmissionData(CampaignChoice):
    """``/nhap``. ``index``: the element asked (0-based, campaign order); ``queue``: unclear
    pasted lines still to ask, ``(element index, text)``; ``resume``: the index to go back to
    after a correction mid-entry; ``short``: the next summary is the question alone;
    ``question`` and ``options`` (``(value, label)``): the check step's question; ``stored``:
    the submitted values (element id as text → value) while correcting them; ``reason`` and
    ``new_value``: a correction of a submitted value waiting for its reason."""

    unit_id: int | None = None
    campaign_id: int | None = None
    period_ids: list[int] = field(default_factory=list)
    period_id: int | None = None
    mode: Mode | None = None
    index: int = 0
    resume: int | None = None
    queue: list[tuple[int, str]] = field(default_factory=list)
    short: bool = False
    question: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    stored: dict[str, str | None] = field(default_factory=dict)
    reason: str = ""
    new_value: str | None = None


@dataclass
class RegistrationData(CampaignChoice):
    """``/dangky``: the titles chosen, the committed targets (element id as text → value) and
    the target asked (``index``, among the elements that take one).

    ``people``: the individuals named for individual titles, ``(title id, full name,
    position)`` in the order typed; ``person_titles``: the individual titles still to name
    people for, the first being asked; ``models``: the models and initiatives, ``(name,
    description)``; ``model_name``: a model's name typed alone, waiting for its description."""

    unit_id: int | None = None
    campaign_id: int | None = None
    title_ids: list[int] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)
    index: int = 0
    people: list[tuple[int, str, str]] = field(default_factory=list)
    person_titles: list[int] = field(default_factory=list)
    models: list[tuple[str, str]] = field(default_factory=list)
    model_name: str | None = None


@dataclass
class OfficeChoice(CampaignChoice):
    """An office command's campaign choice (``handlers.office.choose_campaign``): ``period``
    is the period code typed after the command, if any. The data of ``/tonghop`` and
    ``/dangkythidua``."""

    period: str | None = None


@dataclass
class ProgressData(OfficeChoice):
    """``/tiendo``."""


@dataclass
class RemindData(OfficeChoice):
    """``/nhacnho``: ``urgent`` (``gap``) sends even in the quiet hours."""

    urgent: bool = False


@dataclass
class Shortcut:
    """``/mokhoa P2 2026Q3 5``: the words other than the number of days, and that number."""

    words: list[str] = field(default_factory=list)
    days: int | None = None


@dataclass
class ReopenData(OfficeChoice):
    """``/mokhoa``: the choices made so far (None: still to ask) and the lists as shown."""

    shortcut: Shortcut | None = None
    campaign_id: int | None = None
    period_ids: list[int] = field(default_factory=list)
    period_id: int | None = None
    unit_ids: list[int] = field(default_factory=list)
    unit_id: int | None = None
    days: int | None = None


@dataclass
class UnitChoiceData:
    """``/donvi``: ``then``, the command to run once the unit is chosen."""

    then: str | None = None


@dataclass
class Keep:
    """What survives the end of a flow: the unit acted for (``/donvi``), the drafts of
    ``/nhap`` (``"unit id:period id"`` → element id as text → value, None for skipped) and the
    locked periods the person was already told were missed. ``storage.reminders`` reads
    ``drafts`` straight from the stored JSON: keep its shape."""

    unit_id: int | None = None
    drafts: dict[str, dict[str, str | None]] = field(default_factory=dict)
    missed_told: list[int] = field(default_factory=list)
