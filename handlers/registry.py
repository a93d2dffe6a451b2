"""The one list of commands: dispatch, /help, Telegram's menu and Slack's usage hint come from it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from content.loader import Briefing
from handlers.context import Context
from handlers.i18n import N_, _
from handlers.reply import Reply

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")  # what Telegram accepts as a command name
BRIEFING = N_("Briefing")  # the group of the commands that ask the deck


@dataclass(frozen=True, slots=True)
class Query:
    command: str  # registered name, "" when the text was not understood
    args: str = ""
    text: str = ""  # what the reader sent, as sent


Handler = Callable[[Briefing, Query, Context], Reply | Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    summary: str  # one line, shown in /help and in the platforms' menus; marked with N_()
    handler: Handler
    usage: str = ""  # argument hint, marked with N_(): "[name]", "HH:MM|off"
    group: str = BRIEFING  # /help's heading, marked with N_()
    example: str = ""  # e.g. "who lavrov"; /help shows it

    @property
    def arguments(self) -> str:
        """The usage hint in the reader's language; "" when the command takes none."""
        return _(self.usage) if self.usage else ""

    @property
    def synopsis(self) -> str:
        return f"/{self.name} {self.arguments}".rstrip()


class Registry:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def command(
        self, name: str, summary: str, *, usage: str = "", group: str = BRIEFING, example: str = ""
    ) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of `/name`.

        `summary`, `usage` and `group` are shown to readers: mark them with N_(), since they are
        translated where they are shown, in the reader's language.
        """
        if not _NAME.match(name):
            raise ValueError(f"command name {name!r}: 1-32 of a-z, 0-9, _; starting with a letter")
        if not 3 <= len(summary) <= 256:
            raise ValueError(f"command {name!r}: summary must be 3-256 characters")

        def register(handler: Handler) -> Handler:
            if name in self._commands:
                raise ValueError(f"command {name!r} is registered twice")
            self._commands[name] = Command(name, summary, handler, usage, group, example)
            return handler

        return register

    def get(self, name: str) -> Command | None:
        return self._commands.get(name.lower())

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def __contains__(self, name: object) -> bool:
        return name in self._commands

    def groups(self) -> dict[str, list[Command]]:
        grouped: dict[str, list[Command]] = {}
        for cmd in self:
            grouped.setdefault(cmd.group, []).append(cmd)
        return grouped

    def menu(self) -> list[tuple[str, str]]:
        """(name, description) pairs, in order, for a platform's command menu."""
        return [(cmd.name, _(cmd.summary)) for cmd in self]

    def usage_hint(self, prefix: str) -> str:
        """One line listing every command after a prefix, e.g. '/briefing who [name] | when | …'."""
        return f"{prefix} " + " | ".join(f"{c.name} {c.arguments}".rstrip() for c in self)


REGISTRY = Registry()
command = REGISTRY.command
