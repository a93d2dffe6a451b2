"""Posts whose send timed out: the platform may or may not have posted them. Resolve, don't drop.

After a timeout waiting for the platform's answer (`Unavailable(maybe_sent=True)`), the delivery
waits `settle` seconds (the platform may still be carrying the request out), then asks the
adapter whether the post arrived (`Adapter.arrived`):

- found (Slack: a message in the history carrying the post's key in its metadata): the post
  counts as sent, with the message ids found;
- not there: it is sent again (a post the platform says is missing is never given up in doubt;
  the delivery's own bound on attempts still applies);
- cannot tell (Telegram, whose Bot API cannot read a chat back; Slack when the history is out
  of reach): it is sent again, at most `max_resends` times per post. A reader who got nothing
  then gets the reminder, and a reader who got it may get it twice: the rarer, lesser harm.

Once the budget is spent, a post still in doubt is recorded as uncertain and not sent again.
Every resolution is counted (`observers`, for /metrics): `arrived`, `resent`, `unknown` (given
up in doubt). A chat found gone while asking is reported as DestinationGone, as a send would be.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Literal

from bot.platforms.base import Adapter, Sent
from handlers.context import ChatRef

log = logging.getLogger("briefing.delivery")

Resolution = Literal["arrived", "resent", "unknown"]
DoubtObserver = Callable[[str, Resolution], None]  # (platform, resolution)


def trace_key(subscription_id: int, post_key: str) -> str:
    """What a platform attaches to a scheduled post to find it again: unique per ledger row."""
    return f"{subscription_id}:{post_key}"


class Doubts:
    def __init__(self, *, max_resends: int, settle: float, observers: Iterable[DoubtObserver] = ()) -> None:
        self.max_resends = max_resends
        self.settle = settle
        self.observers = list(observers)

    async def resolve(self, adapter: Adapter, chat: ChatRef, key: str, since: dt.datetime,
                      resent: int) -> Sent | Resolution:
        """The post as found (arrived), "resent" (send it again now) or "unknown" (give up in doubt).

        `resent`: how many times this post was already sent again after a timeout; it bounds only
        the resends in doubt (`max_resends`).
        """
        await asyncio.sleep(self.settle)
        found = await adapter.arrived(chat, key, since)
        verdict: Sent | Resolution
        if isinstance(found, Sent):
            verdict = found
        else:
            verdict = "resent" if found is False or resent < self.max_resends else "unknown"
        resolution: Resolution = "arrived" if isinstance(verdict, Sent) else verdict
        log.info("delivery platform=%s chat=%s post=%s timed out: %s (%s)", chat.platform, chat.key, key,
                 resolution, "found" if found else "not found" if found is False else "cannot tell")
        for observe in self.observers:
            observe(chat.platform, resolution)
        return verdict
