"""The command line: ``reportbot`` (also ``python -m bot``).

Messages for the office are Vietnamese; ``--help`` texts are English for operators, rendered
plainly (no boxes, ``--today YYYY-MM-DD``). A bad setting is answered with one Vietnamese line
per setting and exit status 2 (:func:`bot.settings.settings_problems`); a stop by Ctrl-C or
SIGTERM ends without a traceback.

Telegram (aiogram), the scheduler and the channel runtimes are imported inside the commands that
start them: importing aiogram's types takes about 2 s, which ``reportbot chat`` and the other
console commands never need (issue 15; ``bench/startup.py`` measures it).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot import logs
from bot.app import App, load_samples_if_empty, open_app
from bot.channels.console import run_console, sample_hint
from bot.cli_backup import backup_app
from bot.cli_settings import load_settings
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
    from bot.serve import ScheduledWork
    from bot.web import WebServer

PLAIN: dict[str, Any] = {
    "no_args_is_help": True,
    "rich_markup_mode": None,  # plain help: no boxes, no '<bool>' beside every flag
    "pretty_exceptions_enable": False,  # never a rich traceback with local values (secrets)
}
app = typer.Typer(
    help="Reporting bot for emulation campaigns (phong trào thi đua).\n\n"
    "Settings come from the environment and from .env in the current folder (every one is in "
    ".env.example); the database, reports and evidence live in REPORTBOT_DATA_DIR (default "
    "~/.local/share/reportbot). 'reportbot run' starts the bot.",
    **PLAIN,
)
campaign_app = typer.Typer(
    help="Campaign templates: write a blank one, import a filled one.", **PLAIN
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", **PLAIN)
samples_app = typer.Typer(help="The sample campaigns (marked [MẪU]) to try the bot on.", **PLAIN)
app.add_typer(campaign_app, name="campaign")
app.add_typer(db_app, name="db")
app.add_typer(samples_app, name="samples")
app.add_typer(backup_app)  # reportbot backup, reportbot restore

T = TypeVar("T")
TodayOption = Annotated[
    date | None,
    typer.Option(
        "--today", metavar="YYYY-MM-DD", help="Behave as on this day in Vietnam (2026-11-21)."
    ),
]
NowOption = Annotated[
    datetime | None,
    typer.Option(
        "--now",
        metavar="'YYYY-MM-DD HH:MM'",
        help="Start the clock at this Vietnam time and let it run on (2027-01-07T07:29; "
        "seconds optional).",
        formats=["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
    ),
]


def _version(wanted: bool) -> None:
    if wanted:
        try:
            number = version("reportbot")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "(chưa cài đặt)"
        typer.echo(f"reportbot {number}")
        raise typer.Exit()


@app.callback()
def _main(
    _show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The options every command shares (``--version``); the help is the Typer app's."""


def _settings(today: date | None = None, now: datetime | None = None) -> Settings:
    settings = load_settings()
    if today is not None:  # a flag beats the environment: --today wins over REPORTBOT_NOW
        settings = settings.model_copy(update={"today": today, "now": None})
    if now is not None:
        settings = settings.model_copy(update={"now": now})
    logs.configure(settings.log_level, settings.log_format)
    return settings


