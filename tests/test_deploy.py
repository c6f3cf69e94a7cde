"""The deployment kit in ``deploy/`` (issue 19, point 1), checked as far as this machine can:
there is no Docker engine here, so the image itself is built and run only by ``.ci/run`` where
``docker info`` works (``deploy/check_image.py IMAGE``).

- The systemd units pass ``systemd-analyze verify`` with no warning. It refuses a unit whose
  ``ExecStart`` program does not exist, so the test verifies copies whose
  ``/opt/reportbot/.venv/bin/reportbot`` is replaced by this venv's ``reportbot``; the rest of
  each unit is verified as shipped. ``systemd-analyze security --offline`` rates the bot's
  hardening.
- ``compose.yaml`` is parsed (PyYAML when installed, else a strict parser of the YAML subset
  the file uses, which fails on anything else) and checked: healthchecks, named volumes, the
  bot non-root and waiting for a healthy database, versions that fit together.
- The Dockerfile: a slim Python 3.11 base, runtime dependencies only, every package of
  ``pyproject.toml`` copied, a non-root ``USER`` and a ``HEALTHCHECK``.
- ``deploy/healthcheck.py`` against a real web server (200, 503, no web address), and the
  whole check of ``deploy/check_image.py --local``: ``reportbot run`` configured like the
  image reports itself healthy.
- The Caddy and nginx snippets pass every path the bot serves, and each program's own check
  when it is installed (``caddy adapt --validate``, ``nginx -t``).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.report_links import PATH as REPORT_LINKS
from bot.web.context import PREFIX as WEB
from bot.web.server import WebServer

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SHIPPED_BINARY = "/opt/reportbot/.venv/bin/reportbot"
TELEGRAM_WEBHOOK = "/telegram/webhook"  # bot/channels/telegram/webhook.py (imports aiogram)
ZALO_WEBHOOK = "/zalo/webhook"


# --- systemd ----------------------------------------------------------------------------------


def unit_settings(name: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a unit file: key -> values in order (sections merged)."""
    found: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.fixture
def units_here(tmp_path: Path) -> Path:
    """The three units, their ExecStart pointed at this venv's ``reportbot``."""
    here = Path(sys.executable).parent / "reportbot"
    assert here.is_file()
    for unit in sorted(UNITS.iterdir()):
        text = unit.read_text()
        (tmp_path / unit.name).write_text(text.replace(SHIPPED_BINARY, str(here)))
    return tmp_path


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        pytest.skip("systemd-analyze is not installed")
    return found


