"""Campaign registration (``/dangky``, đăng ký thi đua): the titles a unit aims for and,
optionally, its committed target for each data element that has a campaign target.

From the summary (the confirm step) the unit may also name its individuals for the
campaign's individual titles (cá nhân: full name and position, one a message, "xong" to end;
a title left with nobody is dropped) and its models or initiatives (mô hình, sáng kiến: "Tên:
mô tả" or the name then the description). They are optional, so the questions everyone
answers stay as they were; the summary lists them and saving replaces the earlier ones.

A registration can be viewed and changed until the campaign's registration deadline (no deadline:
until the campaign ends), as the Xuân Sơn 2022 plan requires registration at the start of the year.
"""

from __future__ import annotations

from datetime import date

from domain.campaign_spec import TitleKind
from domain.clock import day, moment
from domain.errors import DomainError
from domain.i18n import N_, _
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

NAME_CHARS = 200
"""The longest name or position of a person, and the longest name of a model, accepted."""
DESCRIPTION_CHARS = 1000
"""The longest description of a model accepted ("a short description")."""

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
        data.people = [
            (n.title_id, n.full_name, n.position)
            for n in await value_store.nominees_of(ctx.session, registration.id)
        ]
        data.models = [
            (i.name, i.description)
            for i in await value_store.initiatives_of(ctx.session, registration.id)
        ]
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
        data.title_ids, data.targets, data.people, data.models = [], {}, [], []
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
    ctx.say(
        _("Đơn vị có muốn đăng ký chỉ tiêu cam kết cho từng chỉ tiêu không?"),
        [_(c) for c in YES_NO],
    )


async def _answer_want_targets(ctx: Context, text: str) -> None:
    index = pick(text, [_(c) for c in YES_NO])
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


_CONFIRM = (N_("Xác nhận"), N_("Sửa lại"), N_("Hủy"))
_PEOPLE, _MODELS = N_("Đăng ký cá nhân"), N_("Mô hình, sáng kiến")


def _person_titles(campaign: Campaign) -> list[Title]:
    """Titles a unit names people for: the individual ones (cá nhân)."""
    return [t for t in campaign.titles if t.kind is TitleKind.INDIVIDUAL]


async def _confirm_choices(ctx: Context) -> list[str]:
    """Save, change, cancel; then naming people (when the campaign has individual titles) and
    models, so that "1" still saves as before."""
    extra = [_PEOPLE] if _person_titles(await _campaign(ctx)) else []
    return [_(c) for c in (*_CONFIRM, *extra, _MODELS)]


async def _ask_confirm(ctx: Context) -> None:
    choices = await _confirm_choices(ctx)
    ctx.say(await _summary(ctx) + "\n\n" + _("Lưu đăng ký này?"), choices)


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
    named = [(t, _people_of(data, t.id)) for t in campaign.titles]
    named = [(t, people) for t, people in named if people]
    if named:
        lines.append(_("Cá nhân đăng ký:"))
        for title, people in named:
            lines.append(f"- {title.name}: " + ", ".join(_person(p) for p in people))
    if data.models:
        lines.append(_("Mô hình, sáng kiến:"))
        lines += [f"- {_model(m)}" for m in data.models]
    return "\n".join(lines)


def _person(person: tuple[str, str]) -> str:
    """ "Nguyễn Văn An (trưởng thôn)", or the name alone."""
    name, position = person
    return f"{name} ({position})" if position else name


def _model(model: tuple[str, str]) -> str:
    name, description = model
    return f"{name}: {description}" if description else name


def _people_of(data: RegistrationData, title_id: int) -> list[tuple[str, str]]:
    """The people named for a title: (full name, position), in the order typed."""
    return [(name, position) for t, name, position in data.people if t == title_id]


