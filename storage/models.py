"""SQLAlchemy 2.0 typed models for the DESIGN.md terms.

Naming follows DHIS2: a ``DataValue`` is (org unit, period, data element) -> value, with the
value stored as canonical text as DHIS2 does (``"12500"``, ``"12.5"``, ``"1"`` for có, free
text for văn bản); ``Submission`` is DHIS2's "complete data set registration". Timestamps are
UTC in the database (``UTCDateTime``); dates (period bounds, deadlines) are Vietnam calendar dates.

The schema is created and changed only by Alembic migrations (``storage/migrations``).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain.campaign_spec import Aggregation, Direction, Frequency, TitleKind, ValueType
from domain.scoring import CriterionKind


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone: we store naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with constraint naming (so migrations are portable) and enum columns
    stored as plain strings (no PostgreSQL enum types to migrate)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        enum.Enum: Enum(
            enum.Enum, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e]
        ),
    }


class OutboxStatus(enum.StrEnum):
    """Delivery state of one outgoing message (SENDING: claimed by a sender until its lease ends)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class InviteKind(enum.StrEnum):
    """An invite binds a person to a unit, or makes them an office user; a pairing code (LINK)
    joins another channel account of a person already bound (``/lienket``)."""

    UNIT = "unit"
    OFFICE = "office"
    LINK = "link"


class AuditAction(enum.StrEnum):
    """What happened to a data value."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class Campaign(Base):
    """A campaign (phong trào thi đua): a plan with a period range, elements, units and titles.

    The reminder policy (``remind_*``, ``escalate_*``; see ``domain.reminders``) comes from the
    template's "Phong trào" sheet: reminders N days before the due date, on the due date, then
    once a day for up to ``remind_overdue_days`` days; the office gets the missing units
    ``escalate_office_days`` after the due date, cluster heads ``escalate_cluster_days`` after.
    """

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    theme: Mapped[str] = mapped_column(Text, default="")
    issuing_body: Mapped[str] = mapped_column(String(300), default="")
    document_number: Mapped[str] = mapped_column(String(100), default="")
    parent_body: Mapped[str] = mapped_column(String(300), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    report_suffix: Mapped[str] = mapped_column(String(50), default="")
    signer_title: Mapped[str] = mapped_column(String(100), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    """"Nơi nhận" lines, one per line."""
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    frequency: Mapped[Frequency]
    due_days: Mapped[int] = mapped_column(Integer)
    lock_days: Mapped[int] = mapped_column(Integer)
    registration_deadline: Mapped[date | None] = mapped_column(Date)
    remind_days_before: Mapped[list[int]] = mapped_column(JSON, default=lambda: [3, 1])
    remind_on_due: Mapped[bool] = mapped_column(Boolean, default=True)
    remind_overdue_days: Mapped[int] = mapped_column(Integer, default=3)
    escalate_office_days: Mapped[int] = mapped_column(Integer, default=2)
    escalate_cluster_days: Mapped[int] = mapped_column(Integer, default=3)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    elements: Mapped[list[DataElement]] = relationship(
        back_populates="campaign", order_by="DataElement.sort_order"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="campaign", order_by="Indicator.sort_order"
    )
    titles: Mapped[list[Title]] = relationship(order_by="Title.sort_order")
    periods: Mapped[list[Period]] = relationship(order_by="Period.start_date")


class Cluster(Base):
    """A cluster or block of units (cụm/khối thi đua), headed by a cluster head (Cụm trưởng)."""

    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class OrgUnit(Base):
    """A reporting unit (đơn vị): village, residential group, department, school, commune..."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    unit_type: Mapped[str] = mapped_column(String(100), default="")
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id"))

    cluster: Mapped[Cluster | None] = relationship()
    contacts: Mapped[list[UnitContact]] = relationship(
        back_populates="org_unit", cascade="all, delete-orphan"
    )


