"""Quiet: a line strangers can repeat at will is logged once a minute, saying how many were left out."""

from __future__ import annotations

import logging

import pytest

from bot.quiet import Quiet


def test_repeats_within_a_minute_are_counted_and_reported_with_the_next_line(
        caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    quiet = Quiet(logging.getLogger("briefing.test"), every=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="briefing.test"):
        for _ in range(5):
            quiet.warning("refused from %s", "10.0.0.1")
            now[0] += 10
        now[0] += 20
        quiet.warning("refused from %s", "10.0.0.2")
    assert [r.getMessage() for r in caplog.records] == [
        "refused from 10.0.0.1",
        "refused from 10.0.0.2 (and 4 more like it since the last line)",
    ]
