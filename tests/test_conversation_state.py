"""The conversation state as the pipeline reads and writes it (``storage.accounts``): Core rows,
one upsert per save, a state changed in place saved too, and no needless flush of the account.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage import accounts
from storage.models import ConversationState


async def _sender(app: App, name: str = "an") -> accounts.Sender:
    async with app.sessions() as session, session.begin():
        return await accounts.load_sender(
            session, "console", name, name, name.title(), app.clock.now()
        )


async def test_first_save_inserts_and_the_next_updates(app: App) -> None:
    sender = await _sender(app)
    assert sender.state == accounts.FlowState()
    async with app.sessions() as session, session.begin():
        state = accounts.FlowState("nhap", "value", {"index": 1}, {"unit_id": 7})
        await accounts.save_state(session, sender.account.id, state, app.clock.now())
    async with app.sessions() as session, session.begin():
        state = await accounts.load_state(session, sender.account.id)
        assert state == accounts.FlowState("nhap", "value", {"index": 1}, {"unit_id": 7})
        state.step = "check"
        await accounts.save_state(session, sender.account.id, state, app.clock.now())
    again = await _sender(app)
    assert again.state == accounts.FlowState("nhap", "check", {"index": 1}, {"unit_id": 7})


async def test_a_state_changed_in_place_is_saved(app: App) -> None:
    first = await _sender(app)
    async with app.sessions() as session, session.begin():
        await accounts.save_state(
            session, first.account.id, accounts.FlowState(keep={"drafts": {}}), app.clock.now()
        )
    async with app.sessions() as session, session.begin():
        sender = await accounts.load_sender(session, "console", "an", "an", "An", app.clock.now())
        sender.state.keep["drafts"]["1:2"] = {"3": "12"}  # the loaded JSON, changed in place
        await accounts.save_state(session, sender.account.id, sender.state, app.clock.now())
    assert (await _sender(app)).state.keep == {"drafts": {"1:2": {"3": "12"}}}


async def test_a_state_row_loaded_as_an_object_sees_the_save(app: App) -> None:
    sender = await _sender(app)
    async with app.sessions() as session, session.begin():
        await accounts.save_state(
            session, sender.account.id, accounts.FlowState("nhap", "value"), app.clock.now()
        )
    async with app.sessions() as session, session.begin():
        row = await session.scalar(select(ConversationState))
        assert row is not None and row.step == "value"
        await accounts.save_state(
            session, sender.account.id, accounts.FlowState("nhap", "check"), app.clock.now()
        )
        row = await session.scalar(select(ConversationState))
        assert row is not None and row.step == "check"


async def test_a_known_account_is_not_marked_changed(app: App) -> None:
    await _sender(app)
    async with app.sessions() as session, session.begin():
        sender = await accounts.load_sender(session, "console", "an", "an", "An", app.clock.now())
        assert sender.account not in session.dirty
        renamed = await accounts.load_sender(
            session, "console", "an", "an", "An Nguyen", app.clock.now()
        )
        assert renamed.account in session.dirty
        assert renamed.account.display_name == "An Nguyen"
