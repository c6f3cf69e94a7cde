"""Every unit's figures of a period, per data element, for the peer check of a typed or pasted
figure ("over 20× the other units' median", :mod:`domain.plausibility`).

A :class:`PeerCache` is shared by the transactions of one process (the session factory carries
it, :func:`storage.db.session_factory`): a period's figures are read once and then kept current
by the writes this process commits, so at a deadline no step reads every other unit's values
(45,000 rows per pasted report at 3,000 units × 15 elements, ~60 ms a step; issue 15,
``bench/rush.py``). Inside a transaction the elements it wrote are private copies, applied to the
shared figures only when it commits (SQLAlchemy's ``after_commit``) and dropped on rollback.

What another process commits is seen once the period's figures are older than
:data:`PEER_SECONDS`, and two transactions running side by side (PostgreSQL) may each miss the
other's latest writes for as long: the median is a plausibility hint, which a few figures out
of thousands do not move, never a stored value.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.peers import PeerFigures
from storage.models import DataValue

PEER_SECONDS = 60.0
"""A period's figures are read again once this old (seconds), to see other processes' writes."""

SHARED = "peers.shared"
"""``Session.info`` key of the process's :class:`PeerCache` (set by the session factory)."""
_OWN = "peers.own"  # a session without a shared cache: one for this session alone
_COPIES = "peers.copies"  # (period id, element id) -> this transaction's copy
_WRITES = "peers.writes"  # [(period id, element id, org unit id, value)] not yet committed


@dataclass
class _PeriodPeers:
    read_at: float
    everything: bool = False
    elements: dict[int, PeerFigures] = field(default_factory=dict)


class PeerCache:
    """Periods' figures: period id -> element id -> :class:`PeerFigures`, read lazily and kept
    up to ``seconds`` (default :data:`PEER_SECONDS`) by ``clock`` (monotonic seconds). Memory:
    about 200 bytes a value (10,000 units × 40 elements of one period: ~80 MB), dropped with the
    period once it is that old."""

    def __init__(
        self, seconds: float = PEER_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._periods: dict[int, _PeriodPeers] = {}

    def period(self, period_id: int) -> _PeriodPeers:
        """The period's figures, fresh: empty (to be read) when absent or too old."""
        now = self._clock()
        for stale in [p for p, v in self._periods.items() if now - v.read_at >= self.seconds]:
            del self._periods[stale]
        return self._periods.setdefault(period_id, _PeriodPeers(now))

    def loaded(self, period_id: int, element_id: int) -> PeerFigures | None:
        """The element's figures if this cache holds them (None: not read, nothing to keep)."""
        peers = self._periods.get(period_id)
        if peers is None:
            return None
        found = peers.elements.get(element_id)
        if found is None and peers.everything:
            found = peers.elements[element_id] = PeerFigures()
        return found

    def apply(self, writes: list[tuple[int, int, int, str | None]]) -> None:
        """Committed writes: (period id, element id, org unit id, canonical value or None)."""
        for period_id, element_id, org_unit_id, value in writes:
            figures = self.loaded(period_id, element_id)
            if figures is not None:
                figures.put(org_unit_id, value)


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
    peers = _cache(session).period(period_id)
    if element_ids is None and not peers.everything:
        peers.elements = await _read(session, period_id, None)
        peers.everything = True
    elif element_ids is not None and not peers.everything:
        missing = [e for e in element_ids if e not in peers.elements]
        if missing:
            peers.elements.update(await _read(session, period_id, missing))
    wanted = peers.elements.keys() if element_ids is None else element_ids
    copies: dict[tuple[int, int], PeerFigures] = session.info.get(_COPIES, {})
    return {
        e: copies.get((period_id, e)) or peers.elements.setdefault(e, PeerFigures()) for e in wanted
    }


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
    writes = session.info.pop(_WRITES, None)
    session.info.pop(_COPIES, None)
    session.info.pop(_OWN, None)
    shared: PeerCache | None = session.info.get(SHARED)
    if writes and shared is not None:
        shared.apply(writes)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_WRITES, None)
    session.info.pop(_COPIES, None)
    session.info.pop(_OWN, None)
