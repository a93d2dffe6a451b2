"""The briefing on Telegram: the adapter (python-telegram-bot 22) and its HTML renderer."""

from bot.platforms.telegram.adapter import TelegramAdapter
from bot.platforms.telegram.render import Rendered, render

__all__ = ["Rendered", "TelegramAdapter", "render"]
