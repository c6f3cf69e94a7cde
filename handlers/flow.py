"""The conversation machinery: the per-message context, named steps and the flow registry.

A flow is a set of named steps. Each step has an ``ask`` (say the question, again if need be)
and an ``answer`` (take the person's text: advance, or explain and ask again). Steps keep what
was typed in their flow's typed data (``handlers.state``, stored with the conversation), so a
bad answer, a command in the middle or ``/huy`` never loses it:

    data = ctx.data(SubmissionData)   # decoded from ``state.data`` once per message
    data.index += 1                   # changed in place
    ctx.set_data(SubmissionData(unit_id=unit.id))   # a flow's data started afresh
    ctx.keep.drafts[key] = {}         # survives the end of the flow

:meth:`Context.finish_replies` (called by the pipeline before it saves the state) writes the
typed values back into ``state.data`` and ``state.keep`` as JSON (``handlers.codec``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import local_day
from domain.messages import Document, Incoming, Reply
from domain.reminders import DailyHours
from handlers.codec import BadState, decode, encode
from handlers.state import Keep, NoData
from storage.accounts import FlowState
from storage.campaigns import CampaignCache
from storage.models import Campaign, ChannelAccount, Reporter

R = TypeVar("R")
D = TypeVar("D")
T = TypeVar("T")


@dataclass
class Context:
    """Everything one step may use while handling one incoming message.

    ``session`` is the single transaction of this message: the data change, the conversation
    state and the replies commit together. ``now`` is UTC; ``today`` is the Vietnam date.
    ``reports_dir`` is where workbooks sent as documents are written (``REPORTBOT_REPORTS_DIR``).
    ``hours``: the send time and quiet hours of reminders; ``reopen_days``: how long ``/mokhoa``
    reopens a period unless told otherwise (``REOPEN_DAYS``). ``campaigns``: the application's
    cache of loaded campaigns (``App.campaigns``), kept between messages.
    """

    session: AsyncSession
    account: ChannelAccount
    reporter: Reporter | None
    state: FlowState
    incoming: Incoming
    now: datetime
    zone: ZoneInfo
    reports_dir: Path = Path("data/reports")
    hours: DailyHours = field(default_factory=DailyHours)
    reopen_days: int = 3
    campaigns: CampaignCache = field(default_factory=CampaignCache)
    web_address: str = ""
    replies: list[Reply] = field(default_factory=list)
    command_menu: str | None = None
    _notes: list[str] = field(default_factory=list)
    _campaigns: dict[int, Campaign] = field(default_factory=dict)
    _rows: dict[tuple[type[Any], int], Any] = field(default_factory=dict)
    _memo: dict[tuple[str, int], Any] = field(default_factory=dict)
    _data: object | None = None
    _keep: Keep | None = None

    @property
    def today(self) -> date:
        """Today's date in Vietnam."""
        return local_day(self.now, self.zone)

    def local(self, moment: datetime) -> datetime:
        """``moment`` in Vietnam time, for display."""
        return moment.astimezone(self.zone)

    def note(self, text: str) -> None:
        """A line to put in front of the next reply (an echo, or why an answer was refused)."""
        self._notes.append(text)

    def say(
        self, text: str, choices: list[str] | tuple[str, ...] = (), *, request_phone: bool = False
    ) -> None:
        """Add a reply, preceded by any pending notes, as one message."""
        self.replies.append(
            Reply(self._with_notes(text), tuple(choices), request_phone=request_phone)
        )

    def send_document(self, text: str, document: Document) -> None:
        """Add a file as a reply, ``text`` (preceded by any pending notes) as its caption."""
        self.replies.append(Reply(self._with_notes(text), document=document))

    def _with_notes(self, text: str) -> str:
        body = "\n\n".join([*self._notes, text]) if self._notes else text
        self._notes.clear()
        return body

    def data(self, kind: type[D]) -> D:
        """The current flow's data as ``kind`` (a dataclass of ``handlers.state``), decoded
        from ``state.data`` on first use in this message and changed in place after that.

        Raises BadState when the stored data does not have ``kind``'s shape (the router then
        stops the flow with a note)."""
        if not isinstance(self._data, kind):
            self.store_state()  # another flow's data in hand: keep what it changed
            self._data = decode(kind, self.state.data)
        return self._data

    def set_data(self, data: D) -> D:
        """Start the current flow's data afresh with ``data`` (returned)."""
        self._data = data
        self.state.data = cast(dict[str, Any], encode(data))
        return data

    @property
    def keep(self) -> Keep:
        """What survives the end of a flow (drafts, the unit chosen), decoded once per
        message; a stored value of the wrong shape is dropped (its default), never fatal."""
        if self._keep is None:
            try:
                self._keep = decode(Keep, self.state.keep, lenient=True)
            except BadState:  # not even an object: start again rather than stop every flow
                self._keep = Keep()
        return self._keep

    def store_state(self) -> None:
        """Write the typed data and kept values back into ``state`` as JSON. Keys of ``keep``
        this version does not know are left as they are."""
        if self._data is not None:
            self.state.data = cast(dict[str, Any], encode(self._data))
        if self._keep is not None:
            known = cast(dict[str, Any], encode(self._keep))
            old = self.state.keep if isinstance(self.state.keep, dict) else {}
            unknown = {k: v for k, v in old.items() if k not in Keep.__dataclass_fields__}
            self.state.keep = {**unknown, **known}

    def finish_replies(self) -> list[Reply]:
        """The replies to send, notes flushed, a command-menu change on the last one; the
        typed state written back into ``state`` (:meth:`store_state`), ready to be saved."""
        self.store_state()
        self.flush_notes()
        if self.command_menu and self.replies:
            self.replies[-1] = replace(self.replies[-1], command_menu=self.command_menu)
        return self.replies

    def flush_notes(self) -> None:
        """Send pending notes as a message of their own (when no question follows)."""
        if self._notes:
            self.replies.append(Reply("\n\n".join(self._notes)))
            self._notes.clear()

    async def goto(self, flow: str, step: str) -> None:
        """Move to ``flow``'s ``step`` and ask its question."""
        self.state.flow, self.state.step = flow, step
        await FLOWS[flow].steps[step].ask(self)

    def finish(self) -> None:
        """Leave the current flow (kept data such as drafts stays)."""
        self.state.flow, self.state.step, self.state.data = None, None, {}
        self._data = None

    async def campaign(self, campaign_id: int) -> Campaign:
        """A campaign with elements, indicators, titles and periods, loaded once per message."""
        if campaign_id not in self._campaigns:
            self._campaigns[campaign_id] = await self.campaigns.get(self.session, campaign_id)
        return self._campaigns[campaign_id]

    async def once(self, key: tuple[str, int], load: Callable[[], Awaitable[T]]) -> T:
        """``load()``'s result, awaited once per message for ``key`` (a read used by several
        parts of one answer: a unit's name and committed targets)."""
        if key not in self._memo:
            self._memo[key] = await load()
        return cast(T, self._memo[key])

    async def row(self, model: type[R], row_id: int) -> R:
        """The row of ``model`` with primary key ``row_id``, read once per message: the session's
        identity map holds rows only while something refers to them, so a row looked up again
        and again within a step (a period, a unit) would be read again each time.

        Reads without flushing first: a row changed in this session is in its identity map
        (returned as changed, no query), one added and not flushed has no key to look up, so a
        flush could not change the answer; it only cost ~0.5 ms a step and split the batch's
        one flush at commit into one per step.

        Raises LookupError when there is no such row."""
        key = (model, row_id)
        if key not in self._rows:
            with self.session.no_autoflush:
                found = await self.session.get(model, row_id)
            if found is None:
                raise LookupError(f"no {model.__name__} {row_id}")
            self._rows[key] = found
        return cast(R, self._rows[key])

    @property
    def in_idle_step(self) -> bool:
        """True when no flow is running or the current step loses nothing if replaced."""
        if self.state.flow is None or self.state.step is None:
            return True
        return FLOWS[self.state.flow].steps[self.state.step].idle

    @property
    def is_office(self) -> bool:
        """True when the person is an office user (văn phòng)."""
        return bool(self.reporter and self.reporter.is_office)


