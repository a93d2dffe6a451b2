"""What the scheduled posts say: a countdown reminder, the daily briefing, and a correction.

A post is worded when it is sent, from the real remaining time, so a late one never says more
time is left than there is. The planner decides when each post is due; this is only its text.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from content.loader import Briefing
from content.model import EventCard
from handlers import eventtime
from handlers.briefing import actions, source
from handlers.i18n import _, local
from handlers.reply import Reply, Section


def reminder(b: Briefing, event: EventCard, now: dt.datetime, reader: ZoneInfo | None) -> Reply:
    """How far away `event` is at `now`, with the quote that dates it."""
    return Reply(
        _("Reminder: {event}").format(event=local(event.title)),
        (Section(eventtime.countdown_line(b.deck, event, now, reader, b.seed.as_of)),),
        actions((_("When"), "when"), (_("Summary"), "summary"), (_("Settings"), "settings")),
        source(b, event.when),
        topic=event.id,
    )


def daily(b: Briefing, event: EventCard, now: dt.datetime, reader: ZoneInfo | None) -> Reply:
    """The countdown to `event` and the story's summary."""
    card = b.deck.summary
    return Reply(
        _("Daily briefing: {story}").format(story=local(b.deck.title)),
        (Section(eventtime.countdown_line(b.deck, event, now, reader, b.seed.as_of)),
         Section(heading=local(card.headline.text), bullets=tuple(local(f.text) for f in card.bullets))),
        actions((_("Who's who"), "who"), (_("When"), "when"), (_("What's at stake"), "stakes"),
                (_("Stop daily posts"), "daily off")),
        source(b, card.headline),
        topic=card.id,
    )


def correction(b: Briefing, event: EventCard, now: dt.datetime, reader: ZoneInfo | None) -> Reply:
    """What changed about `event` in the deck's new version, with the updated article's words.

    Reminders already sent are not edited: this post says what is true now, once.
    """
    title = local(event.title)
    if event.status == "cancelled":
        lead = _("{event} is cancelled.").format(event=title)
    elif event.status == "postponed":
        lead = _("{event} is postponed; no new date is announced.").format(event=title)
    else:
        date = eventtime.date_text(b.deck, event, reader)
        lead = _("{event} is now on {date}.").format(event=title, date=date)
    fact = event.changed or event.when
    sections = [Section(lead), Section(_("The article: “{quote}”").format(quote=fact.quote))]
    if event.status == "scheduled":
        sections.append(Section(eventtime.countdown_line(b.deck, event, now, reader, b.seed.as_of)))
    return Reply(
        _("Correction: {event}").format(event=title),
        tuple(sections),
        actions((_("When"), "when"), (_("Summary"), "summary"), (_("Settings"), "settings")),
        source(b),  # the article; its words are quoted above already
        topic=event.id,
    )


def reminder_name(label: str, event: EventCard | None) -> str:
    """'D-3 reminder', or with its event: 'D-3 reminder: Second round of talks'."""
    if event is None:
        return _("{label} reminder").format(label=label)
    return _("{label} reminder: {event}").format(label=label, event=local(event.title))


def correction_name(label: str, event: EventCard | None) -> str:
    """'Correction', or with its event: 'Correction: Second round of talks'."""
    if event is None:
        return _("Correction")
    return _("Correction: {event}").format(event=local(event.title))


def daily_name(label: str, event: EventCard | None) -> str:
    """'Daily briefing': one a day, so neither its date nor its event needs saying."""
    return _("Daily briefing")
