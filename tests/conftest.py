"""Fixtures every test package shares: the real deck, a clock that stands still, the service, and a
newsroom's folder of several decks (tests/newsroom.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.platforms.service import BriefingService
from content.loader import Briefing, load_all
from handlers.clock import FixedClock
from tests.newsroom import Newsroom, draft_newsroom

# Two days before the talks, at noon in Istanbul: the moment most examples are written for.
BEFORE_TALKS = dt.datetime.fromisoformat("2025-05-31T12:00+03:00")


@pytest.fixture(scope="session")
def briefing() -> Briefing:
    return load_all()[0]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(BEFORE_TALKS)


@pytest.fixture
def service(briefing: Briefing, clock: FixedClock) -> BriefingService:
    return BriefingService(briefing, clock)


@pytest.fixture(scope="session")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Newsroom:
    """The four decks, drafted once per run (drafting takes a second an article)."""
    return draft_newsroom(tmp_path_factory.mktemp("drafted"))


@pytest.fixture
def newsroom(drafted: Newsroom, tmp_path: Path) -> Newsroom:
    """A copy of the four decks that a test may change."""
    return drafted.copy_to(tmp_path / "newsroom")
