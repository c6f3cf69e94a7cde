"""Messages that arrive together, processed together: one transaction for all the webhook calls
waiting at a moment (issue 15, item 1).

Each webhook call hands its message to :meth:`Batcher.submit` and waits for the commit before
answering 200 (so the platform delivers it again after a crash). The first caller finds no batch
running and becomes the runner: it takes every message waiting (at most ``limit``) in arrival
order, commits them in one transaction through :meth:`Pipeline.process_batch`, then the messages
that came meanwhile, until none waits. At a quiet moment a batch is one message, so nothing
waits for a batch to fill; under load the transactions grow with the load. A chat's messages
keep their order: a later one is in the same batch, after it, or in a later batch.
"""

from __future__ import annotations

import asyncio
import logging

from bot.pipeline import Pipeline
from domain.messages import Incoming

log = logging.getLogger(__name__)

LIMIT = 100
"""Messages in one transaction at most (Telegram's getUpdates gives at most 100, Bot API)."""


class Batcher:
    """Collects messages from concurrent callers into batches for ``pipeline``."""

    def __init__(self, pipeline: Pipeline, limit: int = LIMIT) -> None:
        self.pipeline = pipeline
        self.limit = limit
        self._waiting: list[tuple[Incoming, asyncio.Future[bool]]] = []
        self._running = False

    async def submit(self, incoming: Incoming) -> bool:
        """Process ``incoming`` with whatever else waits; returns when it is committed (False:
        a duplicate, dropped). Raises what the batch raised (a fault outlasting the retries),
        for the caller to answer non-200."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((incoming, done))
        if not self._running:
            await self._run()
        return await done

    async def _run(self) -> None:
        self._running = True
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[: self.limit], self._waiting[self.limit :]
                await self._one(batch)
        except BaseException as error:  # the runner was cancelled: nobody is left to run them
            for _incoming, done in self._waiting:
                if not done.done():
                    done.set_exception(error if isinstance(error, Exception) else RuntimeError())
            self._waiting = []
            raise
        finally:
            self._running = False

    async def _one(self, batch: list[tuple[Incoming, asyncio.Future[bool]]]) -> None:
        try:
            results = await self.pipeline.process_batch([incoming for incoming, _done in batch])
        except Exception as error:
            for _incoming, done in batch:
                if not done.done():
                    done.set_exception(error)
            return
        except BaseException:
            for _incoming, done in batch:
                if not done.done():
                    done.set_exception(RuntimeError("the batch was cancelled"))
            raise
        for (_incoming, done), result in zip(batch, results, strict=True):
            if not done.done():
                done.set_result(result)