class CampaignUnit(Base):
    """Participation of an org unit in a campaign (the campaign's "Đơn vị" sheet).

    ``is_cluster_head``: the unit heads its cluster (Cụm trưởng) in this campaign; its people
    get the cluster's list of missing units.
    """

    __tablename__ = "campaign_unit"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_cluster_head: Mapped[bool] = mapped_column(Boolean, default=False)

    org_unit: Mapped[OrgUnit] = relationship()


class UnitContact(Base):
    """A representative listed for a unit by the office: name and normalised phone (0912345678).

    A person who shares this phone number from a channel that verifies it is bound to the unit.
    """

    __tablename__ = "unit_contact"
    __table_args__ = (UniqueConstraint("org_unit_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), index=True)

    org_unit: Mapped[OrgUnit] = relationship(back_populates="contacts")


class Reporter(Base):
    """A person (người báo cáo): bound to org units, and/or an office user (văn phòng)."""

    __tablename__ = "reporter"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    is_office: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    units: Mapped[list[ReporterUnit]] = relationship(back_populates="reporter")


class ReporterUnit(Base):
    """The binding of a reporter to an org unit they represent."""

    __tablename__ = "reporter_unit"

    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"), primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)
    bound_via: Mapped[str] = mapped_column(String(20))

    reporter: Mapped[Reporter] = relationship(back_populates="units")
    org_unit: Mapped[OrgUnit] = relationship()


class ChannelAccount(Base):
    """One person's identity on one channel (console name, Telegram user id, Zalo user id)."""

    __tablename__ = "channel_account"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporter.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    reporter: Mapped[Reporter | None] = relationship()


class Invite(Base):
    """An invite code (mã mời): binds one person to a unit, or makes them an office user; or a
    pairing code (mã liên kết, kind LINK): an account that uses it joins ``for_reporter_id``.

    Codes expire at ``expires_at`` and are single-use: the first person to use one owns it
    (``used_by_reporter_id``; for a pairing code, the reporter the account was linked to).
    """

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[InviteKind]
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_by_reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporter.id"))
    used_at: Mapped[datetime | None]
    for_reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporter.id"))

    org_unit: Mapped[OrgUnit | None] = relationship()


class BindFailure(Base):
    """A wrong invite code typed by an account (for the 5-per-hour limit)."""

    __tablename__ = "bind_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("channel_account.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Title(Base):
    """An emulation title (danh hiệu thi đua) of a campaign, and who may be proposed for it at
    a review (``domain.scoring.TitleRule``): a final score of at least ``min_score``, every
    period reported on time if ``needs_on_time``, at most ``max_share`` percent of the units
    (e.g. "Tập thể lao động xuất sắc" for at most 20%); canonical decimal texts, None: no rule.
    """

    __tablename__ = "title"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[TitleKind]
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    min_score: Mapped[str | None] = mapped_column(String(40))
    needs_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    max_share: Mapped[str | None] = mapped_column(String(40))


class DataElement(Base):
    """A figure units enter (chỉ tiêu): measure unit, value type, bounds, target, aggregation.

    ``weight_element_id`` is the weight of a WEIGHTED_MEAN element.
    """

    __tablename__ = "data_element"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    measure_unit: Mapped[str] = mapped_column(String(50), default="")
    value_type: Mapped[ValueType]
    aggregation: Mapped[Aggregation]
    weight_element_id: Mapped[int | None] = mapped_column(ForeignKey("data_element.id"))
    target: Mapped[str | None] = mapped_column(String(40))
    direction: Mapped[Direction]
    minimum: Mapped[str | None] = mapped_column(String(40))
    maximum: Mapped[str | None] = mapped_column(String(40))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    cumulative: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="elements")


class Indicator(Base):
    """A computed figure (chỉ tiêu tính toán): numerator / denominator x ``factor``."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    measure_unit: Mapped[str] = mapped_column(String(50), default="%")
    numerator_id: Mapped[int] = mapped_column(ForeignKey("data_element.id"))
    denominator_id: Mapped[int] = mapped_column(ForeignKey("data_element.id"))
    factor: Mapped[int] = mapped_column(Integer, default=100)
    target: Mapped[str | None] = mapped_column(String(40))
    direction: Mapped[Direction]
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="indicators")
    numerator: Mapped[DataElement] = relationship(foreign_keys=[numerator_id])
    denominator: Mapped[DataElement] = relationship(foreign_keys=[denominator_id])


class Period(Base):
    """A reporting period (kỳ báo cáo) of a campaign, e.g. ``2024Q1``, with due and lock dates."""

    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    lock_date: Mapped[date] = mapped_column(Date)


class Registration(Base):
    """A unit's enrolment in a campaign (đăng ký thi đua): titles aimed for, committed targets."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("campaign_id", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    titles: Mapped[list[RegistrationTitle]] = relationship(cascade="all, delete-orphan")
    targets: Mapped[list[RegistrationTarget]] = relationship(cascade="all, delete-orphan")


class RegistrationTitle(Base):
    """One title a registration aims for."""

    __tablename__ = "registration_title"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("title.id"), primary_key=True)


