"""The briefing on Telegram: the adapter (python-telegram-bot 22) and its HTML renderer."""

from bot.telegram.adapter import TelegramAdapter
from bot.telegram.render import Rendered, render

__all__ = ["Rendered", "TelegramAdapter", "render"]
