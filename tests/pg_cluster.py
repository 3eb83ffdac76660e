"""A PostgreSQL cluster of a test's own: initdb in a temporary folder, its own port, password
authentication, started and stopped at will (the machine's shared server is never stopped).

PostgreSQL refuses to run as root; where the tests run as root (CI), the cluster runs as the
`postgres` system user that Debian's server package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.missing import missing


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    def __init__(self, port: int) -> None:
        bindir = _bin_dir()
        if bindir is None:
            missing(
                "PostgreSQL's server programs (initdb, pg_ctl) are not installed",
                "BOT_TEST_REQUIRE_POSTGRES",
            )
        self.bindir = bindir
        self.port = port
        self.user = "assistant"
        self.password = "pw-" + secrets.token_hex(12)
        self.directory = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        self.data = self.directory / "data"
        self.logfile = self.directory / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> PostgresCluster:
        pwfile = self.directory / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._as:
            owner = pwd.getpwnam("postgres")
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user,
            f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=UTF8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        command = "stop"  # not an intent: pg_ctl's command
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", command)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
