"""Fixtures every test package shares: the real deck, a clock that stands still, the service."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.platforms.service import BriefingService
from content.loader import Briefing, load_all
from handlers.clock import FixedClock

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
