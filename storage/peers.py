"""Every unit's figures of a period, per data element, for the peer check of a typed or pasted
figure ("over 20× the other units' median", :mod:`domain.plausibility`).

A :class:`PeerCache` is shared by the transactions of one process (the session factory carries
it, :func:`storage.db.session_factory`): a period's figures are read once and then kept current
by the writes this process commits, so at a deadline no step reads every other unit's values
(45,000 rows per pasted report at 3,000 units × 15 elements, ~60 ms a step; issue 15,
``bench/rush.py``). Inside a transaction the elements it wrote are private copies, applied to the
shared figures only when it commits (SQLAlchemy's ``after_commit``); a rollback drops them and
every period the transaction looked at.

Another process's changes are seen at once: each transaction that uses a period first reads the
period's last change, the highest id of its audit rows (every create, update and delete of a
value writes one; index ``ix_data_value_audit_change``, one index step), and reads the figures
again when it is newer than what the cache holds. On SQLite, where one transaction writes at a
time, this is exact. On PostgreSQL two transactions running side by side may commit their
changes out of id order, so one process may miss the other's latest figures until the period
changes again: the median is a plausibility hint that a few figures out of thousands do not
move, never a stored value. A transaction in which a savepoint rolled back drops, when it
commits, the periods it touched instead of applying its writes. If the database's rollback
itself fails (a lost connection), SQLAlchemy sends no ``after_rollback`` and figures such a
transaction read, its own writes included, stay until the period changes again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.peers import PeerFigures
from storage.models import DataValue, DataValueAudit

PEER_IDLE_SECONDS = 600.0
"""A period's figures no transaction used for this long (seconds) are dropped (memory)."""

SHARED = "peers.shared"
"""``Session.info`` key of the process's :class:`PeerCache` (set by the session factory)."""
_OWN = "peers.own"  # a session without a shared cache: one for this session alone
_COPIES = "peers.copies"  # (period id, element id) -> this transaction's copy
_WRITES = "peers.writes"  # [(period id, element id, org unit id, value)] not yet committed
_CHECKED = "peers.checked"  # period id -> its last change, read by this transaction
_STAMPS = "peers.stamps"  # period id -> the last audit id this transaction wrote
_UNSURE = "peers.unsure"  # a savepoint rolled back: what it undid is not known here


@dataclass
class _PeriodPeers:
    stamp: int  # the period's last change (audit id) the figures include
    used_at: float
    everything: bool = False
    generation: int = 0  # raised by every commit applied: a read begun before it is not kept
    elements: dict[int, PeerFigures] = field(default_factory=dict)


