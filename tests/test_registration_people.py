"""Individuals for individual titles and models or initiatives in ``/dangky`` (issue 16,
item 2): whole conversations through the console pipeline, the Nominee and Initiative rows, the
registrations workbook's cells, and a stored state from before these questions existed."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from bot.app import App
from domain.clock import ManualClock
from reports.data import InitiativeLine, NomineeLine, RegistrationReport, RegistrationRow
from reports.registrations import write_registrations
from storage.models import (
    ConversationState,
    Initiative,
    Nominee,
    Registration,
    RegistrationTitle,
)
from tests.conftest import Person, vn_time
from tests.helpers import VILLAGE_SAMPLE, count, make_invite, rows, sample
from tests.test_report_commands import documents, office_person
from tests.test_report_workbook import HEADER, NOW, convert

P1_PHONE = "0900000001"
SAVED = "✅ Đã lưu đăng ký thi đua"


async def village_head(app: App, clock: ManualClock, name: str = "head") -> Person:
    """The head of Thôn Đông (Xuân Sơn sample), before the sample's registration deadline."""
    clock.current = vn_time(date(2026, 2, 10))
    head = Person(app, name)
    assert "Thôn Đông" in await head.say(f"/start {await make_invite(app, 'THON_DONG')}")
    return head


async def titles_by_code(app: App) -> dict[str, int]:
    campaign = await sample(app, VILLAGE_SAMPLE)
    return {t.code: t.id for t in campaign.titles}


async def nominees(app: App) -> list[tuple[int, str, str]]:
    found = await rows(app, Nominee)
    ordered = sorted(found, key=lambda n: (n.sort_order, n.id))
    return [(n.title_id, n.full_name, n.position) for n in ordered]


async def initiatives(app: App) -> list[tuple[str, str]]:
    found = sorted(await rows(app, Initiative), key=lambda i: (i.sort_order, i.id))
    return [(i.name, i.description) for i in found]


async def register_people_and_models(head: Person) -> str:
    """Thôn văn hóa, no targets; two people for Lao động tiên tiến, nobody for Chiến sĩ thi đua
    cơ sở; two models (one in one message, one in two); the summary before saving."""
    answer = await head.script("/dangky", "1", "2")
    assert "Lưu đăng ký này?" in answer
    assert "4. Đăng ký cá nhân" in answer and "5. Mô hình, sáng kiến" in answer
    answer = await head.say("4")
    assert "1. Lao động tiên tiến" in answer and "2. Chiến sĩ thi đua cơ sở" in answer
    answer = await head.say("1,2")
    assert "Cá nhân đăng ký danh hiệu Lao động tiên tiến" in answer
    answer = await head.say("Nguyễn Văn An, trưởng thôn")
    assert "Đã ghi — Nguyễn Văn An (trưởng thôn)" in answer
    answer = await head.say("  Trần Thị   Bình ")  # a name alone; spaces tidied
    assert "Đã ghi — Trần Thị Bình" in answer and "2. Trần Thị Bình" in answer
    answer = await head.say("xong")
    assert "Cá nhân đăng ký danh hiệu Chiến sĩ thi đua cơ sở" in answer
    answer = await head.say("Xong")
    assert "Chưa có ai đăng ký danh hiệu Chiến sĩ thi đua cơ sở nên đơn vị không đăng ký" in answer
    assert "- Lao động tiên tiến: Nguyễn Văn An (trưởng thôn), Trần Thị Bình" in answer
    assert "Lưu đăng ký này?" in answer
    answer = await head.say("5")
    assert "Mô hình, sáng kiến đơn vị đăng ký" in answer and '"không"' in answer
    answer = await head.say("Dân vận khéo: vận động nhân dân hiến đất làm đường")
    assert "Đã ghi — Dân vận khéo: vận động nhân dân hiến đất làm đường" in answer
    answer = await head.say("Con đường hoa")  # the name alone: its description is asked
    assert 'Mô tả ngắn mô hình "Con đường hoa"' in answer
    answer = await head.say("Mỗi hộ trồng 20 m hoa trước cổng")
    assert "Đã ghi — Con đường hoa: Mỗi hộ trồng 20 m hoa trước cổng" in answer
    summary = await head.say("xong")
    assert "Mô hình, sáng kiến:\n- Dân vận khéo: vận động nhân dân hiến đất làm đường" in summary
    assert "- Con đường hoa: Mỗi hộ trồng 20 m hoa trước cổng" in summary
    assert "Danh hiệu đăng ký: Thôn văn hóa" in summary and "Lưu đăng ký này?" in summary
    return summary


