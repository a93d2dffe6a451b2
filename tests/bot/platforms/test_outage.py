"""Telling a database outage from a bug, and logging an outage once."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.platforms.outage import Outage, is_outage


class PgError(Exception):
    """What SQLAlchemy's asyncpg dialect wraps: a driver error carrying PostgreSQL's SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def wrapped(sqlstate: str) -> DBAPIError:
    return DBAPIError("SELECT 1", {}, PgError(sqlstate))


@pytest.mark.parametrize(("error", "outage"), [
    (OperationalError("SELECT 1", {}, Exception("database is locked")), True),
    (wrapped("53300"), True),  # sorry, too many clients already
    (wrapped("57P03"), True),  # the database system is starting up
    (wrapped("08006"), True),  # connection failure
    (PoolTimeout("QueuePool limit reached"), True),
    (ConnectionRefusedError(111, "refused"), True),
    (TimeoutError(), True),
    (wrapped("42P01"), False),  # undefined table: a bug, not an outage
    (IntegrityError("INSERT", {}, PgError("23505")), False),
    (RuntimeError("a bug"), False),
])
def test_outages_are_told_from_bugs(error: BaseException, outage: bool) -> None:
    assert is_outage(error) is outage


def test_an_outage_is_logged_when_it_starts_and_when_it_ends(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    outage = Outage("database", logging.getLogger("briefing.test"), clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="briefing.test"):
        for _ in range(3):
            outage.failed(ConnectionRefusedError(), "answering from the deck")
            now[0] += 1
        assert outage.down and outage.resting()
        now[0] += 10
        assert outage.down and not outage.resting()  # a lookup may try the database again
        outage.succeeded()
        outage.succeeded()
    assert [r.getMessage() for r in caplog.records] == [
        "database unavailable error=ConnectionRefusedError: answering from the deck",
        "database available again failures=3",
    ]


def test_an_outage_ends_after_a_quiet_minute_and_the_next_failure_starts_another(
        caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    outage = Outage("database", logging.getLogger("briefing.test"), clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="briefing.test"):
        outage.failed(TimeoutError(), "x")
        now[0] += 61
        assert not outage.down
        outage.failed(TimeoutError(), "x")
    assert len(caplog.records) == 2
