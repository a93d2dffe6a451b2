"""The console chat: rendering, numbered follow-ups, the REPL loop, scheduled posts."""

from __future__ import annotations

import io
from collections.abc import Iterator

from bot.platforms.console import Console, render
from bot.platforms.service import BriefingService
from handlers.context import CONSOLE_CHAT
from handlers.reply import Action, Field, Reply, Section, Source


def test_render_shows_every_part() -> None:
    reply = Reply(
        "Sergey Lavrov",
        (Section("Intro", fields=(Field("Role", "Foreign Minister"),)), Section(heading="Did", bullets=("a", "b"))),
        (Action("Source", "source lavrov"), Action("Fidan", "who fidan")),
        Source("An article", "as of Thursday 29 May 2025", ("a quote",)),
    )
    assert render(reply) == (
        "Sergey Lavrov\n─────────────\nIntro\n  Role: Foreign Minister\n\nDid:\n  • a\n  • b\n\n"
        "Source: An article (as of Thursday 29 May 2025)\n  “a quote”\n\n"
        "Next: [1] Source   [2] Fidan\n"
    )


async def test_a_number_follows_the_previous_replys_suggestion(service: BriefingService) -> None:
    out = io.StringIO()
    console = Console(service, out=out)
    first = await console.handle("/who lavrov")
    assert first is not None and first.actions[0].command == "source lavrov"
    second = await console.handle("1")
    assert second is not None and second.title == "Source: Sergey Lavrov"
    assert await console.handle("   ") is None
    assert "Source: Sergey Lavrov" in out.getvalue()


async def test_the_repl_runs_until_end_of_input(service: BriefingService) -> None:
    lines: Iterator[str] = iter(["/who Turkish foreign minister", "when are the talks?"])

    def read_line(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    await Console(service, out=out, read_line=read_line).run()
    text = out.getvalue()
    assert text.index("Briefing: Russia-Ukraine talks in Istanbul") < text.index("Hakan Fidan")
    assert "In 2 days: Monday 2 June 2025, in Istanbul." in text


async def test_scheduled_posts_print_in_the_console(service: BriefingService) -> None:
    out = io.StringIO()
    console = Console(service, out=out)
    sent = await console.send(CONSOLE_CHAT, Reply("Countdown", (Section("2 days to go"),)))
    assert sent.chat == CONSOLE_CHAT
    assert "⏰ Scheduled post\nCountdown" in out.getvalue()


def test_the_console_serves_nothing_over_http(service: BriefingService) -> None:
    assert Console(service).http_routes() == []