async def _answer_confirm(ctx: Context, text: str) -> None:
    choices = await _confirm_choices(ctx)
    index = pick(text, choices)
    chosen = choices[index] if index is not None else None
    if index == 0:
        await _save(ctx)
    elif index == 1:
        await _to_titles(ctx)
    elif index == 2:
        ctx.finish()
        ctx.say(_("Đã hủy, đăng ký chưa được lưu."))
    elif chosen == _(_PEOPLE):
        await _to_people(ctx)
    elif chosen == _(_MODELS):
        _data(ctx).model_name = None
        await ctx.goto(_FLOW, S.MODELS)
    elif len(choices) == 5:
        ctx.note(
            _(
                "Hãy gõ 1 để lưu, 2 để sửa lại, 3 để hủy, 4 để đăng ký cá nhân, "
                "5 để đăng ký mô hình, sáng kiến."
            )
        )
        await _ask_confirm(ctx)
    else:
        ctx.note(_("Hãy gõ 1 để lưu, 2 để sửa lại, 3 để hủy, 4 để đăng ký mô hình, sáng kiến."))
        await _ask_confirm(ctx)


# --------------------------------------------------------------------------- individuals


async def _to_people(ctx: Context) -> None:
    """One individual title: straight to its people; several: ask which."""
    titles = _person_titles(await _campaign(ctx))
    if len(titles) == 1:
        _data(ctx).person_titles = [titles[0].id]
        await ctx.goto(_FLOW, S.PEOPLE)
    else:
        await ctx.goto(_FLOW, S.PERSON_TITLES)


_BACK = N_("Quay lại")
_FINISH = ("xong", "khong", "1")
"""Folded answers that end a list of people or models ("1": its only button, by number)."""


async def _ask_person_titles(ctx: Context) -> None:
    data = _data(ctx)
    titles = _person_titles(await _campaign(ctx))
    labels = []
    for title in titles:
        count = len(_people_of(data, title.id))
        suffix = _(" ({count} người)").format(count=count) if count else ""
        labels.append(title.name + suffix)
    ctx.say(
        _(
            "Đơn vị đăng ký cá nhân cho danh hiệu nào? Gõ số thứ tự, ví dụ: 1 hoặc 1,2; "
            '"quay lại" để về bản tóm tắt.'
        ),
        [*labels, _(_BACK)],
    )


async def _answer_person_titles(ctx: Context, text: str) -> None:
    data = _data(ctx)
    titles = _person_titles(await _campaign(ctx))
    word = fold(text)
    names = [t.name for t in titles]
    if word in ("quay lai", "khong", "xong") or pick(text, [*names, _(_BACK)]) == len(titles):
        await ctx.goto(_FLOW, S.CONFIRM)
        return
    indexes = pick_many(text, len(titles))
    if indexes is None:
        single = pick(text, names)
        indexes = [single] if single is not None else None
    if indexes is None:
        ctx.note(_("Hãy gõ số thứ tự danh hiệu (ví dụ: 1 hoặc 1,2)."))
        await _ask_person_titles(ctx)
        return
    data.person_titles = [titles[i].id for i in indexes]
    await ctx.goto(_FLOW, S.PEOPLE)


async def _people_title(ctx: Context) -> Title:
    """The individual title whose people are being named (the first still to do)."""
    data = _data(ctx)
    wanted = data.person_titles[0] if data.person_titles else None
    title_id = need(wanted, "dangky.person_titles")
    found = next((t for t in (await _campaign(ctx)).titles if t.id == title_id), None)
    return need(found, "dangky.person_titles")


async def _ask_people(ctx: Context) -> None:
    title = await _people_title(ctx)
    people = _people_of(_data(ctx), title.id)
    lines = [_("Cá nhân đăng ký danh hiệu {title}:").format(title=title.name)]
    lines += [f"{n}. {_person(p)}" for n, p in enumerate(people, 1)] or [_("(chưa có ai)")]
    lines.append(
        _(
            "Gõ họ tên và chức vụ của từng người, mỗi người một tin nhắn, ví dụ: "
            "Nguyễn Văn An, trưởng thôn"
        )
    )
    lines.append(
        _('Gõ "xong" khi đã đủ; "xóa 2" để bỏ người thứ 2.')
        if people
        else _('Gõ "xong" khi đã đủ (không có ai thì danh hiệu này không được đăng ký).')
    )
    ctx.say("\n".join(lines), [_(_DONE)])


