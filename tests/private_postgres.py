"""A PostgreSQL server of the test's own (initdb in a temporary folder, its own port), so a test
can stop and restart it without touching the machine's server that the other tests share."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def _bin_dir() -> Path | None:
    """The folder of PostgreSQL's server programs (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class PrivatePostgres:
    """One throw-away cluster on 127.0.0.1:``port`` with trust authentication.

    As root (CI), the server programs run as the ``postgres`` user, since PostgreSQL refuses
    to run as root. ``fsync=off``: the test is about connections, not durability of the
    machine."""

    def __init__(self, port: int) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's server programs (pg_ctl, initdb) are not installed")
        self.bin_dir = bin_dir
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="reportbot-pg-"))
        self.data = self.folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its ``postgres`` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin_dir / program), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        """initdb, then start."""
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-N")
        self.start()

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=50"
        )
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop: ``fast`` ends every session with an administrator's shutdown (57P01), as a
        restart by the operator or the package manager does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, down_seconds: float) -> None:
        """Stop (fast), stay down ``down_seconds`` (connections refused), start again."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def remove(self) -> None:
        """Stop (immediate, if running) and delete the folder."""
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