Ask = Callable[[Context], Awaitable[None]]
Answer = Callable[[Context, str], Awaitable[None]]
Start = Callable[[Context, str], Awaitable[None]]


@dataclass(frozen=True)
class Step:
    """One question of a flow: how to ask it and how to take its answer.

    ``idle`` marks a step where nothing typed would be lost (a choice of unit, campaign or
    period): another command simply replaces it instead of being refused. ``takes_files``: the
    step takes photos and documents (evidence); elsewhere the router answers one with a note
    and asks the step's question again, the caption unread.
    """

    ask: Ask
    answer: Answer
    idle: bool = False
    takes_files: bool = False


@dataclass(frozen=True)
class Flow:
    """A named conversation (``doing`` says in Vietnamese what the person is in the middle of:
    a message id marked with ``N_``, translated where it is shown);
    ``data``: the dataclass of its scratch data (``handlers.state``)."""

    name: str
    doing: str
    steps: dict[str, Step]
    data: type = NoData


FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    """Add a flow to the registry (each flow module does so at import)."""
    FLOWS[flow.name] = flow
    return flow


def check_state(ctx: Context) -> None:
    """Raise BadState unless the stored flow and step exist and the flow's data decodes."""
    flow = FLOWS.get(ctx.state.flow) if ctx.state.flow else None
    if ctx.state.flow is None:
        return
    if flow is None or ctx.state.step not in flow.steps:
        raise BadState("flow", (ctx.state.flow, ctx.state.step))
    ctx.data(flow.data)


async def ask_again(ctx: Context) -> None:
    """Ask the current step's question again (after an interruption or a bad answer)."""
    if ctx.state.flow and ctx.state.step:
        await FLOWS[ctx.state.flow].steps[ctx.state.step].ask(ctx)
    else:
        ctx.flush_notes()


COMMANDS: dict[str, Start] = {}


def command(name: str) -> Callable[[Start], Start]:
    """Register the function that starts command ``/name`` (its text argument is given)."""

    def add(start: Start) -> Start:
        COMMANDS[name] = start
        return start

    return add
