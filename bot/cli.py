"""The command line: ``reportbot`` (also ``python -m bot``).

Messages for the office are Vietnamese; ``--help`` texts are English for operators.

Telegram (aiogram), the scheduler and the channel runtimes are imported inside the commands that
start them: importing aiogram's types takes about 2 s, which ``reportbot chat`` and the other
console commands never need (issue 15; ``bench/startup.py`` measures it).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, open_app
from bot.channels.console import run_console
from bot.cli_backup import backup_app
from bot.settings import Settings
from domain.campaign_spec import CampaignSpec
from domain.errors import DomainError
from reports.consolidated import write_consolidated
from reports.proposals import write_proposals
from reports.registrations import write_registrations
from reports.template import read_template, write_template
from services.documents import consolidated_caption, record_writer, registrations_caption, save_as
from services.proposals import find_review, proposal_caption, proposal_documents
from storage import accounts
from storage.campaigns import (
    find_campaign,
    find_unit,
    import_campaign,
    list_campaigns,
    load_campaign,
)
from storage.models import Campaign, InviteKind, Period
from storage.report_rows import consolidated_report, registrations_report
from storage.reviews import reviews_of

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.web import WebServer

app = typer.Typer(
    help="Reporting bot for emulation campaigns (phong trào thi đua).", no_args_is_help=True
)
campaign_app = typer.Typer(
    help="Campaign templates: write a blank one, import a filled one.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")
app.add_typer(db_app, name="db")
app.add_typer(backup_app)  # reportbot backup, reportbot restore

T = TypeVar("T")
TodayOption = Annotated[
    date | None, typer.Option("--today", help="Behave as on this day in Vietnam (YYYY-MM-DD).")
]
NowOption = Annotated[
    datetime | None,
    typer.Option(
        "--now",
        help="Start the clock at this Vietnam time (YYYY-MM-DD HH:MM:SS) and let it run on.",
        formats=["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
    ),
]


def _settings(today: date | None = None, now: datetime | None = None) -> Settings:
    settings = Settings()
    if today is not None:  # a flag beats the environment: --today wins over REPORTBOT_NOW
        settings = settings.model_copy(update={"today": today, "now": None})
    if now is not None:
        settings = settings.model_copy(update={"now": now})
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return settings


def _run(settings: Settings, action: Callable[[App], Awaitable[T]], *, samples: bool = False) -> T:
    async def main() -> T:
        async with open_app(settings, load_samples=samples) as application:
            return await action(application)

    try:
        return asyncio.run(main())
    except DomainError as error:
        typer.echo(error.user_message, err=True)
        raise typer.Exit(1) from error


@app.command()
def chat(
    as_: Annotated[
        str,
        typer.Option(
            "--as", help="Who you are: 'office', a phone number listed for a unit, or any name."
        ),
    ] = "nguoi-dung",
    today: TodayOption = None,
    now: NowOption = None,
) -> None:
    """Chat with the bot in the terminal (one message per line when reading from a pipe)."""
    _run(_settings(today, now), lambda application: run_console(application, as_), samples=True)


@app.command()
def run(today: TodayOption = None, now: NowOption = None) -> None:
    """Run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, Zalo when ZALO_BOT_TOKEN is set
    (both in one process), else the console chat; with the scheduled work (reminders, automatic
    reports, lock notices) unless REPORTBOT_SCHEDULER=false."""
    settings = _settings(today, now)
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None:

        async def console(application: App) -> None:
            scheduler = _start_jobs(application)
            server = await _console_web(application)
            worker = _documents(application)
            try:
                await run_console(application, "nguoi-dung")
            finally:
                if scheduler is not None:
                    scheduler.shutdown(wait=False)
                if server is not None:
                    await server.stop()
                await worker()

        _run(settings, console, samples=True)
        return

    async def platforms(application: App) -> None:
        from bot.serve import configured_channels, serve  # aiogram only with a Telegram token

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(application, configured_channels(application), stop)

    _run(settings, platforms)


def _documents(application: App) -> Callable[[], Awaitable[None]]:
    """The document worker beside the console (workbooks the web page asks for); returns the
    coroutine function that stops it."""
    from bot.documents import DocumentWorker

    stop = asyncio.Event()
    worker = DocumentWorker(application, lambda: None)
    application.pipeline.on_document.append(worker.wake)
    task = asyncio.create_task(worker.run(stop))

    async def stopped() -> None:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)

    return stopped


async def _console_web(application: App) -> WebServer | None:
    """The office's web page on this machine (127.0.0.1:WEB_PORT) beside the console chat,
    with its address and a sign-in link printed; None (said why) when the port is taken."""
    from bot.web import WebServer
    from bot.web.context import PREFIX
    from bot.web.office import office_site

    settings = application.settings
    server = WebServer("127.0.0.1", settings.web_port)
    server.mount(PREFIX, office_site(application))
    try:
        await server.start()
    except OSError as error:
        typer.echo(f"Không mở được trang web trên cổng {settings.web_port} ({error}).", err=True)
        return None
    local = f"http://127.0.0.1:{settings.web_port}"
    application.pipeline.web_address = local  # /web in the console links to this machine
    link = await _sign_in_link(application, local)
    typer.echo(f"Trang web văn phòng: {local}{PREFIX}/")
    typer.echo(f"Đăng nhập (mở trong 10 phút, dùng một lần): {link}")
    return server


async def _sign_in_link(application: App, base: str) -> str:
    """A one-time sign-in link at ``base`` for the server's administrator (an office user)."""
    from services import web_access

    now = application.clock.now()
    async with application.sessions() as session, session.begin():
        admin = await web_access.administrator(session, now)
        token = await web_access.issue_login(session, admin.id, now)
    return web_access.login_url(base, token)