async def test_people_and_models_are_saved_with_the_registration(
    app: App, clock: ManualClock
) -> None:
    head = await village_head(app, clock)
    await register_people_and_models(head)
    assert await count(app, Nominee) == 0  # nothing saved before the confirmation
    assert SAVED in await head.say("1")

    ids = await titles_by_code(app)
    registration = (await rows(app, Registration))[0]
    assert {t.title_id for t in await rows(app, RegistrationTitle)} == {ids["THON_VH"]}
    assert await nominees(app) == [
        (ids["LDTT"], "Nguyễn Văn An", "trưởng thôn"),
        (ids["LDTT"], "Trần Thị Bình", ""),
    ]
    assert all(n.registration_id == registration.id for n in await rows(app, Nominee))
    assert await initiatives(app) == [
        ("Dân vận khéo", "vận động nhân dân hiến đất làm đường"),
        ("Con đường hoa", "Mỗi hộ trồng 20 m hoa trước cổng"),
    ]

    again = await head.say("/dangky")  # the saved registration is shown with them
    assert "- Lao động tiên tiến: Nguyễn Văn An (trưởng thôn), Trần Thị Bình" in again
    assert "- Dân vận khéo: vận động nhân dân hiến đất làm đường" in again


async def test_registering_again_replaces_people_and_models(app: App, clock: ManualClock) -> None:
    head = await village_head(app, clock)
    await register_people_and_models(head)
    assert SAVED in await head.say("1")

    answer = await head.script("/dangky", "Sửa đăng ký", "Xong", "2")
    assert "- Lao động tiên tiến: Nguyễn Văn An (trưởng thôn), Trần Thị Bình" in answer
    answer = await head.script("4", "1")
    assert "1. Nguyễn Văn An (trưởng thôn)\n2. Trần Thị Bình" in answer
    answer = await head.say("xóa 1")
    assert "Đã bỏ: Nguyễn Văn An (trưởng thôn)" in answer and "1. Trần Thị Bình" in answer
    answer = await head.say("Lê Văn Cường, công an viên")
    assert "2. Lê Văn Cường (công an viên)" in answer
    await head.say("xong")
    answer = await head.script("4", "2", "Phạm Thị Dung, chi hội trưởng phụ nữ", "xong")
    assert "- Chiến sĩ thi đua cơ sở: Phạm Thị Dung (chi hội trưởng phụ nữ)" in answer
    answer = await head.script("5", "xoa 2", "xong")
    assert "Con đường hoa" not in answer
    assert SAVED in await head.say("1")

    ids = await titles_by_code(app)
    assert await count(app, Registration) == 1
    assert await nominees(app) == [
        (ids["LDTT"], "Trần Thị Bình", ""),
        (ids["LDTT"], "Lê Văn Cường", "công an viên"),
        (ids["CSTDCS"], "Phạm Thị Dung", "chi hội trưởng phụ nữ"),
    ]
    assert await initiatives(app) == [("Dân vận khéo", "vận động nhân dân hiến đất làm đường")]

    # a plain change of titles keeps them: they come back from the database each time
    answer = await head.script("/dangky", "1", "☐ Tập thể lao động tiên tiến", "Xong", "2")
    assert "Danh hiệu đăng ký: Thôn văn hóa, Tập thể lao động tiên tiến" in answer
    assert SAVED in await head.say("1")
    assert len(await nominees(app)) == 3 and len(await initiatives(app)) == 1
    assert await count(app, RegistrationTitle) == 2


async def test_a_chosen_individual_title_with_nobody_is_dropped(
    app: App, clock: ManualClock
) -> None:
    head = await village_head(app, clock)
    await head.script("/dangky", "1", "2", "4")
    answer = await head.say("2")  # Chiến sĩ thi đua cơ sở
    assert "Cá nhân đăng ký danh hiệu Chiến sĩ thi đua cơ sở:\n(chưa có ai)" in answer
    answer = await head.say("1")  # its only button, "Xong", by number
    assert "Chưa có ai đăng ký danh hiệu Chiến sĩ thi đua cơ sở" in answer
    assert "Cá nhân đăng ký:" not in answer and "Lưu đăng ký này?" in answer
    answer = await head.script("5", "không")  # no model either
    assert "Mô hình, sáng kiến:" not in answer and "Lưu đăng ký này?" in answer
    assert SAVED in await head.say("1")
    assert await count(app, Nominee) == 0 and await count(app, Initiative) == 0


