"""The Dockerfile and compose.yaml agree with the code: the variables they set are settings, the
paths they route are the adapters' routes. (scripts/container-smoke.sh builds and runs the image.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from bot.platforms.slack import EVENTS_PATH
from bot.platforms.telegram.adapter import DEFAULT_WEBHOOK_PATH
from bot.process.config import Settings, env_names
from tests.bot.process.process import ROOT

SETTINGS = {n for f in Settings.model_fields.values() for n in env_names(f)}
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
BOTS = [name for name, service in COMPOSE["services"].items() if service.get("image") == "briefing-bot:latest"]


def instructions(name: str) -> list[str]:
    """The arguments of every `name` instruction of the runtime stage (after the last FROM)."""
    runtime = DOCKERFILE.rsplit("\nFROM ", 1)[1].replace("\\\n", " ")
    return [line.split(maxsplit=1)[1] for line in runtime.splitlines() if line.startswith(f"{name} ")]


def image_env() -> dict[str, str]:
    [env] = instructions("ENV")
    return dict(re.findall(r"(\w+)=(\S+)", env))


def test_the_image_runs_unprivileged_with_its_data_in_a_volume() -> None:
    [user] = instructions("USER")
    assert user.split(":")[0] not in ("0", "root")
    assert instructions("VOLUME") == ['["/data"]']
    assert image_env()["BRIEFING_DATA_DIR"] == "/data"
    assert instructions("EXPOSE") == [image_env()["BRIEFING_PORT"]]
    assert instructions("STOPSIGNAL") == ["SIGTERM"]
    assert instructions("ENTRYPOINT") == ['["briefing-bot"]'] and instructions("CMD") == ['["run"]']


def test_the_healthcheck_needs_nothing_but_python() -> None:
    [check] = instructions("HEALTHCHECK")
    assert '"python3", "-c"' in check and "urllib.request" in check and "/healthz" in check
    assert "curl" not in DOCKERFILE and "wget" not in DOCKERFILE


def test_the_build_defaults_to_the_official_slim_python() -> None:
    assert DOCKERFILE.count("ARG BASE_IMAGE=python:3.12-slim") == 1
    assert DOCKERFILE.count("FROM ${BASE_IMAGE}") == 2  # the wheel build and the runtime


def test_every_variable_the_image_sets_is_a_setting() -> None:
    names = set(image_env()) - {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"}
    assert names <= SETTINGS


@pytest.mark.parametrize("service", BOTS)
def test_every_variable_compose_gives_a_bot_is_a_setting(service: str) -> None:
    assert set(COMPOSE["services"][service]["environment"]) <= SETTINGS


def test_the_single_bot_keeps_its_data_in_a_named_volume() -> None:
    bot = COMPOSE["services"]["bot"]
    assert "profiles" not in bot
    [volume] = bot["volumes"]
    name, path = volume.split(":")
    assert path == "/data" and name in COMPOSE["volumes"]


def test_the_replicas_share_postgresql_and_take_platform_requests_over_http() -> None:
    replicas = [COMPOSE["services"][name] for name in ("replica-a", "replica-b")]
    assert all(r["profiles"] == ["replicas"] for r in replicas)
    assert replicas[0]["hostname"] != replicas[1]["hostname"]  # distinct names in the ledger
    env = replicas[0]["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert env["TELEGRAM_WEBHOOK_URL"].endswith(DEFAULT_WEBHOOK_PATH)
    assert "SLACK_APP_TOKEN" not in env  # HTTP mode: Slack posts to /slack/events
    caddyfile = COMPOSE["configs"]["caddyfile"]["content"]
    assert f"path {DEFAULT_WEBHOOK_PATH} {EVENTS_PATH}" in caddyfile