def _run(
    settings: Settings,
    action: Callable[[App], Awaitable[T]],
    *,
    samples: bool = False,
    console: bool = False,
) -> T:
    """Run ``action`` on the opened application. A DomainError (a refused token, a database
    out of reach) is printed and exits with status 1. With ``console``, Ctrl-C and SIGTERM stop
    the chat wherever it waits (its clean-up runs) and exit with status 0, without a traceback."""

    async def main() -> T:
        if console:
            _stop_on_signals()
        async with open_app(settings, load_samples=samples) as application:
            return await action(application)

    try:
        if not console:
            return asyncio.run(main())
        with asyncio.Runner() as runner:
            # the terminal's input() waits in a thread; a stop must not wait for it
            runner.get_loop().set_default_executor(_DaemonThreads())
            return runner.run(main())
    except DomainError as error:
        typer.echo(error.user_message, err=True)
        raise typer.Exit(1) from error
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM in the console (_stop_on_signals)
        typer.echo("\nĐã dừng.", err=True)
        raise typer.Exit(0) from None


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt in the main thread, even while the console
    reads a pipe there (the event loop's own handlers would wait for the next line)."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, interrupt)


class _DaemonThreads(concurrent.futures.ThreadPoolExecutor):
    """``asyncio.to_thread`` on daemon threads, one per call, never waited for at exit: the
    console's ``input()`` blocks its thread until a line comes, which must not keep a stopped
    bot alive. (A ThreadPoolExecutor only because asyncio accepts no other default executor;
    its pool is never used.)"""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the threads are daemons."""

    def submit(
        self, fn: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[T]:
        """Run ``fn(*args, **kwargs)`` on a new daemon thread."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:
                future.set_exception(error)

        threading.Thread(target=work, daemon=True).start()
        return future


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
    """Chat with the bot in the terminal (one message per line when reading from a pipe).
    Without TELEGRAM_BOT_TOKEN and ZALO_BOT_TOKEN an empty database gets the sample campaigns
    first (said on standard error)."""
    settings = _settings(today, now)

    async def talk(application: App) -> None:
        if not has_channel(settings):
            await _load_samples(application, err=True)
        await run_console(application, as_)

    _run(settings, talk, console=True)


def has_channel(settings: Settings) -> bool:
    """Whether a chat platform is configured (a real office's bot: never sample data)."""
    return settings.telegram_bot_token is not None or settings.zalo_bot_token is not None


@app.command()
def run(today: TodayOption = None, now: NowOption = None) -> None:
    """Run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, Zalo when ZALO_BOT_TOKEN is set
    (both in one process), else the console chat (which loads the sample campaigns into an
    empty database); with the scheduled work (reminders, automatic reports, lock notices)
    unless REPORTBOT_SCHEDULER=false. Prints one line per channel, the database and the web
    page's address at start; Ctrl-C or SIGTERM stops it."""
    settings = _settings(today, now)
    if not has_channel(settings):

        async def console(application: App) -> None:
            typer.echo(
                "Kênh: trò chuyện trên màn hình này (chưa đặt TELEGRAM_BOT_TOKEN hay "
                "ZALO_BOT_TOKEN)."
            )
            typer.echo(f"Cơ sở dữ liệu: {shown_database(settings)}")
            await _load_samples(application)
            scheduled = _start_jobs(application)
            server = await _console_web(application)
            worker = _documents(application)
            try:
                if not sys.stdin.isatty():  # the terminal chat prints them itself
                    hint = await sample_hint(application, "nguoi-dung")
                    if hint:
                        typer.echo(hint)
                await run_console(application, "nguoi-dung")
            finally:
                if scheduled is not None:
                    await scheduled.stop()
                if server is not None:
                    await server.stop()
                await worker()

        _run(settings, console, console=True)
        return

    async def platforms(application: App) -> None:
        from bot.serve import configured_channels, serve  # aiogram only with a Telegram token

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        typer.echo(f"Cơ sở dữ liệu: {shown_database(settings)}")
        await serve(application, configured_channels(application), stop, announce=typer.echo)
        typer.echo("Đã dừng.")

    _run(settings, platforms)


def shown_database(settings: Settings) -> str:
    """``DATABASE_URL`` as it may be printed: the password hidden."""
    return make_url(settings.database_url).render_as_string(hide_password=True)


async def _load_samples(application: App, *, err: bool = False) -> None:
    """Load the sample campaigns into an empty database and say so."""
    loaded = await load_samples_if_empty(application)
    if loaded:
        typer.echo(
            f"Cơ sở dữ liệu còn trống: đã nạp {len(loaded)} phong trào mẫu [MẪU] để dùng thử.",
            err=err,
        )


@samples_app.command("load")
def samples_load(
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Load them even beside real campaigns (they stay marked [MẪU])."
        ),
    ] = False,
    today: TodayOption = None,
) -> None:
    """Load the sample campaigns (marked [MẪU], moved to the current year) into the database;
    refused when it already holds a real campaign unless --force."""
    settings = _settings(today)

    async def load(application: App) -> None:
        from bot.app import load_sample
        from samples import SAMPLES

        async with application.sessions() as session, session.begin():
            real = [c.code for c in await list_campaigns(session) if not c.is_sample]
            if real and not force:
                raise DomainError(
                    f"Cơ sở dữ liệu {shown_database(settings)} đã có phong trào thật "
                    f"({', '.join(real)}): không nạp dữ liệu mẫu vào đó. Để thử, dùng một thư "
                    "mục khác, ví dụ: REPORTBOT_DATA_DIR=/tmp/reportbot-thu reportbot samples "
                    "load (hoặc thêm --force nếu thật sự muốn)."
                )
            year = application.today.year
            for name in SAMPLES:
                await load_sample(session, name, year, application.clock)
            loaded = [c for c in await list_campaigns(session) if c.is_sample]
        typer.echo(f"Đã nạp dữ liệu mẫu vào {shown_database(settings)}:")
        for campaign in loaded:
            typer.echo(f"{campaign.code}\t{campaign.name}")
        typer.echo("Thử ngay: reportbot chat --as office (văn phòng) hoặc reportbot run.")

    _run(settings, load)


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


def _start_jobs(application: App) -> ScheduledWork | None:
    """The scheduler for the console: what it queues is shown at the person's next message."""
    if not application.settings.scheduler:
        return None
    from bot.scheduler import Jobs
    from bot.serve import ScheduledWork

    jobs = Jobs.from_settings(
        application.settings,
        application.sessions,
        application.clock,
        campaigns=application.campaigns,
    )
    return ScheduledWork.start(jobs, application.settings.zone)


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
