"""Campaign registration (``/dangky``, đăng ký thi đua): the titles a unit aims for and,
optionally, its committed target for each data element that has a campaign target.

A registration can be viewed and changed until the campaign's registration deadline (no deadline:
until the campaign ends), as the Xuân Sơn 2022 plan requires registration at the start of the year.
"""

from __future__ import annotations

from datetime import date

from domain.campaign_spec import TitleKind
from domain.clock import day, moment
from domain.errors import DomainError
from domain.i18n import _
from domain.text import fold
from domain.validation import display_value, parse_value
from handlers.choices import pick, pick_many
from handlers.codec import need
from handlers.common import YES_NO, campaign_step, rules_for
from handlers.flow import Context, Flow, Step, command, register
from handlers.state import FlowName, RegistrationData, RegistrationStep
from handlers.units import current_unit
from storage import campaigns as campaign_store
from storage import values as value_store
from storage.models import Campaign, DataElement, OrgUnit, Title

_FLOW = FlowName.DANGKY
S = RegistrationStep


@command("dangky")
async def start(ctx: Context, _args: str) -> None:
    """Choose the unit and campaign, then show or start the registration."""
    unit = await current_unit(ctx, then=_FLOW)
    if unit is None:
        return
    joined = await campaign_store.campaigns_of_unit(ctx.session, unit.id)
    if not joined:
        ctx.say(_("Đơn vị {unit} chưa tham gia phong trào thi đua nào.").format(unit=unit.name))
        return
    ctx.set_data(RegistrationData(unit_id=unit.id, campaigns=[c.id for c in joined]))
    if len(joined) == 1:
        await _begin(ctx, joined[0].id)
    else:
        await ctx.goto(_FLOW, S.CAMPAIGN)


def _data(ctx: Context) -> RegistrationData:
    """This flow's data (``handlers.state``)."""
    return ctx.data(RegistrationData)


async def _campaign(ctx: Context) -> Campaign:
    """The campaign being registered for."""
    return await ctx.campaign(need(_data(ctx).campaign_id, "dangky.campaign_id"))


async def _begin(ctx: Context, campaign_id: int) -> None:
    data = _data(ctx)
    data.campaign_id = campaign_id
    campaign = await ctx.campaign(campaign_id)
    registration = await value_store.registration_of(
        ctx.session, campaign_id, need(data.unit_id, "dangky.unit_id")
    )
    closed = _closed(ctx, campaign)
    if registration is not None:
        data.title_ids = [t.title_id for t in registration.titles]
        data.targets = {str(t.data_element_id): t.value for t in registration.targets}
        ctx.note(
            _("Đơn vị đã đăng ký (cập nhật lúc {time}):").format(
                time=moment(ctx.local(registration.updated_at))
            )
            + "\n"
            + await _summary(ctx)
        )
        if closed:
            ctx.say(closed)
            ctx.finish()
            return
        await ctx.goto(_FLOW, S.EXISTING)
    elif closed:
        ctx.say(closed)
        ctx.finish()
    else:
        data.title_ids, data.targets = [], {}
        await _to_titles(ctx)


def _deadline(campaign: Campaign) -> date:
    """Last day to register or change a registration: the deadline, else the campaign's end."""
    return campaign.registration_deadline or campaign.end_date


def _closed(ctx: Context, campaign: Campaign) -> str | None:
    deadline = _deadline(campaign)
    if ctx.today <= deadline:
        return None
    return _(
        "Đã hết hạn đăng ký thi đua ({deadline}). Muốn thay đổi, hãy liên hệ văn phòng."
    ).format(deadline=day(deadline))


async def _ask_existing(ctx: Context) -> None:
    ctx.say(_("Bạn muốn sửa đăng ký không?"), [_("Sửa đăng ký"), _("Giữ nguyên")])


async def _answer_existing(ctx: Context, text: str) -> None:
    index = pick(text, [_("Sửa đăng ký"), _("Giữ nguyên")])
    if index == 0:
        await _to_titles(ctx)
    elif index == 1:
        ctx.finish()
        ctx.say(_("Đã giữ nguyên đăng ký."))
    else:
        ctx.note(_("Hãy gõ 1 để sửa hoặc 2 để giữ nguyên."))
        await _ask_existing(ctx)


def _unit_titles(campaign: Campaign) -> list[Title]:
    """Titles a unit registers for itself: the collective ones (tập thể)."""
    return [t for t in campaign.titles if t.kind is TitleKind.COLLECTIVE]