async def test_bad_input_is_asked_again_and_nothing_is_lost(app: App, clock: ManualClock) -> None:
    head = await village_head(app, clock)
    await head.script("/dangky", "1", "2", "4", "1", "Nguyễn Văn An, trưởng thôn")
    answer = await head.say("A" * 201 + ", trưởng thôn")
    assert "tối đa 200 ký tự" in answer and "1. Nguyễn Văn An (trưởng thôn)" in answer
    answer = await head.say("Nguyễn Văn An, " + "b" * 201)
    assert "tối đa 200 ký tự" in answer
    answer = await head.say("12345, 678")
    assert "Chưa đọc được họ tên" in answer
    answer = await head.say("Nguyễn Văn An, trưởng thôn")
    assert "Đã có trong danh sách" in answer
    answer = await head.say("xóa 9")  # no ninth person
    assert "Không có người thứ 9" in answer and "1. Nguyễn Văn An" in answer
    answer = await head.say("/nhap")  # another command does not throw the list away
    assert "/huy" in answer
    answer = await head.say("Hoàng Văn Em\nVõ Thị Gấm, thủ quỹ")  # two lines: two people
    assert "2. Hoàng Văn Em\n3. Võ Thị Gấm (thủ quỹ)" in answer
    await head.say("xong")

    answer = await head.script("5", "M" * 201)
    assert "Tên mô hình tối đa 200 ký tự" in answer and "(chưa có)" in answer
    answer = await head.say("Dân vận khéo: " + "x" * 1001)
    assert "Mô tả tối đa 1000 ký tự" in answer
    answer = await head.say("Dân vận khéo")
    answer = await head.say("y" * 1001)  # a too long description: asked again, name kept
    assert 'Mô tả ngắn mô hình "Dân vận khéo"' in answer
    answer = await head.say("xong")  # ends it: the model without a description
    assert "- Dân vận khéo\n" in answer and "Lưu đăng ký này?" in answer
    answer = await head.say("6")
    assert "Hãy gõ 1 để lưu" in answer and "4 để đăng ký cá nhân" in answer

    answer = await head.say("/huy")
    assert await count(app, Registration) == 0 and await count(app, Nominee) == 0


async def test_a_state_stored_before_these_questions_goes_on(app: App, clock: ManualClock) -> None:
    """A person at the summary of ``/dangky`` when this version is deployed: their stored
    data has no people or models; choosing the new options and saving works."""
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.say("/dangky")
    corpus = json.loads(
        (Path(__file__).parent / "corpus" / "flow_states_v1.json").read_text(encoding="utf-8")
    )
    old = corpus["dangky_confirm"]["state"]
    assert "people" not in old["data"]["data"] and "models" not in old["data"]["data"]
    async with app.sessions() as session, session.begin():
        state = await session.scalar(select(ConversationState))
        assert state is not None
        state.flow, state.step, state.data = old["flow"], old["step"], old["data"]
    answer = await head.say("5")
    assert "Mô hình, sáng kiến đơn vị đăng ký" in answer
    answer = await head.script("Sân chơi cho trẻ em: mỗi khu phố một sân", "xong", "4", "1")
    assert "Cá nhân đăng ký danh hiệu Lao động tiên tiến" in answer
    answer = await head.script("Đỗ Văn Hải, tổ trưởng", "xong")
    assert "- Lao động tiên tiến: Đỗ Văn Hải (tổ trưởng)" in answer
    assert SAVED in await head.say("1")
    assert [(n[1], n[2]) for n in await nominees(app)] == [("Đỗ Văn Hải", "tổ trưởng")]
    assert await initiatives(app) == [("Sân chơi cho trẻ em", "mỗi khu phố một sân")]


def named_columns(sheet: Worksheet) -> tuple[int, int]:
    """Columns (1-based) of "Cá nhân đăng ký" and "Mô hình, sáng kiến" (header row 9)."""
    heads = {sheet.cell(9, c).value: c for c in range(1, sheet.max_column + 1)}
    return heads["Cá nhân đăng ký"], heads["Mô hình, sáng kiến"]


