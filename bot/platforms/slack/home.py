"""The App Home tab: the summary with its countdown, the stories (a button each to follow one),
this workspace's subscriptions, the usage line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, DividerBlock, HeaderBlock, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.platforms.slack.blocks import (
    FOLLOWUP_ACTION,
    Piece,
    button,
    escape,
    fit,
    join_lines,
    mrkdwn,
    pieces,
    usage_pieces,
)
from handlers.context import SubscriptionSummary
from handlers.i18n import N_, _
from handlers.reply import Reply
from handlers.stories import Entry

MAX_VIEW_BLOCKS = 100
BUTTONS_PER_BLOCK = 25  # Slack's limit of elements in one actions block
STORIES_TITLE = N_("Stories")
YOURS = N_("(the one you follow)")
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


def story_blocks(stories: Sequence[Entry], room: int) -> list[Piece]:
    """The stories, newest first, and a button to follow each other one, in at most `room` blocks."""
    if len(stories) < 2 or room < 4:
        return []
    header = Piece(HeaderBlock(text=PlainTextObject(text=_(STORIES_TITLE), emoji=False)), 0, "")
    lines = [f"*{fit(e.title, 300)}*{' ' + _(YOURS) if e.current else ''} — {fit(e.line, 600)}"
             for e in stories]
    texts = join_lines(lines)
    others = [e for e in stories if not e.current]
    rows = [others[i:i + BUTTONS_PER_BLOCK] for i in range(0, len(others), BUTTONS_PER_BLOCK)]
    shown = texts[: max(room - 1 - len(rows), 1)]
    body = [Piece(SectionBlock(text=mrkdwn(t)), len(t), "") for t in shown]
    buttons = [Piece(ActionsBlock(block_id=f"stories_{n}", elements=[
        button(e.title, f"{FOLLOWUP_ACTION}_story_{n}_{i}", f"story {e.id}") for i, e in enumerate(row)]),
        0, "") for n, row in enumerate(rows)]
    return [header, *body, *buttons][:room]


def home_view(summary: Reply, subs: Sequence[SubscriptionSummary] | None, hint: str,
              stories: Sequence[Entry] = ()) -> dict[str, Any]:
    """The Home tab's view for views.publish, in the summary's language; `subs` None when there is
    no chat service."""
    with summary.in_its_language():
        return _home_view(summary, subs, hint, stories)


def _home_view(summary: Reply, subs: Sequence[SubscriptionSummary] | None, hint: str,
               stories: Sequence[Entry]) -> dict[str, Any]:
    card = [p for group in pieces(summary) for p in group]
    usage = usage_pieces(hint, 1990)
    room = MAX_VIEW_BLOCKS - len(usage) - 2
    card = card[: room // 3]
    listed = story_blocks(stories, room // 3)
    subscriptions = subscription_blocks(subs, room - len(card) - len(listed))
    between = [Piece(DividerBlock(), 0, "")] if listed else []
    blocks = [*card, *between, *listed, Piece(DividerBlock(), 0, ""), *subscriptions, *usage]
    return View(type="home", blocks=[p.block for p in blocks]).to_dict()