async def _answer_people(ctx: Context, text: str) -> None:
    data = _data(ctx)
    title = await _people_title(ctx)
    word = fold(text)
    if word in _FINISH:
        await _people_done(ctx, title)
        return
    removed = _removal(word)
    if removed is not None:
        mine = [i for i, p in enumerate(data.people) if p[0] == title.id]
        if 1 <= removed <= len(mine):
            gone = data.people.pop(mine[removed - 1])
            ctx.note(_("Đã bỏ: {person}").format(person=_person(gone[1:])))
        else:
            ctx.note(_("Không có người thứ {n} trong danh sách.").format(n=removed))
        await _ask_people(ctx)
        return
    for line in [line.strip() for line in text.splitlines() if line.strip()]:
        name, _comma, position = line.partition(",")
        name, position = " ".join(name.split()), " ".join(position.split())
        if not any(ch.isalpha() for ch in name):
            ctx.note(
                _("Chưa đọc được họ tên trong: {text}").format(text=line[:NAME_CHARS])
                + "\n"
                + _("Hãy gõ họ tên, dấu phẩy, rồi chức vụ, ví dụ: Nguyễn Văn An, trưởng thôn")
            )
        elif len(name) > NAME_CHARS or len(position) > NAME_CHARS:
            ctx.note(
                _(
                    "Họ tên và chức vụ mỗi phần tối đa {n} ký tự; hãy gõ lại người này ngắn hơn."
                ).format(n=NAME_CHARS)
            )
        elif (name, position) in _people_of(data, title.id):
            ctx.note(_("Đã có trong danh sách: {person}").format(person=_person((name, position))))
        else:
            data.people.append((title.id, name, position))
            ctx.note(_("Đã ghi — {person}").format(person=_person((name, position))))
    await _ask_people(ctx)


def _removal(word: str) -> int | None:
    """The number of "xóa 2" (or "xoa 2", "bỏ 2"), None when the (folded) text is not that."""
    for prefix in ("xoa ", "bo "):
        number = word.removeprefix(prefix).strip().rstrip(".")
        if word.startswith(prefix) and number.isdigit():
            return int(number)
    return None


async def _people_done(ctx: Context, title: Title) -> None:
    data = _data(ctx)
    if not _people_of(data, title.id):
        ctx.note(
            _(
                "Chưa có ai đăng ký danh hiệu {title} nên đơn vị không đăng ký danh hiệu này."
            ).format(title=title.name)
        )
    data.person_titles = data.person_titles[1:]
    if data.person_titles:
        await ctx.goto(_FLOW, S.PEOPLE)
    else:
        await ctx.goto(_FLOW, S.CONFIRM)


# --------------------------------------------------------------------------- models


async def _ask_models(ctx: Context) -> None:
    data = _data(ctx)
    if data.model_name is not None:
        ctx.say(
            _('Mô tả ngắn mô hình "{name}" (gõ "không" nếu không có mô tả):').format(
                name=data.model_name
            )
        )
        return
    lines = [_("Mô hình, sáng kiến đơn vị đăng ký:")]
    lines += [f"{n}. {_model(m)}" for n, m in enumerate(data.models, 1)] or [_("(chưa có)")]
    lines.append(
        _(
            "Gõ tên mô hình, dấu hai chấm, rồi mô tả ngắn, ví dụ: Dân vận khéo: vận động "
            "nhân dân hiến đất làm đường (hoặc gõ tên trước, mô tả sau)."
        )
    )
    lines.append(
        _('Gõ "xong" khi đã đủ; "xóa 1" để bỏ mô hình thứ 1.')
        if data.models
        else _('Gõ "không" nếu đơn vị không đăng ký mô hình, sáng kiến.')
    )
    ctx.say("\n".join(lines), [_(_DONE) if data.models else _("Không")])


