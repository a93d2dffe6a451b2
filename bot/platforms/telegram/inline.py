"""Inline mode: `@bot lavrov` in any chat offers the matching cards, ready to post.

The query goes through the same router as a typed question, and the cards its words name
(found by the handlers' matching) are offered beside it. Results are answered directly from
the handlers, not through BriefingService.answer, so a reader typing "@bot lav…" letter by
letter is not counted as a dozen commands.
"""

from __future__ import annotations

import hashlib
import logging

from telegram import InlineQueryResultArticle, InputTextMessageContent

from bot.platforms.service import BriefingService
from bot.platforms.telegram.render import render
from handlers.briefing import command_for
from handlers.context import ChatRef
from handlers.matching import index
from handlers.reply import Reply, clip
from handlers.router import dispatch, parse

log = logging.getLogger("briefing.telegram")

RESULTS_MAX = 10
CACHE_SECONDS = 30  # countdowns change; keep Telegram's cache short
_EMPTY_QUERY = ("summary", "when", "who", "timeline")
_DESCRIPTION = 100


def commands_for(service: BriefingService, text: str) -> list[str]:
    """What to answer for an inline query: the text itself, then each card it names."""
    words = " ".join(text.split())
    if not words:
        return list(_EMPTY_QUERY)
    found = index(service.briefing.deck).lookup(words)
    cards = (found.card,) if found.card is not None else found.candidates
    return list(dict.fromkeys([words, *(command_for(card) for card in cards)]))


async def replies(service: BriefingService, text: str, chat: ChatRef) -> list[tuple[str, Reply]]:
    """(command, card) pairs for the query: cards only, each once, best first."""
    ctx = service.context(chat, await service.zone_for(chat), None)
    found: list[tuple[str, Reply]] = []
    for command in commands_for(service, text):
        query = parse(service.briefing, command)
        if query is None or not query.command:
            continue
        try:
            reply = await dispatch(service.briefing, query, ctx)
        except Exception:
            log.exception("inline answer failed for command=%s", query.command)
            continue
        if reply.tone == "card" and all(reply.title != r.title for _, r in found):
            found.append((command, reply))
    return found[:RESULTS_MAX]


def _description(reply: Reply) -> str:
    for section in reply.sections:
        text = section.text or next(iter(section.bullets), "") or (
            section.fields[0].value if section.fields else "")
        if text:
            return clip(" ".join(text.split()), _DESCRIPTION)
    return ""


def article(command: str, reply: Reply) -> InlineQueryResultArticle:
    rendered = render(reply)
    return InlineQueryResultArticle(
        id=hashlib.sha256(command.encode()).hexdigest()[:32],
        title=clip(reply.title, _DESCRIPTION),
        description=_description(reply),
        input_message_content=InputTextMessageContent(rendered.pages[0]),
        reply_markup=rendered.keyboard,
    )


async def results(service: BriefingService, text: str, chat: ChatRef) -> list[InlineQueryResultArticle]:
    return [article(command, reply) for command, reply in await replies(service, text, chat)]
