"""What every platform adapter offers the rest of the process, and how a start or a send can fail.

The scheduler and the runtime speak only this interface; `bot/platforms/telegram/` and
`bot/platforms/slack/` translate their SDK's errors into the exceptions below, so the runtime
can decide whether to retry a start, and the delivery code what to do with a post (wait, move
the subscription, deactivate it, give up), without knowing the platform.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from handlers.context import ChatRef
from handlers.reply import Reply

if TYPE_CHECKING:
    from aiohttp import web


class StartRefused(Exception):
    """An adapter cannot start as configured; the message names the setting and holds no secret.

    `refused` is True when only a change of settings can help (the platform refused a token or
    secret), False when a later attempt may succeed (the platform could not be reached).
    """

    def __init__(self, message: str, *, refused: bool = True) -> None:
        super().__init__(message)
        self.refused = refused


class DeliveryError(Exception):
    """A message could not be delivered; `reason` is short, logged and stored (no secrets)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """The platform asked us to slow down (HTTP 429): try again after `retry_after` seconds."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Unavailable(DeliveryError):
    """The platform did not answer or failed (timeout, 5xx) after the adapter's own retries.

    `maybe_sent`: the request may have reached the platform (it timed out waiting for the
    answer), so the message may be in the chat already. Sending it again could post it twice.
    """

    def __init__(self, reason: str, *, maybe_sent: bool = False) -> None:
        super().__init__(reason)
        self.maybe_sent = maybe_sent


class DestinationGone(DeliveryError):
    """The chat will not take messages any more (bot blocked or removed, channel archived)."""


class DestinationMoved(DeliveryError):
    """The chat lives on under another id (a Telegram group upgraded to a supergroup)."""

    def __init__(self, reason: str, new_chat_id: str) -> None:
        super().__init__(reason)
        self.new_chat_id = new_chat_id


class Rejected(DeliveryError):
    """The platform refused this message as malformed; sending it again will not help."""


@dataclass(frozen=True, slots=True)
class Sent:
    chat: ChatRef
    message_ids: tuple[str, ...]


class ChatEvents(Protocol):
    """What an adapter reports about chats while answering readers (not only when pushing posts)."""

    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        """The chat will not take messages any more: stop posting there."""
        ...

    async def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        """The chat continues under `new_chat_id`: move its subscriptions and settings."""
        ...


class Adapter(Protocol):
    """One platform, as the runtime and the scheduler use it."""

    platform: str

    @property
    def ready(self) -> bool:
        """Connected and able to send."""
        ...

    async def start(self) -> None:
        """Connect and start answering readers; a second call does nothing.

        Raises StartRefused with `refused` when no later attempt can help (the runtime then
        stops); any other failure counts as the platform being out of reach, and the runtime
        tries again later.
        """
        ...

    async def stop(self) -> None:
        """Finish the answers under way (bounded) and disconnect; safe after a failed start."""
        ...

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> Sent:
        """Post `reply` to `chat` (split as the platform needs); raise a DeliveryError on failure.

        `key` names a scheduled post (unique per subscription and post): a platform that can
        attach it to the message (Slack's message metadata) does, so that `arrived` finds it.
        """
        ...

    async def arrived(self, chat: ChatRef, key: str, since: dt.datetime) -> Sent | Literal[False] | None:
        """After a send of post `key` timed out: did it reach `chat` (sent at or after `since`)?

        The message(s) found as Sent; False when the platform says it is not there (sending it
        again is safe); None when the platform cannot tell (Telegram has no way to ask; Slack
        when the history is out of reach). DestinationGone when the chat turns out gone.
        """
        ...

    def http_routes(self) -> list[web.RouteDef]:
        """The routes it serves on the process's HTTP server (webhooks); often none."""
        ...
