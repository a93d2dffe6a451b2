"""Logging for the running process: one line per event, JSON or human, and never a secret.

The redaction works on every record the process creates, whichever library logs it: httpx
logs each request URL at INFO, and Telegram's URLs carry the bot token. It is installed as
the log record factory (so it applies before any handler, ours, pytest's or a library's, sees
the record) and as a filter on our handler (for `extra=` fields, which are added later).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from typing import Any, TextIO

from bot.process.config import LogFormat, url_forms

REDACTED = "[redacted]"
HUMAN_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Chatty at INFO: one line per HTTP request or job run. Shown again with LOG_LEVEL=DEBUG.
_QUIET = ("httpx", "httpcore", "apscheduler", "aiosqlite", "hpack", "websockets", "slack_sdk.socket_mode")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
_KEY_VALUE = re.compile(r"(\w+)=(\S+)")


class Redactor(logging.Filter):
    """Removes every configured secret from log records."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._pattern: re.Pattern[str] | None = None
        self.set(secrets)

    def set(self, secrets: Iterable[str]) -> None:
        forms = {form for s in secrets if s for form in url_forms(s)}
        # Longest first, so a secret containing another is removed whole.
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(REDACTED, text)

    def scrub(self, record: logging.LogRecord) -> None:
        """Render the message and the traceback now, without secrets; extras too."""
        if self._pattern is None:
            return
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.redact(value))

    def filter(self, record: logging.LogRecord) -> bool:
        self.scrub(record)
        return True


_REDACTOR = Redactor()
_BASE_FACTORY = logging.getLogRecordFactory()


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _BASE_FACTORY(*args, **kwargs)
    _REDACTOR.scrub(record)
    return record


def install_redaction(secrets: Iterable[str]) -> Redactor:
    """Redact `secrets` from every log record of the process from now on (replaces the last set)."""
    _REDACTOR.set(secrets)
    logging.setLogRecordFactory(_redacting_factory)
    return _REDACTOR


def uninstall_redaction() -> None:
    _REDACTOR.set(())
    logging.setLogRecordFactory(_BASE_FACTORY)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, event, message, key=value fields, extras."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": message.split(" ", 1)[0] if _KEY_VALUE.search(message) else None,
            "message": message,
        }
        for key, value in _KEY_VALUE.findall(message):
            entry.setdefault(key, value)
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and k not in entry})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if entry["event"] is None:
            del entry["event"]
        return json.dumps(entry, ensure_ascii=False, default=str)


class HumanFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(HUMAN_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z")


def configure_logging(
    fmt: LogFormat, level: str, secrets: Iterable[str], *, stream: TextIO | None = None
) -> logging.Handler:
    """Route every log record to one stream handler on the root logger, redacted."""
    redactor = install_redaction(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else HumanFormatter())
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
    return handler
