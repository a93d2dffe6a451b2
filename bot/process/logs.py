"""Logging for the running process: one line per event, JSON or human, and never a secret.

The secrets are masked by bot.redaction, on every record the process creates (it wraps the log
record factory) and, as a filter on our handler, in `extra=` fields, which are added later.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from bot.process.config import LogFormat
from bot.redaction import extras, install_redaction

HUMAN_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Chatty at INFO: one line per HTTP request or job run. Shown again with LOG_LEVEL=DEBUG.
_QUIET = ("httpx", "httpcore", "apscheduler", "aiosqlite", "hpack", "websockets", "slack_sdk.socket_mode")
_KEY_VALUE = re.compile(r"(\w+)=(\S+)")


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
        entry.update({k: v for k, v in extras(record).items() if k not in entry})
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
