"""Issue 15, item 1: messages that arrive together are committed together, in order, and a
batch that meets a bug is redone one message at a time so only the faulty one gets the apology.
The real pipeline on the real database; the bug is simulated in the step."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import Any

import pytest
from sqlalchemy import event

import bot.pipeline
from bot.app import App
from bot.channels.batcher import Batcher
from domain.messages import Incoming, Reply
from handlers.flow import Context
from storage import accounts
from storage.models import OutboxMessage, ProcessedMessage, Submission
from tests.conftest import Person
from tests.helpers import count, rows, sample, typed_answer

PHONES = [f"090000000{n}" for n in range(1, 9)]  # the eight units of the Ngã Năm sample


def said(person: str, text: str) -> Incoming:
    """What ``person`` typed on the console channel."""
    return Incoming(
        channel="console",
        external_id=person,
        chat_id=person,
        message_id=uuid.uuid4().hex,
        text=text,
        display_name=person,
    )


def commits(app: App) -> list[int]:
    """A counter of the commits on the application's engine (one item per commit)."""
    seen: list[int] = []
    event.listen(app.engine.sync_engine, "commit", lambda _connection: seen.append(1))
    return seen


async def heads_at_their_first_figure(app: App) -> list[str]:
    """The eight units' heads, bound and inside /nhap."""
    names = []
    for n, phone in enumerate(PHONES):
        head = Person(app, f"head-{n}", phone=phone)
        await head.say("/start")
        await head.say("/nhap")
        names.append(head.name)
    return names


async def replies_to(app: App, chat: str) -> list[str]:
    found = await rows(app, OutboxMessage, OutboxMessage.chat_id == chat)
    return [Reply.from_payload(m.payload).text for m in sorted(found, key=lambda m: m.id)]


async def test_webhook_calls_waiting_together_share_a_commit(app: App) -> None:
    """Eight people each send their whole report and confirm, all at once, as concurrent
    webhook calls would: every report is stored, each person's replies in order, and the 232
    messages took far fewer commits than messages."""
    heads = await heads_at_their_first_figure(app)
    campaign = await sample(app)
    answers = [typed_answer(element, i) for i, element in enumerate(campaign.elements)]
    batcher = Batcher(app.pipeline)
    counted = commits(app)

    async def one_person(head: str) -> None:
        for text in [*answers, "1"]:
            assert await batcher.submit(said(head, text))

    await asyncio.gather(*(one_person(head) for head in heads))
    messages = len(heads) * (len(answers) + 1)
    assert await count(app, Submission) == len(heads)
    if app.pipeline.chats_at_once == 1:  # SQLite: one transaction a batch
        # each person waits for an answer before the next message, so a batch holds at most
        # one message a person: 27 commits at best, 216 one by one
        assert len(counted) < messages / 3, (len(counted), messages)
    else:  # PostgreSQL: a transaction per chat and batch, chats side by side
        assert len(counted) <= messages
    for head in heads:
        replies = await replies_to(app, head)
        assert "✅ Đã nhận báo cáo" in replies[-1]  # the receipt came last: order kept


async def test_a_bug_in_one_step_does_not_cost_the_others(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    heads = await heads_at_their_first_figure(app)
    campaign = await sample(app)
    first = typed_answer(campaign.elements[0], 0)
    real_handle = bot.pipeline.handle

    async def handle(ctx: Context) -> Any:
        if ctx.incoming.external_id == heads[3]:
            raise KeyError("a bug met by one person's message only")
        return await real_handle(ctx)

    monkeypatch.setattr(bot.pipeline, "handle", handle)
    counted = commits(app)
    batch = [said(head, first) for head in heads]
    assert await app.pipeline.process_batch(batch) == [True] * len(heads)
    assert len(counted) == len(heads)  # the batch failed whole, then one commit a message
    assert await count(app, ProcessedMessage) >= len(heads)
    for n, head in enumerate(heads):
        last = (await replies_to(app, head))[-1]
        if n == 3:
            assert "Xin lỗi, bot gặp lỗi" in last
        else:
            assert "Đã ghi" in last and "Xin lỗi" not in last
    again = await app.pipeline.process_batch(batch)  # a redelivery of the whole batch
    assert again == [False] * len(heads)  # every message was recorded, the faulty one too


async def test_a_batch_is_one_commit_and_sees_its_own_steps(app: App) -> None:
    """One person's figure, then the next, in one batch: the second step sees the first's
    state (the same transaction), and the batch costs one commit."""
    [head, *_others] = await heads_at_their_first_figure(app)
    campaign = await sample(app)
    counted = commits(app)
    batch = [said(head, typed_answer(e, i)) for i, e in enumerate(campaign.elements[:3])]
    assert await app.pipeline.process_batch(batch) == [True, True, True]
    assert len(counted) == 1
    replies = await replies_to(app, head)
    assert f"Chỉ tiêu 4/{len(campaign.elements)}" in replies[-1]


async def test_duplicates_in_and_across_batches_are_dropped_by_id(app: App) -> None:
    """The batch's ids are recorded by one statement before its steps: an id seen in an
    earlier batch, or earlier in the same batch, is dropped (False) and answered once."""
    [head, other, *_rest] = await heads_at_their_first_figure(app)
    campaign = await sample(app)
    first, second = campaign.elements[:2]
    earlier = said(other, typed_answer(first, 0))
    assert await app.pipeline.process_batch([earlier]) == [True]
    again = said(head, typed_answer(first, 0))
    batch = [again, earlier, again, said(head, typed_answer(second, 1))]
    assert await app.pipeline.process_batch(batch) == [True, False, False, True]
    assert await count(app, ProcessedMessage) >= 3
    replies = await replies_to(app, head)
    assert f"Chỉ tiêu 3/{len(campaign.elements)}" in replies[-1]
    assert sum(f"Chỉ tiêu 2/{len(campaign.elements)}" in text for text in replies) == 1


async def test_a_notice_queued_by_a_step_comes_before_its_replies(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that queues a message to its own chat as a row (``accounts.enqueue``: a notice
    to every person of the sender's unit) and answers: the chat gets them in that order, though
    the replies are written by a Core insert."""
    [head, *_others] = await heads_at_their_first_figure(app)

    async def handle(ctx: Context) -> None:
        accounts.enqueue(
            ctx.session,
            ctx.incoming.channel,
            ctx.incoming.chat_id,
            ctx.account.id,
            [Reply("the unit's notice").to_payload()],
            ctx.now,
        )
        ctx.say("the answer")

    monkeypatch.setattr(bot.pipeline, "handle", handle)
    assert await app.pipeline.process_batch([said(head, "1"), said(head, "2")]) == [True, True]
    replies = await replies_to(app, head)
    assert replies[-4:] == ["the unit's notice", "the answer"] * 2


async def test_a_sender_bound_by_one_message_is_bound_for_the_next_in_the_batch(
    app: App,
) -> None:
    """The batch's senders are read together before its steps; a sender's second message in
    the batch is read again, so it sees what the first changed (here: the binding)."""
    await sample(app)
    newcomer = Person(app, "newcomer")
    await newcomer.say("xin chào")  # known, not bound
    share = dataclasses.replace(said("newcomer", "/start"), verified_phone=PHONES[0])
    batch = [share, said("newcomer", "/nhap")]
    assert await app.pipeline.process_batch(batch) == [True, True]
    replies = await replies_to(app, "newcomer")
    assert "Chỉ tiêu 1/" in replies[-1]
