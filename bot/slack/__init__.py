"""Slack: the briefing as a Slack app (bolt AsyncApp), in Socket Mode or behind `/slack/events`."""

from bot.slack.adapter import EVENTS_PATH, SlackAdapter, SlackStartError
from bot.slack.blocks import SlackMessage, escape, render

__all__ = ["EVENTS_PATH", "SlackAdapter", "SlackMessage", "SlackStartError", "escape", "render"]
