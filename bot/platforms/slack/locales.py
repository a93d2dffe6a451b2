"""Each Slack reader's language: the locale users.info gives (with `include_locale`), kept a while.

Slack sends no language with a message or a command, as Telegram does: the reader's locale
("uk-UA", the workspace's unless they chose another) is asked once per reader with
`users.info` (the `users:read` scope) and kept for `ttl` seconds. A failed lookup (a missing
scope, a deleted user, Slack down) answers None, so the reader gets the bot's default language
rather than waiting; it is tried again after `retry` seconds, and logged once a minute at most.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack import errors
from bot.quiet import Quiet

log = logging.getLogger("briefing.slack")

TTL = 3600.0  # seconds a reader's locale is kept: they rarely change it
RETRY = 60.0  # seconds before a failed lookup is tried again
LOOKUP_TIMEOUT = 2.0  # an answer never waits longer than this for a locale
KEPT = 10_000  # readers remembered


class Locales:
    def __init__(self, client: AsyncWebClient, *, ttl: float = TTL, retry: float = RETRY,
                 timeout: float = LOOKUP_TIMEOUT, kept: int = KEPT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl, self.retry, self.timeout, self.kept = ttl, retry, timeout, kept
        self.clock = clock
        self._known: OrderedDict[str, tuple[str | None, float]] = OrderedDict()
        self._failures = Quiet(log)

    async def of(self, user: str | None) -> str | None:
        """The reader's locale ("uk-UA"), or None when Slack does not tell it."""
        if not user:
            return None
        known = self._known.get(user)
        if known is not None and known[1] > self.clock():
            return known[0]
        locale = await self._ask(user)
        self._remember(user, locale, self.ttl if locale else self.retry)
        return locale

    async def _ask(self, user: str) -> str | None:
        try:
            async with asyncio.timeout(self.timeout):
                found = await self.client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:
            self._failures.warning("slack users.info refused (%s): readers get the default language",
                                   errors.error_code(exc))
            return None
        except errors.NETWORK_ERRORS as exc:
            self._failures.warning("slack users.info failed (%s): readers get the default language",
                                   type(exc).__name__)
            return None
        locale = (found.get("user") or {}).get("locale")
        return locale if isinstance(locale, str) and locale else None

    def _remember(self, user: str, locale: str | None, seconds: float) -> None:
        self._known[user] = (locale, self.clock() + seconds)
        self._known.move_to_end(user)
        while len(self._known) > self.kept:
            self._known.popitem(last=False)
