"""`ask`: a reader's text in, the Reply out, through the real router and registry; `ask_drafted`
the same of a deck drafted from a fictional fixture article (tests/content/draft/articles/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import Context
from handlers.reply import Reply
from handlers.router import answer
from tests.handlers import questions_report as qr
from tests.handlers.limits import assert_fits

Ask = Callable[..., Awaitable[Reply]]
AskDrafted = Callable[[str, str], Awaitable[Reply]]
Drafted = dict[str, tuple[qr.QuestionSet, Briefing]]


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


@pytest.fixture(scope="session")
def drafted_sets(tmp_path_factory: pytest.TempPathFactory) -> Drafted:
    """Each question set of a drafted deck ("copenhagen", "reykjavik") with its deck, drafted once."""
    sets = [s for s in qr.all_sets() if s.article is not None]
    return {s.name: (s, qr.briefing_for(s, Path(tmp_path_factory.mktemp(s.name)))) for s in sets}


@pytest.fixture
def ask_drafted(drafted_sets: Drafted) -> AskDrafted:
    """Ask the deck drafted for a question set, at that set's moment."""
    async def ask(name: str, text: str) -> Reply:
        qset, b = drafted_sets[name]
        reply = await answer(b, text, Context(FixedClock(qset.moment)))
        assert reply is not None
        assert_fits(reply)
        return reply

    return ask


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The readers' question reports (tests/handlers/test_questions.py), of the sets that ran."""
    from tests.handlers.test_questions import REPORT

    for name, report in config.stash.get(REPORT, {}).items():
        terminalreporter.write_sep("-", f"readers' questions: {name}")
        terminalreporter.write_line(report)