async def _to_titles(ctx: Context) -> None:
    if _unit_titles(await _campaign(ctx)):
        await ctx.goto(_FLOW, S.TITLES)
    else:
        await _to_targets(ctx)


async def _to_targets(ctx: Context) -> None:
    if _target_elements(await _campaign(ctx)):
        await ctx.goto(_FLOW, S.WANT_TARGETS)
    else:
        await ctx.goto(_FLOW, S.CONFIRM)


_ON, _OFF = "☑", "☐"
_DONE = "Xong"


async def _ask_titles(ctx: Context) -> None:
    """The titles as toggle buttons (☑ chosen, ☐ not) and "Xong"; typing "1,2" works too."""
    titles = _unit_titles(await _campaign(ctx))
    chosen = set(_data(ctx).title_ids)
    lines = [
        _(
            "Chọn danh hiệu thi đua tập thể đơn vị đăng ký — bấm để chọn hoặc bỏ chọn, "
            'rồi bấm "Xong"; hoặc gõ số thứ tự, ví dụ: 1,2'
        )
    ]
    if chosen:
        names = [t.name for t in titles if t.id in chosen]
        lines.append(_("Đang chọn: {titles}").format(titles=", ".join(names)))
    boxes = [f"{_ON if t.id in chosen else _OFF} {t.name}" for t in titles]
    ctx.say("\n".join(lines), [*boxes, _(_DONE)])


async def _answer_titles(ctx: Context, text: str) -> None:
    """A tapped title toggles it; "Xong" goes on with the titles chosen; typed numbers choose
    those titles and go on."""
    data = _data(ctx)
    titles = _unit_titles(await _campaign(ctx))
    names = [t.name for t in titles]
    typed = text.strip()
    box = typed[:1] if typed[:1] in (_ON, _OFF) else ""
    toggled = pick(typed[1:].strip(), names) if box else None
    if toggled is not None:  # "☐ X" chooses X, "☑ X" unchooses it: a stale tap does no harm
        chosen = [i for i in data.title_ids if i != titles[toggled].id]
        data.title_ids = [*chosen, titles[toggled].id] if box == _OFF else chosen
        await _ask_titles(ctx)
        return
    indexes = pick_many(text, len(titles))
    if indexes is None:
        single = pick(text, [*names, _(_DONE)])
        if single == len(titles):
            await _titles_done(ctx)
            return
        indexes = [single] if single is not None else None
    if indexes is None:
        ctx.note(_("Hãy gõ số thứ tự các danh hiệu, cách nhau bằng dấu phẩy (ví dụ: 1,2)."))
        await _ask_titles(ctx)
        return
    data.title_ids = [titles[i].id for i in indexes]
    await _to_targets(ctx)


async def _titles_done(ctx: Context) -> None:
    if not _data(ctx).title_ids:
        ctx.note(_("Hãy chọn ít nhất một danh hiệu."))
        await _ask_titles(ctx)
        return
    await _to_targets(ctx)


def _target_elements(campaign: Campaign) -> list[DataElement]:
    """Elements a unit can commit a figure to: numeric ones with a campaign target."""
    return campaign_store.commitment_elements(campaign)


async def _ask_want_targets(ctx: Context) -> None:
    ctx.say(_("Đơn vị có muốn đăng ký chỉ tiêu cam kết cho từng chỉ tiêu không?"), YES_NO)


async def _answer_want_targets(ctx: Context, text: str) -> None:
    index = pick(text, YES_NO)
    if index == 0:
        _data(ctx).index = 0
        await ctx.goto(_FLOW, S.TARGET)
    elif index == 1:
        await ctx.goto(_FLOW, S.CONFIRM)
    else:
        ctx.note(_("Hãy gõ 1 (Có) hoặc 2 (Không)."))
        await _ask_want_targets(ctx)


async def _ask_target(ctx: Context) -> None:
    data = _data(ctx)
    elements = _target_elements(await _campaign(ctx))
    index = data.index
    element = elements[index]
    rules = rules_for(element)
    lines = [
        _("Chỉ tiêu cam kết {n}/{total}: {name}").format(
            n=index + 1, total=len(elements), name=element.name
        ),
        _("Kế hoạch chung của phong trào: {target}").format(
            target=display_value(element.target, rules)
        ),
    ]
    current = data.targets.get(str(element.id))
    if current is not None:
        lines.append(_("Đã đăng ký: {value}").format(value=display_value(current, rules)))
    lines.append(
        _('Nhập con số đơn vị cam kết, hoặc gõ "bỏ qua"; "quay lại" để sửa chỉ tiêu trước.')
    )
    ctx.say("\n".join(lines))


