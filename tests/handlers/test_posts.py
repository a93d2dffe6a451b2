"""The wording of scheduled posts goes through the reader's catalogue, like every answer."""

from __future__ import annotations

import datetime as dt
import gettext

from content.loader import Briefing
from handlers import posts
from handlers.i18n import speaking

MAY_31 = dt.datetime.fromisoformat("2025-05-31T09:00+03:00")


class Catalogue(gettext.NullTranslations):
    """A made-up catalogue with a few German messages; the others stay as written."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)


GERMAN = Catalogue({
    "Reminder: {event}": "Erinnerung: {event}",
    "When": "Wann",
    "Daily briefing: {story}": "Tägliches Briefing: {story}",
    "Stop daily posts": "Keine täglichen Beiträge mehr",
    "{label} reminder: {event}": "Erinnerung {label}: {event}",
})


def test_a_reminder_is_worded_in_the_reader_s_language(briefing: Briefing) -> None:
    talks = briefing.deck.main
    with speaking(GERMAN):
        reply = posts.reminder(briefing, talks, MAY_31, None)
        listed = posts.reminder_name("D-2", talks)
    assert reply.title == f"Erinnerung: {talks.title}"
    assert reply.actions[0].label == "Wann" and reply.actions[0].command == "when"
    assert listed == f"Erinnerung D-2: {talks.title}"
    assert posts.reminder(briefing, talks, MAY_31, None).title == f"Reminder: {talks.title}"


def test_the_daily_post_is_worded_in_the_reader_s_language(briefing: Briefing) -> None:
    with speaking(GERMAN):
        reply = posts.daily(briefing, briefing.deck.main, MAY_31, None)
    assert reply.title == f"Tägliches Briefing: {briefing.deck.title}"
    assert ("Keine täglichen Beiträge mehr", "daily off") in [(a.label, a.command) for a in reply.actions]
    assert reply.sections[0].text.startswith("2 days to go: ")
