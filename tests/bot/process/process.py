"""`briefing-bot run` as a child process: its JSON log read line by line, its port, its signals.

Every wait is bounded, and the process is killed (by its own pid) if a test leaves it running.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp

from bot.process.config import Settings, env_names

Entry = dict[str, Any]
ROOT = Path(__file__).resolve().parents[3]


def every_variable() -> list[str]:
    """Every environment variable a setting is read from, and its `_FILE` variant."""
    names = [n for f in Settings.model_fields.values() for n in env_names(f)]
    return [*names, *(f"{n}_FILE" for n in names)]


def bot_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a test bot: ours minus every setting, then `settings` and test defaults."""
    unset = set(every_variable())
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update({"BRIEFING_DATA_DIR": str(data_dir), "BRIEFING_PORT": "0", "BRIEFING_HOST": "127.0.0.1",
                "LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "BRIEFING_RETRY_INITIAL": "0.2",
                "BRIEFING_RETRY_MAX": "1"})
    env.update(settings)
    return env


class BotProcess:
    """`terminal`: a pty's follower end for stdin and stdout (the console); else no stdin.
    `open_files`: the process's limit on open files (soft and hard), as a small container has."""

    def __init__(self, env: Mapping[str, str], cwd: Path, *, terminal: int | None = None,
                 open_files: int | None = None) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self.terminal = terminal
        self.open_files = open_files
        self.log: list[Entry] = []
        self.raw: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._grew = asyncio.Event()

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=self.env, cwd=self.cwd,
            stdin=asyncio.subprocess.DEVNULL if self.terminal is None else self.terminal,
            stdout=asyncio.subprocess.DEVNULL if self.terminal is None else self.terminal,
            stderr=asyncio.subprocess.PIPE, preexec_fn=self._limit if self.open_files else None)
        self._reader = asyncio.create_task(self._read())

    def _limit(self) -> None:
        assert self.open_files is not None
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, self.open_files))

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        async for line in self.proc.stderr:
            text = line.decode(errors="replace").rstrip("\n")
            self.raw.append(text)
            with contextlib.suppress(json.JSONDecodeError):
                self.log.append(json.loads(text))
            self._grew.set()
        self._grew.set()

    async def wait_log(self, found: Callable[[Entry], bool], *, within: float, what: str) -> Entry:
        """The first log entry for which `found` holds, waiting for it up to `within` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        seen = 0
        while True:
            for entry in self.log[seen:]:
                if found(entry):
                    return entry
            seen = len(self.log)
            exited = self.proc is not None and self.proc.returncode is not None
            remaining = deadline - loop.time()
            if remaining <= 0 or (exited and self._reader is not None and self._reader.done()):
                tail = "\n".join(self.raw[-30:])
                raise AssertionError(f"no log entry {what} within {within:g} s; the log ends:\n{tail}")
            self._grew.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._grew.wait(), min(remaining, 0.5))

    async def ready(self, within: float = 30.0) -> str:
        """Wait for the `ready` line; the base URL of the bot's HTTP server."""
        entry = await self.wait_log(lambda e: e.get("event") == "ready", within=within, what="'ready'")
        return f"http://127.0.0.1:{entry['port']}"

    def signal(self, sig: signal.Signals = signal.SIGTERM) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    async def wait(self, within: float) -> int:
        assert self.proc is not None
        code = await asyncio.wait_for(self.proc.wait(), within)
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 5)
        return code

    async def close(self) -> None:
        """Kill the process if it still runs (a failed test), and reap it."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    def text(self) -> str:
        return "\n".join(self.raw)

    def log_bytes(self) -> int:
        """How much the process has logged so far, in bytes."""
        return sum(len(line.encode()) + 1 for line in self.raw)


async def launch(processes: list[BotProcess], env: dict[str, str], *, open_files: int | None = None) -> BotProcess:
    """Start a bot; the `processes` fixture kills it if the test does not stop it."""
    process = BotProcess(env, ROOT, open_files=open_files)
    processes.append(process)
    await process.start()
    return process


async def get_json(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session, \
            session.get(url) as response:
        return response.status, await response.json()


async def get_text(url: str) -> str:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session, \
            session.get(url) as response:
        return await response.text()