def test_units_pass_systemd_analyze_verify(units_here: Path) -> None:
    names = sorted(p.name for p in units_here.iterdir())
    assert names == ["reportbot-backup.service", "reportbot-backup.timer", "reportbot.service"]
    done = subprocess.run(
        [systemd_analyze(), "verify", *(str(units_here / n) for n in names)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), (
        done.stdout + done.stderr
    )


def test_the_bot_unit(units_here: Path) -> None:
    bot = unit_settings("reportbot.service")
    assert bot["ExecStart"] == [f"{SHIPPED_BINARY} run"]
    assert bot["User"] == ["reportbot"] and bot["Group"] == ["reportbot"]
    assert bot["EnvironmentFile"] == ["/etc/reportbot/reportbot.env"]
    assert bot["Restart"] == ["on-failure"]
    # Read-only file system but for the StateDirectory, which holds the data folder.
    assert bot["ProtectSystem"] == ["strict"] and bot["StateDirectory"] == ["reportbot"]
    assert bot["WorkingDirectory"] == ["/var/lib/reportbot"]
    assert bot["Environment"] == [
        "REPORTBOT_DATA_DIR=/var/lib/reportbot/data",
        "WEB_HOST=127.0.0.1",  # only the local reverse proxy reaches the web server
        "REPORTBOT_LOG_LEVEL=INFO",
    ]
    assert bot["NoNewPrivileges"] == ["yes"] and bot["CapabilityBoundingSet"] == [""]
    assert bot["WantedBy"] == ["multi-user.target"]

    rated = subprocess.run(
        [systemd_analyze(), "security", "--offline=yes", str(units_here / "reportbot.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    level = re.search(r"Overall exposure level for reportbot\.service: ([\d.]+)", rated.stdout)
    assert level is not None, rated.stdout + rated.stderr
    assert float(level.group(1)) <= 2.0  # systemd calls 0-2.x "OK"; 1.7 when written


def test_the_nightly_backup_units() -> None:
    service = unit_settings("reportbot-backup.service")
    assert service["Type"] == ["oneshot"] and service["User"] == ["reportbot"]
    assert service["ExecStart"] == [
        f"{SHIPPED_BINARY} backup /var/lib/reportbot-backups/ --keep 14"
    ]
    # The backup folder and the data folder (the SQLite copy opens the live file) writable.
    assert service["StateDirectory"] == ["reportbot reportbot-backups"]
    assert service["EnvironmentFile"] == ["/etc/reportbot/reportbot.env"]
    timer = unit_settings("reportbot-backup.timer")
    assert timer["OnCalendar"] == ["*-*-* 02:30:00 Asia/Ho_Chi_Minh"]
    assert timer["Persistent"] == ["true"] and timer["Unit"] == ["reportbot-backup.service"]
    done = subprocess.run(
        [systemd_analyze(), "calendar", timer["OnCalendar"][0]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "Next elapse" in done.stdout, done.stderr


# --- compose.yaml -----------------------------------------------------------------------------


def _scalar(text: str) -> Any:
    """A plain, single- or double-quoted scalar, or a flow sequence of them."""
    text = text.strip()
    if text.startswith("["):
        assert text.endswith("]"), f"unsupported flow sequence: {text}"
        inner = text[1:-1].strip()
        return [_scalar(part) for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^,\s][^,]*', inner)]
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        assert text.endswith("'") and "'" not in text[1:-1], f"unsupported scalar: {text}"
        return text[1:-1]
    assert not text.startswith(("&", "*", "!", "|", ">", "{", "@", "`")), f"unsupported: {text}"
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def _lines(text: str) -> list[tuple[int, str]]:
    """(indent, content) of the meaningful lines; comments stripped (a ``#`` after a space
    outside quotes), tabs refused."""
    found = []
    for raw in text.splitlines():
        assert "\t" not in raw, f"tab in {raw!r}"
        body, quote = "", ""
        for position, char in enumerate(raw):
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'" and (position == 0 or raw[position - 1] in " [,:-"):
                quote = char
            elif char == "#" and (position == 0 or raw[position - 1] == " "):
                break
            body += char
        if body.strip():
            found.append((len(body) - len(body.lstrip(" ")), body.strip()))
    return found


def _block(lines: list[tuple[int, str]], start: int, indent: int) -> tuple[Any, int]:
    """The mapping or sequence whose lines start at ``start`` with ``indent``."""
    if lines[start][1].startswith("- "):
        items: list[Any] = []
        index = start
        while index < len(lines) and lines[index][0] == indent:
            content = lines[index][1]
            assert content.startswith("- "), f"mixed block at {content!r}"
            item = content[2:].strip()
            assert not re.match(r"^[\w.-]+:(\s|$)", item), f"unsupported mapping item {item!r}"
            items.append(_scalar(item))
            index += 1
        return items, index
    mapping: dict[str, Any] = {}
    index = start
    while index < len(lines) and lines[index][0] == indent:
        content = lines[index][1]
        found = re.match(r"^([\w.-]+):(?:\s+(.*))?$", content)
        assert found is not None, f"not a mapping entry: {content!r}"
        key, value = found.group(1), found.group(2)
        assert key not in mapping, f"duplicate key {key}"
        index += 1
        if value:
            mapping[key] = _scalar(value)
        elif index < len(lines) and (
            lines[index][0] > indent or (lines[index][0] == indent and lines[index][1][:2] == "- ")
        ):
            mapping[key], index = _block(lines, index, lines[index][0])
        else:
            mapping[key] = None
    return mapping, index


def load_yaml(path: Path) -> Any:
    """``path`` parsed: PyYAML's ``safe_load`` when installed, else the strict subset above."""
    text = path.read_text()
    try:
        import yaml  # type: ignore[import-untyped]  # not a dependency: used when present
    except ImportError:
        lines = _lines(text)
        parsed, end = _block(lines, 0, 0)
        assert end == len(lines), f"unparsed from {lines[end]}"
        return parsed
    return yaml.safe_load(text)


def test_the_subset_parser_refuses_what_it_does_not_know() -> None:
    parsed, _ = _block(_lines('a:\n  b: [x, "y z"]  # note\n  c:\n    - 1\nd: "#x"\n'), 0, 0)
    assert parsed == {"a": {"b": ["x", "y z"], "c": [1]}, "d": "#x"}
    for bad in ("a: &anchor 1\n", "a: |\n  text\n", "a:\n  - b: 1\n", "a: {b: 1}\n"):
        with pytest.raises(AssertionError):
            _block(_lines(bad), 0, 0)


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def test_compose_file() -> None:
    compose = load_yaml(DEPLOY / "compose.yaml")
    assert set(compose) == {"name", "services", "volumes"}
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert set(compose["services"]) == {"db", "bot"}
    named = set(compose["volumes"])
    assert named == {"pgdata", "data"}

    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert db["restart"] == bot["restart"] == "unless-stopped"
    # pg_dump in the image must be at least the server's major version: the same here.
    server = re.fullmatch(r"postgres:(\d+)-bookworm", db["image"])
    client = re.search(r"postgresql-client-(\d+)", dockerfile())
    assert server and client and server.group(1) == client.group(1)
    assert "FROM python:3.11-slim-bookworm" in dockerfile()

    assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert bot["env_file"] == ".env"
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://reportbot:")
    assert bot["environment"]["DATABASE_URL"].endswith("@db:5432/reportbot")
    assert bot["healthcheck"]["test"] == ["CMD", "python", "/opt/reportbot/healthcheck.py"]
    assert "data:/var/lib/reportbot/data" in bot["volumes"]
    assert all(v.split(":")[0] in named or v.startswith("./") for v in bot["volumes"])
    assert bot["ports"] == ["127.0.0.1:8080:8080"]  # only the reverse proxy reaches it
    uid = re.search(r"useradd .*--uid (\d+)", dockerfile())
    assert uid and bot["user"] == f"{uid.group(1)}:{uid.group(1)}" and uid.group(1) != "0"
    assert bot["read_only"] is True and bot["cap_drop"] == ["ALL"]
    assert "REPORTBOT_DATA_DIR=/var/lib/reportbot/data" in dockerfile()


# --- the Dockerfile and .dockerignore ---------------------------------------------------------


def test_dockerfile() -> None:
    text = dockerfile()
    lines = [line.strip() for line in text.splitlines() if not line.lstrip().startswith("#")]
    code = "\n".join(lines)
    users = re.findall(r"^USER\s+(\S+)", code, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\\$", code, re.MULTILINE)
    assert 'CMD ["python", "/opt/reportbot/healthcheck.py"]' in code
    assert re.search(r"pip install \.\s", code) and "[dev]" not in code and "dev" not in code
    assert "libreoffice" not in code.lower() and "soffice" not in code
    assert code.rstrip().endswith('CMD ["reportbot", "run"]')
    # Every package the project installs is copied into the build.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = set(re.findall(r"^COPY (\w+) \1$", code, re.MULTILINE))
    assert copied == packages
    for needed in ("pyproject.toml", "README.md", "deploy/healthcheck.py"):
        assert needed in code


def test_dockerignore_keeps_secrets_and_data_out_but_not_what_is_copied() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv", "data", "tests", "deploy/.env", "deploy/backups"} <= ignored
    copied = re.findall(r"^COPY (?!--from)(\S+)", dockerfile(), re.MULTILINE)
    for source in copied:
        assert source not in ignored and source.split("/")[0] not in ignored, source


# --- the health check -------------------------------------------------------------------------


async def run_healthcheck(port: int, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "WEB_BASE_URL")
    }
    environment.update({"WEB_PORT": str(port), **env})
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(DEPLOY / "healthcheck.py")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


async def test_healthcheck_script_against_the_web_server() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    state = {"healthy": True}

    async def check() -> tuple[bool, dict[str, Any]]:
        return state["healthy"], {"status": "ok" if state["healthy"] else "failing"}

    server = WebServer("127.0.0.1", port, check)
    await server.start()
    try:
        address = {"WEB_BASE_URL": f"http://127.0.0.1:{port}"}
        healthy = await run_healthcheck(port, **address)
        assert healthy.returncode == 0 and healthy.stdout.startswith("200"), healthy.stdout
        state["healthy"] = False
        failing = await run_healthcheck(port, **address)
        assert failing.returncode == 1 and failing.stdout.startswith("503")
        assert '"failing"' in failing.stdout
        unserved = await run_healthcheck(port)  # no web address: /health is not served
        assert unserved.returncode == 1 and "WEB_BASE_URL" in unserved.stdout
    finally:
        await server.stop()
    down = await run_healthcheck(port, **address)
    assert down.returncode == 1 and "health" in down.stdout


def test_the_image_check_on_this_checkout(tmp_path: Path) -> None:
    """``deploy/check_image.py --local``: ``reportbot run`` with the image's settings (a Zalo
    token against the fake server, ``WEB_BASE_URL``, ``REPORTBOT_DATA_DIR``) is healthy by
    ``deploy/healthcheck.py`` and ``GET /health``, and stops with 0 on SIGTERM."""
    done = subprocess.run(
        [sys.executable, str(DEPLOY / "check_image.py"), "--local"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("ok") and '"database": "ok"' in done.stdout


# --- the reverse proxies ----------------------------------------------------------------------


def test_proxies_pass_every_public_path_and_keep_health_private() -> None:
    caddy = (DEPLOY / "Caddyfile").read_text()
    nginx = (DEPLOY / "nginx.conf").read_text()
    matcher = re.search(r"@bot path (.+)", caddy)
    assert matcher is not None
    assert matcher.group(1).split() == [
        TELEGRAM_WEBHOOK,
        ZALO_WEBHOOK,
        f"{REPORT_LINKS}/*",
        WEB,
        f"{WEB}/*",
    ]
    assert "reverse_proxy 127.0.0.1:8080" in caddy and "max_size 21MB" in caddy
    located = re.findall(r"location (=?\s*\S+)\s+\{ proxy_pass http://127\.0\.0\.1:8080; \}", nginx)
    assert [" ".join(x.split()) for x in located] == [
        f"= {TELEGRAM_WEBHOOK}",
        f"= {ZALO_WEBHOOK}",
        f"{REPORT_LINKS}/",
        f"= {WEB}",
        f"{WEB}/",
    ]
    assert "client_max_body_size 21m;" in nginx  # the web page takes uploads up to 20 MiB
    assert "/health" not in matcher.group(1) and "location = /health" not in nginx


def test_the_webhook_paths_are_the_bots() -> None:
    from bot.channels.zalo.webhook import WEBHOOK_PATH as zalo

    assert zalo == ZALO_WEBHOOK
    source = (ROOT / "bot" / "channels" / "telegram" / "webhook.py").read_text()
    assert f'WEBHOOK_PATH = "{TELEGRAM_WEBHOOK}"' in source


def test_caddyfile_validates_when_caddy_is_installed() -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (checked by hand with Debian's caddy 2.6.2)")
    done = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "127.0.0.1:8080" in done.stdout


def test_nginx_snippet_passes_nginx_t_when_nginx_is_installed(tmp_path: Path) -> None:
    nginx = shutil.which("nginx")
    openssl = shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx is not installed (checked by hand with Debian's nginx 1.22)")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=bot.example.vn", "-keyout", str(tmp_path / "k.pem"), "-out", str(tmp_path / "c.pem")],
        capture_output=True,
        check=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace(
        "/etc/letsencrypt/live/bot.example.vn/fullchain.pem", str(tmp_path / "c.pem")
    )
    site = site.replace("/etc/letsencrypt/live/bot.example.vn/privkey.pem", str(tmp_path / "k.pem"))
    (tmp_path / "site.conf").write_text(site)
    temp = tmp_path / "temp"
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        f"access_log off;\nclient_body_temp_path {temp}; proxy_temp_path {temp};\n"
        f"fastcgi_temp_path {temp}; uwsgi_temp_path {temp}; scgi_temp_path {temp};\n"
        f"include {tmp_path}/site.conf;\n}}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
         "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
