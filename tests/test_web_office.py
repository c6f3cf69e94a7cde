"""The office's web page (issue 17) through aiohttp's test client against the real sub-application
and database: signing in with a one-time link from ``/web``, who is let in, CSRF on forms, and
the campaign, period and unit pages with what a village head really submitted."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import update

from bot.app import App
from bot.web.context import PREFIX
from bot.web.office import COOKIE, office_site
from domain.clock import ManualClock
from reports.template import write_template
from storage.models import Invite, Reporter, Submission
from tests.conftest import Person
from tests.helpers import SAMPLE, make_invite, rows, sample
from tests.test_fast_path import PASTE
from tests.test_report_cli import reportbot
from tests.test_review_round import spec as round_spec

LINK = re.compile(r"https?://\S+/web/dang-nhap/(\S+)")
P1_PHONE = "0900000001"  # Phường 1 of the Ngã Năm sample


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app.pipeline.web_address = "http://127.0.0.1:8080"  # as WEB_BASE_URL would give
    site = web.Application()
    site.add_subapp(PREFIX, office_site(app))
    async with TestClient(TestServer(site)) as found:
        yield found


async def office_link(app: App, name: str = "clerk") -> tuple[Person, str]:
    """An office user bound in the console, and the path of the link ``/web`` gave them."""
    clerk = Person(app, name)
    await clerk.say(f"/start {await make_invite(app, None)}")
    answer = await clerk.say("/web")
    found = LINK.search(answer)
    assert found is not None, answer
    assert "trong 10 phút" in answer
    return clerk, f"{PREFIX}/dang-nhap/{found.group(1)}"


async def signed_in(client: TestClient[web.Request, web.Application], path: str) -> str:
    """Open the link and press "Đăng nhập"; return the CSRF token of the first page."""
    shown = await client.get(path)
    assert shown.status == 200 and "Đăng nhập</button>" in await shown.text()
    answer = await client.post(path, allow_redirects=False)
    assert answer.status == 303 and answer.headers["Location"] == f"{PREFIX}/"
    cookie = answer.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == PREFIX
    page = await client.get(f"{PREFIX}/")
    text = await page.text()
    assert page.status == 200, text
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found is not None
    return found.group(1)


async def test_sign_in_once_and_see_the_campaigns(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    _clerk, path = await office_link(app)
    for _preview in range(2):  # a chat app fetching the link to preview it does not use it
        assert (await client.get(path)).status == 200
    await signed_in(client, path)
    page = await (await client.get(f"{PREFIX}/")).text()
    assert "Phong trào thi đua" in page and "NGANAM2026" in page and "XUANSON2026" in page
    assert "Đăng xuất" in page
    again = await client.post(path, allow_redirects=False)
    assert again.status == 403 and "đã được dùng" in await again.text()
    wrong = await client.post(f"{PREFIX}/dang-nhap/khong-dung", allow_redirects=False)
    assert wrong.status == 403 and "không đúng" in await wrong.text()


async def test_an_expired_link_and_an_idle_session_are_refused(
    app: App, clock: ManualClock, client: TestClient[web.Request, web.Application]
) -> None:
    _clerk, path = await office_link(app)
    clock.current += timedelta(minutes=10, seconds=1)
    late = await client.post(path, allow_redirects=False)
    assert late.status == 403 and "hết hạn" in await late.text()

    _clerk, path = await office_link(app, "clerk-2")
    await signed_in(client, path)
    clock.current += timedelta(hours=11)
    assert (await client.get(f"{PREFIX}/")).status == 200  # used: the idle clock restarts
    clock.current += timedelta(hours=12)
    idle = await client.get(f"{PREFIX}/")
    assert idle.status == 401 and "/web" in await idle.text()


async def test_no_link_without_a_web_address(app: App) -> None:
    clerk = Person(app, "clerk")
    await clerk.say(f"/start {await make_invite(app, None)}")
    answer = await clerk.say("/web")
    assert "chưa được bật" in answer and "WEB_BASE_URL" in answer and "dang-nhap" not in answer


async def test_only_office_users_with_a_session_get_in(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    nobody = await client.get(f"{PREFIX}/")
    assert nobody.status == 401 and "Gửi /web cho bot" in await nobody.text()
    client.session.cookie_jar.update_cookies({COOKIE: "doan-bua"})
    assert (await client.get(f"{PREFIX}/")).status == 401

    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    refused = await head.say("/web")
    assert "chỉ dành cho văn phòng" in refused and "dang-nhap" not in refused

    clerk, path = await office_link(app)
    await signed_in(client, path)
    async with app.sessions() as session, session.begin():  # no longer in the office
        await session.execute(update(Reporter).values(is_office=False))
    for page in ("/", f"/phong-trao/{(await sample(app)).id}"):
        answer = await client.get(PREFIX + page)
        assert answer.status == 403 and "chỉ dành cho văn phòng" in await answer.text()
    assert clerk.name == "clerk"


async def test_forms_need_the_session_csrf_token(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    _clerk, path = await office_link(app)
    csrf = await signed_in(client, path)
    forged = await client.post(f"{PREFIX}/dang-xuat", data={"csrf": "gia-mao"})
    assert forged.status == 403 and "Biểu mẫu" in await forged.text()
    assert (await client.get(f"{PREFIX}/")).status == 200  # still signed in
    out = await client.post(f"{PREFIX}/dang-xuat", data={"csrf": csrf})
    assert out.status == 200 and "Đã đăng xuất" in await out.text()
    assert (await client.get(f"{PREFIX}/")).status == 401


async def test_period_and_unit_pages_show_what_was_submitted(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    campaign = await sample(app, SAMPLE)
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.say("/nhap")
    answer = await head.say(PASTE)
    while "Nộp báo cáo này?" not in answer:  # a value asked back: confirmed
        answer = await head.say("1")
    assert "✅" in await head.say("đồng ý")
    await head.say("/nhap")
    fixed = await head.say("sửa 1 1.300 tấn vì đếm lại")
    assert "✅ Đã sửa" in fixed, fixed
    _clerk, path = await office_link(app)
    await signed_in(client, path)
    overview = await (await client.get(f"{PREFIX}/phong-trao/{campaign.id}")).text()
    [submitted] = await rows(app, Submission)
    period = next(p for p in campaign.periods if p.id == submitted.period_id)
    assert f"/ky/{period.id}" in overview and "1/" in overview
    page = await client.get(f"{PREFIX}/phong-trao/{campaign.id}/ky/{period.id}")
    text = await page.text()
    assert page.status == 200
    assert "Tiến độ báo cáo Quý 4/" in text and "<svg" in text and "Đã báo cáo" in text
    assert "Phường 1" in text and "Đúng hạn" in text and "1.300" in text
    assert "Chưa báo cáo (" in text and "tel:" in text
    unit = next(u for u in re.findall(r"/don-vi/(\d+)\">Phường 1<", text))
    history = await (await client.get(f"{PREFIX}/phong-trao/{campaign.id}/don-vi/{unit}")).text()
    assert "Lịch sử sửa số liệu" in history and "1.250" in history and "1.300" in history
    assert "đếm lại" in history
    missing = await client.get(f"{PREFIX}/phong-trao/{campaign.id}/don-vi/999999")
    assert missing.status == 404


async def test_reportbot_web_link_prints_a_link(database_url: str, tmp_path: Path) -> None:
    result = reportbot(database_url, tmp_path, "web-link", "--office")
    assert result.returncode == 0, result.stderr
    assert LINK.search(result.stdout) is not None
    assert reportbot(database_url, tmp_path, "web-link").returncode == 2


async def test_remind_now_and_reopen_from_the_period_page(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    campaign = await sample(app, SAMPLE)
    by_code = {p.code: p for p in campaign.periods}
    collecting, locked = by_code["2026Q4"], by_code["2026Q3"]
    ward = Person(app, "ward-2", phone="0900000002")  # Phường 2, nothing reported
    await ward.say("/start")
    await ward.inbox()
    _clerk, path = await office_link(app)
    csrf = await signed_in(client, path)
    base = f"{PREFIX}/phong-trao/{campaign.id}/ky"

    page = await (await client.get(f"{base}/{collecting.id}")).text()
    assert "Nhắc ngay các đơn vị chưa báo cáo" in page and "Mở lại</button>" not in page
    forged = await client.post(f"{base}/{collecting.id}/nhac", data={"csrf": "x"})
    assert forged.status == 403 and "nhắc báo cáo" not in await ward.inbox()
    done = await client.post(f"{base}/{collecting.id}/nhac", data={"csrf": csrf})
    text = await done.text()
    assert done.status == 200 and "🔔 Đã nhắc" in text and "cần gọi điện" in text
    assert "Văn phòng nhắc báo cáo" in await ward.inbox()
    again = await (await client.post(f"{base}/{collecting.id}/nhac", data={"csrf": csrf})).text()
    assert "đã được nhắc hôm nay, không nhắc lại" in again

    page = await (await client.get(f"{base}/{locked.id}")).text()
    assert "Mở lại</button>" in page and "Nhắc ngay" not in page
    unit = re.search(r'name="unit" value="(\d+)"', page)
    assert unit is not None
    wrong = await client.post(
        f"{base}/{locked.id}/mo-lai", data={"csrf": csrf, "unit": unit.group(1), "days": "99"}
    )
    assert wrong.status == 400 and "từ 1 đến 60" in await wrong.text()
    opened = await client.post(
        f"{base}/{locked.id}/mo-lai", data={"csrf": csrf, "unit": unit.group(1), "days": "3"}
    )
    text = await opened.text()
    assert opened.status == 200 and "✅ Đã mở lại kỳ Quý 3/2026" in text
    not_locked = await client.post(
        f"{base}/{collecting.id}/mo-lai", data={"csrf": csrf, "unit": unit.group(1), "days": "3"}
    )
    assert not_locked.status == 409 and "chưa khóa sổ" in await not_locked.text()


async def test_workbooks_are_built_off_the_request_and_downloaded(
    app: App, client: TestClient[web.Request, web.Application], tmp_path: Path
) -> None:
    campaign = await sample(app, SAMPLE)
    period = next(p for p in campaign.periods if p.code == "2026Q4")
    _clerk, path = await office_link(app)
    csrf = await signed_in(client, path)
    asked = await client.post(
        f"{PREFIX}/phong-trao/{campaign.id}/ky/{period.id}/tong-hop",
        data={"csrf": csrf},
        allow_redirects=False,
    )
    assert asked.status == 303
    status_path = asked.headers["Location"]
    waiting = await (await client.get(status_path)).text()
    assert "Đang lập báo cáo" in waiting and 'http-equiv="refresh"' in waiting
    assert await app.build_documents() == 1  # the document worker's part
    ready = await (await client.get(status_path)).text()
    assert "Báo cáo đã sẵn sàng" in ready and "refresh" not in ready
    answer = await client.get(status_path + "/tep")
    assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
    saved = tmp_path / "tong-hop.xlsx"
    saved.write_bytes(await answer.read())
    assert "Tổng hợp" in load_workbook(saved).sheetnames

    asked = await client.post(
        f"{PREFIX}/phong-trao/{campaign.id}/dang-ky", data={"csrf": csrf}, allow_redirects=False
    )
    assert asked.status == 303
    await app.build_documents()
    assert "sẵn sàng" in await (await client.get(asked.headers["Location"])).text()
    assert (await client.get(f"{PREFIX}/tai-ve/999999")).status == 404


async def test_upload_a_campaign_template_with_errors_then_a_good_one(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    _clerk, path = await office_link(app)
    csrf = await signed_in(client, path)
    form = await (await client.get(f"{PREFIX}/nap-phong-trao")).text()
    assert 'enctype="multipart/form-data"' in form
    blank = await client.get(f"{PREFIX}/mau-phong-trao.xlsx")
    assert blank.status == 200
    blank_bytes = await blank.read()

    def upload(data: bytes, token: str = "") -> FormData:
        sent = FormData()
        sent.add_field("csrf", token or csrf)
        sent.add_field("file", data, filename="ke-hoach.xlsx")
        return sent

    forged = await client.post(f"{PREFIX}/nap-phong-trao", data=upload(blank_bytes, "gia"))
    assert forged.status == 403
    refused = await client.post(f"{PREFIX}/nap-phong-trao", data=upload(blank_bytes))
    text = await refused.text()
    assert refused.status == 422 and "chưa nạp" in text
    assert "dòng" in text and "cột" in text  # sheet, row and column, as the command line
    good = await client.post(f"{PREFIX}/nap-phong-trao", data=upload(write_template(round_spec())))
    text = await good.text()
    assert good.status == 200 and "✅ Đã tạo phong trào CUMTHON2026" in text
    assert "CUMTHON2026" in await (await client.get(f"{PREFIX}/")).text()


async def test_the_invite_sheet_gives_working_codes_with_qr(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    campaign = await sample(app, SAMPLE)
    linked = Person(app, "ward-1", phone=P1_PHONE)  # Phường 1 is linked already
    await linked.say("/start")
    _clerk, path = await office_link(app)
    csrf = await signed_in(client, path)
    form = await (await client.get(f"{PREFIX}/phong-trao/{campaign.id}/phieu-moi")).text()
    assert "7/8 đơn vị chưa có ai liên kết" in form
    sheet = await client.post(
        f"{PREFIX}/phong-trao/{campaign.id}/phieu-moi",
        data={"csrf": csrf, "chi_chua_lien_ket": "1"},
    )
    text = await sheet.text()
    assert sheet.status == 200 and "Phiếu mời (7 phiếu)" in text
    assert "Phường 2" in text and "Trần Thị Bình" in text and ">Phường 1<" not in text
    assert text.count("<svg") == 7 and "Zalo: mở bot của xã trên Zalo" in text
    codes = re.findall(r'class="code">([A-Z0-9]+)<', text)
    assert len(codes) == 7 and len(await rows(app, Invite, Invite.code.in_(codes))) == 7
    newcomer = Person(app, "ward-2")
    assert "Phường 2" in await newcomer.say(f"/start {codes[0]}")
    everyone = await client.post(
        f"{PREFIX}/phong-trao/{campaign.id}/phieu-moi", data={"csrf": csrf}
    )
    assert "Phiếu mời (8 phiếu)" in await everyone.text()


@pytest.mark.parametrize(
    "page", ["/phong-trao/²", "/phong-trao/99999999999999999999999", "/tai-ve/²", "/khong-co"]
)
async def test_a_bad_address_is_a_vietnamese_404(
    app: App, client: TestClient[web.Request, web.Application], page: str
) -> None:
    _clerk, path = await office_link(app)
    await signed_in(client, path)
    answer = await client.get(PREFIX + page)
    assert answer.status == 404 and "Không tìm thấy" in await answer.text()


async def test_bad_form_values_and_a_file_too_large(
    app: App, client: TestClient[web.Request, web.Application]
) -> None:
    campaign = await sample(app, SAMPLE)
    locked = next(p for p in campaign.periods if p.code == "2026Q3")
    _clerk, path = await office_link(app)
    csrf = await signed_in(client, path)
    for unit in ("²", "99999999999999999999", ""):
        answer = await client.post(
            f"{PREFIX}/phong-trao/{campaign.id}/ky/{locked.id}/mo-lai",
            data={"csrf": csrf, "unit": unit, "days": "3"},
        )
        assert answer.status == 400 and "số ngày mở lại" in await answer.text()
    big = FormData()
    big.add_field("csrf", csrf)
    big.add_field("file", b"x" * (20 * 1024 * 1024 + 1), filename="lon.xlsx")
    answer = await client.post(f"{PREFIX}/nap-phong-trao", data=big)
    assert answer.status == 413 and "File quá lớn (tối đa 20 MB)" in await answer.text()
