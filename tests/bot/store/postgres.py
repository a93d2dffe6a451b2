"""A throwaway PostgreSQL server for the tests, started from the installed binaries.

The binaries are found through `pg_config --bindir`, else Debian's versioned folders. PostgreSQL
refuses to run as root, so as root the server runs as the `postgres` user (runuser), in a
folder that user owns. Without binaries the PostgreSQL tests are skipped, saying why.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.store import default_url
from tests.fakes.kit import free_port

PG_USER = "postgres"


def bindir() -> Path | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True, timeout=10)
        found = Path(out.stdout.strip())
        if (found / "pg_ctl").exists() and (found / "initdb").exists():
            return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


class Server:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                account = pwd.getpwnam(PG_USER)
            except KeyError:
                pytest.skip(f"running as root and there is no {PG_USER!r} user to run PostgreSQL as")
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", PG_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                   "-c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{database}"

    async def create_database(self) -> str:
        """A new empty database; returns its URL as a user would write it."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)


def running_server() -> Iterator[Server]:
    """A throwaway server, started, then stopped when the caller is done (a fixture's body)."""
    found = bindir()
    if found is None:
        pytest.skip("no PostgreSQL binaries (pg_config --bindir); CI installs Debian's postgresql package")
    server = Server(found)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        server.stop()
        pytest.fail(f"PostgreSQL did not start: {exc.stderr!r}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    yield from running_server()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL: SQLite, and a fresh database on the throwaway PostgreSQL when it exists."""
    if request.param == "sqlite":
        return default_url(tmp_path)
    server: Server = request.getfixturevalue("pg_server")
    return await server.create_database()
