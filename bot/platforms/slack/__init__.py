"""Slack: the briefing as a Slack app (bolt AsyncApp), in Socket Mode or behind `/slack/events`."""

from bot.platforms.slack.adapter import EVENTS_PATH, SlackAdapter
from bot.platforms.slack.blocks import SlackMessage, escape, render

__all__ = ["EVENTS_PATH", "SlackAdapter", "SlackMessage", "escape", "render"]
