"""Stored conversation states stay readable across versions (issue 15, item 3).

``tests/corpus/flow_states_v1.json`` holds states as the version before typed flow data stored
them (``conversation_state``: flow, step, and the JSON ``{"data": ..., "keep": ...}``), each
taken in the middle of a flow, with the next answer the person gave and what the bot replied.
The compatibility test drives the same conversation to that point, puts the stored v1 state in
place of whatever the current code wrote, sends the next answer and expects the same reply and
the same state after it: a person half-way through ``/nhap`` or ``/dangky`` when a new version
is deployed goes on where they were.

To capture the corpus again (only with the old code, on purpose):
``FLOW_STATES_CAPTURE=1 pytest tests/test_flow_state.py -k capture``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import App
from domain.clock import ManualClock
from handlers import router  # noqa: F401  (registers every flow)
from handlers.codec import BadState, decode, encode
from handlers.flow import FLOWS
from handlers.state import (
    Keep,
    Mode,
    NoData,
    RegistrationData,
    SubmissionData,
    UnitChoiceData,
)
from storage.models import ChannelAccount, ConversationState
from tests.conftest import TODAY, Person, vn_time
from tests.helpers import make_invite, sample, typed_answer

CORPUS = Path(__file__).parent / "corpus" / "flow_states_v1.json"
P1_PHONE = "0900000001"

Setup = Callable[[App, ManualClock], Awaitable[tuple[Person, str]]]
SCENARIOS: dict[str, Setup] = {}


def scenario(name: str) -> Callable[[Setup], Setup]:
    """Register a conversation driven to the middle of a flow; it returns the person and the
    answer they give next."""

    def add(setup: Setup) -> Setup:
        SCENARIOS[name] = setup
        return setup

    return add


async def _head(app: App) -> Person:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    return head


async def _office(app: App) -> Person:
    office = Person(app, "clerk")
    await office.say(f"/start {await make_invite(app, None)}")
    return office


async def _fill(app: App, head: Person, first: int = 0) -> None:
    """Answer the figures of the sample from position ``first`` on."""
    campaign = await sample(app)
    for position, element in enumerate(campaign.elements[first:], first):
        await head.say(typed_answer(element, position))


@scenario("nhap_period")
async def _nhap_period(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    campaign = await sample(app)
    q3 = next(p for p in campaign.periods if p.code == "2026Q3")
    clock.current = vn_time(q3.due_date)  # Quý 3 and Quý 4 both open
    await head.say("/nhap")
    return head, "2"


@scenario("nhap_value_fill")
async def _nhap_value_fill(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/nhap", "1.000")
    return head, "2.000"


@scenario("nhap_value_back")
async def _nhap_value_back(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/nhap", "1.000", "2.000")
    return head, "quay lại"


@scenario("nhap_value_fix_fill")
async def _nhap_value_fix_fill(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/nhap", "1.000", "2.000", "sửa 1")
    return head, "1.500"


@scenario("nhap_paste_queue")
async def _nhap_paste_queue(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/nhap", "1.000\n2.000\nabc\n4.000\nxyz\n6.000")
    return head, "3.000"


@scenario("nhap_check")
async def _nhap_check(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    campaign = await sample(app)
    q3 = next(p for p in campaign.periods if p.code == "2026Q3")
    clock.current = vn_time(q3.due_date)
    await head.script("/nhap", "1")
    await _fill(app, head)
    await head.say("1")
    clock.current = vn_time(TODAY)
    await head.say("/nhap")
    await head.say("50.000")  # 50x last quarter's 1.000: asked to confirm
    return head, "1"


@scenario("nhap_summary")
async def _nhap_summary(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say("/nhap")
    await _fill(app, head)
    return head, "sửa 2 2.500"


@scenario("nhap_pick")
async def _nhap_pick(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say("/nhap")
    await _fill(app, head)
    await head.say("2")
    return head, "3"


@scenario("nhap_submitted")
async def _nhap_submitted(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say("/nhap")
    await _fill(app, head)
    await head.script("1", "/nhap")
    return head, "1"


@scenario("nhap_submitted_pick")
async def _nhap_submitted_pick(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say("/nhap")
    await _fill(app, head)
    await head.script("1", "/nhap", "1")
    return head, "2"


@scenario("nhap_reason")
async def _nhap_reason(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say("/nhap")
    await _fill(app, head)
    await head.script("1", "/nhap", "sửa 1 1.500")
    return head, "nhập nhầm"


@scenario("nhap_draft_kept")
async def _nhap_draft_kept(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/nhap", "1.000", "2.000", "/huy")
    return head, "/nhap"


@scenario("dangky_titles")
async def _dangky_titles(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say("/dangky")
    return head, "1, 2"


@scenario("dangky_titles_toggled")
async def _dangky_titles_toggled(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/dangky", "☐ Tập thể lao động xuất sắc")
    return head, "Xong"


@scenario("dangky_target")
async def _dangky_target(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/dangky", "1, 2", "1", "13.500")
    return head, "50 tỷ"


@scenario("dangky_confirm")
async def _dangky_confirm(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/dangky", "1, 2", "1", "13.500", "50 tỷ", "bỏ qua", "2,5")
    return head, "2"


@scenario("dangky_existing")
async def _dangky_existing(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.script("/dangky", "1, 2", "2", "1", "/dangky")
    return head, "1"


@scenario("donvi_choose")
async def _donvi_then(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say(f"/start {await make_invite(app, 'THON_DONG')}")
    await head.say("/donvi")
    return head, "2"


@scenario("mokhoa_campaign")
async def _mokhoa_campaign(app: App, clock: ManualClock) -> tuple[Person, str]:
    office = await _office(app)
    await office.say("/mokhoa 5")
    return office, "1"


@scenario("mokhoa_period")
async def _mokhoa_period(app: App, clock: ManualClock) -> tuple[Person, str]:
    office = await _office(app)
    await office.script("/mokhoa", "1")
    return office, "1"


@scenario("mokhoa_unit")
async def _mokhoa_unit(app: App, clock: ManualClock) -> tuple[Person, str]:
    office = await _office(app)
    await office.script("/mokhoa", "1", "1")
    return office, "2"


@scenario("mokhoa_days")
async def _mokhoa_days(app: App, clock: ManualClock) -> tuple[Person, str]:
    office = await _office(app)
    await office.script("/mokhoa", "1", "1", "2")
    return office, "ok"


@scenario("mokhoa_confirm")
async def _mokhoa_confirm(app: App, clock: ManualClock) -> tuple[Person, str]:
    office = await _office(app)
    await office.script("/mokhoa", "1", "1", "2", "7")
    return office, "2"


@scenario("tiendo_campaign")
async def _tiendo_campaign(app: App, clock: ManualClock) -> tuple[Person, str]:
    office = await _office(app)
    await office.say("/tiendo")
    return office, "1"


@scenario("nhacnho_campaign")
async def _nhacnho_campaign(app: App, clock: ManualClock) -> tuple[Person, str]:
    office = await _office(app)
    await office.say("/nhacnho gap")
    return office, "1"


@scenario("menu_main")
async def _menu_main(app: App, clock: ManualClock) -> tuple[Person, str]:
    head = await _head(app)
    await head.say("xin chào")
    return head, "1"


@scenario("lienket_code")
async def _lienket_code(app: App, clock: ManualClock) -> tuple[Person, str]:
    stranger = Person(app, "stranger")
    await stranger.say("/start")
    return stranger, "ABCD2345"


async def stored(app: App, person: Person) -> dict[str, Any]:
    """The person's stored conversation state: flow, step and the JSON ``data`` column."""
    async with app.sessions() as session:
        row = await session.scalar(
            select(ConversationState)
            .join(ChannelAccount, ChannelAccount.id == ConversationState.account_id)
            .where(ChannelAccount.external_id == person.name)
        )
        assert row is not None
        return {"flow": row.flow, "step": row.step, "data": row.data}


