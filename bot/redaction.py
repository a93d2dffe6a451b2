"""Keep secrets out of every log line, whoever logs them.

httpx logs each request's full URL at INFO, and Telegram's URLs carry the bot token
(`https://api.telegram.org/bot<token>/getUpdates`). A filter on one logger would miss the
records of its children and of libraries, so the redaction wraps the log record factory: every
record created anywhere in the process has its message, traceback and stack scrubbed before any
handler (ours, pytest's or a library's) sees it. It works without any other logging set-up.

Two kinds of secret are masked, by one process-wide Redactor: the process's configured secrets
(`install_redaction`, from the settings, replaced as a set) and secrets an adapter protects
itself (`protect`, such as the token it was given; kept for the life of the process). Fields
passed with `extra=` are added to a record after the factory ran: the process's handler also
uses the Redactor as a filter for those.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

REDACTED = "[redacted]"
_MIN_PROTECTED = 8  # what an adapter protects is masked only if longer: shorter would mask words
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def extras(record: logging.LogRecord) -> dict[str, object]:
    """The fields a record was given with `extra=`: those every record has left out."""
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


def url_forms(secret: str) -> set[str]:
    """A secret as it may appear in text: as is, and percent-encoded inside a URL."""
    return {secret, quote(secret, safe=""), quote(secret)}


class Redactor(logging.Filter):
    """Masks a set of secrets in text and in log records."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._pattern: re.Pattern[str] | None = None
        self.set(secrets)

    def set(self, secrets: Iterable[str]) -> None:
        forms = {form for s in secrets if s for form in url_forms(s)}
        # Longest first, so a secret containing another is masked whole. One new pattern, swapped
        # in at once: other threads may be using the old one.
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        """`text` with every secret replaced by the mask."""
        return text if self._pattern is None else self._pattern.sub(REDACTED, text)

    def _holds_secret(self, text: str) -> bool:
        return self._pattern is not None and self._pattern.search(text) is not None

    def scrub(self, record: logging.LogRecord) -> None:
        """Mask secrets in the record's message, traceback, stack and extra fields (in place)."""
        if self._pattern is None:
            return
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # malformed arguments: logging reports those itself
            message = None
        if message is not None and self._holds_secret(message):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if self._holds_secret(text):
                record.exc_text = text  # formatters use exc_text when it is set
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in extras(record).items():
            if isinstance(value, str):
                setattr(record, key, self.redact(value))

    def filter(self, record: logging.LogRecord) -> bool:
        self.scrub(record)
        return True


class _Secrets:
    """The process's one redaction: configured secrets and protected ones, in one Redactor."""

    def __init__(self) -> None:
        self.redactor = Redactor()
        self.configured: frozenset[str] = frozenset()
        self.protected: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self._installed = False

    def update(self, *, configured: Iterable[str] | None = None, protected: str | None = None) -> None:
        with self._lock:
            if configured is not None:
                self.configured = frozenset(configured)
            if protected is not None:
                self.protected = self.protected | {protected}
            self.redactor.set(self.configured | self.protected)
            if not self._installed:
                self._install()

    def _install(self) -> None:
        previous = logging.getLogRecordFactory()
        redactor = self.redactor

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            redactor.scrub(record)
            return record

        logging.setLogRecordFactory(factory)
        self._installed = True


_SECRETS = _Secrets()


def redact(text: str) -> str:
    """`text` with every secret of the process (configured or protected) masked."""
    return _SECRETS.redactor.redact(text)


def protect(secret: str | None) -> None:
    """Mask `secret` in every log record from now on (an adapter's token, its webhook secret)."""
    if secret and len(secret) >= _MIN_PROTECTED:
        _SECRETS.update(protected=secret)


def install_redaction(secrets: Iterable[str]) -> Redactor:
    """Mask the process's configured `secrets` in every log record (replaces the last set).

    Returns the Redactor, for use as a handler filter (it masks `extra=` fields too).
    """
    _SECRETS.update(configured=secrets)
    return _SECRETS.redactor


def uninstall_redaction() -> None:
    """Forget the configured secrets; those adapters protected stay masked."""
    _SECRETS.update(configured=())
