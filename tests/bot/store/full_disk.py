"""A full disk for SQLite, injected at the driver: while the switch is on, every statement that
writes fails as SQLite fails when the disk is full (`sqlite3.OperationalError: database or disk
is full`, SQLITE_FULL); reads go on. The switch is a file, so a test can fill the disk of a real
`briefing-bot run` too: the child installs the fault at start-up (`sitecustomize`, below).

Real SQLite in WAL mode may fail a moment later (at COMMIT, when the WAL grows), with the same
error and the same rollback; failing the statement itself makes the fault deterministic.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import pytest

FULL = "database or disk is full"
_WRITES = ("insert", "update", "delete", "replace", "create", "drop", "alter")
_switch: Path | None = None


def _full(sql: object) -> bool:
    return (_switch is not None and isinstance(sql, str) and sql.lstrip().lower().startswith(_WRITES)
            and _switch.exists())


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        if _full(sql):
            raise sqlite3.OperationalError(FULL)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Self:
        if _full(sql):
            raise sqlite3.OperationalError(FULL)
        return super().executemany(sql, parameters)


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)


def install(switch: Path) -> None:
    """From now on, SQLite connections opened in this process fail writes while `switch` exists."""
    global _switch
    _switch = switch
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        kwargs.setdefault("factory", _Connection)
        opened: sqlite3.Connection = real(*args, **kwargs)
        return opened

    sqlite3.connect = connect  # type: ignore[assignment]


@contextmanager
def installed(monkeypatch: pytest.MonkeyPatch, switch: Path) -> Iterator[None]:
    """`install` for this test only."""
    monkeypatch.setattr(sqlite3, "connect", sqlite3.connect)  # put back after the test
    monkeypatch.setattr(sys.modules[__name__], "_switch", None)
    install(switch)
    yield


def child_hook(folder: Path, switch: Path) -> dict[str, str]:
    """Environment for a child process that installs the fault at start-up (a `sitecustomize`)."""
    folder.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[3]
    (folder / "sitecustomize.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "from pathlib import Path\n"
        "from tests.bot.store.full_disk import install\n"
        f"install(Path({str(switch)!r}))\n", encoding="utf-8")
    path = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": f"{folder}{os.pathsep}{path}" if path else str(folder)}