def _start_jobs(application: App) -> AsyncIOScheduler | None:
    """The scheduler for the console: what it queues is shown at the person's next message."""
    if not application.settings.scheduler:
        return None
    from bot.scheduler import Jobs, start_scheduler

    jobs = Jobs.from_settings(
        application.settings,
        application.sessions,
        application.clock,
        campaigns=application.campaigns,
    )
    return start_scheduler(jobs, application.settings.zone)


@app.command()
def tick(
    now: NowOption = None,
    today: TodayOption = None,
) -> None:
    """Run the scheduled work once, as at --now (default: the clock), and print what it queued
    (reminders, automatic reports, office and cluster lists, lock notices). A running bot sends
    it; console users see it at their next message."""
    settings = _settings(today, now)

    async def once(application: App) -> None:
        from bot.scheduler import Jobs

        jobs = Jobs.from_settings(
            settings, application.sessions, application.clock, campaigns=application.campaigns
        )
        done = await jobs.run_all()
        moment = application.clock.now().astimezone(settings.zone)
        typer.echo(f"Chạy việc định kỳ lúc {moment:%H:%M %d/%m/%Y}:")
        for line in done.lines or ["không có gì cần gửi."]:
            typer.echo(f"- {line}")
        if done.messages:
            typer.echo(
                f"Đã xếp hàng {done.messages} tin nhắn; bot đang chạy (reportbot run) sẽ gửi đi."
            )

    _run(settings, once)


@app.command("web-link")
def web_link(
    office: Annotated[
        bool,
        typer.Option("--office", help="A link for the office (the server's administrator)."),
    ] = False,
) -> None:
    """Print a one-time sign-in link to the office's web page (valid 10 minutes)."""
    if not office:
        typer.echo("Chỉ văn phòng có trang web: gõ reportbot web-link --office", err=True)
        raise typer.Exit(2)
    settings = _settings(None)

    base = settings.web_address or f"http://127.0.0.1:{settings.web_port}"

    async def make(application: App) -> None:
        typer.echo(await _sign_in_link(application, base))

    _run(settings, make)


