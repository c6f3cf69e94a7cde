"""Pieces several conversations share: dates and values for display, element rules, and
which unit a person is acting for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TypeVar

from domain.i18n import N_, _
from domain.validation import Rules
from handlers.choices import pick
from handlers.flow import Context, Step
from handlers.state import CampaignChoice
from storage.models import DataElement, Review

C = TypeVar("C", bound=CampaignChoice)


def rules_for(element: DataElement) -> Rules:
    """The validation rules of a stored data element."""
    return Rules(
        name=element.name,
        value_type=element.value_type,
        measure_unit=element.measure_unit,
        minimum=Decimal(element.minimum) if element.minimum is not None else None,
        maximum=Decimal(element.maximum) if element.maximum is not None else None,
    )


YES_NO = (N_("Có"), N_("Không"))

SHORT_NAME_CHARS = 64
"""How much of a campaign's name every question repeats: about one line on a small phone."""


def short_name(name: str) -> str:
    """A campaign's name short enough to head every question: as it is up to
    :data:`SHORT_NAME_CHARS` characters; a longer one keeps its start and its end (where the
    place and year are), joined by "…", without quotation marks that would be left unclosed
    (``[MẪU] Phong trào thi đua Thực hiện… quốc phòng xã Xuân Sơn năm 2026``)."""
    name = " ".join(name.split())
    if len(name) <= SHORT_NAME_CHARS:
        return name
    half = SHORT_NAME_CHARS // 2
    head = name[:half].rsplit(" ", 1)[0]
    tail = name[-half:].split(" ", 1)[-1]
    return f"{head}… {tail}".replace('"', "").replace("“", "").replace("”", "")


def campaign_step(
    question: str, then: Callable[[Context, int], Awaitable[None]], kind: type[C]
) -> Step:
    """A step choosing one of the campaigns listed in the flow's data (``kind``, the flow's
    data class: ``campaigns``), then ``then``.

    ``question`` is a Vietnamese message id, translated when asked.
    """

    async def ask(ctx: Context) -> None:
        names = [(await ctx.campaign(cid)).name for cid in ctx.data(kind).campaigns]
        ctx.say(_(question), names)

    async def answer(ctx: Context, text: str) -> None:
        ids = ctx.data(kind).campaigns
        index = pick(text, [(await ctx.campaign(cid)).name for cid in ids])
        if index is None:
            ctx.note(_("Hãy gõ số thứ tự của phong trào."))
            await ask(ctx)
            return
        await then(ctx, ids[index])

    return Step(ask, answer, idle=True)


async def review_labels(ctx: Context, ids: list[int]) -> list[str]:
    """ "Review name — campaign" for each review id, to choose a review from."""
    labels = []
    for review_id in ids:
        review = await ctx.row(Review, review_id)
        campaign = await ctx.campaign(review.campaign_id)
        labels.append(f"{review.name} — {short_name(campaign.name)}")
    return labels