async def put(app: App, person: Person, state: dict[str, Any]) -> None:
    """Store ``state`` (as :func:`stored` reads it) as the person's conversation state."""
    async with app.sessions() as session, session.begin():
        row = await session.scalar(
            select(ConversationState)
            .join(ChannelAccount, ChannelAccount.id == ConversationState.account_id)
            .where(ChannelAccount.external_id == person.name)
        )
        assert row is not None
        row.flow, row.step, row.data = state["flow"], state["step"], state["data"]


def comparable(reply: str) -> str:
    """A reply without what differs from run to run (a submission's receipt code)."""
    return re.sub(r"(biên nhận:?) [0-9A-Z]+", r"\1 …", reply)


def normalised(state: dict[str, Any]) -> dict[str, Any]:
    """A stored state in a form two versions can be compared in: its data and kept values
    decoded (a version may leave out a key at its default, or write one the other did not)."""
    flow = FLOWS[state["flow"]] if state["flow"] else None
    stored = state["data"]
    return {
        "flow": state["flow"],
        "step": state["step"],
        "data": decode(flow.data if flow else NoData, stored.get("data", {})),
        "keep": decode(Keep, stored.get("keep", {})),
    }


async def run(app: App, clock: ManualClock, name: str) -> tuple[Person, str]:
    person, answer = await SCENARIOS[name](app, clock)
    return person, answer


