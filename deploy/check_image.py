"""Check that the bot built for deployment starts and reports itself healthy.

    python deploy/check_image.py IMAGE    # docker run IMAGE (what .ci/run does when docker works)
    python deploy/check_image.py --local  # the same check on this checkout's `reportbot`

Both run ``reportbot run`` with the settings a deployment has (a Zalo token, ``WEB_BASE_URL``,
the default SQLite file under ``./data``) against the fake Zalo server of the tests
(``tests/fake_zalo.py``) on 127.0.0.1, then require ``deploy/healthcheck.py`` to exit 0 and
``GET /health`` to answer 200 with ``"database": "ok"``. For an image also: its own
``HEALTHCHECK`` reaches "healthy", it runs as a user other than root, pg_dump is there, and
``reportbot backup`` writes an archive. Runs from the repository's root with the development
venv (the fake server is part of the tests). Exit status 0 when everything holds; otherwise 1
and what failed on stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_zalo import FakeZalo  # noqa: E402  (the repository's root on the path first)

HEALTHCHECK = ROOT / "deploy" / "healthcheck.py"
WAIT_SECONDS = 150.0
INHERITED_NOT = (
    "DATABASE_URL",
    "TELEGRAM_",
    "ZALO_",
    "PUBLIC_BASE_URL",
    "EVIDENCE_DIR",
    "REPORTBOT_REPORTS_DIR",
    "REPORTBOT_DATA_DIR",
)
"""Settings of the caller's environment that would change what is checked (--local)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings(zalo_base: str, token: str, port: int) -> dict[str, str]:
    """The environment of the bot under test: polling Zalo, the web server on ``port``."""
    return {
        "ZALO_BOT_TOKEN": token,
        "ZALO_API_BASE": zalo_base,
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "WEB_BASE_URL": f"http://127.0.0.1:{port}",
        "REPORTBOT_LOG_LEVEL": "WARNING",
    }


def health(port: int) -> tuple[int, dict[str, object]]:
    """``GET /health``: the status and the JSON body ({} when there is no JSON)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


async def wait_healthy(port: int, probe: list[str], env: dict[str, str]) -> str:
    """Run ``probe`` (the health check command) until it exits 0; its last output."""
    deadline = time.monotonic() + WAIT_SECONDS
    said = ""
    while time.monotonic() < deadline:
        done = await asyncio.to_thread(
            subprocess.run, probe, env=env, capture_output=True, text=True, check=False
        )
        said = (done.stdout + done.stderr).strip()
        if done.returncode == 0:
            status, body = health(port)
            if status == 200 and body.get("database") == "ok":
                return said
            said = f"/health answered {status}: {body}"
        await asyncio.sleep(1.0)
    raise AssertionError(f"not healthy after {WAIT_SECONDS:.0f} s: {said}")


async def check_local(env: dict[str, str], port: int) -> None:
    """``reportbot run`` of this checkout, in a scratch working directory."""
    program = Path(sys.executable).parent / "reportbot"
    with tempfile.TemporaryDirectory(prefix="reportbot-check-") as folder:
        full = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_NOT)}
        full.update(env)
        full["REPORTBOT_DATA_DIR"] = str(Path(folder) / "data")  # as the image sets it
        bot = subprocess.Popen([str(program), "run"], cwd=folder, env=full)
        try:
            said = await wait_healthy(port, [sys.executable, str(HEALTHCHECK)], full)
            print(f"healthy: {said}")
            if not (Path(folder) / "data" / "reportbot.db").is_file():
                raise AssertionError("no SQLite file in ./data")
        finally:
            bot.terminate()
            code = await asyncio.to_thread(bot.wait, 60)
        if code != 0:
            raise AssertionError(f"reportbot run exited with {code} on SIGTERM")


def docker(*arguments: str) -> str:
    """Run ``docker ARGS``; its stdout (AssertionError with stderr when it fails)."""
    done = subprocess.run(["docker", *arguments], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"docker {' '.join(arguments)}: {done.stderr.strip()}")
    return done.stdout.strip()


async def check_image(image: str, env: dict[str, str], port: int) -> None:
    """The image, on the host's network (so it reaches the fake server on 127.0.0.1)."""
    name = f"reportbot-check-{os.getpid()}"
    options = [f"--env={key}={value}" for key, value in env.items()]
    docker("run", "--detach", "--name", name, "--network", "host", *options, image)
    try:
        probe = ["docker", "exec", name, "python", "/opt/reportbot/healthcheck.py"]
        said = await wait_healthy(port, probe, dict(os.environ))
        print(f"healthy: {said}")
        uid = docker("exec", name, "id", "-u")
        if uid == "0":
            raise AssertionError("the container runs as root")
        docker("exec", name, "pg_dump", "--version")
        print(docker("exec", name, "reportbot", "backup", "/var/lib/reportbot/backups/"))
        deadline = time.monotonic() + WAIT_SECONDS
        state = ""
        while time.monotonic() < deadline:  # the image's own HEALTHCHECK (every 30 s)
            state = docker("inspect", "--format", "{{.State.Health.Status}}", name)
            if state == "healthy":
                break
            await asyncio.sleep(2.0)
        if state != "healthy":
            raise AssertionError(f"HEALTHCHECK says {state!r}")
        docker("stop", "--time", "60", name)
        code = docker("inspect", "--format", "{{.State.ExitCode}}", name)
        if code != "0":
            raise AssertionError(f"the container exited with {code} on docker stop")
    except AssertionError:
        print(docker("logs", "--tail", "50", name), file=sys.stderr)
        raise
    finally:
        subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)


async def main(target: str) -> None:
    """Serve the fake Zalo, check ``target`` (``--local`` or an image), stop the fake."""
    fake = FakeZalo()
    base = await fake.start()
    port = free_port()
    try:
        env = settings(base, fake.token, port)
        if target == "--local":
            await check_local(env, port)
        else:
            await check_image(target, env, port)
    finally:
        await fake.stop()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(main(sys.argv[1]))
    except AssertionError as failure:
        print(f"check failed: {failure}", file=sys.stderr)
        sys.exit(1)
    print("ok")