@app.command()
def invite(
    unit_code: Annotated[
        str, typer.Argument(help="Unit code from the campaign's 'Đơn vị' sheet.")
    ] = "",
    office: Annotated[
        bool, typer.Option("--office", help="An office code instead of a unit invite.")
    ] = False,
    today: TodayOption = None,
) -> None:
    """Print a single-use invite code (and a Telegram deep link) for a unit or the office."""
    settings = _settings(today)

    async def make(application: App) -> None:
        async with application.sessions() as session, session.begin():
            unit = None
            if not office:
                unit = await find_unit(session, unit_code)
                if unit is None:
                    raise DomainError(
                        f'Không có đơn vị mã "{unit_code}". Xem mã trong sheet "Đơn vị".'
                    )
            now = application.clock.now()
            code = await accounts.create_invite(
                session,
                InviteKind.OFFICE if office else InviteKind.UNIT,
                unit,
                now,
                timedelta(days=settings.invite_days),
            )
        expires = code.expires_at.astimezone(settings.zone).strftime("%d/%m/%Y")
        target = "văn phòng" if unit is None else f"đơn vị {unit.name}"
        typer.echo(f"Mã mời cho {target}: {code.code} (dùng một lần, hết hạn {expires})")
        typer.echo(f"Người nhận gửi cho bot: /start {code.code}")
        typer.echo(f"Liên kết Telegram: {deep_link(settings.telegram_bot_username, code.code)}")

    if not office and not unit_code:
        raise typer.BadParameter("hãy ghi mã đơn vị (ví dụ P1) hoặc --office")
    _run(settings, make)


def deep_link(bot_username: str, code: str) -> str:
    """The Telegram deep link that starts the bot with ``code`` (Bot API: "Deep linking")."""
    if bot_username:
        return f"https://t.me/{bot_username}?start={code}"
    return f"https://t.me/<tên_bot>?start={code} (đặt TELEGRAM_BOT_USERNAME để in đủ đường dẫn)"


@campaign_app.command("template")
def campaign_template(
    out: Annotated[Path, typer.Argument(help="Where to write the .xlsx")],
) -> None:
    """Write a blank campaign template (Vietnamese headers, instructions, drop-downs)."""
    out.write_bytes(write_template())
    typer.echo(f"Đã tạo file mẫu: {out}")


@campaign_app.command("import")
def campaign_import(
    file: Annotated[Path, typer.Argument(help="A filled campaign template (.xlsx)", exists=True)],
    today: TodayOption = None,
) -> None:
    """Validate a campaign template and import it (all or nothing)."""
    spec = _read(file)

    async def load(application: App) -> None:
        async with application.sessions() as session, session.begin():
            result = await import_campaign(session, spec, application.clock.now())
        verb = "Đã tạo" if result.created else "Đã cập nhật"
        typer.echo(
            f"{verb} phong trào {spec.code}: {result.elements} chỉ tiêu nhập, {result.indicators} chỉ tiêu "
            f"tính toán, {result.units} đơn vị, {result.titles} danh hiệu, {result.periods} kỳ báo cáo, "
            f"{result.criteria} tiêu chí chấm điểm, {result.reviews} đợt sơ kết/tổng kết."
        )

    _run(_settings(today), load)


def _read(file: Path) -> CampaignSpec:
    try:
        return read_template(file)
    except DomainError as error:
        typer.echo(error.user_message, err=True)
        raise typer.Exit(1) from error


@campaign_app.command("list")
def campaign_list(today: TodayOption = None) -> None:
    """List the campaigns in the database with their periods."""

    async def show(application: App) -> None:
        async with application.sessions() as session:
            for campaign in await list_campaigns(session):
                typer.echo(
                    f"{campaign.code}\t{campaign.name}\t{campaign.start_date:%d/%m/%Y}–{campaign.end_date:%d/%m/%Y}"
                )

    _run(_settings(today), show)


@app.command()
def report(
    campaign_code: Annotated[str, typer.Argument(help="Campaign code, e.g. NGANAM2026.")],
    period_code: Annotated[str, typer.Argument(help="Period code, e.g. 2026Q4.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write the .xlsx (default: Tong-hop-CODE-PERIOD.xlsx)."
        ),
    ] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send", help="Also send it to the office chats (OFFICE_CHAT_IDS, else office users)."
        ),
    ] = False,
    today: TodayOption = None,
) -> None:
    """Write the consolidated workbook of a campaign period (and optionally send it)."""
    settings = _settings(today)

    async def make(application: App) -> None:
        now = application.clock.now()
        async with application.sessions() as session, session.begin():
            campaign = await _campaign(session, campaign_code)
            period = _period(campaign, period_code)
            rows = await consolidated_report(session, campaign, period, now, settings.zone)
            wanted = output or Path(f"Tong-hop-{campaign.code}-{period.code}.xlsx")
            target = await save_as(write_consolidated, rows, wanted)
            typer.echo(f"Đã lưu báo cáo tổng hợp: {target}")
            typer.echo(consolidated_caption(rows))
            if send:
                from services.office_reports import push_period_report

                sent = await push_period_report(
                    session,
                    campaign,
                    period,
                    now=now,
                    office_chats=settings.office_chats,
                )
                if not sent:
                    raise DomainError(
                        "Chưa gửi được: văn phòng chưa có nhóm chat (OFFICE_CHAT_IDS) và chưa có "
                        "ai được cấp quyền văn phòng (reportbot invite --office)."
                    )
                typer.echo(
                    f"Đã xếp hàng gửi cho {sent} nơi nhận của văn phòng; bot đang chạy "
                    "(reportbot run) sẽ lập file và gửi đi."
                )

    _run(settings, make)


