"""User-facing wording that more than one place uses, kept together so it stays consistent."""

from __future__ import annotations

from handlers.i18n import N_

APOLOGY_TITLE = N_("Sorry, something went wrong")
APOLOGY_TEXT = N_("That answer failed on our side. It has been logged; please try again in a moment.")

NOT_UNDERSTOOD_TITLE = N_("I answer questions about this briefing")
NOT_UNDERSTOOD_TEXT = N_("Try /summary or one of these: {examples}. /help lists every command.")

UNKNOWN_COMMAND_TITLE = N_("Unknown command")
UNKNOWN_COMMAND_TEXT = N_("There is no {command} here. {hint}Send /help for the list of commands.")

NOT_IN_BRIEFING_TITLE = N_("Not in this briefing")
NOT_IN_BRIEFING_TEXT = N_("“{name}” is not named in this briefing.")

AMBIGUOUS_TITLE = N_("More than one match")
AMBIGUOUS_TEXT = N_("“{name}” could mean any of these; pick one.")

SUBSCRIPTIONS_UNAVAILABLE = N_(
    "Subscriptions need the bot's database, which this one-off question does not open. "
    "Run the bot (briefing-bot run or briefing-bot console) to subscribe."
)

IN_ARTICLE_TEXT = N_("The article mentions “{name}”, but not as one of these.")

STORY_UNAVAILABLE = N_(
    "Choosing a story needs the bot's database, which this one-off question does not open. "
    "Run the bot (briefing-bot run or briefing-bot console) to choose one."
)
STORY_NOT_ALLOWED = N_("Only this chat's administrators can choose the story it follows.")
BUSY_TITLE = N_("Busy right now")
BUSY_TEXT = N_("Too many questions are arriving at once. Please ask again in a moment.")

SETTINGS_UNAVAILABLE_TITLE = N_("Settings are unavailable for a moment")
SETTINGS_UNAVAILABLE_TEXT = N_(
    "This chat's settings cannot be read or changed right now. Questions about the briefing still "
    "work; please try this command again in a minute."
)
