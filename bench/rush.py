"""Benchmark: a deadline rush of units pasting their whole report through the real
``reportbot run`` process and the fake Bot API, while the office asks for a province-sized
workbook.

    .venv/bin/python bench/rush.py [--units 3000] [--figures 15] [--big-units 10000]
                                   [--big-elements 40] [--probe-units 1000] [--probe-rate 2]
                                   [--chat-per-second 1] [--nice-build N] [--quick] [--keep DIR]

Setup (not measured): a fresh SQLite database in a temporary folder gets

- the rush campaign ``RUSH2026`` (yearly, open on :data:`bench.ingest.BENCH_DAY`): ``--units``
  villages for the rush plus ``--probe-units`` for part 2, ``--figures`` data elements (hộ,
  người, tấn, tỷ đồng, ha, %, km, vụ, có/không, triệu đồng, lượt …), each village's head bound on
  Telegram (user and chat id :data:`FIRST_USER` + n), nothing reported;
- the big campaign ``TINH2026`` (quarterly), loaded in bulk: ``--big-units`` units in 20
  clusters, ``--big-elements`` entered elements (whole numbers and decimals, targets on every
  other one) plus an indicator per five, 90% of the units reported Quý 1/2026 (a reporter each),
  one audit row per value (``--big-units 0``: no big campaign, the office asks for the rush
  campaign's own workbook instead);
- an office invite, used by the office account (``/start CODE``) before the rush.

Then ``python -m bot run`` starts as a subprocess (``tests/bot_process.py``) with the clock at
09:00 on the bench day, polling ``tests/fake_telegram.FakeTelegram`` on 127.0.0.1 (here with a
record of each chat's messages and of the ``getUpdates`` offsets), which accepts at most 30
messages in any 1-second window and answers 429 beyond. Production pacing:
``TELEGRAM_PER_SECOND`` 30 and ``TELEGRAM_CHAT_PER_SECOND`` 1 (``--chat-per-second``); the
scheduler is off (``REPORTBOT_SCHEDULER=false``: no reminders or housekeeping in the figures).

An update counts as committed when the bot confirms it, i.e. asks ``getUpdates`` for a higher
offset: it does so only after the update's transaction committed
(``bot.channels.telegram.polling``), so this holds whether the bot commits one update or a whole
fetched batch at a time; for an update in a batch it is the end of its batch.

1. The rush. Every unit goes through the real conversation: ``/nhap``, the whole report pasted
   in one message (one ``Tên chỉ tiêu: giá trị`` line per figure, typed the Vietnamese way:
   ``1.250 tấn``, ``2 tỷ 500 triệu``, ``3,25 ha``, ``95%``, ``có``), then ``1`` at "Nộp báo cáo
   này?". Units come in waves of :data:`WAVE` (the wave's ``/nhap``, then its pastes, then its
   confirmations), as fast as the bot takes them: :data:`QUEUE` updates always wait at the fake,
   not yet fetched (a deeper queue would only delay the office's message). When a quarter of
   the rush has been pushed the office sends ``/tonghop TINH2026 2026Q1``. Measured: the
   ingest rate (updates committed per second from the first push to the last commit; also
   while the build process ran and outside it), the longest wait between two confirmations,
   the bot process's CPU use and run-queue wait, the delivery rate (messages the fake accepted
   per second, first to last), how far the replies lag behind (push to the fake's receipt), and
   when the workbook was built and arrived.
2. Other chats while the workbook builds. Once every reply of the rush is delivered, the
   ``--probe-units`` villages converse at a pace the outbox can carry: one starts every
   ``1/--probe-rate`` s and answers each reply :data:`THINK` s after it arrived, as a person
   would; after :data:`WARMUP` s the office asks for the same workbook again, and new
   conversations start until :data:`TAIL` s after the build ended. A step's answer latency is
   from pushing the update to the fake's receipt of the bot's first message to that chat
   after it; its commit latency from the push to the confirmation. Steps pushed while the
   build process ran count as "during the build". The target: p99 answer latency of other
   chats during the build < 100 ms.

The build window is the life of the bot's child ``python -m bot.document_build``, watched in
/proc every 20 ms (with its CPU time, and the bot's threads' CPU and run-queue time from
``schedstat``). ``--nice-build N`` renices that child as soon as it is seen: an experiment (the
product starts it at ``bot.document_build.NICE``, 10). Nothing lost: every rush unit's receipt ("✅ Đã nhận báo cáo") arrived and its
Submission row exists after the bot stopped, the outbox holds nothing unsent, no 429, no
off-spec request. Figures are printed; nothing is asserted. SQLite only.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.fanout import FAKE_PER_SECOND  # noqa: E402
from bench.ingest import BENCH_DAY, TOKEN, bench_clock, percentile  # noqa: E402
from bench.report import bulk_insert  # noqa: E402
from bot.app import App, open_app  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.campaign_spec import (  # noqa: E402
    Aggregation,
    CampaignSpec,
    ElementSpec,
    Frequency,
    UnitSpec,
    ValueType,
)
from domain.validation import canonical  # noqa: E402
from storage.campaigns import import_campaign  # noqa: E402
from storage.models import (  # noqa: E402
    Campaign,
    ChannelAccount,
    DataElement,
    DataValue,
    DataValueAudit,
    OrgUnit,
    OutboxMessage,
    OutboxStatus,
    Period,
    Reporter,
    ReporterUnit,
    Submission,
)
from tests.bot_process import BotProcess  # noqa: E402
from tests.fake_telegram import FakeTelegram, text_update  # noqa: E402
from tests.helpers import make_invite  # noqa: E402

RUSH, RUSH_PERIOD = "RUSH2026", str(BENCH_DAY.year)
BIG, BIG_PERIOD = "TINH2026", f"{BENCH_DAY.year}Q1"
FIRST_USER = 300_000_000
"""Telegram user (and private chat) id of the head of rush unit 0; unit n is FIRST_USER + n."""
OFFICE = 299_000_001
"""Telegram user (and private chat) id of the office account."""
WAVE = 50
"""Units per wave of the rush: their /nhap, then their pastes, then their confirmations."""
QUEUE = 100
"""Updates kept waiting at the fake during the rush, not yet handed to the bot: a full
``getUpdates`` batch (at most 100, Bot API) whenever it asks."""
ASK_AT = 0.25
"""Share of the rush pushed when the office asks for the workbook."""
THINK = 1.5
"""Seconds a person of part 2 takes to answer a reply (over the 1 s per-chat pace)."""
WARMUP, TAIL = 10.0, 10.0
"""Seconds of part 2 before the office asks, and after the build ended."""
FIRST_UPDATE = 100_000
"""The fake's first update id."""
RECEIPT = "✅ Đã nhận báo cáo"
SUMMARY = "Nộp báo cáo này?"
FIRST_QUESTION = "Chỉ tiêu 1/"
BUILD_MODULE = b"bot.document_build"


