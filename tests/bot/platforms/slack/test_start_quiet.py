"""Building the adapter where SLACK_BOT_TOKEN is set (as in every deployment) logs no warning."""

from __future__ import annotations

import logging

import pytest

from bot.platforms.service import BriefingService
from bot.platforms.slack import SlackAdapter


def test_no_unused_token_warning(service: BriefingService, monkeypatch: pytest.MonkeyPatch,
                                 caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    with caplog.at_level(logging.WARNING):
        SlackAdapter(service, bot_token="xoxb-from-the-environment", signing_secret="secret")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