class RegistrationTarget(Base):
    """A unit's committed target for one data element (canonical decimal text)."""

    __tablename__ = "registration_target"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), primary_key=True)
    data_element_id: Mapped[int] = mapped_column(ForeignKey("data_element.id"), primary_key=True)
    value: Mapped[str] = mapped_column(String(40))


class DataValue(Base):
    """One figure: (org unit, period, data element) -> value, with who entered it and when."""

    __tablename__ = "data_value"
    __table_args__ = (
        UniqueConstraint("org_unit_id", "period_id", "data_element_id"),
        Index("ix_data_value_period_element", "period_id", "data_element_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    data_element_id: Mapped[int] = mapped_column(ForeignKey("data_element.id"))
    value: Mapped[str] = mapped_column(String(2000))
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DataValueAudit(Base):
    """Every change of a data value: old value, new value, who, when and why.

    ``ix_data_value_audit_period``: a report's corrections are counted by period, unit and
    element (``storage.report_rows``; the index covers that count), a campaign's units with
    data are found by period and unit (``storage.campaigns``). ``ix_data_value_audit_change``:
    the period's last change, ``max(id)`` (``storage.peers``: every change of a value, deletions
    included, leaves an audit row).
    """

    __tablename__ = "data_value_audit"
    __table_args__ = (
        Index("ix_data_value_audit_period", "period_id", "org_unit_id", "data_element_id"),
        Index("ix_data_value_audit_change", "period_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    data_element_id: Mapped[int] = mapped_column(ForeignKey("data_element.id"))
    action: Mapped[AuditAction]
    old_value: Mapped[str | None] = mapped_column(String(2000))
    new_value: Mapped[str | None] = mapped_column(String(2000))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(500), default="")


class Submission(Base):
    """A unit's completed report for a period (DHIS2: complete data set registration)."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("org_unit_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt: Mapped[str] = mapped_column(String(40))


class ConversationState(Base):
    """Where an account is in a conversation: flow, step and the data gathered so far.

    ``data`` also keeps drafts of unsaved submissions, so ``/huy`` never loses what was typed.
    """

    __tablename__ = "conversation_state"

    account_id: Mapped[int] = mapped_column(ForeignKey("channel_account.id"), primary_key=True)
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedMessage(Base):
    """An incoming message already handled: (channel, message id). Duplicates are dropped.

    Kept ``RETENTION_DAYS`` (``processed_at``, indexed for the housekeeping job)."""

    __tablename__ = "processed_message"
    __table_args__ = (Index("ix_processed_message_processed_at", "processed_at"),)

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A reply waiting to be sent, or sent, or finally failed (with the reason kept).

    ``payload`` is a normalised reply (see ``domain.messages.Reply.to_payload``).
    ``ix_outbox_queue`` serves the sender's claim (``storage.outbox.claim``: a channel's
    pending and sending rows, then each chat's); ``ix_outbox_sent_at`` the housekeeping job,
    which deletes sent rows older than ``RETENTION_DAYS``.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_queue", "channel", "status", "chat_id"),
        Index("ix_outbox_sent_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("channel_account.id"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[OutboxStatus] = mapped_column(default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]


class DocumentJobStatus(enum.StrEnum):
    """State of a workbook asked for (BUILDING: claimed by a worker until its lease ends)."""

    PENDING = "pending"
    BUILDING = "building"
    DONE = "done"
    FAILED = "failed"


class DocumentJob(Base):
    """A workbook asked for (``/tonghop``, ``/dangkythidua``, the automatic period report),
    built after the commit by the document worker and sent through the outbox
    (``services.document_jobs``).

    ``kind``: ``consolidated`` (with ``period_id``) or ``registrations``. ``recipients``: a
    list of ``{"channel", "chat_id", "account_id"}``. ``note``: a line added to the caption;
    ``after``: outbox payloads sent after the document (the automatic report's progress text).
    """

    __tablename__ = "document_job"
    __table_args__ = (Index("ix_document_job_queue", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("period.id"))
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[DocumentJobStatus] = mapped_column(default=DocumentJobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(String(500), default="")
    document_path: Mapped[str | None] = mapped_column(String(500), default=None)
    document_name: Mapped[str | None] = mapped_column(String(200), default=None)


class Reminder(Base):
    """A reminder to one unit for one period, recorded before it enters the outbox.

    ``kind`` (``domain.reminders``): ``before:3``, ``due``, ``overdue:2``, ``manual:2026-11-21``…
    The unique key is what makes a reminder go out once, whichever process or restart sends
    it. ``chats``: how many chats it was queued for.
    """

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("period_id", "org_unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    kind: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    chats: Mapped[int] = mapped_column(Integer, default=0)


class PeriodNotice(Base):
    """A scheduled message about a whole period, recorded once: the automatic report
    (``report``), the office's list of missing units (``office``), a cluster head's list
    (``cluster``, ``target`` = cluster id) and the lock notice (``locked``). An office's
    ``/nhacnho`` asked in the quiet hours is ``manual`` with the Vietnam date it is for as
    ``target``, and ``manual-done`` once the scheduler has carried it out."""

    __tablename__ = "period_notice"
    __table_args__ = (UniqueConstraint("period_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    kind: Mapped[str] = mapped_column(String(24))
    target: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    chats: Mapped[int] = mapped_column(Integer, default=0)


class PeriodReopening(Base):
    """The office reopened a locked period for one unit (``/mokhoa``) up to ``until``
    (a Vietnam date, included)."""

    __tablename__ = "period_reopening"
    __table_args__ = (UniqueConstraint("period_id", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    until: Mapped[date] = mapped_column(Date)
    reopened_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    reopened_at: Mapped[datetime] = mapped_column(default=utcnow)


# The second half of a campaign (issue 16): criteria, reviews, score sheets, evidence, approval,
# and the people and models a unit registers. Points are canonical decimal text, as figures are.


class Criterion(Base):
    """One line of the scoring table (tiêu chí): its group, maximum points, kind (standard,
    bonus, penalty), whether evidence is required, and an optional automatic source (a data
    element or an indicator) with its rule text (``domain.scoring.parse_auto_rule``)."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    group_name: Mapped[str] = mapped_column(String(300), default="")
    max_points: Mapped[str] = mapped_column(String(40))
    kind: Mapped[CriterionKind]
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    source_element_id: Mapped[int | None] = mapped_column(ForeignKey("data_element.id"))
    source_indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"))
    rule: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Review(Base):
    """A scoring round (sơ kết / tổng kết) over the periods of ``covers`` (a period id such as
    2026S1, 2026 or CADOT), with its self-scoring and cross-scoring windows (Vietnam dates,
    both ends included), the review meeting's date and the final-score rule text
    (``domain.scoring.parse_weights``)."""

    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    covers: Mapped[str] = mapped_column(String(10))
    self_start: Mapped[date] = mapped_column(Date)
    self_end: Mapped[date] = mapped_column(Date)
    cross_start: Mapped[date | None] = mapped_column(Date)
    cross_end: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    weights: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class SheetRole(enum.StrEnum):
    """Who fills a score sheet: the unit itself (tự chấm), a cluster peer (chấm chéo), the
    office (văn phòng)."""

    SELF = "self"
    CROSS = "cross"
    OFFICE = "office"


class SheetStatus(enum.StrEnum):
    """A score sheet's life: draft, submitted, returned for correction, corrected (submitted
    again after a return, "đã sửa"), approved (locked)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CORRECTED = "corrected"
    APPROVED = "approved"


class ScoreSheet(Base):
    """One scorer's points for one unit in a review. ``scorer_unit_id`` is the unit scoring:
    the unit itself for a self-score, a peer for a cross-score, and for the office's sheet the
    scored unit again (never NULL, so the unique key holds: NULLs are all distinct in SQL)."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("review_id", "org_unit_id", "role", "scorer_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    role: Mapped[SheetRole]
    scorer_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    status: Mapped[SheetStatus]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("reporter.id"))
    submitted_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    return_reason: Mapped[str] = mapped_column(String(500), default="")


class Score(Base):
    """A criterion's points on a sheet; ``computed``: what the automatic rule gave (points that
    differ from it need a ``reason``, as a cross-score that differs from the self-score does)."""

    __tablename__ = "score"

    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), primary_key=True)
    points: Mapped[str] = mapped_column(String(40))
    computed: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(500), default="")


