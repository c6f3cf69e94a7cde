"""People and their channels: accounts, conversation state, processed messages, the outbox,
invites, pairing codes and bindings. Every function works inside the caller's transaction (one
per user action) and never commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    String,
    Table,
    TextClause,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from storage.models import (
    BindFailure,
    ChannelAccount,
    ConversationState,
    Invite,
    InviteKind,
    OrgUnit,
    OutboxMessage,
    ProcessedMessage,
    Reporter,
    ReporterUnit,
    UnitContact,
)

SEEN_EVERY = timedelta(minutes=1)
"""An account's ``last_seen_at`` is written at most this often: a burst of messages (a pasted
report, a conversation) writes it once. Reminders go to the account a person used last
(``storage.recipients``), so it stays exact to the minute."""


def _size(column: ColumnElement[Any]) -> int:
    """The declared size of a ``String(n)`` column."""
    kind = column.type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{column} is not a sized string column")
    return kind.length


DISPLAY_NAME_CHARS = _size(ChannelAccount.__table__.c.display_name)
"""Size of ``channel_accounts.display_name``: longer names a channel reports are cut to it."""
FULL_NAME_CHARS = _size(Reporter.__table__.c.full_name)
"""Size of ``reporters.full_name``."""

# Invite codes avoid look-alike characters (0/O, 1/I/L) so they survive being read aloud.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def fit(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` characters (a column's size), ending with "…" when cut,
    so that a long name from a channel never makes a step fail on PostgreSQL. Never raises."""
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


async def mark_processed(
    session: AsyncSession, channel: str, message_id: str, at: datetime
) -> bool:
    """Record an incoming message id; False when it was already processed (a duplicate).
    :func:`mark_all_processed` for one message."""
    return (await mark_all_processed(session, [(channel, message_id)], at))[0]


PROCESSED_AT_ONCE = 200
"""Message ids recorded by one statement at most (3 bound values a row, far below SQLite's
limit of bound values)."""