class PeerCache:
    """Periods' figures: period id -> element id -> :class:`PeerFigures`, read lazily, each
    period with the last change it includes (:attr:`_PeriodPeers.stamp`). Memory: about 200
    bytes a value (10,000 units × 40 elements of one period: ~80 MB), dropped once no
    transaction used the period for ``idle_seconds`` (default :data:`PEER_IDLE_SECONDS`) by
    ``clock`` (monotonic seconds)."""

    def __init__(
        self, idle_seconds: float = PEER_IDLE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._periods: dict[int, _PeriodPeers] = {}

    def period(self, period_id: int, stamp: int) -> _PeriodPeers:
        """The period's figures as of its last change ``stamp``: empty (to be read) when
        absent or older."""
        now = self._clock()
        idle = [p for p, v in self._periods.items() if now - v.used_at >= self.idle_seconds]
        for period in idle:
            del self._periods[period]
        peers = self._periods.get(period_id)
        if peers is None or peers.stamp < stamp:
            peers = self._periods[period_id] = _PeriodPeers(stamp, now)
        peers.used_at = now
        return peers

    def forget(self, period_ids: Iterable[int]) -> None:
        """Drop these periods' figures (a transaction that read them rolled back)."""
        for period_id in period_ids:
            self._periods.pop(period_id, None)

    def loaded(self, period_id: int, element_id: int) -> PeerFigures | None:
        """The element's figures if this cache holds them (None: not read, nothing to keep)."""
        peers = self._periods.get(period_id)
        if peers is None:
            return None
        found = peers.elements.get(element_id)
        if found is None and peers.everything:
            found = peers.elements[element_id] = PeerFigures()
        return found

    def holds(self, period_id: int, peers: _PeriodPeers, generation: int) -> bool:
        """Whether ``peers`` is still this cache's figures of the period, unchanged since
        ``generation`` (a read that began then may be kept)."""
        return self._periods.get(period_id) is peers and peers.generation == generation

    def apply(
        self,
        writes: list[tuple[int, int, int, str | None]],
        stamps: dict[int, int],
        checked: dict[int, int],
    ) -> None:
        """A committed transaction's writes: (period id, element id, org unit id, canonical
        value or None); ``stamps``: the last audit id it wrote per period; ``checked``: each
        period's last change it read before writing. Figures older than what it checked miss
        another process's change: dropped, to be read again. Otherwise the writes are applied
        and the period's stamp raised to the transaction's own last change."""
        for period_id, stamp in stamps.items():
            peers = self._periods.get(period_id)
            if peers is None:
                continue
            peers.generation += 1
            if peers.stamp < checked.get(period_id, stamp):
                del self._periods[period_id]
                continue
            for written, element_id, org_unit_id, value in writes:
                figures = self.loaded(written, element_id) if written == period_id else None
                if figures is not None:
                    figures.put(org_unit_id, value)
            peers.stamp = max(peers.stamp, stamp)


def _cache(session: AsyncSession) -> PeerCache:
    shared: PeerCache | None = session.info.get(SHARED)
    return shared if shared is not None else session.info.setdefault(_OWN, PeerCache())


async def peer_figures(
    session: AsyncSession, period_id: int, element_ids: Collection[int] | None = None
) -> dict[int, PeerFigures]:
    """Every unit's numeric values of ``period_id``: data element id -> :class:`PeerFigures`,
    whose ``median_without(unit)`` compares a unit's figure with the others', this
    transaction's own writes included. ``element_ids``: these elements only (a typed figure;
    index ``ix_data_value_period_element``); None: every element, one query (a pasted report).
    The result must be treated as read-only."""
    cache = _cache(session)
    peers = cache.period(period_id, await check(session, period_id))
    generation, elements = peers.generation, peers.elements
    missing: list[int] | None = [] if peers.everything else None
    if element_ids is not None and not peers.everything:
        missing = [e for e in element_ids if e not in elements]
    if missing != []:
        found = await _read(session, period_id, missing)
        if cache.holds(period_id, peers, generation):
            elements.update(found)
            peers.everything = peers.everything or missing is None
        else:  # a commit came in meanwhile: used for this call, not kept
            elements = {**elements, **found}
    copies: dict[tuple[int, int], PeerFigures] = session.info.get(_COPIES, {})
    wanted = elements.keys() if element_ids is None else element_ids
    return {e: copies.get((period_id, e)) or elements.get(e) or PeerFigures() for e in wanted}


async def check(session: AsyncSession, period_id: int) -> int:
    """The period's last change (highest audit id), read once per transaction: before this
    transaction reads the process's figures or writes a value (:func:`write_values` calls it,
    so that its commit knows whether the figures it updates had missed another change)."""
    checked: dict[int, int] = session.info.setdefault(_CHECKED, {})
    if period_id not in checked:
        checked[period_id] = await _last_change(session, period_id)
    return checked[period_id]


async def _last_change(session: AsyncSession, period_id: int) -> int:
    last = await session.scalar(
        select(func.max(DataValueAudit.id)).where(DataValueAudit.period_id == period_id)
    )
    return last or 0


async def _read(
    session: AsyncSession, period_id: int, element_ids: list[int] | None
) -> dict[int, PeerFigures]:
    query = select(DataValue.data_element_id, DataValue.org_unit_id, DataValue.value).where(
        DataValue.period_id == period_id
    )
    if element_ids is not None:
        query = query.where(DataValue.data_element_id.in_(element_ids))
    pairs: dict[int, list[tuple[int, str | None]]] = {e: [] for e in element_ids or ()}
    for element_id, org_unit_id, value in await session.execute(query):
        pairs.setdefault(element_id, []).append((org_unit_id, value))
    return {element_id: PeerFigures.of(values) for element_id, values in pairs.items()}


def note_stamp(session: AsyncSession, period_id: int, audit_id: int) -> None:
    """Record the last audit row written for ``period_id`` in this transaction (after flush):
    once committed, the process's figures include this change."""
    stamps: dict[int, int] = session.info.setdefault(_STAMPS, {})
    stamps[period_id] = max(stamps.get(period_id, 0), audit_id)


def note_write(
    session: AsyncSession, period_id: int, element_id: int, org_unit_id: int, value: str | None
) -> None:
    """Record a value written in this transaction: seen at once by its own :func:`peer_figures`
    (a private copy of the element's figures), by the process's once it commits."""
    session.info.setdefault(_WRITES, []).append((period_id, element_id, org_unit_id, value))
    copies: dict[tuple[int, int], PeerFigures] = session.info.setdefault(_COPIES, {})
    key = (period_id, element_id)
    figures = copies.get(key)
    if figures is None:
        shared = _cache(session).loaded(period_id, element_id)
        if shared is None:
            return
        figures = copies[key] = shared.copy()
    figures.put(org_unit_id, value)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction goes on
        return
    unsure = session.info.pop(_UNSURE, False)
    writes = session.info.pop(_WRITES, None) or []
    stamps = session.info.pop(_STAMPS, None) or {}
    checked = session.info.pop(_CHECKED, None) or {}
    for key in (_COPIES, _OWN):
        session.info.pop(key, None)
    shared: PeerCache | None = session.info.get(SHARED)
    if shared is not None and unsure:
        shared.forget({*stamps, *checked})
    elif shared is not None and stamps:
        shared.apply(writes, stamps, checked)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the periods are forgotten at commit
        session.info[_UNSURE] = True
        return
    session.info.pop(_UNSURE, None)
    checked: dict[int, int] = session.info.pop(_CHECKED, None) or {}
    for key in (_WRITES, _STAMPS, _COPIES, _OWN):
        session.info.pop(key, None)
    shared: PeerCache | None = session.info.get(SHARED)
    if shared is not None:  # what it read may hold its own writes, now undone
        shared.forget(checked)