@pytest.mark.skipif(not os.environ.get("FLOW_STATES_CAPTURE"), reason="captures the corpus")
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_capture(app: App, clock: ManualClock, name: str) -> None:
    person, answer = await run(app, clock, name)
    before = await stored(app, person)
    reply = await person.say(answer)
    after = await stored(app, person)
    corpus = json.loads(CORPUS.read_text(encoding="utf-8")) if CORPUS.exists() else {}
    corpus[name] = {"state": before, "answer": answer, "reply": reply, "after": after}
    CORPUS.write_text(
        json.dumps(dict(sorted(corpus.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


def _corpus() -> dict[str, Any]:
    if not CORPUS.exists():
        return {}
    loaded: dict[str, Any] = json.loads(CORPUS.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("name", sorted(_corpus()))
async def test_a_v1_state_resumes(app: App, clock: ManualClock, name: str) -> None:
    case = _corpus()[name]
    person, answer = await run(app, clock, name)
    assert answer == case["answer"]
    await put(app, person, case["state"])
    reply = await person.say(answer)
    assert comparable(reply) == comparable(case["reply"])
    assert normalised(await stored(app, person)) == normalised(case["after"])


def test_every_scenario_is_in_the_corpus() -> None:
    assert sorted(_corpus()) == sorted(SCENARIOS)


# -- the codec: every flow's data survives encode then decode, through JSON ---------------

DATA_CLASSES = sorted(
    {flow.data for flow in FLOWS.values()} | {Keep, UnitChoiceData}, key=lambda k: k.__name__
)


@pytest.mark.parametrize("kind", DATA_CLASSES, ids=lambda k: k.__name__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_decode_reads_what_encode_wrote(kind: type, data: st.DataObject) -> None:
    value = data.draw(st.from_type(kind))
    stored = json.loads(json.dumps(encode(value)))
    assert decode(kind, stored) == value


def test_unknown_keys_are_ignored_and_missing_ones_defaulted() -> None:
    data = decode(SubmissionData, {"unit_id": 3, "later_version": [1, 2], "mode": "fill"})
    assert data == SubmissionData(unit_id=3, mode=Mode.FILL)
    assert decode(RegistrationData, {}) == RegistrationData()


@pytest.mark.parametrize(
    "stored",
    [
        {"mode": "guess"},
        {"unit_id": "1"},
        {"index": True},
        {"queue": [[1]]},
        {"stored": {"1": 5}},
        [],
    ],
)
def test_a_value_of_the_wrong_shape_is_refused(stored: object) -> None:
    with pytest.raises(BadState):
        decode(SubmissionData, stored)


def test_kept_values_of_the_wrong_shape_fall_back_to_defaults() -> None:
    kept = decode(Keep, {"unit_id": "x", "drafts": {"1:4": {"7": "12"}}}, lenient=True)
    assert kept == Keep(drafts={"1:4": {"7": "12"}})


def test_encode_leaves_out_none_and_writes_todays_keys() -> None:
    data = SubmissionData(campaigns=[1], unit_id=1, mode=Mode.FIX_FILL, resume=2)
    stored = encode(data)
    assert isinstance(stored, dict)
    assert stored["mode"] == "fix_fill" and stored["resume"] == 2 and "period_id" not in stored


async def test_an_unreadable_state_stops_the_flow_with_a_note(app: App, clock: ManualClock) -> None:
    head = await _head(app)
    await head.script("/nhap", "1.000")
    state = await stored(app, head)
    state["data"]["data"]["mode"] = "no such mode"
    await put(app, head, state)
    answer = await head.say("2.000")
    assert "không đọc được việc bạn đang làm dở" in answer and "Bạn muốn làm gì?" in answer
    answer = await head.say("/nhap")  # the draft was kept
    assert "Tiếp tục bản nháp: đã nhập 1/26 chỉ tiêu." in answer


async def test_an_unknown_step_stops_the_flow_too(app: App, clock: ManualClock) -> None:
    head = await _head(app)
    await head.say("/dangky")
    state = await stored(app, head)
    await put(app, head, {**state, "step": "renamed_step"})
    answer = await head.say("/nhap")  # the command still works
    assert "không đọc được việc bạn đang làm dở" in answer and "Chỉ tiêu 1/26" in answer


async def test_kept_values_that_are_not_an_object_are_started_again(
    app: App, clock: ManualClock
) -> None:
    head = await _head(app)
    await head.say("/huy")
    state = await stored(app, head)
    await put(app, head, {**state, "data": {"data": {}, "keep": ["not", "an", "object"]}})
    assert "Chỉ tiêu 1/26" in await head.say("/nhap")
    assert isinstance((await stored(app, head))["data"]["keep"], dict)
