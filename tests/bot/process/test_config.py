"""Settings: defaults, both spellings of each variable, `*_FILE` secrets, `.env`, fast failures, masking."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.process.cli import main
from bot.process.config import ConfigError, Settings, describe, load_settings, variable
from bot.process.logs import configure_logging
from tests.bot.process.conftest import (
    DB_PASSWORD,
    SIGNING_SECRET,
    SLACK_APP_TOKEN,
    SLACK_BOT_TOKEN,
    TELEGRAM_TOKEN,
    WEBHOOK_SECRET,
)

SECRETS = (TELEGRAM_TOKEN, SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SIGNING_SECRET, WEBHOOK_SECRET, DB_PASSWORD)
pytestmark = pytest.mark.usefixtures("clean_env")


def all_secrets_set(env: pytest.MonkeyPatch) -> None:
    env.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    env.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/telegram")
    env.setenv("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET)
    env.setenv("SLACK_BOT_TOKEN", SLACK_BOT_TOKEN)
    env.setenv("SLACK_APP_TOKEN", SLACK_APP_TOKEN)
    env.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    env.setenv("DATABASE_URL", f"postgresql://bot:{DB_PASSWORD}@db:5432/briefing")


def problems(**env: str) -> list[str]:
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        with pytest.raises(ConfigError) as caught:
            load_settings()
    return caught.value.problems


def test_defaults_enable_no_platform_and_name_what_each_needs() -> None:
    settings = load_settings()
    assert (settings.port, settings.data_dir, settings.host) == (8080, Path("data"), "0.0.0.0")  # noqa: S104
    assert (settings.log_format, settings.log_level, settings.drain_timeout) == ("human", "INFO", 10.0)
    assert settings.enabled_platforms() == []
    status = settings.platforms()
    assert status["telegram"].missing == ("TELEGRAM_BOT_TOKEN",)
    assert status["slack"].missing == (
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
    assert not any(s.configured for s in status.values())


def test_conventional_and_prefixed_names_both_work(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    clean_env.setenv("BRIEFING_SLACK_BOT_TOKEN", SLACK_BOT_TOKEN)
    clean_env.setenv("BRIEFING_SLACK_SIGNING_SECRET", SIGNING_SECRET)
    clean_env.setenv("BRIEFING_PORT", "9090")
    clean_env.setenv("log_format", "JSON")
    clean_env.setenv("LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TELEGRAM_TOKEN
    assert settings.enabled_platforms() == ["telegram", "slack"]
    assert settings.platforms()["slack"].mode == "http"
    assert (settings.port, settings.log_format, settings.log_level) == (9090, "json", "DEBUG")


def test_time_zone_deck_and_admins_are_parsed(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BRIEFING_NOW", "2025-06-01T08:59:50+03:00")
    clean_env.setenv("BRIEFING_TZ", "Europe/Kyiv")
    clean_env.setenv("BRIEFING_SLACK_ADMINS", " U1, U2 ,,")
    settings = load_settings()
    assert settings.now == dt.datetime(2025, 6, 1, 5, 59, 50, tzinfo=dt.UTC)
    assert settings.zone is not None and settings.zone.key == "Europe/Kyiv"
    assert settings.slack_admins == frozenset({"U1", "U2"})


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("BRIEFING_PORT", "eighty", "BRIEFING_PORT: Input should be a valid integer"),
    ("BRIEFING_PORT", "70000", "BRIEFING_PORT: Input should be less than or equal to 65535"),
    ("BRIEFING_NOW", "2025-06-01 09:00", "BRIEFING_NOW: '2025-06-01 09:00' names no timezone"),
    ("BRIEFING_TZ", "Mars/Olympus", "BRIEFING_TZ: unknown timezone 'Mars/Olympus'"),
    ("LOG_FORMAT", "xml", "LOG_FORMAT: Input should be 'human' or 'json'"),
    ("LOG_LEVEL", "chatty", "LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
    ("BRIEFING_DRAIN_TIMEOUT", "0", "BRIEFING_DRAIN_TIMEOUT: Input should be greater than 0"),
    ("TELEGRAM_API_BASE_URL", "localhost:8081", "TELEGRAM_API_BASE_URL: the API base URL must be"),
    ("TELEGRAM_WEBHOOK_URL", "http://bot.example.org/hook", "TELEGRAM_WEBHOOK_URL must be an https URL"),
])
def test_a_wrong_value_fails_with_a_message_naming_the_setting(name: str, value: str, expected: str) -> None:
    found = problems(**{name: value})
    assert len(found) == 1
    assert found[0].startswith(expected)


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("TELEGRAM_BOT_TOKEN", "not-a-token " + TELEGRAM_TOKEN, "TELEGRAM_BOT_TOKEN must look like 123456789:"),
    ("SLACK_BOT_TOKEN", "xoxp-" + SLACK_BOT_TOKEN, "SLACK_BOT_TOKEN must be the bot token"),
    ("SLACK_APP_TOKEN", SLACK_BOT_TOKEN, "SLACK_APP_TOKEN must be an app-level token"),
    ("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET + "!", "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters"),
    ("SLACK_SIGNING_SECRET", f"{SIGNING_SECRET} x", "SLACK_SIGNING_SECRET must not contain spaces"),
    ("DATABASE_URL", f"mysql://bot:{DB_PASSWORD}@db/briefing", "DATABASE_URL: 'mysql' is not supported"),
    ("DATABASE_URL", f"::{DB_PASSWORD}", "DATABASE_URL must be a URL such as"),
])
def test_a_wrong_secret_is_named_but_never_shown(name: str, value: str, expected: str) -> None:
    found = problems(**{name: value})
    assert found[0].startswith(expected)
    for secret in SECRETS:
        assert secret not in found[0]


def test_every_wrong_setting_is_reported_at_once() -> None:
    found = problems(BRIEFING_PORT="x", LOG_FORMAT="xml", SLACK_BOT_TOKEN="nope")
    assert [p.split(maxsplit=1)[0].rstrip(":") for p in found] == ["SLACK_BOT_TOKEN", "BRIEFING_PORT",
                                                                    "LOG_FORMAT"]


def test_secrets_come_from_files_with_their_newline_stripped(clean_env: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    (tmp_path / "telegram").write_text(TELEGRAM_TOKEN + "\n")
    (tmp_path / "signing").write_text(SIGNING_SECRET)
    clean_env.setenv("TELEGRAM_BOT_TOKEN_FILE", str(tmp_path / "telegram"))
    clean_env.setenv("SLACK_SIGNING_SECRET_FILE", str(tmp_path / "signing"))
    settings = load_settings()
    assert settings.telegram_bot_token is not None and settings.slack_signing_secret is not None
    assert settings.telegram_bot_token.get_secret_value() == TELEGRAM_TOKEN
    assert settings.slack_signing_secret.get_secret_value() == SIGNING_SECRET


def test_a_secret_file_that_cannot_be_read_or_a_doubly_set_secret_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    assert problems(SLACK_BOT_TOKEN_FILE=str(missing)) == [
        f"SLACK_BOT_TOKEN_FILE: cannot read {missing}: No such file or directory"]
    (tmp_path / "token").write_text(TELEGRAM_TOKEN)
    assert problems(TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_BOT_TOKEN_FILE=str(tmp_path / "token")) == [
        "set TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKEN_FILE, not both"]


def test_a_malformed_secret_from_a_file_is_named_and_not_shown(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("xoxp-" + SLACK_BOT_TOKEN)
    [found] = problems(SLACK_BOT_TOKEN_FILE=str(tmp_path / "token"))
    assert found.startswith("SLACK_BOT_TOKEN must be the bot token")
    assert SLACK_BOT_TOKEN not in found


def test_dotenv_is_read_and_the_environment_wins(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TELEGRAM_TOKEN}\nBRIEFING_PORT=8181\nOTHER=1\n")
    clean_env.setenv("BRIEFING_PORT", "8282")
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TELEGRAM_TOKEN
    assert settings.port == 8282


def test_platform_status_names_what_is_missing(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/telegram")
    clean_env.setenv("SLACK_APP_TOKEN", SLACK_APP_TOKEN)
    status = load_settings().platforms()
    assert (status["telegram"].mode, status["telegram"].missing) == ("webhook", ("TELEGRAM_BOT_TOKEN",))
    assert (status["slack"].mode, status["slack"].missing) == ("socket", ("SLACK_BOT_TOKEN",))
    assert not status["telegram"].enabled and status["telegram"].configured


def test_settings_are_frozen(clean_env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    with pytest.raises(ValidationError, match="frozen"):
        settings.port = 1  # type: ignore[misc]


def test_no_secret_in_repr_str_dump_or_description(clean_env: pytest.MonkeyPatch) -> None:
    all_secrets_set(clean_env)
    settings = load_settings()
    shown = " ".join([repr(settings), str(settings), settings.model_dump_json(),
                      repr(describe(settings))])
    for secret in SECRETS:
        assert secret not in shown
    assert ("DATABASE_URL", "postgresql://bot:***@db:5432/briefing") in describe(settings)
    assert sorted(settings.secrets()) == sorted(SECRETS)


def test_config_command_masks_secrets_and_reports_platforms(clean_env: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    all_secrets_set(clean_env)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    for secret in SECRETS:
        assert secret not in out
    assert "TELEGRAM_BOT_TOKEN       ********" in out
    assert "  telegram: on (webhook)\n  slack: on (socket)\n" in out


def test_config_command_exits_non_zero_on_a_half_configured_platform(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", SLACK_BOT_TOKEN)
    assert main(["config"]) == 1
    assert ("  slack: INCOMPLETE, missing SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)"
            in capsys.readouterr().out)


def test_config_command_reports_a_wrong_value_without_the_secret(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("SLACK_APP_TOKEN", SLACK_BOT_TOKEN)
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: SLACK_APP_TOKEN must be an app-level token")
    assert SLACK_BOT_TOKEN not in err


def test_configured_secrets_never_reach_the_log(clean_env: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    all_secrets_set(clean_env)
    settings = load_settings()
    configure_logging("json", "INFO", settings.secrets())
    logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TELEGRAM_TOKEN)
    logging.getLogger("briefing.test").error("settings %r, database %s", settings,
                                             settings.database_url.get_secret_value()  # type: ignore[union-attr]
                                             )
    err = capsys.readouterr().err
    assert "bot[redacted]/getMe" in err and "bot:[redacted]@db" in err
    for secret in SECRETS:
        assert secret not in err


def test_every_setting_has_a_documented_variable() -> None:
    assert all(variable(name) for name in Settings.model_fields)
