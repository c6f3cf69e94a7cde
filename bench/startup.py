"""Benchmark: how long ``reportbot chat --as office`` takes to answer ``/trogiup``, from the
exec of a fresh process to the answer on its standard output, next to ``python -c pass``.

    .venv/bin/python bench/startup.py [--runs 5]

Each run is a new ``python -m bot chat --as office`` (what the ``reportbot`` script runs) in
the repository, with ``/trogiup`` piped in, no Telegram or Zalo token, on a temporary SQLite
database with the samples loaded by a first, untimed start (printed apart: it also migrates).
The bot's clock is pinned to the benchmarks' day (``bench.ingest.bench_clock``) through
``REPORTBOT_NOW``. The anchor, ``python -c pass`` timed the same way in the same run, is what
any Python process costs on this machine. Figures are printed; nothing is asserted (the target,
under 1.5 s, lives in the README).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSWER = "Bot: Trợ lý báo cáo thi đua"
"""The first line of the answer to ``/trogiup``."""
TARGET = 1.5
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CHAT = ["-m", "bot", "chat", "--as", "office"]


def environment(folder: str) -> dict[str, str]:
    """The environment of the timed processes: a temporary database and reports folder, the
    pinned clock, no channel token."""
    from bench.ingest import bench_clock  # imports aiogram here, in the benchmark only

    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "REPORTBOT_TODAY"}
    }
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{folder}/bench.db",
        REPORTBOT_REPORTS_DIR=f"{folder}/reports",
        REPORTBOT_NOW=bench_clock(ZONE).now().replace(microsecond=0).isoformat(),
        PYTHONPATH=str(ROOT),
    )
    return env


def timed(args: list[str], env: dict[str, str], stdin: str, marker: str | None) -> float:
    """Seconds from starting ``python ARGS`` to the first line of its output that holds
    ``marker`` (to its exit when ``marker`` is None). Raises when it fails or never answers."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            cwd=ROOT,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(stdin.encode())
        process.stdin.close()
        answered = None
        for line in process.stdout:  # the console flushes every line it prints
            if marker is not None and marker in line.decode():
                answered = time.perf_counter() - started
                break
        process.stdout.read()
        code = process.wait()
        ended = time.perf_counter() - started
        if code != 0 or (marker is not None and answered is None):
            errors.seek(0)
            raise RuntimeError(
                f"python {' '.join(args)} failed ({code}): {errors.read()[-2000:]!r}"
            )
    return ended if answered is None else answered


def imports_aiogram(env: dict[str, str]) -> bool:
    """Whether the console path imports aiogram (one more run under ``-X importtime``)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *CHAT],
        input="/trogiup\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    names = (
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    )
    return any(name.split(".")[0] == "aiogram" for name in names)


def summary(name: str, times: list[float]) -> str:
    return f"{name}: median {statistics.median(times):.2f} s, min {min(times):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = environment(folder)
        first = timed(CHAT, env, "/trogiup\n", ANSWER)
        anchors = [timed(["-c", "pass"], env, "", None) for _ in range(args.runs)]
        answers: list[float] = []
        print(
            f"reportbot chat --as office answering /trogiup, SQLite, clock {env['REPORTBOT_NOW']}"
        )
        print(f"first start (migrates, loads the samples): {first:.2f} s")
        for number in range(1, args.runs + 1):
            answers.append(timed(CHAT, env, "/trogiup\n", ANSWER))
            print(f"run {number}: answer after {answers[-1]:.2f} s")
        aiogram = imports_aiogram(env)
    print(summary("answer", answers) + f"  (target < {TARGET:.1f} s)")
    print(summary("anchor python -c pass", anchors))
    print(f"aiogram imported on this path: {'yes' if aiogram else 'no'}")


if __name__ == "__main__":
    main()
