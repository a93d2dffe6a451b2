"""Keep the bot token out of every log line, whoever logs it.

httpx logs each request's full URL at INFO, and Telegram URLs carry the token
(`https://api.telegram.org/bot<token>/getUpdates`). A filter on one logger would miss records
of its children and of libraries, so the adapter wraps the log record factory instead: every
record created anywhere in the process has its message (and traceback, when it holds a
secret) scrubbed before any handler or formatter sees it. It works without any other logging
set-up; a process-wide filter added elsewhere only adds to it.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

MASK = "[redacted]"
_MIN_SECRET = 8  # shorter strings would mask ordinary words

_secrets: list[str] = []  # longest first, so a token is masked whole before any part of it
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """`text` with every registered secret replaced by a mask."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _holds_secret(text: str) -> bool:
    return any(secret in text for secret in _secrets)


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # malformed arguments: logging reports those itself
        return
    if _holds_secret(message):
        record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[1] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if _holds_secret(text):
            record.exc_text = redact(text)  # formatters use exc_text when it is set
    if record.stack_info and _holds_secret(record.stack_info):
        record.stack_info = redact(record.stack_info)


def _install() -> None:
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _secrets:
            _scrub(record)
        return record

    logging.setLogRecordFactory(factory)


def protect(secret: str | None) -> None:
    """Mask `secret` in every log record from now on (the token, the webhook secret)."""
    global _installed, _secrets
    if not secret or len(secret) < _MIN_SECRET:
        return
    with _lock:
        # A new list, not an in-place change: other threads may be iterating the old one.
        _secrets = sorted({*_secrets, secret}, key=len, reverse=True)
        if not _installed:
            _install()
            _installed = True
