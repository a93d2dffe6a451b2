"""Calls to the Bot API that post or change messages, with ptb's errors turned into ours.

ptb raises by HTTP status and response parameters; the rest of the process speaks the
DeliveryError family of bot.platforms.base. Network errors are retried here with a short, bounded
backoff, except where a new message may already have been posted (a timeout waiting for
Telegram's answer to sendMessage): that one is not retried here but reported as `maybe_sent`, for
the delivery to resolve (bot/scheduling/doubts.py). 429s are waited
out by ptb's AIORateLimiter before they reach us; everything else is final and mapped at once.
BadRequest and TimedOut subclass NetworkError, so the specific classes are caught first.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx
from telegram import InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.platforms.base import (
    DeliveryError,
    DestinationGone,
    DestinationMoved,
    Rejected,
    RetryLater,
    Unavailable,
)
from bot.platforms.telegram.render import Rendered
from bot.redaction import redact
from handlers.context import ChatRef
from handlers.reply import clip

log = logging.getLogger("briefing.telegram")

T = TypeVar("T")
RETRY_DELAYS = (0.5, 2.0)  # waits between attempts after a timeout or network error
_PAYLOAD_TEXT = 200  # how much of a rejected message the log shows
# Bad requests that mean the destination itself is no more, not that the message was wrong.
_GONE = ("chat not found", "thread not found", "not enough rights", "need administrator rights")
_NOT_MODIFIED = "message is not modified"
_CREATES = frozenset({"sendMessage"})  # calls that post something new each time they succeed
# httpx's errors that mean the request never reached Telegram: safe to send again.
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _maybe_posted(exc: TelegramError) -> bool:
    """Whether a failed request may still have been carried out: it left, and no answer came.

    ptb chains httpx's error as the cause. An answer with an error status (a 5xx) means
    Telegram did not post; a connection that never opened means the request never left.
    """
    cause = exc.__cause__
    return isinstance(cause, httpx.HTTPError) and not isinstance(cause, _UNSENT)


def retry_seconds(exc: RetryAfter) -> float:
    # The public `retry_after` warns about its coming type change; the timedelta is stable.
    return exc._retry_after.total_seconds()


def quiet_retry_after_deprecation() -> None:
    """Silence ptb's warning that `RetryAfter.retry_after` will become a timedelta.

    ptb reads that property itself, in RetryAfter's constructor, so every 429 warns from
    inside ptb whatever this code does; its only opt-out is the PTB_TIMEDELTA environment
    variable, and the process does not write its own environment. Only this one warning is
    silenced (category, module and attribute); this code reads the timedelta already.
    """
    warnings.filterwarnings("ignore", message=r".*`retry_after`", category=PTBDeprecationWarning,
                            module=r"telegram\.error\Z")


def _shown(payload: Mapping[str, object]) -> dict[str, object]:
    """The payload as a log line may show it: texts cut short, markup summarised, secrets masked."""
    shown: dict[str, object] = {}
    for key, value in payload.items():
        if value is None:
            continue
        if isinstance(value, str):
            shown[key] = redact(clip(value, _PAYLOAD_TEXT))
        elif isinstance(value, InlineKeyboardMarkup):
            shown[key] = [[b.callback_data for b in row] for row in value.inline_keyboard]
        else:
            shown[key] = value
    return shown


def mapped(method: str, payload: Mapping[str, object], exc: TelegramError) -> DeliveryError:
    """The DeliveryError for a final ptb error (no retry helps)."""
    reason = redact(f"{method}: {exc.message}")
    if isinstance(exc, RetryAfter):
        return RetryLater(reason, retry_seconds(exc))
    if isinstance(exc, Forbidden):
        return DestinationGone(reason)
    if isinstance(exc, ChatMigrated):
        return DestinationMoved(reason, str(exc.new_chat_id))
    if isinstance(exc, BadRequest) and _NOT_MODIFIED in exc.message.lower():
        return Rejected(reason)  # an edit to the same card: the caller treats it as done
    if isinstance(exc, BadRequest):
        log.warning("telegram rejected %s: %s payload=%s", method, exc.message, _shown(payload))
        if any(marker in exc.message.lower() for marker in _GONE):
            return DestinationGone(reason)
        return Rejected(reason)
    if isinstance(exc, InvalidToken):
        return Rejected(redact(f"{method}: Telegram rejected the bot token"))
    return Unavailable(reason)


class Outbox:
    """Posts and edits through one ptb bot."""

    def __init__(self, bot: ExtBot[Any], retry_delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        self.bot = bot
        self.retry_delays = retry_delays

    async def call(self, method: str, payload: Mapping[str, object], action: Callable[[], Awaitable[T]]) -> T:
        """Run one Bot API call; raise a DeliveryError when it cannot succeed."""
        for delay in (*self.retry_delays, None):
            try:
                return await action()
            except InvalidToken as exc:  # ptb's message quotes the token: do not chain it
                raise mapped(method, payload, exc) from None
            except (RetryAfter, Forbidden, ChatMigrated, BadRequest) as exc:
                raise mapped(method, payload, exc) from exc
            except (TimedOut, NetworkError) as exc:  # BadRequest, also a NetworkError, is caught above
                if method in _CREATES and _maybe_posted(exc):
                    # Telegram may have posted it and only its answer was lost: a retry here could
                    # post it twice; whether to send it again is the delivery's call.
                    raise Unavailable(redact(f"{method}: {exc.message} (may have been delivered)"),
                                      maybe_sent=True) from exc
                if delay is None:
                    raise Unavailable(redact(f"{method}: {exc.message} (gave up after retries)")) from exc
                log.warning("telegram %s failed (%s); retrying in %.1fs", method, redact(exc.message), delay)
                await asyncio.sleep(delay)
            except TelegramError as exc:
                raise mapped(method, payload, exc) from exc
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def post(self, chat: ChatRef, rendered: Rendered) -> list[Message]:
        """Every page of `rendered` to `chat` (its topic, if any); the keyboard on the last."""
        sent: list[Message] = []
        for number, page in enumerate(rendered.pages, 1):
            payload: dict[str, Any] = {
                "chat_id": target(chat.chat_id),
                "text": page,
                "message_thread_id": int(chat.thread_id) if chat.thread_id else None,
                "reply_markup": rendered.keyboard if number == len(rendered.pages) else None,
            }
            if not rendered.html:
                payload["parse_mode"] = None
            sent.append(await self._send(payload))
        return sent

    async def _send(self, payload: dict[str, Any]) -> Message:
        async def send() -> Message:
            return await self.bot.send_message(**payload)

        return await self.call("sendMessage", payload, send)

    async def edit(self, rendered: Rendered, *, chat_id: int | None = None, message_id: int | None = None,
                   inline_message_id: str | None = None) -> None:
        """Replace a message with the first page; an unchanged message counts as done."""
        payload: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id,
                                   "inline_message_id": inline_message_id, "text": rendered.pages[0],
                                   "reply_markup": rendered.keyboard}
        if not rendered.html:
            payload["parse_mode"] = None

        async def edit() -> object:
            return await self.bot.edit_message_text(**payload)

        try:
            await self.call("editMessageText", payload, edit)
        except Rejected as exc:
            if _NOT_MODIFIED not in exc.reason.lower():
                raise


def target(chat_id: str) -> int | str:
    """A chat id as the Bot API takes it: a number, or a channel's @username."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
