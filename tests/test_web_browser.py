"""The office's web page in a real browser (issue 17): Debian's chromium driven by Playwright
(``executable_path``, no browser download) signs in with a one-time link, opens a period's
progress, asks for the consolidated workbook and downloads and opens it, reads a unit's history,
uploads a template with errors and sees them, signs out through the form (its CSRF token), and
saves what it saw as screenshots under the test's folder. CI installs chromium (``.ci/run``); elsewhere the
test is skipped without it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from bot.app import App
from bot.web.context import PREFIX
from bot.web.office import office_site
from reports.template import write_template
from storage.models import Submission
from tests.conftest import Person
from tests.helpers import SAMPLE, rows, sample
from tests.test_fast_path import PASTE
from tests.test_web_office import P1_PHONE, office_link

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing (.ci/run installs it)")
        pytest.skip("chromium is not installed")
    return CHROMIUM


async def test_sign_in_and_read_progress_in_chromium(
    app: App, chromium: str, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    await head.say("/nhap")
    answer = await head.say(PASTE)
    while "Nộp báo cáo này?" not in answer:
        answer = await head.say("1")
    await head.say("đồng ý")
    campaign = await sample(app, SAMPLE)
    [submitted] = await rows(app, Submission)
    app.pipeline.web_address = "http://127.0.0.1:8080"
    _clerk, path = await office_link(app)

    site = web.Application()
    site.add_subapp(PREFIX, office_site(app))
    server = TestServer(site, host="127.0.0.1")
    await server.start_server()
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(base + path)
            await page.click("button:text('Đăng nhập')")
            assert await page.title() == "Phong trào — Văn phòng"
            await page.screenshot(path=str(tmp_path / "phong-trao.png"), full_page=True)
            await page.click(f"text={campaign.name}")
            await page.click(f"a[href$='/ky/{submitted.period_id}']")
            body = await page.inner_text("main")
            assert "Tiến độ báo cáo" in body and "Phường 1" in body and "Đúng hạn" in body
            assert await page.locator("svg.chart rect").count() >= 2
            await page.screenshot(path=str(tmp_path / "tien-do.png"), full_page=True)
            progress_url = page.url
            await page.click("button:text('Lập báo cáo tổng hợp (Excel)')")
            assert "Đang lập báo cáo" in await page.inner_text("main")
            assert await app.build_documents() == 1  # the document worker's part
            await page.reload()
            async with page.expect_download() as downloading:
                await page.click("a:text-matches('Tải về')")
            workbook = tmp_path / "tong-hop.xlsx"
            await (await downloading.value).save_as(workbook)
            assert "Tổng hợp" in load_workbook(workbook).sheetnames
            await page.goto(progress_url)
            await page.click("a:text-is('Phường 1')")
            assert "Lịch sử sửa số liệu" in await page.inner_text("main")
            await page.screenshot(path=str(tmp_path / "don-vi.png"), full_page=True)
            await page.set_viewport_size({"width": 390, "height": 844})  # a phone
            await page.screenshot(path=str(tmp_path / "don-vi-dien-thoai.png"), full_page=True)
            await page.goto(f"{base}{PREFIX}/phong-trao/{campaign.id}")
            await page.click("text=In phiếu mời dùng bot")
            await page.click("button:text('Tạo phiếu mời')")
            assert await page.locator("section.invite svg").count() == 7  # Phường 1 is linked
            await page.screenshot(path=str(tmp_path / "phieu-moi.png"), full_page=True)
            await page.pdf(path=str(tmp_path / "phieu-moi.pdf"), format="A4")
            assert (tmp_path / "phieu-moi.pdf").read_bytes().startswith(b"%PDF")
            await page.goto(base + PREFIX + "/nap-phong-trao")
            blank = tmp_path / "mau-trong.xlsx"
            blank.write_bytes(write_template())
            await page.set_input_files("input[type=file]", str(blank))
            await page.click("button:text('Kiểm tra và nạp')")
            errors = await page.inner_text("div.errors")
            assert "chưa nạp" in errors and "dòng" in errors
            await page.screenshot(path=str(tmp_path / "nap-loi.png"), full_page=True)
            await page.click("button:text('Đăng xuất')")
            assert "Đã đăng xuất" in await page.inner_text("main")
            await page.goto(base + PREFIX + "/")
            assert "Cần đăng nhập" in await page.inner_text("main")
            await browser.close()
    finally:
        await server.close()
    for name in ("phong-trao", "tien-do", "don-vi", "don-vi-dien-thoai", "nap-loi", "phieu-moi"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
