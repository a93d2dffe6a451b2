"""Inline mode: `@bot lavrov` in any chat offers the matching cards, ready to post.

The cards come from BriefingService.cards: the query as a typed question, and the cards its
words name, without counting each keystroke as a command.
"""

from __future__ import annotations

import hashlib

from telegram import InlineQueryResultArticle, InputTextMessageContent

from bot.platforms.service import BriefingService
from bot.platforms.telegram.render import render
from handlers.context import ChatRef
from handlers.reply import Reply, clip

RESULTS_MAX = 10
CACHE_SECONDS = 30  # countdowns change; keep Telegram's cache short
_DESCRIPTION = 100


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


async def results(service: BriefingService, text: str, chat: ChatRef, reader_language: str | None = None
                  ) -> list[InlineQueryResultArticle]:
    cards = await service.cards(text, chat, reader_language)
    return [article(command, reply) for command, reply in cards[:RESULTS_MAX]]
