"""The local console: a chat in the terminal, with no token and no network.

It is an adapter like the others: readers' lines go through the same BriefingService, and
scheduled posts addressed to the console chat are printed as they fire.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from bot.platforms.base import Sent
from bot.platforms.service import BriefingService
from handlers.context import CONSOLE_CHAT, ChatRef
from handlers.i18n import N_, _, speaking_in
from handlers.reply import Reply, source_line

if TYPE_CHECKING:
    from aiohttp import web

WIDTH = 78
PROMPT = N_("briefing> ")


def render(reply: Reply) -> str:
    """A Reply as console text; numbered follow-ups can be run by typing their number."""
    with reply.in_its_language():
        return _render(reply)


def _render(reply: Reply) -> str:
    lines = [reply.title, "─" * min(len(reply.title), WIDTH)]
    for section in reply.sections:
        if section.heading:
            lines.append(f"{section.heading}:")
        if section.text:
            lines.append(section.text)
        width = max((len(f.label) for f in section.fields), default=0)
        lines.extend(f"  {f.label + ':':<{width + 1}} {f.value}" for f in section.fields)
        lines.extend(f"  • {b}" for b in section.bullets)
        lines.append("")
    if reply.source and reply.source.quotes:
        lines.append(source_line(reply.source.article, reply.source.as_of))
        lines.extend(f"  “{q}”" for q in reply.source.quotes)
        lines.append("")
    if reply.actions:
        follow = "   ".join(f"[{i}] {a.label}" for i, a in enumerate(reply.actions, 1))
        lines.append(_("Next: {actions}").format(actions=follow))
    return "\n".join(lines).rstrip() + "\n"


def _load_history(path: Path | None) -> Callable[[], None]:
    """Line editing and history when readline exists; returns the function that saves it."""
    try:
        import readline
    except ImportError:  # not on every platform; the console works without it
        return lambda: None
    if path is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(path)
    readline.set_history_length(1000)

    def save() -> None:
        if path is not None:
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                readline.write_history_file(path)

    return save


class Console:
    """The console chat: reads lines, prints replies and scheduled posts."""

    platform = "console"

    def __init__(
        self,
        service: BriefingService,
        *,
        out: TextIO | None = None,
        read_line: Callable[[str], str] = input,
        history: Path | None = None,
    ) -> None:
        self.service = service
        self.out = out or sys.stdout
        self.read_line = read_line
        self.history = history
        self.chat = CONSOLE_CHAT
        self._last_actions: tuple[str, ...] = ()
        self._running = False

    @property
    def ready(self) -> bool:
        return True

    async def start(self) -> None:
        self._running = True

    async def stop(self) -> None:
        self._running = False

    def http_routes(self) -> list[web.RouteDef]:
        """None: the console serves nothing over HTTP."""
        return []

    def show(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> Sent:
        """A scheduled post for the console chat: printed above the prompt."""
        with reply.in_its_language():
            heading = _("⏰ Scheduled post")
        self.show(f"\n{heading}\n{render(reply)}\n")
        return Sent(chat, ("console",))

    async def arrived(self, chat: ChatRef, key: str, since: dt.datetime) -> Sent | Literal[False] | None:
        """Printing cannot time out: there is never a doubt to resolve."""
        return None

    async def handle(self, line: str) -> Reply | None:
        """Answer one typed line; a bare number runs that follow-up of the previous reply."""
        text = line.strip()
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self._last_actions):
            text = self._last_actions[int(text) - 1]
        reply = await self.service.answer(text, self.chat)
        if reply is not None:
            self._last_actions = tuple(a.command for a in reply.actions)
            self.show(render(reply) + "\n")
        return reply

    def _read_lines(self, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None],
                    turn: threading.Event, prompt: str) -> None:
        """Prompt in a daemon thread (so a blocked read never holds up exit), one line a turn."""
        while True:
            turn.wait()
            turn.clear()
            try:
                line: str | None = self.read_line(prompt)
            except (EOFError, OSError):
                line = None
            loop.call_soon_threadsafe(lines.put_nowait, line)
            if line is None:
                return

    async def run(self) -> None:
        """The REPL, until Ctrl-D; scheduled posts print while it waits for a line."""
        save = _load_history(self.history)
        await self.start()
        with speaking_in(self.service.language):  # the console's own words, in the bot's language
            self.show(_("Briefing console. Type /help, a question, or a number to follow a suggestion; "
                        "Ctrl-D quits.") + "\n\n")
            prompt = _(PROMPT)
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        turn = threading.Event()
        reader = threading.Thread(target=self._read_lines,
                                  args=(asyncio.get_running_loop(), lines, turn, prompt),
                                  name="console-input", daemon=True)
        try:
            await self.handle("/start")
            reader.start()
            while self._running:
                turn.set()
                line = await lines.get()
                if line is None:
                    self.show("\n")
                    break
                await self.handle(line)
        finally:
            save()
            await self.stop()