async def _answer_target(ctx: Context, text: str) -> None:
    data = _data(ctx)
    elements = _target_elements(await _campaign(ctx))
    index = data.index
    element = elements[index]
    word = fold(text)
    if word == "quay lai":
        data.index = max(0, index - 1)
        await _ask_target(ctx)
        return
    if word == "bo qua":
        data.targets.pop(str(element.id), None)
        ctx.note(_("Không cam kết: {name}").format(name=element.name))
    else:
        try:
            value = parse_value(text, rules_for(element))
        except DomainError as error:
            ctx.note(error.user_message)
            await _ask_target(ctx)
            return
        data.targets[str(element.id)] = value
        ctx.note(
            _("Đã ghi — {name}: {value}").format(
                name=element.name, value=display_value(value, rules_for(element))
            )
        )
    if index + 1 < len(elements):
        data.index = index + 1
        await _ask_target(ctx)
    else:
        await ctx.goto(_FLOW, S.CONFIRM)


_CONFIRM = ("Xác nhận", "Sửa lại", "Hủy")


async def _ask_confirm(ctx: Context) -> None:
    ctx.say(await _summary(ctx) + "\n\n" + _("Lưu đăng ký này?"), [_(c) for c in _CONFIRM])


async def _summary(ctx: Context) -> str:
    data = _data(ctx)
    campaign = await _campaign(ctx)
    unit = await ctx.session.get(OrgUnit, need(data.unit_id, "dangky.unit_id"))
    assert unit is not None
    titles = [t.name for t in campaign.titles if t.id in set(data.title_ids)]
    lines = [
        _("Phong trào: {name}").format(name=campaign.name),
        _("Đơn vị: {unit}").format(unit=unit.name),
        _("Danh hiệu đăng ký: {titles}").format(titles=", ".join(titles) or _("(chưa chọn)")),
    ]
    targets = data.targets
    committed = [e for e in campaign.elements if str(e.id) in targets]
    if committed:
        lines.append(_("Chỉ tiêu cam kết:"))
        lines += [
            f"- {e.name}: {display_value(targets[str(e.id)], rules_for(e))}" for e in committed
        ]
    return "\n".join(lines)


async def _answer_confirm(ctx: Context, text: str) -> None:
    index = pick(text, [_(c) for c in _CONFIRM])
    if index == 0:
        await _save(ctx)
    elif index == 1:
        await _to_titles(ctx)
    elif index == 2:
        ctx.finish()
        ctx.say(_("Đã hủy, đăng ký chưa được lưu."))
    else:
        ctx.note(_("Hãy gõ 1 để lưu, 2 để sửa lại, 3 để hủy."))
        await _ask_confirm(ctx)


async def _save(ctx: Context) -> None:
    data = _data(ctx)
    campaign = await _campaign(ctx)
    closed = _closed(ctx, campaign)
    if closed:
        ctx.finish()
        ctx.say(closed)
        return
    assert ctx.reporter is not None
    await value_store.save_registration(
        ctx.session,
        campaign.id,
        need(data.unit_id, "dangky.unit_id"),
        ctx.reporter.id,
        data.title_ids,
        {int(k): v for k, v in data.targets.items()},
        ctx.now,
    )
    deadline = _deadline(campaign)
    ctx.finish()
    ctx.say(
        _(
            "✅ Đã lưu đăng ký thi đua lúc {time}. Bạn có thể xem và sửa bằng /dangky đến hết ngày {deadline}."
        ).format(time=moment(ctx.local(ctx.now)), deadline=day(deadline))
    )


register(
    Flow(
        _FLOW,
        "đăng ký thi đua",
        {
            S.CAMPAIGN: campaign_step(
                "Đăng ký thi đua cho phong trào nào?", _begin, RegistrationData
            ),
            S.EXISTING: Step(_ask_existing, _answer_existing, idle=True),
            S.TITLES: Step(_ask_titles, _answer_titles),
            S.WANT_TARGETS: Step(_ask_want_targets, _answer_want_targets),
            S.TARGET: Step(_ask_target, _answer_target),
            S.CONFIRM: Step(_ask_confirm, _answer_confirm),
        },
        RegistrationData,
    )
)
