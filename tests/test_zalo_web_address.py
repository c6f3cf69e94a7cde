"""An office on Zalo with polling (no ``PUBLIC_BASE_URL``: nothing open to the internet) and
``WEB_BASE_URL`` on its LAN (issue 19, point 6): ``reportbot run`` starts the web server anyway,
says where, and the office gets its workbook as a download link at that address and its web
page's sign-in link; both open over HTTP."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote

import aiohttp
from openpyxl import load_workbook

from bot.app import open_app
from bot.settings import Settings
from tests.fake_zalo import FakeZalo
from tests.helpers import make_invite
from tests.test_zalo import LINK, OFFICE, say, zalo_bot

SIGN_IN = re.compile(r"https?://\S+/web/dang-nhap/\S+")


async def test_a_polling_office_downloads_its_workbook_at_web_base_url(
    zalo: FakeZalo, prepared: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    async with open_app(Settings(database_url=prepared)) as app:
        office_code = await make_invite(app, None)
    lan = f"http://127.0.0.1:{unused_tcp_port}"  # as http://192.168.1.10:8080 in an office
    process = zalo_bot(
        tmp_path,
        zalo,
        prepared,
        WEB_BASE_URL=lan,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(unused_tcp_port),
    )
    await process.start()
    try:
        await say(zalo, OFFICE, f"/start {office_code}", "quyền văn phòng")
        report = await say(zalo, OFFICE, "/tonghop NGANAM2026", "📊 Báo cáo tổng hợp Quý 4/2026")
        assert zalo.webhook_url == ""  # still polling: no webhook was registered
        found = LINK.search(report)
        assert found is not None, report
        link = found.group(0)
        assert link.startswith(f"{lan}/bao-cao/")
        web = await say(zalo, OFFICE, "/web", "Trang web của văn phòng")
        sign_in = SIGN_IN.search(web)
        assert sign_in is not None and sign_in.group(0).startswith(f"{lan}/web/"), web

        # unsafe: the jar keeps cookies of an IP address (127.0.0.1 here, a LAN address in an office)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(link) as answer:
                assert answer.status == 200
                name = unquote(answer.headers["Content-Disposition"])
                assert "Tong-hop-NGANAM2026-2026Q4.xlsx" in name
                book = load_workbook(io.BytesIO(await answer.read()))
                assert book.sheetnames[:2] == ["Tổng hợp", "Tiến độ"]
            async with http.get(sign_in.group(0)) as page:
                assert page.status == 200 and "Đăng nhập" in await page.text()
            async with http.post(sign_in.group(0)) as signed_in:  # the button; then /web/
                assert signed_in.status == 200 and str(signed_in.url) == f"{lan}/web/"
                assert "NGANAM2026" in await signed_in.text()
    finally:
        assert await process.stop() == 0, process.output()[-3000:]

    started = process.output()
    assert "Zalo: " in started and "nhận tin bằng polling" in started
    assert f"Trang web văn phòng: {lan}/web/" in started
