"""Secrets are masked in every log record, with or without the process's own logging set-up."""

from __future__ import annotations

import logging

import pytest

from bot.redaction import REDACTED as MASK
from bot.redaction import Redactor, extras, install_redaction, protect, redact, uninstall_redaction

SECRET = "4711:a-secret-that-must-not-leak"


def test_a_protected_secret_is_masked_in_any_record(caplog: pytest.LogCaptureFixture) -> None:
    protect(SECRET)
    library = logging.getLogger("some.library.deep.inside")
    with caplog.at_level(logging.INFO):
        library.info("GET https://api.example/bot%s/getMe", SECRET)
        try:
            raise ConnectionError(f"cannot reach /bot{SECRET}/getMe")
        except ConnectionError:
            library.exception("request failed")
    assert SECRET not in caplog.text
    assert f"/bot{MASK}/getMe" in caplog.text
    assert "ConnectionError: cannot reach /bot[redacted]/getMe" in caplog.text


def test_the_longest_secret_is_masked_first() -> None:
    protect(SECRET)
    protect(SECRET.partition(":")[2])
    assert redact(f"token={SECRET}") == f"token={MASK}"


def test_short_strings_are_not_treated_as_secrets() -> None:
    protect("abc")
    assert redact("abc is a word") == "abc is a word"


def test_a_record_with_broken_arguments_does_not_break_the_caller() -> None:
    protect(SECRET)
    make = logging.getLogRecordFactory()
    record = make("careless", logging.INFO, __file__, 1, "two %s %s", ("one",), None)
    assert (record.msg, record.args) == ("two %s %s", ("one",))  # left for logging to report


def test_configured_and_protected_secrets_are_masked_by_one_redaction(caplog: pytest.LogCaptureFixture) -> None:
    protect(SECRET)
    install_redaction(["configured-signing-secret"])
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("some.library").info("%s and configured-signing-secret", SECRET)
        assert caplog.records[-1].getMessage() == f"{MASK} and {MASK}"
    finally:
        uninstall_redaction()


def test_protected_secrets_stay_masked_when_the_configured_ones_are_forgotten() -> None:
    protect(SECRET)
    install_redaction(["configured-signing-secret"])
    uninstall_redaction()
    assert redact(f"{SECRET} configured-signing-secret") == f"{MASK} configured-signing-secret"


def test_a_protected_secret_is_masked_percent_encoded_too() -> None:
    protect(SECRET)
    assert redact("https://api.example/bot4711%3Aa-secret-that-must-not-leak/getMe") == (
        f"https://api.example/bot{MASK}/getMe")


def test_extra_fields_are_masked_by_the_redactor_as_a_handler_filter() -> None:
    redactor = Redactor(["hook-secret-42"])
    record = logging.makeLogRecord({"msg": "webhook set", "hook": "hook-secret-42", "count": 3})
    redactor.filter(record)
    assert extras(record) == {"hook": MASK, "count": 3}
