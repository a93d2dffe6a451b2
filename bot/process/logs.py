"""Logging for the running process: one line per event, JSON or human, and never a secret.

The secrets are masked by bot.redaction, on every record the process creates (it wraps the log
record factory) and, as a filter on our handler, in `extra=` fields, which are added later.

Every line is capped: a message, a field or a traceback that a stranger can make long (a request
body quoted in an error, say) must not fill the disk. What is cut is said in the line itself.
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
MESSAGE_MAX = 2_000  # characters of a message kept (its start: the event and its fields)
FIELD_MAX = 500  # characters of one key=value field or `extra=` string
TRACE_MAX = 12_000  # characters of a traceback kept (mostly its end, where the error is named)
LINE_MAX = MESSAGE_MAX + TRACE_MAX + 2_000  # a human line, message and traceback together


def clip(text: str, limit: int, *, head: int | None = None) -> str:
    """`text` cut to about `limit` characters: its first `head` (default: all the limit) and its end."""
    if len(text) <= limit:
        return text
    first = limit if head is None else min(head, limit)
    last = limit - first
    return f"{text[:first]}… [{len(text) - limit} characters cut] …{text[len(text) - last:] if last else ''}"


def _clip_value(value: object) -> object:
    return clip(value, FIELD_MAX) if isinstance(value, str) else value


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, event, message, key=value fields, extras."""

    def format(self, record: logging.LogRecord) -> str:
        message = clip(record.getMessage(), MESSAGE_MAX)
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": message.split(" ", 1)[0] if _KEY_VALUE.search(message) else None,
            "message": message,
        }
        for key, value in _KEY_VALUE.findall(message):
            entry.setdefault(key, clip(value, FIELD_MAX))
        entry.update({k: _clip_value(v) for k, v in extras(record).items() if k not in entry})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = clip(record.exc_text, TRACE_MAX, head=FIELD_MAX)
        if entry["event"] is None:
            del entry["event"]
        return json.dumps(entry, ensure_ascii=False, default=str)


class HumanFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(HUMAN_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z")

    def format(self, record: logging.LogRecord) -> str:
        return clip(super().format(record), LINE_MAX, head=MESSAGE_MAX)


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
