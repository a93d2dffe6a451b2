"""A ChatEvents (bot.platforms.base) that records what an adapter reported, for any platform's tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.context import ChatRef


@dataclass
class RecordedEvents:
    """Remembers every chat_gone and chat_moved, in order."""

    gone: list[tuple[ChatRef, str]] = field(default_factory=list)
    moved: list[tuple[ChatRef, str]] = field(default_factory=list)

    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        self.gone.append((chat, reason))

    async def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        self.moved.append((chat, new_chat_id))
