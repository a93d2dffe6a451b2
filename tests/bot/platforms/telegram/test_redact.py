"""The token mask works for any logger, with no logging set-up of the process's own."""

from __future__ import annotations

import logging

import pytest

from bot.platforms.telegram.redact import MASK, protect, redact

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