# --------------------------------------------------------------------------- the rush campaign


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


FIGURES: tuple[tuple[str, str, ValueType, Callable[[int], str]], ...] = (
    ("Tổng số hộ dân", "hộ", ValueType.INTEGER, lambda u: f"{300 + u % 50} hộ"),
    ("Dân số", "người", ValueType.INTEGER, lambda u: f"{_thousands(1200 + u % 90)} người"),
    ("Sản lượng lúa", "tấn", ValueType.NUMBER, lambda u: f"{_thousands(1250 + u % 40)} tấn"),
    ("Thu ngân sách", "tỷ đồng", ValueType.NUMBER, lambda u: f"{2 + u % 3} tỷ 500 triệu"),
    ("Số hộ nghèo", "hộ", ValueType.INTEGER, lambda u: f"{10 + u % 5}"),
    ("Số lao động được tạo việc làm", "người", ValueType.INTEGER, lambda u: f"{40 + u % 9} lđ"),
    ("Diện tích trồng rừng mới", "ha", ValueType.NUMBER, lambda u: f"{3 + u % 4},25 ha"),
    ("Số học sinh đến trường", "học sinh", ValueType.INTEGER, lambda u: f"{400 + u % 30} hs"),
    ("Tỷ lệ hộ dùng nước sạch", "%", ValueType.PERCENTAGE, lambda u: f"{90 + u % 9}%"),
    ("Đường giao thông được cứng hóa", "km", ValueType.NUMBER, lambda u: f"{2 + u % 3},5 km"),
    ("Số vụ vi phạm pháp luật", "vụ", ValueType.INTEGER, lambda u: f"{1 + u % 3} vụ"),
    ("Có hương ước, quy ước", "có/không", ValueType.BOOLEAN, lambda u: "có"),
    ("Số hội viên nông dân", "người", ValueType.INTEGER, lambda u: f"{150 + u % 20} ng"),
    ("Kinh phí xã hội hóa", "triệu đồng", ValueType.NUMBER, lambda u: f"{800 + u % 90} trđ"),
    (
        "Số lượt người được khám bệnh",
        "lượt",
        ValueType.INTEGER,
        lambda u: f"{_thousands(1000 + u % 70)} lượt",
    ),
)
"""The rush campaign's figures: name, measure unit, value type, and how unit ``u`` types it
(values vary a little between units, never enough to be asked back)."""


def figure(index: int) -> tuple[str, str, ValueType, Callable[[int], str]]:
    """The ``index``-th figure (0-based): from :data:`FIGURES`, then extra whole numbers."""
    if index < len(FIGURES):
        return FIGURES[index]
    return (
        f"Chỉ tiêu bổ sung số {index + 1}",
        "người",
        ValueType.INTEGER,
        lambda u: f"{100 + u % 50}",
    )


def rush_campaign(units: int, figures: int) -> CampaignSpec:
    """The yearly rush campaign: ``units`` villages, ``figures`` data elements."""
    year = BENCH_DAY.year
    return CampaignSpec(
        code=RUSH,
        name="Phong trào thi đua nước rút",
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        frequency=Frequency.YEARLY,
        due_days=30,
        lock_days=30,
        elements=tuple(ElementSpec(f"R{i:02d}", *figure(i)[:3]) for i in range(figures)),
        units=tuple(UnitSpec(f"R{n:05d}", f"Thôn {n + 1}", "thôn") for n in range(units)),
    )


def paste(unit: int, figures: int) -> str:
    """Unit ``unit``'s whole report in one message: ``Tên chỉ tiêu: giá trị``, one per line."""
    return "\n".join(
        f"{name}: {typed(unit)}" for name, _u, _v, typed in map(figure, range(figures))
    )


