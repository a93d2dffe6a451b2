"""slack/manifest.yml asks Slack for exactly what the adapter uses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.platforms.slack import EVENTS_PATH
from bot.platforms.slack.blocks import COMMAND
from handlers.registry import REGISTRY
from tests.fakes.slack_api import manifest_scopes

MANIFEST = Path(__file__).parents[4] / "slack" / "manifest.yml"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data


def test_the_one_slash_command_hints_only_at_registered_commands(manifest: dict[str, Any]) -> None:
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is False
    named = set(re.findall(r"[a-z]+", re.sub(r"\[[^\]]*\]", "", command["usage_hint"])))  # no [args]
    assert named and named <= {c.name for c in REGISTRY}
    assert len(command["description"]) <= 100 and len(command["usage_hint"]) <= 100


def test_events_scopes_and_interactivity_match_the_listeners(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_home_opened", "app_mention", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history"} <= scopes
    # Reading a post back after a timeout (bot/platforms/slack/history.py), in every kind of conversation.
    assert {"channels:history", "groups:history", "mpim:history"} <= scopes
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True and home["messages_tab_enabled"] is True


def test_socket_mode_by_default_and_http_mode_documented(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is True
    text = MANIFEST.read_text(encoding="utf-8")
    assert text.count(f"# url: https://bot.example.org{EVENTS_PATH}") == 1
    assert text.count(f"# request_url: https://bot.example.org{EVENTS_PATH}") == 2


def test_display_information_fits_slacks_limits(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert len(info["name"]) <= 35 and len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-f]{6}", info["background_color"])


def test_the_app_may_ask_each_readers_language(manifest: dict[str, Any]) -> None:
    """users.info gives a reader's locale only with users:read; the fake Slack grants what this asks."""
    assert "users:read" in manifest["oauth_config"]["scopes"]["bot"]
    assert "users:read" in manifest_scopes()
