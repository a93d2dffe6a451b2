"""Logging: one line per event in JSON or human form, and no configured secret in any record."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.process.logs import configure_logging
from bot.redaction import REDACTED, Redactor, install_redaction
from tests.bot.process.conftest import SIGNING_SECRET, TELEGRAM_TOKEN

log = logging.getLogger("briefing.test")


def configured(fmt: str = "json", level: str = "INFO") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(fmt, level, [TELEGRAM_TOKEN, SIGNING_SECRET], stream=stream)  # type: ignore[arg-type]
    return stream


def test_json_lines_carry_the_event_and_its_fields() -> None:
    stream = configured("json")
    log.info("command platform=%s chat=%s command=%s outcome=%s", "telegram", "telegram:42", "who", "card")
    log.info("plain words")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["event"] == "command"
    assert (first["platform"], first["chat"], first["command"], first["outcome"]) == (
        "telegram", "telegram:42", "who", "card")
    assert (first["level"], first["logger"]) == ("INFO", "briefing.test")
    assert second["message"] == "plain words" and "event" not in second


def test_a_traceback_stays_inside_its_json_line() -> None:
    stream = configured("json")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("send failed platform=slack")
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert "RuntimeError: boom" in entry["exc"] and entry["platform"] == "slack"


def test_human_lines_name_level_and_logger() -> None:
    stream = configured("human")
    log.warning("adapter down platform=%s", "telegram")
    [line] = stream.getvalue().splitlines()
    assert line.endswith("WARNING briefing.test: adapter down platform=telegram")


def test_secrets_are_removed_from_messages_arguments_tracebacks_and_extras() -> None:
    stream = configured("json")
    logging.getLogger("httpx").warning('HTTP Request: POST https://api.telegram.org/bot%s/getMe "200"',
                                       TELEGRAM_TOKEN)
    try:
        raise ValueError(f"rejected {SIGNING_SECRET}")
    except ValueError:
        log.exception("failed with %s", TELEGRAM_TOKEN.replace(":", "%3A"), extra={"secret": SIGNING_SECRET})
    text = stream.getvalue()
    assert TELEGRAM_TOKEN not in text and SIGNING_SECRET not in text
    assert TELEGRAM_TOKEN.replace(":", "%3A") not in text
    assert f"/bot{REDACTED}/getMe" in text
    assert text.count(REDACTED) == 4


def test_redaction_applies_to_every_handler_not_only_ours(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction([TELEGRAM_TOKEN])
    with caplog.at_level(logging.INFO):
        logging.getLogger("telegram.ext").info("token %s", TELEGRAM_TOKEN)
    assert caplog.records[0].getMessage() == f"token {REDACTED}"
    assert TELEGRAM_TOKEN not in caplog.text


def test_a_secret_containing_another_is_removed_whole() -> None:
    redactor = Redactor(["abc", "abcdef"])
    assert redactor.redact("x abcdef y abc") == f"x {REDACTED} y {REDACTED}"
    assert Redactor([]).redact("abc") == "abc"


def test_chatty_libraries_are_quiet_unless_debugging() -> None:
    configured(level="INFO")
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("apscheduler").getEffectiveLevel() == logging.WARNING
    configured(level="DEBUG")
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.DEBUG


def test_a_huge_message_is_cut_to_a_bounded_line_that_says_so() -> None:
    stream = configured("json")
    body = "x" * 1_000_000
    log.warning("refused body=%s", body, extra={"payload": body})
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert len(line) < 5_000
    assert entry["message"].startswith("refused body=xxx") and "characters cut" in entry["message"]
    assert len(entry["body"]) < 600 and len(entry["payload"]) < 600


def test_a_huge_traceback_keeps_its_end_where_the_error_is_named() -> None:
    stream = configured("json")
    try:
        raise ValueError("y" * 100_000 + " the last words")
    except ValueError:
        log.exception("failed")
    entry = json.loads(stream.getvalue())
    assert len(entry["exc"]) < 13_000 and entry["exc"].startswith("Traceback")
    assert entry["exc"].endswith("the last words")


def test_human_lines_are_capped_too() -> None:
    stream = configured("human")
    log.error("boom %s", "z" * 200_000)
    [line] = stream.getvalue().splitlines()
    assert len(line) < 17_000 and "characters cut" in line