async def bind_heads(app: App, units: int, now: datetime) -> None:
    """Each rush village gets a head bound on Telegram (user and chat id FIRST_USER + n)."""
    async with app.sessions() as session, session.begin():
        unit_ids = dict(
            (await session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.like("R%"))))
            .tuples()
            .all()
        )
        heads = [Reporter(full_name=f"Trưởng thôn {n + 1}", created_at=now) for n in range(units)]
        session.add_all(heads)
        await session.flush()
        for n, head in enumerate(heads):
            user = str(FIRST_USER + n)
            session.add(
                ChannelAccount(
                    channel="telegram",
                    external_id=user,
                    chat_id=user,
                    display_name=head.full_name,
                    reporter_id=head.id,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            session.add(
                ReporterUnit(
                    reporter_id=head.id,
                    org_unit_id=unit_ids[f"R{n:05d}"],
                    bound_via="invite",
                    bound_at=now,
                )
            )


# --------------------------------------------------------------------------- the big campaign


def big_elements(count: int) -> tuple[ElementSpec, ...]:
    """``count`` entered elements (whole numbers and decimals, a target on every other one)
    and an indicator (numerator / denominator x 100) after every fifth."""
    elements: list[ElementSpec] = []
    for index in range(count):
        whole = index % 3 != 0
        elements.append(
            ElementSpec(
                f"E{index:02d}",
                f"Chỉ tiêu số {index + 1} của phong trào thi đua",
                "người" if whole else "tấn",
                ValueType.INTEGER if whole else ValueType.NUMBER,
                target=Decimal(500 + index) if index % 2 == 0 else None,
            )
        )
        if index % 5 == 4:
            elements.append(
                ElementSpec(
                    f"TL{index:02d}",
                    f"Tỷ lệ số {index + 1}",
                    "%",
                    ValueType.PERCENTAGE,
                    Aggregation.RATIO,
                    numerator=f"E{index - 2:02d}",
                    denominator=f"E{index - 1:02d}",
                    target=Decimal(60),
                )
            )
    return tuple(elements)


def big_campaign(units: int, elements: int) -> CampaignSpec:
    """The quarterly 2026 campaign of a province: ``units`` units in 20 clusters."""
    return CampaignSpec(
        code=BIG,
        name="Phong trào thi đua cấp tỉnh",
        start=date(BENCH_DAY.year, 1, 1),
        end=date(BENCH_DAY.year, 12, 31),
        frequency=Frequency.QUARTERLY,
        issuing_body="UBND tỉnh Thử Nghiệm",
        due_days=10,
        lock_days=15,
        elements=big_elements(elements),
        units=tuple(
            UnitSpec(
                f"P{n:05d}",
                f"Đơn vị số {n + 1} tỉnh Thử Nghiệm",
                "xã",
                f"Cụm thi đua số {n % 20 + 1}",
                (f"08{n:08d}",),
                (f"Trần Thị {n + 1}",),
            )
            for n in range(units)
        ),
    )


def big_value(element: ElementSpec, unit: int) -> str:
    """A unit's stored value of an entered element (canonical text)."""
    if element.value_type is ValueType.INTEGER:
        return str(300 + (unit * 7 + len(element.code)) % 600)
    return canonical(Decimal(unit % 1000) / 4 + 100)


async def load_big(app: App, units: int, elements: int) -> int:
    """Import the big campaign and fill Quý 1 in bulk: 90% of the units reported (a reporter
    each, every tenth of them late), every value with its audit row. Returns the values."""
    spec = big_campaign(units, elements)
    entered_at = datetime(BENCH_DAY.year, 4, 2, 1, 0, tzinfo=ZoneInfo("UTC"))
    async with app.sessions() as session, session.begin():
        campaign_id = (await import_campaign(session, spec, app.clock.now())).campaign_id
    reported = [n for n in range(units) if n % 10 != 9]
    async with app.engine.begin() as connection:

        async def ids(query: Any) -> dict[Any, int]:
            return dict((await connection.execute(query)).tuples().all())

        async def bulk(table: Any, rows: Iterator[dict[str, Any]]) -> int:
            return await bulk_insert(connection, table, rows)

        element_ids = await ids(
            select(DataElement.code, DataElement.id).where(DataElement.campaign_id == campaign_id)
        )
        period_id = (
            await ids(
                select(Period.code, Period.id).where(
                    Period.campaign_id == campaign_id, Period.code == BIG_PERIOD
                )
            )
        )[BIG_PERIOD]
        unit_ids = await ids(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.like("P%")))
        await bulk(
            Reporter.__table__,
            (
                {
                    "full_name": f"Nguyễn Văn {n + 1}",
                    "phone": f"08{n:08d}",
                    "created_at": entered_at,
                }
                for n in reported
            ),
        )
        by_phone = await ids(select(Reporter.phone, Reporter.id).where(Reporter.phone.like("08%")))
        who = {n: by_phone[f"08{n:08d}"] for n in reported}
        unit = {n: unit_ids[f"P{n:05d}"] for n in reported}
        await bulk(
            Submission.__table__,
            (
                {
                    "org_unit_id": unit[n],
                    "period_id": period_id,
                    "submitted_by_id": who[n],
                    "submitted_at": entered_at + timedelta(minutes=n),
                    "is_late": n % 10 == 8,
                    "receipt": f"P{n:06X}",
                }
                for n in reported
            ),
        )
        entered = [e for e in spec.elements if not e.is_indicator]
        keys = [
            (n, e, {"org_unit_id": unit[n], "period_id": period_id})
            for n in reported
            for e in entered
        ]
        values = await bulk(
            DataValue.__table__,
            (
                base
                | {
                    "data_element_id": element_ids[e.code],
                    "value": big_value(e, n),
                    "entered_by_id": who[n],
                    "created_at": entered_at + timedelta(minutes=n),
                    "updated_at": entered_at + timedelta(minutes=n),
                }
                for n, e, base in keys
            ),
        )
        await bulk(
            DataValueAudit.__table__,
            (
                base
                | {
                    "data_element_id": element_ids[e.code],
                    "action": "create",
                    "old_value": None,
                    "new_value": big_value(e, n),
                    "changed_by_id": who[n],
                    "changed_at": entered_at + timedelta(minutes=n),
                    "reason": "",
                }
                for n, e, base in keys
            ),
        )
    return values


# --------------------------------------------------------------------------- watching


@dataclass
class Received:
    """A message the fake accepted: when (monotonic s), its text or caption."""

    at: float
    text: str


class WatchedFake(FakeTelegram):
    """The fake Bot API, keeping each chat's accepted messages (waking whoever waits for
    them) and when the bot fetched and confirmed each update (``getUpdates``)."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: dict[str, list[Received]] = defaultdict(list)
        self.arrived: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.fetched = FIRST_UPDATE - 1  # the highest update id handed to the bot
        self.offsets: list[int] = [FIRST_UPDATE]  # confirmed below offsets[i] at times[i]
        self.times: list[float] = [0.0]
        self.taken = asyncio.Event()  # set whenever the bot fetched updates

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        message = super()._message(params)
        chat = str(params["chat_id"])
        text = str(params.get("text") or params.get("caption") or "")
        # the call was recorded just before, with no await in between
        self.inbox[chat].append(Received(self.calls[-1].at, text))
        self.arrived[chat].set()
        return message

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        if offset > self.offsets[-1]:
            self.offsets.append(offset)
            self.times.append(time.monotonic())
        updates = await super()._get_updates(params)
        if updates:
            self.fetched = max(self.fetched, int(updates[-1]["update_id"]))
            self.taken.set()
        return updates

    def confirmed_at(self, update_id: int) -> float | None:
        """When the bot confirmed ``update_id`` (asked for a higher offset: it had committed
        it), monotonic s; None if it has not."""
        index = bisect.bisect_right(self.offsets, update_id)
        return self.times[index] if index < len(self.times) else None

    def unfetched(self, last: int) -> int:
        """Updates up to id ``last`` not handed to the bot yet."""
        return max(0, last - self.fetched)

    def unconfirmed(self, last: int) -> int:
        """Updates up to id ``last`` the bot has not confirmed yet."""
        return max(0, last + 1 - self.offsets[-1])

    async def wait_for(self, chat: int, start: int, needle: str, timeout: float) -> int:
        """Index of the first message to ``chat`` from ``start`` on that contains ``needle``."""
        key = str(chat)
        deadline = time.monotonic() + timeout
        while True:
            box = self.inbox[key]
            for index in range(start, len(box)):
                if needle in box[index].text:
                    return index
            event = self.arrived[key]
            event.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {needle!r} for chat {chat}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), left)


@dataclass
class Build:
    """One run of the build process: first and last seen (monotonic s), CPU time (s)."""

    started: float
    ended: float
    cpu: float = 0.0

    @property
    def seconds(self) -> float:
        """Wall time the process was seen alive, s."""
        return self.ended - self.started

    def holds(self, moment: float) -> bool:
        """True when ``moment`` falls while the build ran."""
        return self.started <= moment <= self.ended


@dataclass
class Sample:
    """The bot process at one moment (monotonic s): CPU time and time spent waiting for a
    CPU in the run queue, both summed over its threads, s (``/proc/PID/task/*/schedstat``)."""

    at: float
    cpu: float
    waiting: float


class ProcessWatch:
    """Looks at the bot process in /proc every 20 ms: its children (the build process,
    ``python -m bot.document_build``) and its threads' CPU and run-queue time."""

    def __init__(self, pid: int, nice: int = 0) -> None:
        self.pid = pid
        self.nice = nice
        self.running: dict[int, Build] = {}
        self.done: list[Build] = []
        self.samples: list[Sample] = []
        self.ticks = os.sysconf("SC_CLK_TCK")

    def _children(self) -> set[int]:
        found: set[int] = set()
        for path in Path(f"/proc/{self.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                found.update(int(pid) for pid in path.read_text().split())
        return found

    def _cpu(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / self.ticks  # utime + stime

    def _is_build(self, pid: int) -> bool:
        try:
            return BUILD_MODULE in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    def _schedstat(self, now: float) -> Sample | None:
        cpu = waiting = 0
        for path in Path(f"/proc/{self.pid}/task").glob("*/schedstat"):
            with contextlib.suppress(OSError, ValueError):
                on_cpu, queued, _slices = path.read_text().split()
                cpu, waiting = cpu + int(on_cpu), waiting + int(queued)
        return Sample(now, cpu / 1e9, waiting / 1e9) if cpu else None

    def sample(self) -> None:
        """One look."""
        now = time.monotonic()
        children = self._children()
        for pid in children - set(self.running):
            if self._is_build(pid):
                self.running[pid] = Build(now, now)
                if self.nice:  # an experiment (--nice-build); the product's own is NICE (10)
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, pid, self.nice)
        for pid, build in list(self.running.items()):
            cpu = self._cpu(pid) if pid in children else None
            if cpu is None:
                self.done.append(self.running.pop(pid))
                continue
            build.ended, build.cpu = now, cpu
        sample = self._schedstat(now)
        if sample is not None:
            self.samples.append(sample)

    async def run(self, stop: asyncio.Event) -> None:
        """Look every 20 ms until ``stop``."""
        while not stop.is_set():
            self.sample()
            await asyncio.sleep(0.02)

    def after(self, moment: float) -> Build | None:
        """The first finished build that started after ``moment``."""
        return next((b for b in self.done if b.started >= moment), None)

    def usage(self, start: float, end: float) -> tuple[float, float, float]:
        """The bot's CPU time, run-queue wait and the wall time between the samples nearest
        to ``start`` and ``end`` (monotonic s) inside them, all in s."""
        inside = [s for s in self.samples if start <= s.at <= end]
        if len(inside) < 2:
            return 0.0, 0.0, 0.0
        first, last = inside[0], inside[-1]
        return last.cpu - first.cpu, last.waiting - first.waiting, last.at - first.at


# --------------------------------------------------------------------------- the two parts


@dataclass
class Step:
    """One update a unit pushed: its id, its chat, when it was pushed, when the bot confirmed
    it and when the fake received the bot's first message to that chat after it (monotonic
    s; None until known)."""

    update_id: int
    chat: int
    pushed: float
    kind: str
    confirmed: float | None = None
    answered: float | None = None


@dataclass
class Part:
    """What one part recorded: the units' steps, when the office asked and when the
    document arrived (monotonic s), and how many rush replies went out between the two."""

    steps: list[Step] = field(default_factory=list)
    started: float = 0.0
    asked: float = 0.0
    document: float | None = None
    replies_before_document: int = 0
    units: int = 0
    ran_out: bool = False
    last_start: float = 0.0
    ended: float = 0.0
    cpu: float = 0.0  # CPU time of this process (the fake Bot API and the people) meanwhile, s


async def push(fake: WatchedFake, chat: int, text: str) -> Step:
    """Push one private message from ``chat``'s user; the step, timed."""
    pushed = time.monotonic()
    update_id = await fake.push(text_update(chat, text))
    return Step(update_id, chat, pushed, kind(text))


def kind(text: str) -> str:
    """What a step is: a command, "paste" (a whole report) or the text itself ("1")."""
    return "paste" if "\n" in text else text.split()[0]


def rush_order(units: int, figures: int) -> list[tuple[int, str]]:
    """Every unit's three messages, wave by wave: the wave's /nhap, its pastes, its "1"."""
    order: list[tuple[int, str]] = []
    for first in range(0, units, WAVE):
        wave = range(first, min(units, first + WAVE))
        order += [(n, "/nhap") for n in wave]
        order += [(n, paste(n, figures)) for n in wave]
        order += [(n, "1") for n in wave]
    return order


async def rush(fake: WatchedFake, units: int, figures: int, ask: str, timeout: float) -> Part:
    """Part 1: the rush as fast as the bot takes it; the office asks for the workbook a
    quarter of the way in. Returns when every receipt and the document arrived (or at
    ``timeout`` s after the last update was processed)."""
    part = Part(units=units)
    order = rush_order(units, figures)
    office_seen = len(fake.inbox[str(OFFICE)])
    last = 0
    part.started = time.monotonic()
    for index, (unit, text) in enumerate(order):
        while fake.unfetched(last) >= QUEUE:
            fake.taken.clear()
            await fake.taken.wait()
        step = await push(fake, FIRST_USER + unit, text)
        part.steps.append(step)
        last = step.update_id
        if index == int(len(order) * ASK_AT):
            office = await push(fake, OFFICE, ask)
            part.asked, last = office.pushed, office.update_id
    while fake.unconfirmed(last):
        await asyncio.sleep(0.005)
    deadline = time.monotonic() + timeout
    waiting = set(range(units))
    while waiting and time.monotonic() < deadline:
        waiting = {n for n in waiting if not _has(fake, FIRST_USER + n, RECEIPT)}
        await asyncio.sleep(0.2)
    with contextlib.suppress(TimeoutError):
        index = await fake.wait_for(
            OFFICE, office_seen, "📊", max(1.0, deadline - time.monotonic())
        )
        part.document = fake.inbox[str(OFFICE)][index].at
    answers: dict[int, int] = defaultdict(int)
    for step in part.steps:  # each step is answered by one message, in order
        box = fake.inbox[str(step.chat)]
        if answers[step.chat] < len(box):
            step.answered = box[answers[step.chat]].at
        answers[step.chat] += 1
        step.confirmed = fake.confirmed_at(step.update_id)
    if part.document is not None:
        part.replies_before_document = sum(
            1
            for n in range(units)
            for message in fake.inbox[str(FIRST_USER + n)]
            if part.asked < message.at < (part.document or 0.0)
        )
    return part


def _has(fake: WatchedFake, chat: int, needle: str) -> bool:
    return any(needle in message.text for message in fake.inbox[str(chat)])


async def converse(fake: WatchedFake, unit: int, figures: int, into: list[Step]) -> bool:
    """A person of part 2: /nhap, the paste, "1", each sent :data:`THINK` s after the reply
    it answers arrived. True when the receipt came."""
    chat = FIRST_USER + unit
    for text, needle in (
        ("/nhap", FIRST_QUESTION),
        (paste(unit, figures), SUMMARY),
        ("1", RECEIPT),
    ):
        seen = len(fake.inbox[str(chat)])
        step = await push(fake, chat, text)
        into.append(step)
        try:
            first = await fake.wait_for(chat, seen, "", 120)
            step.answered = fake.inbox[str(chat)][first].at
            await fake.wait_for(chat, seen, needle, 120)
        except TimeoutError:
            return False
        await asyncio.sleep(THINK)
    return True


async def other_chats(
    fake: WatchedFake, watch: ProcessWatch, first_unit: int, args: argparse.Namespace, ask: str
) -> Part:
    """Part 2: conversations started at ``args.probe_rate`` a second; the office asks after
    :data:`WARMUP` s; no new one starts from :data:`TAIL` s after the build ended."""
    part = Part()
    office_seen = len(fake.inbox[str(OFFICE)])
    tasks: list[asyncio.Task[bool]] = []
    part.started = time.monotonic()
    for k in range(args.probe_units):
        await asyncio.sleep(max(0.0, part.started + k / args.probe_rate - time.monotonic()))
        now = time.monotonic()
        if not part.asked and now - part.started >= WARMUP:
            part.asked = (await push(fake, OFFICE, ask)).pushed
        build = watch.after(part.asked) if part.asked else None
        if build is not None and now > build.ended + TAIL:
            break
        tasks.append(asyncio.create_task(converse(fake, first_unit + k, args.figures, part.steps)))
        part.last_start = now
    else:
        part.ran_out = True
    part.units = len(tasks)
    await asyncio.gather(*tasks)
    if part.asked:
        with contextlib.suppress(TimeoutError):
            index = await fake.wait_for(OFFICE, office_seen, "📊", 600)
            part.document = fake.inbox[str(OFFICE)][index].at
    for step in part.steps:
        step.confirmed = fake.confirmed_at(step.update_id)
    return part


# --------------------------------------------------------------------------- the end


@dataclass
class Outcome:
    """What the database held after the bot stopped."""

    rush_submitted: int
    probe_submitted: int
    values: int
    unsent: int


async def final_counts(url: str, units: int, zone: ZoneInfo) -> Outcome:
    """Submission rows of the rush period (rush units and part 2's), its values, and outbox
    rows not sent (any channel)."""
    async with (
        open_app(Settings(database_url=url), clock=bench_clock(zone)) as app,
        app.sessions() as session,
    ):
        period = (
            select(Period.id)
            .join(Campaign, Campaign.id == Period.campaign_id)
            .where(Campaign.code == RUSH, Period.code == RUSH_PERIOD)
            .scalar_subquery()
        )
        codes = list(
            await session.scalars(
                select(OrgUnit.code)
                .join(Submission, Submission.org_unit_id == OrgUnit.id)
                .where(Submission.period_id == period)
            )
        )
        values = await session.scalar(
            select(func.count()).select_from(DataValue).where(DataValue.period_id == period)
        )
        unsent = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status != OutboxStatus.SENT)
        )
    rush_codes = {f"R{n:05d}" for n in range(units)}
    return Outcome(
        rush_submitted=sum(1 for code in codes if code in rush_codes),
        probe_submitted=sum(1 for code in codes if code not in rush_codes),
        values=int(values or 0),
        unsent=int(unsent or 0),
    )