@cache
def _mark_many(rows: int) -> TextClause:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING`` of ``rows`` ids (SQLite 3.35+,
    PostgreSQL), returning those that were new: a duplicate is known before any other work,
    with no savepoint, and the caller's transaction stays usable. Written as text: SQLAlchemy
    2.0 does not cache the compiled form of a dialect's ``insert(...).on_conflict_do_nothing()``
    (its cache key is None), which cost a compile of ~0,4 ms per message."""
    values = ", ".join(f"(:channel{n}, :message_id{n}, :at)" for n in range(rows))
    return text(
        f"INSERT INTO processed_message (channel, message_id, processed_at) VALUES {values} "
        "ON CONFLICT DO NOTHING RETURNING channel, message_id"
    ).bindparams(bindparam("at", type_=ProcessedMessage.__table__.c.processed_at.type))


async def mark_all_processed(
    session: AsyncSession, messages: list[tuple[str, str]], at: datetime
) -> list[bool]:
    """:func:`mark_processed` for the ``(channel, message id)`` of a batch, in one statement
    (up to :data:`PROCESSED_AT_ONCE` ids) instead of one per message: for each, whether it is
    new. An id given twice is new the first time only, as if recorded one after the other."""
    new: set[tuple[str, str]] = set()
    for start in range(0, len(messages), PROCESSED_AT_ONCE):
        chunk = messages[start : start + PROCESSED_AT_ONCE]
        values: dict[str, Any] = {"at": at}
        for n, (channel, message_id) in enumerate(chunk):
            values[f"channel{n}"], values[f"message_id{n}"] = channel, message_id
        found = await session.execute(_mark_many(len(chunk)), values)
        new.update((channel, message_id) for channel, message_id in found)
    fresh = []
    for key in messages:
        fresh.append(key in new)
        new.discard(key)
    return fresh


async def upsert_account(
    session: AsyncSession,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str,
    at: datetime,
    *,
    private: bool = True,
) -> ChannelAccount:
    """Find or create the account of a person on a channel; refresh name and last seen, and
    the chat to reach them in only from a private chat (never move a person to a group)."""
    account = await session.scalar(
        select(ChannelAccount).where(
            ChannelAccount.channel == channel, ChannelAccount.external_id == external_id
        )
    )
    if account is None:
        account = ChannelAccount(
            channel=channel, external_id=external_id, chat_id=chat_id, created_at=at
        )
        session.add(account)
    _refresh(account, chat_id, display_name, at, private)
    await session.flush()
    return account


def _refresh(
    account: ChannelAccount, chat_id: str, display_name: str, at: datetime, private: bool
) -> None:
    """Bring the account up to date with a message just received. An attribute is assigned
    only when its value changes: assigning even an equal value marks the account modified,
    and the next query of the step then runs a whole flush (~0,3 ms) that writes nothing."""
    if (private or account.chat_id is None) and account.chat_id != chat_id:
        account.chat_id = chat_id
    name = fit(display_name.strip(), DISPLAY_NAME_CHARS)
    if name and account.display_name != name:
        account.display_name = name
    if account.last_seen_at is None or at - account.last_seen_at >= SEEN_EVERY:
        account.last_seen_at = at  # not on every message: one write less per step
    if not account.is_active:
        account.is_active = True


_STATE = cast(Table, ConversationState.__table__)
"""The conversation state is read and written as Core rows, never as ORM objects: a step holds
it as a :class:`FlowState` of fresh JSON, so no copy is needed for change detection and the
save is one statement (no unit-of-work flush)."""

_WHO = (
    select(
        ChannelAccount, Reporter, _STATE.c.account_id, _STATE.c.flow, _STATE.c.step, _STATE.c.data
    )
    .outerjoin(Reporter, Reporter.id == ChannelAccount.reporter_id)
    .outerjoin(_STATE, _STATE.c.account_id == ChannelAccount.id)
)
"""The account, its person and its conversation state in one statement."""
_SENDER = _WHO.where(
    ChannelAccount.channel == bindparam("channel"),
    ChannelAccount.external_id == bindparam("external_id"),
)
"""One sender's row, built once (building it per message cost ~0,2 ms of operator and join
construction)."""
_SENDERS = _WHO.where(
    ChannelAccount.channel == bindparam("channel"),
    ChannelAccount.external_id.in_(bindparam("external_ids", expanding=True)),
)
"""The rows of several senders of one channel (a batch's)."""


@dataclass(frozen=True)
class Sender:
    """Who sent a message: the account (created if new, already flushed), the person behind
    it if bound, and the stored conversation state (empty when none is stored yet)."""

    account: ChannelAccount
    reporter: Reporter | None
    state: FlowState


def _sender(row: Row[Any]) -> Sender:
    account, reporter, state_id, flow, step, data = row
    return Sender(account, reporter, _state(flow, step, data) if state_id else FlowState())


async def read_senders(
    session: AsyncSession, senders: list[tuple[str, str]]
) -> dict[tuple[str, str], Sender]:
    """The known senders among ``(channel, external id)`` pairs, as stored (one statement per
    channel instead of one per message), for :func:`load_sender`'s ``read``; a sender not
    known yet is left out. Valid until the sender's next step: use each for the first message
    of its sender in a batch only (that step changes its state)."""
    by_channel: dict[str, set[str]] = {}
    for channel, external_id in senders:
        by_channel.setdefault(channel, set()).add(external_id)
    found: dict[tuple[str, str], Sender] = {}
    for channel, external_ids in by_channel.items():
        rows = await session.execute(
            _SENDERS, {"channel": channel, "external_ids": sorted(external_ids)}
        )
        for row in rows:
            sender = _sender(row)
            found[(channel, sender.account.external_id)] = sender
    return found


async def load_sender(
    session: AsyncSession,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str,
    at: datetime,
    *,
    private: bool = True,
    read: Sender | None = None,
) -> Sender:
    """:func:`upsert_account`, with the person and the conversation state read in the same
    query (one statement instead of three for a known account: issue 15's lean step), or
    given as ``read`` (:func:`read_senders`: read with the batch's other senders)."""
    if read is None:
        found = (
            await session.execute(_SENDER, {"channel": channel, "external_id": external_id})
        ).first()
        if found is None:
            account = await upsert_account(
                session, channel, external_id, chat_id, display_name, at, private=private
            )
            return Sender(account, None, FlowState())
        read = _sender(found)
    _refresh(read.account, chat_id, display_name, at, private)
    return read


async def load_reporter(session: AsyncSession, account: ChannelAccount) -> Reporter | None:
    """The person behind an account, if bound."""
    if account.reporter_id is None:
        return None
    return await session.get(Reporter, account.reporter_id)


@dataclass
class FlowState:
    """Where a person is in a conversation. ``data`` is the flow's scratch space; ``keep``
    survives the end of a flow (drafts, the chosen unit)."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    keep: dict[str, Any] = field(default_factory=dict)


def _state(flow: str | None, step: str | None, stored: dict[str, Any] | None) -> FlowState:
    """The state stored as ``(flow, step, {"data": …, "keep": …})``. ``stored`` is the JSON as
    just decoded from the row, owned by nobody else, so a step may change it in place."""
    stored = stored or {}
    return FlowState(flow, step, stored.get("data", {}), stored.get("keep", {}))


_LOAD_STATE = select(_STATE.c.flow, _STATE.c.step, _STATE.c.data).where(
    _STATE.c.account_id == bindparam("account_id")
)


async def load_state(session: AsyncSession, account_id: int) -> FlowState:
    """The stored conversation state of an account (empty when none)."""
    found = (await session.execute(_LOAD_STATE, {"account_id": account_id})).first()
    return FlowState() if found is None else _state(*found)


_SAVE_STATE = text(
    "INSERT INTO conversation_state (account_id, flow, step, data, updated_at) "
    "VALUES (:account_id, :flow, :step, :data, :at) ON CONFLICT (account_id) DO UPDATE SET "
    "flow = excluded.flow, step = excluded.step, data = excluded.data, "
    "updated_at = excluded.updated_at"
).bindparams(
    bindparam("data", type_=_STATE.c.data.type),
    bindparam("at", type_=_STATE.c.updated_at.type),
)
"""One statement whether or not the account has a state row yet (SQLite 3.24+, PostgreSQL);
text for the reason given at :func:`_mark_many`."""


async def save_state(
    session: AsyncSession, account_id: int, state: FlowState, at: datetime
) -> None:
    """Store the conversation state of an account (same transaction as the change it goes
    with). Always written, whole: a state changed in place is saved as well as a new one.

    A ``ConversationState`` object another query loaded into this session (reminders read
    drafts that way) is expired, so it is read again with what was written here."""
    await session.execute(
        _SAVE_STATE,
        {
            "account_id": account_id,
            "flow": state.flow,
            "step": state.step,
            "data": {"data": state.data, "keep": state.keep},
            "at": at,
        },
    )
    loaded = session.identity_map.get(identity_key(ConversationState, account_id))
    if loaded is not None:
        session.expire(loaded)


def enqueue(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    account_id: int | None,
    payloads: list[dict[str, Any]],
    at: datetime,
) -> None:
    """Put replies in the outbox; the sender delivers them after the transaction commits."""
    for payload in payloads:
        session.add(
            OutboxMessage(
                channel=channel,
                chat_id=chat_id,
                account_id=account_id,
                payload=payload,
                created_at=at,
            )
        )


_ENQUEUE = insert(cast(Table, OutboxMessage.__table__))
"""A Core insert of the outbox table: the ORM's bulk insert (``insert(OutboxMessage)``) first
flushes the session and runs its own bookkeeping, ~0,4 ms a message."""


async def enqueue_now(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    account_id: int | None,
    payloads: list[dict[str, Any]],
    at: datetime,
) -> None:
    """:func:`enqueue` as one bulk ``INSERT`` at once, outside the unit of work (the hot path
    of every message: issue 15's lean step). Nothing to do for no payloads.

    Rows the step queued with :func:`enqueue` (a notice to a unit the sender belongs to) are
    flushed first, so they keep their place before these replies in the chat's order; a Core
    insert does not flush by itself."""
    if payloads:
        await session.flush()  # nothing to write in most steps: no statement then
        rows = [
            {
                "channel": channel,
                "chat_id": chat_id,
                "account_id": account_id,
                "payload": payload,
                "created_at": at,
            }
            for payload in payloads
        ]
        await session.execute(_ENQUEUE, rows)


def new_code(length: int = 8) -> str:
    """A random invite code, e.g. ``K7MX2QPA`` (31 symbols, 8 characters: ~2^39 codes)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


async def create_invite(
    session: AsyncSession,
    kind: InviteKind,
    org_unit: OrgUnit | None,
    now: datetime,
    valid_for: timedelta,
) -> Invite:
    """Create an invite code for a unit (or for the office), valid for ``valid_for``."""
    invite = Invite(
        code=new_code(),
        kind=kind,
        org_unit_id=org_unit.id if org_unit else None,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    await session.flush()
    return invite


async def create_link_code(
    session: AsyncSession, reporter: Reporter, now: datetime, valid_for: timedelta
) -> Invite:
    """Create a pairing code (kind LINK) that joins another channel account to ``reporter``,
    valid for ``valid_for`` and single-use; nothing is shared until it is used."""
    invite = Invite(
        code=new_code(),
        kind=InviteKind.LINK,
        for_reporter_id=reporter.id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    await session.flush()
    return invite


async def accounts_of(session: AsyncSession, reporter_id: int) -> list[ChannelAccount]:
    """The channel accounts of a reporter, oldest first."""
    rows = await session.scalars(
        select(ChannelAccount)
        .where(ChannelAccount.reporter_id == reporter_id)
        .order_by(ChannelAccount.id)
    )
    return list(rows)


async def link_account(session: AsyncSession, account: ChannelAccount, reporter: Reporter) -> None:
    """Make ``account`` one of ``reporter``'s (the caller has checked that the account's
    previous person, if any, represents nothing: nothing is carried over)."""
    account.reporter_id = reporter.id
    await session.flush()


async def find_invite(session: AsyncSession, code: str) -> Invite | None:
    """The invite with ``code`` (case-insensitive, spaces and dashes ignored), its row locked
    until the transaction ends (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write
    transaction is exclusive already), so two people using one code at the same moment are
    served one after the other and the second sees it used."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    query = (
        select(Invite)
        .where(Invite.code == cleaned)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = await session.scalar(query)
    return found


async def recent_failures(
    session: AsyncSession, account_id: int, since: datetime
) -> list[datetime]:
    """Times of wrong codes typed by an account since ``since``, oldest first."""
    rows = await session.scalars(
        select(BindFailure.at)
        .where(BindFailure.account_id == account_id, BindFailure.at >= since)
        .order_by(BindFailure.at)
    )
    return list(rows)


@dataclass(frozen=True)
class Guesser:
    """An account that typed wrong codes: its channel, id there, name and how many."""

    channel: str
    external_id: str
    display_name: str
    wrong: int


async def failures_everywhere(session: AsyncSession, since: datetime) -> list[Guesser]:
    """Every account's wrong codes since ``since``, the most first (one query)."""
    rows = await session.execute(
        select(
            ChannelAccount.channel,
            ChannelAccount.external_id,
            ChannelAccount.display_name,
            func.count(BindFailure.id),
        )
        .join(ChannelAccount, ChannelAccount.id == BindFailure.account_id)
        .where(BindFailure.at >= since)
        .group_by(ChannelAccount.id)
        .order_by(func.count(BindFailure.id).desc(), ChannelAccount.id)
    )
    return [Guesser(c, e, d or "", int(n)) for c, e, d, n in rows]


async def office_private_chats(session: AsyncSession) -> list[tuple[str, str, int]]:
    """``(channel, chat_id, account_id)`` of every active account of every office user."""
    rows = await session.execute(
        select(ChannelAccount.channel, ChannelAccount.chat_id, ChannelAccount.id)
        .join(Reporter, Reporter.id == ChannelAccount.reporter_id)
        .where(Reporter.is_office, ChannelAccount.is_active)
        .order_by(ChannelAccount.id)
    )
    return [(channel, chat_id, account_id) for channel, chat_id, account_id in rows]


def record_failure(session: AsyncSession, account_id: int, at: datetime) -> None:
    """Remember a wrong code typed by an account."""
    session.add(BindFailure(account_id=account_id, at=at))


async def ensure_reporter(
    session: AsyncSession, account: ChannelAccount, name: str, phone: str | None, at: datetime
) -> Reporter:
    """The reporter behind ``account``, created and linked if the account has none yet."""
    reporter = await load_reporter(session, account)
    if reporter is None:
        reporter = Reporter(
            full_name=fit(name.strip(), FULL_NAME_CHARS), phone=phone, created_at=at
        )
        session.add(reporter)
        await session.flush()
        account.reporter_id = reporter.id
    if phone and not reporter.phone:
        reporter.phone = phone
    return reporter


async def bind_unit(
    session: AsyncSession, reporter: Reporter, org_unit_id: int, via: str, at: datetime
) -> bool:
    """Bind a reporter to a unit; False when already bound."""
    existing = await session.get(ReporterUnit, (reporter.id, org_unit_id))
    if existing is not None:
        return False
    session.add(
        ReporterUnit(reporter_id=reporter.id, org_unit_id=org_unit_id, bound_via=via, bound_at=at)
    )
    await session.flush()
    return True


async def units_of(session: AsyncSession, reporter_id: int) -> list[OrgUnit]:
    """The units a reporter represents, by name."""
    rows = await session.scalars(
        select(OrgUnit)
        .join(ReporterUnit, ReporterUnit.org_unit_id == OrgUnit.id)
        .where(ReporterUnit.reporter_id == reporter_id)
        .order_by(OrgUnit.name)
    )
    return list(rows)


async def units_with_phone(session: AsyncSession, phone: str) -> list[UnitContact]:
    """Contacts listed by the office with this normalised phone, with their units."""
    rows = await session.scalars(select(UnitContact).where(UnitContact.phone == phone))
    return list(rows)
