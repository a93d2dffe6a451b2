"""The App Home tab: the summary with its countdown, this workspace's subscriptions, the usage line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import DividerBlock, HeaderBlock, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.platforms.slack.blocks import Piece, escape, fit, join_lines, mrkdwn, pieces, usage_pieces
from handlers.context import SubscriptionSummary
from handlers.i18n import N_, _
from handlers.reply import Reply

MAX_VIEW_BLOCKS = 100
SUBSCRIPTIONS_TITLE = N_("Subscriptions in this workspace")
NO_SUBSCRIPTIONS = N_("No channel here has subscribed yet.")
SUBSCRIPTIONS_UNAVAILABLE = N_("Subscriptions are not available: this bot runs without its database.")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")  # ids only: a mention built from anything else is inert


def where(sub: SubscriptionSummary) -> str:
    """Where a subscription posts, as mrkdwn: a channel link, or words for a DM."""
    chat = sub.chat
    place = f"<#{chat.chat_id}>" if _CHANNEL_ID.match(chat.chat_id) else (
        _("A direct message") if chat.kind == "private" else escape(chat.chat_id))
    return _("{place} (in a thread)").format(place=place) if chat.thread_id else place


def subscription_blocks(subs: Sequence[SubscriptionSummary] | None, room: int) -> list[Piece]:
    """The subscriptions part of the tab, in at most `room` blocks (a header, the list, "…")."""
    header = Piece(HeaderBlock(text=PlainTextObject(text=_(SUBSCRIPTIONS_TITLE), emoji=False)), 0, "")
    if subs is None or not subs:
        text = _(SUBSCRIPTIONS_UNAVAILABLE if subs is None else NO_SUBSCRIPTIONS)
        return [header, Piece(SectionBlock(text=mrkdwn(escape(text))), len(text), text)]
    lines = [f"• {where(s)} — {fit(s.description, 1000)} ({_('active') if s.active else _('stopped')})"
             for s in subs]
    texts = join_lines(lines)
    shown = texts[: max(room - 2, 1)]
    body = [Piece(SectionBlock(text=mrkdwn(t)), len(t), "") for t in shown]
    if len(shown) < len(texts):
        body.append(Piece(SectionBlock(text=mrkdwn("…")), 1, ""))
    return [header, *body]


def home_view(summary: Reply, subs: Sequence[SubscriptionSummary] | None, hint: str) -> dict[str, Any]:
    """The Home tab's view for views.publish; `subs` None when there is no chat service."""
    card = [p for group in pieces(summary) for p in group]
    usage = usage_pieces(hint, 1990)
    room = MAX_VIEW_BLOCKS - len(usage) - 1
    card = card[: room // 2]
    subscriptions = subscription_blocks(subs, room - len(card))
    blocks = [*card, Piece(DividerBlock(), 0, ""), *subscriptions, *usage]
    return View(type="home", blocks=[p.block for p in blocks]).to_dict()