def unit_row(sheet: Worksheet, name: str) -> int:
    """The row (1-based) of the unit ``name`` (or of the totals) in the table."""
    return next(
        r
        for r in range(11, sheet.max_row + 1)
        if name in [sheet.cell(r, c).value for c in range(1, 5)]
    )


async def test_the_registrations_workbook_shows_people_and_models(
    app: App, clock: ManualClock, reports_dir: Path
) -> None:
    head = await village_head(app, clock)
    await register_people_and_models(head)
    assert SAVED in await head.say("1")

    office = await office_person(app)
    await office.say(f"/dangkythidua {VILLAGE_SAMPLE}")
    [reply] = documents(office)
    assert reply.document is not None
    book = load_workbook(reply.document.path)
    assert book.sheetnames == ["Đăng ký thi đua"]
    sheet = book["Đăng ký thi đua"]
    people, models = named_columns(sheet)
    row = unit_row(sheet, "Thôn Đông")
    assert sheet.cell(row, people).value == (
        "1. Nguyễn Văn An (trưởng thôn) — Lao động tiên tiến\n2. Trần Thị Bình — Lao động tiên tiến"
    )
    assert sheet.cell(row, models).value == (
        "1. Dân vận khéo: vận động nhân dân hiến đất làm đường\n"
        "2. Con đường hoa: Mỗi hộ trồng 20 m hoa trước cổng"
    )
    assert sheet.cell(row, people).alignment.wrap_text
    assert (sheet.row_dimensions[row].height or 0) >= 2 * 14  # tall enough for both lines
    assert sheet.cell(row, people + 2).value == "Đã đăng ký"  # status follows them
    totals = unit_row(sheet, "TỔNG SỐ ĐƠN VỊ")
    assert sheet.cell(totals, people).value == "2 cá nhân"
    assert sheet.cell(totals, models).value == "2 mô hình, sáng kiến"
    assert sheet.cell(unit_row(sheet, "Thôn Đoài"), people).value is None  # not registered


ROWS = [
    RegistrationRow(
        "T1",
        "Thôn Đông",
        "",
        frozenset({"Thôn văn hóa"}),
        {},
        NOW,
        "A",
        (
            NomineeLine("Nguyễn Văn An", "trưởng thôn", "Lao động tiên tiến"),
            NomineeLine("Trần Thị Bình", "", "Chiến sĩ thi đua cơ sở"),
        ),
        (InitiativeLine("Dân vận khéo", "vận động nhân dân hiến đất làm đường liên thôn"),),
    ),
    RegistrationRow("T2", "Thôn Tây", "", frozenset({"Thôn văn hóa"}), {}, NOW, "B"),
    RegistrationRow("T3", "Thôn Nam", ""),
]


def test_without_people_or_models_the_columns_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    plain = [RegistrationRow(r.code, r.name, r.cluster, r.titles) for r in ROWS]
    write_registrations(RegistrationReport(HEADER, ["Thôn văn hóa"], [], plain), path)
    sheet = load_workbook(path)["Đăng ký thi đua"]
    heads = [sheet.cell(9, c).value for c in range(1, sheet.max_column + 1)]
    assert "Cá nhân đăng ký" not in heads and "Mô hình, sáng kiến" not in heads


def test_libreoffice_prints_the_people_and_models(tmp_path: Path) -> None:
    path = tmp_path / "dang-ky.xlsx"
    write_registrations(RegistrationReport(HEADER, ["Thôn văn hóa"], [], ROWS), path)
    sheet = load_workbook(path)["Đăng ký thi đua"]
    people, models = named_columns(sheet)
    assert sheet.cell(unit_row(sheet, "Thôn Tây"), people).value is None
    assert sheet.cell(unit_row(sheet, "Thôn Đông"), models).value == (
        "Dân vận khéo: vận động nhân dân hiến đất làm đường liên thôn"
    )
    out = tmp_path / "lo"
    convert(path, "pdf", out)
    text = subprocess.run(
        ["pdftotext", str(out / "dang-ky.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = " ".join(text.split())  # wrapped lines joined again
    assert "1. Nguyễn Văn An (trưởng thôn) — Lao động" in words
    assert "2. Trần Thị Bình — Chiến sĩ thi đua cơ sở" in words
    assert "Dân vận khéo: vận động nhân dân hiến đất" in words
    assert "2 cá nhân" in words and "1 mô hình, sáng kiến" in words