@app.command()
def registrations(
    campaign_code: Annotated[str, typer.Argument(help="Campaign code, e.g. NGANAM2026.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write the .xlsx (default: Dang-ky-thi-dua-CODE.xlsx)."
        ),
    ] = None,
    today: TodayOption = None,
) -> None:
    """Write the registrations workbook (đăng ký thi đua) of a campaign."""
    settings = _settings(today)

    async def make(application: App) -> None:
        async with application.sessions() as session:
            campaign = await _campaign(session, campaign_code)
            rows = await registrations_report(
                session, campaign, application.clock.now(), settings.zone
            )
        wanted = output or Path(f"Dang-ky-thi-dua-{campaign.code}.xlsx")
        target = await save_as(write_registrations, rows, wanted)
        typer.echo(f"Đã lưu danh sách đăng ký thi đua: {target}")
        typer.echo(registrations_caption(rows))

    _run(settings, make)


@app.command()
def proposals(
    campaign_code: Annotated[str, typer.Argument(help="Campaign code, e.g. XUANSON2026.")],
    review_code: Annotated[str, typer.Argument(help="Review code, e.g. SOKET.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the .xlsx (default: De-nghi-khen-thuong-CODE-REVIEW.xlsx); "
            "the Word record is written next to it with the same name and .docx.",
        ),
    ] = None,
    today: TodayOption = None,
) -> None:
    """Write a review's commendation proposal: the workbook and the Word meeting record."""
    settings = _settings(today)

    async def make(application: App) -> None:
        async with application.sessions() as session:
            campaign = await _campaign(session, campaign_code)
            review = await find_review(session, campaign.id, review_code)
            if review is None:
                codes = ", ".join(r.code for r in await reviews_of(session, campaign.id))
                raise DomainError(
                    f'Phong trào {campaign.code} không có đợt sơ kết/tổng kết "{review_code}". '
                    f"Các đợt: {codes or '(chưa có)'}"
                )
            made = await proposal_documents(
                session, campaign, review, application.clock.now(), settings.zone
            )
        wanted = output or Path(f"De-nghi-khen-thuong-{campaign.code}-{review.code}.xlsx")
        book = await save_as(write_proposals, made.report, wanted)
        record = await save_as(record_writer(made), made.report, book.with_suffix(".docx"))
        typer.echo(f"Đã lưu bảng đề nghị khen thưởng: {book}")
        typer.echo(f"Đã lưu biên bản và danh sách đề nghị: {record}")
        typer.echo(proposal_caption(campaign, review, made.report))

    _run(settings, make)


async def _campaign(session: AsyncSession, code: str) -> Campaign:
    """The campaign ``code`` with everything loaded; a DomainError listing the codes if none."""
    found = await find_campaign(session, code)
    if found is None:
        codes = ", ".join(c.code for c in await list_campaigns(session)) or "(chưa có)"
        raise DomainError(f'Không có phong trào mã "{code}". Các phong trào: {codes}')
    return await load_campaign(session, found.id)


def _period(campaign: Campaign, code: str) -> Period:
    """The period ``code`` of a loaded campaign; a DomainError listing the codes if none."""
    found = next((p for p in campaign.periods if p.code.upper() == code.upper()), None)
    if found is None:
        codes = ", ".join(p.code for p in campaign.periods) or "(chưa có)"
        raise DomainError(
            f'Phong trào {campaign.code} không có kỳ báo cáo "{code}". Các kỳ: {codes}'
        )
    return found


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the database schema to the newest migration."""

    async def done(_application: App) -> None:
        typer.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")

    _run(_settings(), done)


def main() -> None:
    """Console-script entry point."""
    app()
