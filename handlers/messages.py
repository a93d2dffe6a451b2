"""User-facing wording that more than one place uses, kept together so it stays consistent."""

from __future__ import annotations

from handlers.i18n import N_

APOLOGY_TITLE = "Sorry, something went wrong"
APOLOGY_TEXT = "That answer failed on our side. It has been logged; please try again in a moment."

NOT_UNDERSTOOD_TITLE = "I answer questions about this briefing"
NOT_UNDERSTOOD_TEXT = "Try /summary or one of these: {examples}. /help lists every command."

UNKNOWN_COMMAND_TITLE = "Unknown command"
UNKNOWN_COMMAND_TEXT = "There is no {command} here. {hint}Send /help for the list of commands."

NOT_IN_BRIEFING_TITLE = "Not in this briefing"
NOT_IN_BRIEFING_TEXT = "“{name}” is not named in this briefing."

AMBIGUOUS_TITLE = "More than one match"
AMBIGUOUS_TEXT = "“{name}” could mean any of these; pick one."

SUBSCRIPTIONS_UNAVAILABLE = (
    "Subscriptions need the bot's database, which this one-off question does not open. "
    "Run the bot (briefing-bot run or briefing-bot console) to subscribe."
)

BUSY_TITLE = N_("Busy right now")
BUSY_TEXT = N_("Too many questions are arriving at once. Please ask again in a moment.")

SETTINGS_UNAVAILABLE_TITLE = N_("Settings are unavailable for a moment")
SETTINGS_UNAVAILABLE_TEXT = N_(
    "This chat's settings cannot be read or changed right now. Questions about the briefing still "
    "work; please try this command again in a minute."
)