async def _answer_models(ctx: Context, text: str) -> None:
    data = _data(ctx)
    word = fold(text)
    typed = " ".join(text.split())
    if data.model_name is not None:  # the description of the name typed before
        if word in ("khong", "bo qua", "xong"):
            typed = ""
        elif len(typed) > DESCRIPTION_CHARS:
            ctx.note(_("Mô tả tối đa {n} ký tự; hãy gõ ngắn hơn.").format(n=DESCRIPTION_CHARS))
            await _ask_models(ctx)
            return
        _add_model(ctx, data.model_name, typed)
        data.model_name = None
        if word == "xong":
            await ctx.goto(_FLOW, S.CONFIRM)
        else:
            await _ask_models(ctx)
        return
    if word in _FINISH:
        await ctx.goto(_FLOW, S.CONFIRM)
        return
    removed = _removal(word)
    if removed is not None:
        if 1 <= removed <= len(data.models):
            ctx.note(_("Đã bỏ: {model}").format(model=_model(data.models.pop(removed - 1))))
        else:
            ctx.note(_("Không có mô hình thứ {n} trong danh sách.").format(n=removed))
        await _ask_models(ctx)
        return
    name, colon, description = typed.partition(":")
    name, description = name.strip(), description.strip()
    if not any(ch.isalpha() for ch in name):
        ctx.note(_("Hãy gõ tên mô hình, ví dụ: Dân vận khéo: vận động nhân dân hiến đất làm đường"))
    elif len(name) > NAME_CHARS:
        ctx.note(
            _(
                'Tên mô hình tối đa {n} ký tự. Hãy gõ tên ngắn gọn, dấu hai chấm ":", rồi mô tả.'
            ).format(n=NAME_CHARS)
        )
    elif len(description) > DESCRIPTION_CHARS:
        ctx.note(_("Mô tả tối đa {n} ký tự; hãy gõ ngắn hơn.").format(n=DESCRIPTION_CHARS))
    elif colon and description:
        _add_model(ctx, name, description)
    else:
        data.model_name = name
    await _ask_models(ctx)


def _add_model(ctx: Context, name: str, description: str) -> None:
    data = _data(ctx)
    if any(m[0] == name for m in data.models):
        data.models = [(n, description if n == name else d) for n, d in data.models]
        ctx.note(_("Đã sửa — {model}").format(model=_model((name, description))))
    else:
        data.models.append((name, description))
        ctx.note(_("Đã ghi — {model}").format(model=_model((name, description))))


def _individual_ids(campaign: Campaign) -> set[int]:
    return {t.id for t in _person_titles(campaign)}


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
        nominees=[person for person in data.people if person[0] in _individual_ids(campaign)],
        initiatives=data.models,
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
        N_("đăng ký thi đua"),
        {
            S.CAMPAIGN: campaign_step(
                N_("Đăng ký thi đua cho phong trào nào?"), _begin, RegistrationData
            ),
            S.EXISTING: Step(_ask_existing, _answer_existing, idle=True),
            S.TITLES: Step(_ask_titles, _answer_titles),
            S.WANT_TARGETS: Step(_ask_want_targets, _answer_want_targets),
            S.TARGET: Step(_ask_target, _answer_target),
            S.CONFIRM: Step(_ask_confirm, _answer_confirm),
            S.PERSON_TITLES: Step(_ask_person_titles, _answer_person_titles),
            S.PEOPLE: Step(_ask_people, _answer_people),
            S.MODELS: Step(_ask_models, _answer_models),
        },
        RegistrationData,
    )
)
