"""Did a post that timed out reach the channel? Slack can say: each scheduled post carries its key
in the message's metadata, and the channel's history (or the thread's replies) is searched for it.

`EVENT_TYPE` and the payload are ours: `{"post": key, "part": i, "parts": n}` on every message
of a post that Slack needed several messages for. The post arrived when every part is there; a
part missing means it did not (it is then sent again whole: its first parts twice, as the lesser
harm). What the bot cannot read (a public channel it posts to without being a member, a scope
not granted, Slack down) is "cannot tell".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.base import DestinationGone, Sent
from bot.platforms.slack import errors
from handlers.context import ChatRef

log = logging.getLogger("briefing.slack")

EVENT_TYPE = "briefing_post"
PAGE = 200  # messages per history page
MAX_PAGES = 5  # a channel busier than this since the send: the post is not looked for further
SKEW = dt.timedelta(minutes=2)  # our clock against Slack's: the history is read from this much earlier


def metadata(key: str, part: int, parts: int) -> dict[str, Any]:
    """The metadata of part `part` (from 1) of `parts` of the post `key`."""
    return {"event_type": EVENT_TYPE, "event_payload": {"post": key, "part": part, "parts": parts}}


def _part(message: dict[str, Any], key: str) -> tuple[int, int] | None:
    meta = message.get("metadata")
    if not isinstance(meta, dict) or meta.get("event_type") != EVENT_TYPE:
        return None
    payload = meta.get("event_payload")
    if not isinstance(payload, dict) or payload.get("post") != key:
        return None
    part, parts = payload.get("part"), payload.get("parts")
    return (part, parts) if isinstance(part, int) and isinstance(parts, int) else None


async def arrived(client: AsyncWebClient, chat: ChatRef, key: str, since: dt.datetime
                  ) -> Sent | Literal[False] | None:
    """The post `key` as found in `chat` since `since`, False if it is not there, None if unknown."""
    found: dict[int, str] = {}  # part -> ts
    parts = 0
    try:
        async for message in _messages(client, chat, since - SKEW):
            where = _part(message, key)
            if where is not None:
                found.setdefault(where[0], str(message.get("ts")))
                parts = where[1]
    except SlackApiError as exc:
        code = errors.error_code(exc)
        if code in ("channel_not_found", "is_archived", "account_inactive"):
            raise DestinationGone(code) from exc
        log.warning("slack cannot read the history chat=%s error=%s: whether the post arrived is unknown",
                    chat.key, code)
        return None
    except (*errors.NETWORK_ERRORS, _TooBusy) as exc:
        log.warning("slack history not read chat=%s (%s): whether the post arrived is unknown", chat.key,
                    type(exc).__name__)
        return None
    if parts and all(n in found for n in range(1, parts + 1)):
        return Sent(chat, tuple(found[n] for n in range(1, parts + 1)))
    return False


class _TooBusy(Exception):
    """More messages since the send than the bot reads back."""


async def _messages(client: AsyncWebClient, chat: ChatRef, oldest: dt.datetime) -> Any:
    """The messages of the channel (or of the thread) newer than `oldest`, newest first, page by page."""
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        args: dict[str, Any] = {"channel": chat.chat_id, "oldest": f"{oldest.timestamp():.6f}", "limit": PAGE,
                                "include_all_metadata": True, "cursor": cursor}
        if chat.thread_id:
            page = await client.conversations_replies(ts=chat.thread_id, **args)
        else:
            page = await client.conversations_history(**args)
        for message in page.get("messages") or []:
            yield message
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not page.get("has_more") or not cursor:
            return
    raise _TooBusy
