"""`ask`: a reader's text in, the Reply out, through the real router and registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import pytest

from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import Context
from handlers.reply import Reply
from handlers.router import answer
from tests.handlers.limits import assert_fits

Ask = Callable[..., Awaitable[Reply]]


@pytest.fixture
def ask(briefing: Briefing, clock: FixedClock) -> Ask:
    async def ask(text: str, *, at: str | None = None, zone: str | None = None,
                  last_topic: str | None = None) -> Reply:
        moment = FixedClock(dt.datetime.fromisoformat(at)) if at else clock
        ctx = Context(moment, ZoneInfo(zone) if zone else None, last_topic=last_topic)
        reply = await answer(briefing, text, ctx)
        assert reply is not None
        assert_fits(reply)
        return reply

    return ask


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The readers' question report (tests/handlers/test_questions.py), when that test ran."""
    from tests.handlers.test_questions import REPORT

    report = config.stash.get(REPORT, None)
    if report is not None:
        terminalreporter.write_sep("-", "readers' questions")
        terminalreporter.write_line(report)