class ScoreAudit(Base):
    """Every change of a score once its sheet was submitted: old -> new points, who, when, why
    (like ``DataValueAudit`` for figures)."""

    __tablename__ = "score_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    old_points: Mapped[str | None] = mapped_column(String(40))
    new_points: Mapped[str | None] = mapped_column(String(40))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(500), default="")


class Evidence(Base):
    """A photo or document (minh chứng) a unit sent for a criterion of a review, stored under
    the data folder at ``path`` (relative), with its SHA-256, type, size, sender and channel."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("review_id", "org_unit_id", "criterion_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100), default="")
    file_name: Mapped[str] = mapped_column(String(300), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(20))
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApprovalStatus(enum.StrEnum):
    """The office's decision on a unit's scores (DHIS2 data approval): approved (locked) or
    returned for correction."""

    APPROVED = "approved"
    RETURNED = "returned"


class Approval(Base):
    """The office's latest decision on a unit in a review, with who, when and why (a return
    needs a reason)."""

    __tablename__ = "approval"
    __table_args__ = (UniqueConstraint("review_id", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    status: Mapped[ApprovalStatus]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(500), default="")


class ClusterRanking(Base):
    """The cluster head's proposed rank of a unit of its cluster in a review (``/tonghopcum``)."""

    __tablename__ = "cluster_ranking"

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Nominee(Base):
    """A person a unit registers for an individual title (cá nhân đăng ký: Lao động tiên tiến,
    Chiến sĩ thi đua cơ sở)."""

    __tablename__ = "nominee"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("title.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Initiative(Base):
    """A named model or initiative a unit registers (mô hình, sáng kiến: "Dân vận khéo")."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ReviewReminder(Base):
    """A reminder to one unit to hand in its self-score or cross-scores before a review's
    window closes, recorded before it enters the outbox; ``kind`` is ``self:before:3``,
    ``cross:due``… (``services.review_notices``). The unique key makes it go out once."""

    __tablename__ = "review_reminder"
    __table_args__ = (UniqueConstraint("review_id", "org_unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    kind: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    chats: Mapped[int] = mapped_column(Integer, default=0)


class WebLogin(Base):
    """A one-time sign-in link to the office's web page (``/web``, ``reportbot web-link``):
    only the SHA-256 of its token is stored; it opens one session, once, before
    ``expires_at``."""

    __tablename__ = "web_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class WebSession(Base):
    """A signed-in browser of an office user: the SHA-256 of the cookie's token, the CSRF token
    its forms carry, and when it was last used (it ends after a spell of idleness)."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporter.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
