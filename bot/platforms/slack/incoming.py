"""What readers send, as Slack delivers it: message markup back to plain text, channels to ChatRefs."""

from __future__ import annotations

import re
from typing import Any

from handlers.context import ChatKind, ChatRef

PLATFORM = "slack"
# Slack's markup in message text: <@U123>, <@U123|name>, <#C123|general>, <!here>, <https://x|label>.
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_PRIVATE_PREFIXES = ("D", "U", "W")  # a DM channel, or a user id standing for the app's DM with them


def _label(match: re.Match[str]) -> str:
    target, label = match[1], match[2]
    sigil = target[:1] if target[:1] in "@#" else ""
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S123|@team>
        return label or "@" + target[1:].split("^")[0]
    if label:
        return label if label.startswith(sigil) else sigil + label
    return target


def unescape(text: str) -> str:
    """Slack sends `&`, `<` and `>` typed by a reader as entities; these three only."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def reader_text(text: str, bot_user_id: str | None = None) -> str:
    """What the reader typed: the mention of this bot dropped, other markup as its label."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^<>]*)?>", " ", text)
    return " ".join(unescape(_MARKUP.sub(_label, text)).split())


def chat_ref(channel_id: str, thread_ts: str | None = None) -> ChatRef:
    """The chat a Slack conversation is: "private" for DMs, "channel" for anything else."""
    kind: ChatKind = "private" if channel_id.startswith(_PRIVATE_PREFIXES) else "channel"
    return ChatRef(PLATFORM, channel_id, thread_ts or None, kind)


def delivery_key(body: dict[str, Any]) -> str | None:
    """The id every copy of a request shares (Slack's retries, a replayed request): an event's
    `event_id`, a command's or an interaction's `trigger_id`."""
    if body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"slack:trigger:{body['trigger_id']}"
    return None