def ms(seconds: Sequence[float], share: float) -> str:
    """The ``share`` percentile (nearest rank; the median for 0.5) of ``seconds``, in ms."""
    if not seconds:
        return "-"
    value = statistics.median(seconds) if share == 0.5 else percentile(list(seconds), share)
    return f"{value * 1000:.0f}"


def split(label: str, inside: Sequence[float], outside: Sequence[float]) -> str:
    """p50/p99 during the build and outside it, in ms, with the counts."""
    return (
        f"  {label}: during the build p50 {ms(inside, 0.5)} ms, p99 {ms(inside, 0.99)} ms"
        f" (n={len(inside)}); outside p50 {ms(outside, 0.5)} ms, p99 {ms(outside, 0.99)} ms"
        f" (n={len(outside)})"
    )


def longest_gaps(moments: Sequence[float], build: Build) -> tuple[float, float]:
    """The longest time between two consecutive ``moments`` that overlaps the build, and the
    longest that does not, s."""
    inside = outside = 0.0
    for a, b in itertools.pairwise(sorted(moments)):
        if a <= build.ended and b >= build.started:
            inside = max(inside, b - a)
        else:
            outside = max(outside, b - a)
    return inside, outside


def chunks(confirmed: Sequence[float], start: float) -> tuple[int, str]:
    """The ingest rate over successive chunks of a tenth of the updates (at least three
    ``getUpdates`` batches each, as a batch is confirmed at once): (chunk size, rates in
    updates/s)."""
    ordered = sorted(confirmed)
    size = max(len(ordered) // 10, 3 * QUEUE)
    found, previous = [], start
    for index in range(size - 1, len(ordered), size):
        found.append(f"{size / max(ordered[index] - previous, 1e-9):.0f}")
        previous = ordered[index]
    return size, " ".join(found)


def rates(build: Build | None, confirmed: list[float], start: float, end: float) -> str:
    """Updates confirmed per second during the build (cut at ``end``) and outside it."""
    if build is None:
        return ""
    stop = min(build.ended, end)
    window = stop - build.started
    rest = end - start - window
    if window <= 0 or rest <= 0:
        return ""
    inside = sum(1 for moment in confirmed if build.started <= moment <= stop)
    return (
        f"  (during the build {inside / window:.1f}/s,"
        f" outside {(len(confirmed) - inside) / rest:.1f}/s)"
    )


def usage_line(watch: ProcessWatch, build: Build | None, start: float, end: float) -> str:
    """The bot process's CPU and run-queue wait per second during the build and outside."""
    if build is None:
        return ""
    cpu, wait, wall = watch.usage(build.started, build.ended)
    cpu_in, wait_in = cpu / max(wall, 1e-9), wait / max(wall, 1e-9)
    spans = [watch.usage(start, build.started), watch.usage(build.ended, end)]
    wall = max(sum(span[2] for span in spans), 1e-9)
    cpu_out = sum(span[0] for span in spans) / wall
    wait_out = sum(span[1] for span in spans) / wall
    return (
        f"  bot process: {cpu_in:.0%} of a CPU, waiting for one {wait_in * 1000:.0f} ms a second"
        f" during the build; {cpu_out:.0%}, {wait_out * 1000:.0f} ms a second outside"
    )


def ran_out(part: Part, build: Build | None) -> str:
    """Said when part 2 had no unit left to start before its end."""
    if not part.ran_out:
        return ""
    if build is None or part.last_start < build.ended:
        return " (ran out of units before the build ended: give more --probe-units)"
    return f" (the last started {part.last_start - build.ended:.0f} s after the build ended)"


def workbook_line(part: Part, build: Build | None) -> str:
    """When the build ran and when the document arrived, from the office's question."""
    if build is None:
        return "  workbook: no build process seen"
    text = (
        f"  workbook: the build process ran {build.seconds:.1f} s ({build.cpu:.1f} s CPU),"
        f" starting {build.started - part.asked:.1f} s after the office asked;"
    )
    if part.document is None:
        return text + " the document never arrived"
    text += f" the document arrived {part.document - part.asked:.1f} s after asking"
    if part.replies_before_document:
        text += f", behind {part.replies_before_document:,} rush replies in the outbox"
    return text


# --------------------------------------------------------------------------- main


async def setup(url: str, args: argparse.Namespace, zone: ZoneInfo) -> tuple[str, int]:
    """Create and fill the database; returns the office's invite code and the big
    campaign's values."""
    async with open_app(Settings(database_url=url), clock=bench_clock(zone)) as app:
        now = app.clock.now()
        everyone = args.units + args.probe_units
        async with app.sessions() as session, session.begin():
            await import_campaign(session, rush_campaign(everyone, args.figures), now)
        await bind_heads(app, everyone, now)
        values = await load_big(app, args.big_units, args.big_elements) if args.big_units else 0
        return await make_invite(app, None), values


async def run(args: argparse.Namespace, folder: Path) -> None:
    """Set up, run both parts against the bot process, print the figures."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    url = f"sqlite+aiosqlite:///{folder}/rush.db"
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    office_code, big_values = await setup(url, args, zone)
    setup_seconds = time.perf_counter() - started
    ask = f"/tonghop {BIG} {BIG_PERIOD}" if args.big_units else f"/tonghop {RUSH} {RUSH_PERIOD}"

    fake = WatchedFake()
    fake.per_second = FAKE_PER_SECOND
    base = await fake.start()
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    bot = BotProcess(
        logs,
        DATABASE_URL=url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=base,
        REPORTBOT_NOW=bench_clock(zone).now().isoformat(),
        REPORTBOT_SCHEDULER="false",
        TELEGRAM_PER_SECOND="30",
        TELEGRAM_CHAT_PER_SECOND=f"{args.chat_per_second:g}",
        REPORTBOT_LOG_LEVEL="WARNING",
    )
    await bot.start()
    assert bot.process is not None
    watch = ProcessWatch(bot.process.pid, args.nice_build)
    stop = asyncio.Event()
    watching = asyncio.create_task(watch.run(stop))
    try:
        await push(fake, OFFICE, f"/start {office_code}")
        await fake.wait_for(OFFICE, 0, "quyền văn phòng", 120)
        timeout = 3 * (3 * args.units + 2) / FAKE_PER_SECOND + 300
        cpu = time.process_time()
        part1 = await rush(fake, args.units, args.figures, ask, timeout)
        part1.ended, part1.cpu = time.monotonic(), time.process_time() - cpu
        await asyncio.sleep(1.0)
        cpu = time.process_time()
        part2 = await other_chats(fake, watch, args.units, args, ask)
        part2.ended, part2.cpu = time.monotonic(), time.process_time() - cpu
    finally:
        stop.set()
        await watching
        code = await bot.stop()
        await fake.stop()
    load_after = os.getloadavg()[0]
    outcome = await final_counts(url, args.units, zone)
    report(args, fake, watch, part1, part2, outcome)
    print(
        f"setup {setup_seconds:.0f} s ({big_values:,} values in bulk); bot exit code {code};"
        f" {os.cpu_count()} cores, load average {load_before:.1f} before, {load_after:.1f} after"
    )


def report(
    args: argparse.Namespace,
    fake: WatchedFake,
    watch: ProcessWatch,
    part1: Part,
    part2: Part,
    outcome: Outcome,
) -> None:
    """Print the figures."""
    build1 = watch.after(part1.asked)
    build2 = watch.after(part2.asked) if part2.asked else None
    rush_chats = [str(FIRST_USER + n) for n in range(args.units)]
    workbook = (
        f"{BIG} {BIG_PERIOD}: {args.big_units:,} units x {args.big_elements} elements"
        f" (+{args.big_elements // 5} indicators), 90% reported"
        if args.big_units
        else f"the rush campaign itself ({RUSH} {RUSH_PERIOD})"
    )
    print(
        f"rush: {args.units:,} units x {args.figures} figures (/nhap, the report pasted in one"
        f" message, 1): {3 * args.units:,} updates  database: SQLite"
    )
    print(f"workbook asked for: {workbook}")
    if args.nice_build:
        print(f"experiment: the build process reniced to {args.nice_build} by this script")
    print(
        f"pacing: TELEGRAM_PER_SECOND=30, TELEGRAM_CHAT_PER_SECOND={args.chat_per_second:g};"
        f" fake Bot API: {FAKE_PER_SECOND} messages in any 1 s window, else 429"
    )

    confirmed = [s.confirmed for s in part1.steps if s.confirmed is not None]
    ingest_end = max(confirmed, default=part1.started)
    ingest = ingest_end - part1.started
    print(f"1. the rush, as fast as the bot takes it ({QUEUE} updates always waiting)")
    print(
        f"  ingest: {len(confirmed):,} updates in {ingest:.1f} s ="
        f" {len(confirmed) / ingest:.1f} updates/s"
        + rates(build1, confirmed, part1.started, ingest_end)
    )
    if build1 is not None:
        inside, outside = longest_gaps(confirmed, build1)
        print(
            f"  longest wait between two confirmations: {inside * 1000:.0f} ms during the"
            f" build, {outside * 1000:.0f} ms outside"
        )
        print(usage_line(watch, build1, part1.started, ingest_end))
    size, rates_by_chunk = chunks(confirmed, part1.started)
    print(f"  updates/s over each {size:,} updates in turn: {rates_by_chunk}")
    rush_messages = [m.at for chat in rush_chats for m in fake.inbox[chat]]
    if rush_messages:
        first, last = min(rush_messages), max(rush_messages)
        early = sum(1 for moment in rush_messages if moment <= ingest_end)
        print(
            f"  delivery: {len(rush_messages):,} messages in {last - first:.1f} s ="
            f" {len(rush_messages) / (last - first):.1f} messages/s"
            f" ({early / max(ingest_end - first, 1e-9):.1f}/s until the last update was"
            f" committed, {(len(rush_messages) - early) / max(last - ingest_end, 1e-9):.1f}/s"
            f" after); the last {last - part1.started:.1f} s after the first push"
        )
    lags = [s.answered - s.pushed for s in part1.steps if s.answered is not None]
    if lags:
        print(
            f"  replies lag behind: push to answer p50 {statistics.median(lags):.1f} s,"
            f" max {max(lags):.1f} s"
        )
    print(workbook_line(part1, build1))

    print(
        f"2. other chats while the workbook builds: {part2.units} units starting"
        f" {args.probe_rate:g}/s ({3 * args.probe_rate:g} updates/s), each answering"
        f" {THINK:g} s after a reply" + ran_out(part2, build2)
    )

    def during(step: Step) -> bool:
        return build2 is not None and build2.holds(step.pushed)

    answered = [s for s in part2.steps if s.answered is not None]
    answer_in = [s.answered - s.pushed for s in answered if during(s) and s.answered]
    answer_out = [s.answered - s.pushed for s in answered if not during(s) and s.answered]
    print(split("answer (push to reply at the fake)", answer_in, answer_out))
    stored = [s for s in part2.steps if s.confirmed is not None]
    stored_in = [s.confirmed - s.pushed for s in stored if during(s) and s.confirmed]
    stored_out = [s.confirmed - s.pushed for s in stored if not during(s) and s.confirmed]
    print(split("of which committed (push to confirmed)", stored_in, stored_out))
    for name in ("/nhap", "paste", "1"):
        mine = [s for s in answered if s.kind == name and s.answered]
        print(
            split(
                f"answer to {name}",
                [s.answered - s.pushed for s in mine if during(s) and s.answered],
                [s.answered - s.pushed for s in mine if not during(s) and s.answered],
            )
        )
    print(usage_line(watch, build2, part2.started, part2.ended))
    print(workbook_line(part2, build2))
    print(f"p99 other chats during the build: {ms(answer_in, 0.99)} ms (target < 100 ms)")

    no_receipt = sum(1 for chat in rush_chats if not _has(fake, int(chat), RECEIPT))
    lost = max(no_receipt, args.units - outcome.rush_submitted, outcome.unsent)
    print(
        f"lost: {lost}  (rush units without a receipt {no_receipt}, without a Submission row"
        f" {args.units - outcome.rush_submitted}; outbox not sent {outcome.unsent});"
        f" part 2: {outcome.probe_submitted}/{part2.units} submitted;"
        f" {outcome.values:,} values stored"
    )
    duplicated = sum(max(0, len(fake.inbox[chat]) - 3) for chat in rush_chats)
    print(
        f"429s received: {fake.rejected}  duplicated replies: {duplicated}"
        f"  spec violations: {len(fake.violations)}"
    )
    print(
        f"this process (fake Bot API and the people): {part1.cpu / (part1.ended - part1.started):.0%}"
        f" of a CPU in part 1, {part2.cpu / (part2.ended - part2.started):.0%} in part 2"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000, help="rush units (default 3000)")
    parser.add_argument("--figures", type=int, default=15, help="figures per report (15)")
    parser.add_argument("--big-units", type=int, default=10_000, help="0: no big campaign")
    parser.add_argument("--big-elements", type=int, default=40, help="default 40")
    parser.add_argument("--probe-units", type=int, default=1000, help="part 2 units (1000)")
    parser.add_argument("--probe-rate", type=float, default=2.0, help="part 2 units/s (2)")
    parser.add_argument(
        "--chat-per-second", type=float, default=1.0, help="TELEGRAM_CHAT_PER_SECOND (1)"
    )
    parser.add_argument(
        "--nice-build",
        type=int,
        default=0,
        help="experiment: renice the build process to this (the product starts it at 10)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a trial: 300 units, 1,000 big units, 200 in part 2"
    )
    parser.add_argument("--keep", default="", help="work in this folder and keep it (db, logs)")
    args = parser.parse_args()
    if args.quick:
        args.units, args.big_units, args.probe_units = 300, min(args.big_units, 1000), 200
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        asyncio.run(run(args, folder))
        return
    with tempfile.TemporaryDirectory() as name:
        asyncio.run(run(args, Path(name)))


if __name__ == "__main__":
    main()
