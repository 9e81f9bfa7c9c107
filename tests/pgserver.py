"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory.

The server listens only on a unix socket inside its own directory (no TCP port to collide
with), runs with fsync off, and is stopped and deleted when the test session ends. Every test
gets a fresh database from :meth:`PgServer.create_database`.

As root, initdb refuses to run, so the server runs as the ``postgres`` system user that
Debian's ``postgresql`` package creates (via ``runuser``), in a directory handed to that user.
"""

from __future__ import annotations

import itertools
import os
import pwd
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

__all__ = ["PgServer", "PgUnavailable", "find_bindir"]


class PgUnavailable(RuntimeError):
    """No PostgreSQL binaries here (install Debian's ``postgresql`` package)."""


def find_bindir() -> Path:
    """``$RECOUP_PG_BINDIR``, else the newest /usr/lib/postgresql/*/bin, else initdb on PATH."""
    configured = os.environ.get("RECOUP_PG_BINDIR")
    candidates = [Path(configured)] if configured else []

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    raise PgUnavailable(
        "PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on "
        "PATH: run `bash scripts/ensure-system-packages.sh` (installs Debian's postgresql)"
    )


class PgServer:
    """One PostgreSQL server in a temporary directory, for one test session (or xdist worker)."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="recoup-pg-"))
        self.data = self.root / "data"
        self.port = random.randint(20000, 60000)  # names the socket file only: no TCP
        self.user = "recoup"
        self._names = itertools.count(1)
        self._run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable(
                    "running as root and there is no `postgres` user to run the server as"
                ) from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"  # PATH may lack /usr/sbin
            self._run_as = [runuser, "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        command = [*self._run_as, str(self.bindir / args[0]), *args[1:]]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{tail}"
            )

    def start(self) -> PgServer:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--no-sync",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        options = " ".join(
            [
                f"-k {self.root}",
                f"-p {self.port}",
                "-c listen_addresses=''",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c shared_buffers=32MB",
                "-c max_connections=60",
            ]
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-o",
            options,
            "start",
        )
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host={self.root} port={self.port} user={self.user} dbname={dbname}"

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@/{dbname}?host={self.root}&port={self.port}"

    def create_database(self) -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            # FILE_COPY (PostgreSQL 15+) copies template1's few files instead of WAL-logging
            # every block: about 0.05 s a database instead of 0.3 s.
            strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}"{strategy}')
        return self.url(name)
