"""Which posts are due and when: pure functions of the deck, the subscriptions and a moment.

Nothing here reads a clock, a database or the network: the scheduler, the catch-up at start-up
and `briefing-bot replay` all call the same functions with the moment they stand at, so what
replay prints is what the running bot sends.

Rules:
- reminders count down to the deck's dated events that its article reports as still to come;
- an event known only by its day gets D-N posts at the chat's local time (default 09:00);
  one with a time gets posts N days (same wall-clock time in the event's zone), hours or
  minutes before its start;
- nothing goes out after the event began; for a day-precision event, after its day ended in
  the event's zone;
- the daily post runs at the chat's local time until the main event is over;
- the text is computed when the post is sent, from the real remaining time (handlers.posts), in
  the chat's language (its /language, else the one its subscription was made in).

A correction (an event's date, time or status changed in a reloaded deck) is due at once, once
per subscription and change: `corrections`.

A kind of post (a reminder, the daily briefing, a correction) is a `Kind`: its ledger key, job id, series and
wording are its own. A new kind is a `Kind` and the function that plans it, here, and its wording
in handlers.posts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.store.records import Subscription
from content.loader import Briefing
from content.model import EventCard
from handlers import posts as wording
from handlers.context import ChatRef
from handlers.eventtime import chat_zone, reader_zone
from handlers.i18n import ENGLISH, speaking_in
from handlers.reminders import Offset, offsets_for, reminder_events
from handlers.reply import Reply

CORRECTION_WITHIN = dt.timedelta(hours=12)  # a correction not sent by then is stale news: skipped
LATE_AFTER = dt.timedelta(minutes=2)  # sent later than this after its time: logged as late
START_GRACE = dt.timedelta(minutes=10)  # how long the "it starts now" post may still go out
DAY = dt.timedelta(days=1)


# --- kinds of post -------------------------------------------------------------------------

Render = Callable[[Briefing, EventCard, dt.datetime, ZoneInfo | None], Reply]
Name = Callable[[str, EventCard | None], str]


@dataclass(frozen=True, slots=True)
class Kind:
    """What sets one kind of post apart, so that nothing else needs to ask which kind a post is.

    `key`, `job_id` and `series` are templates over a post's fields. Ledger keys are stored in
    users' databases: a kind's spelling of them must never change.
    """

    key: str  # the ledger key: unique per subscription
    job_id: str
    series: str  # posts of one series replace each other: a later one makes an earlier missed one moot
    too_late: str  # why it is not sent once its `until` has passed
    render: Render  # its text (handlers.posts), worded from the real remaining time
    name: Name  # its name in lists of posts: short, or with its event


REMINDER = Kind("event:{event_id}@{occurrence}:{label}",
                "sub:{subscription_id}:event:{event_id}:offset:{label}", "event:{event_id}",
                "the event has begun", wording.reminder, wording.reminder_name)
DAILY = Kind("daily:{label}", "sub:{subscription_id}:daily:{label}", "daily",
             "the day is over", wording.daily, wording.daily_name)

# One per subscription and change of an event: the label names its new status and the updated
# article's words, so replicas that reloaded through different versions agree on the key, and a
# later change (even back to an earlier date) is a new post.
CORRECTION = Kind("correction:{event_id}@{occurrence}:{label}",
                  "sub:{subscription_id}:correction:{event_id}@{occurrence}:{label}",
                  "correction:{event_id}@{occurrence}:{label}", "it is stale news", wording.correction,
                  wording.correction_name)


@dataclass(frozen=True, slots=True)
class Post:
    """One post for one subscription at one moment, identified the same way in the ledger and jobs."""

    subscription_id: int
    chat: ChatRef
    kind: Kind
    event_id: str  # the event counted down to (the main event for the daily post)
    occurrence: str  # the event's date (and time) when planned: a moved event gets new posts
    label: str  # "D-3", "3h", "start", or the local date of a daily post
    due: dt.datetime  # UTC, on the bot's clock
    until: dt.datetime  # after this the post would mislead: it is skipped
    zone: ZoneInfo  # the chat's zone: its local times and dates
    reader: ZoneInfo | None  # the zone the text names dates in (None: each event's own)
    language: str = ENGLISH  # the language the text is worded in
    deck: str = ""  # the deck it is about ("" in posts made before decks were named: the one served)

    def _spell(self, template: str) -> str:
        return template.format(subscription_id=self.subscription_id, event_id=self.event_id,
                               occurrence=self.occurrence, label=self.label)

    @property
    def key(self) -> str:
        return self._spell(self.kind.key)

    @property
    def job_id(self) -> str:
        return self._spell(self.kind.job_id)

    @property
    def series(self) -> tuple[int, str]:
        return self.subscription_id, self._spell(self.kind.series)

    @property
    def what(self) -> str:
        """Its short name: 'D-3 reminder', 'Daily briefing'."""
        return self.kind.name(self.label, None)

    def listed(self, b: Briefing) -> str:
        """Its name in a chat's list of upcoming posts: 'D-3 reminder: Second round of talks'."""
        return self.kind.name(self.label, self.event(b))

    def render(self, b: Briefing, now: dt.datetime) -> Reply:
        """The post's text at `now`: the countdown is worded from the real remaining time."""
        with speaking_in(self.language):
            return self.kind.render(b, self.event(b), now, self.reader)

    def event(self, b: Briefing) -> EventCard:
        return b.deck.event(self.event_id) or b.deck.main


@dataclass(frozen=True, slots=True)
class Verdict:
    send: bool
    late: bool = False
    reason: str = ""


# --- when posts are due --------------------------------------------------------------------


def zones(b: Briefing, sub: Subscription, default: ZoneInfo | None) -> tuple[ZoneInfo, ZoneInfo | None]:
    """The zone a chat's posts are timed in, and the one their text names dates in."""
    reader = reader_zone(sub.timezone, default)
    return chat_zone(b.deck, reader), reader


def event_end(event: EventCard, zone: ZoneInfo) -> dt.datetime | None:
    """When posts about `event` stop: its start, or the end of its day (in its zone, else `zone`)."""
    start = event.starts_at(zone)
    if start is None:
        return None
    return start if event.precision == "minute" else start + DAY


def occurrence(event: EventCard) -> str:
    """'2025-06-02', or '2025-06-02T14:00' for an event with a time."""
    day = event.date.isoformat() if event.date else "undated"
    return f"{day}T{event.time:%H:%M}" if event.time else day


def _local(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """`at` on `day` in `zone`, as UTC; a time skipped by a DST change falls just after it."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def reminder_due(event: EventCard, offset: Offset, sub: Subscription, zone: ZoneInfo) -> dt.datetime | None:
    start = event.starts_at(zone)
    if start is None or event.date is None:
        return None
    if event.precision == "day":
        days = offset.days if offset.days is not None else 0
        return _local(event.date - dt.timedelta(days=days), sub.wanted.remind_at, zone)
    if offset.days is not None:  # whole days keep the wall-clock time of the start, across DST
        return (start - dt.timedelta(days=offset.days)).astimezone(dt.UTC)
    return start.astimezone(dt.UTC) - dt.timedelta(minutes=offset.minutes)


def reminders(b: Briefing, sub: Subscription, default: ZoneInfo | None) -> Iterator[Post]:
    zone, reader = zones(b, sub, default)
    for event in reminder_events(b):
        end = event_end(event, zone)
        for offset in offsets_for(event.precision, sub.wanted.offsets):
            due = reminder_due(event, offset, sub, zone)
            if due is None or end is None:
                continue
            at_start = event.precision == "minute" and offset.minutes == 0
            until = end + START_GRACE if at_start else end
            if due >= until:  # a D-0 at a local time after the event's day ended (far-west chats)
                continue
            yield Post(sub.id, sub.chat, REMINDER, event.id, occurrence(event), offset.label(event.precision),
                       due, until, zone, reader, sub.language or ENGLISH, b.deck.id)


def daily_posts(b: Briefing, sub: Subscription, default: ZoneInfo | None, start: dt.datetime,
                end: dt.datetime) -> Iterator[Post]:
    at = sub.wanted.daily_at
    zone, reader = zones(b, sub, default)
    over = event_end(b.deck.main, zone)
    if at is None or over is None:
        return
    day = max(start, sub.since).astimezone(zone).date() - DAY
    while (due := _local(day, at, zone)) < min(end, over):
        next_day = _local(day + DAY, dt.time(0), zone)
        yield Post(sub.id, sub.chat, DAILY, b.deck.main.id, occurrence(b.deck.main), day.isoformat(), due,
                   min(next_day, over), zone, reader, sub.language or ENGLISH, b.deck.id)
        day += DAY


def plan(b: Briefing, subs: Iterable[Subscription], start: dt.datetime, end: dt.datetime,
         default: ZoneInfo | None = None) -> list[Post]:
    """Every post due in [start, end) for the active subscriptions to this deck, in order.

    A post due before its subscription's `since` (it was created or changed later) is not planned.
    """
    found: list[Post] = []
    for sub in subs:
        if not sub.active or sub.deck != b.deck.id:
            continue
        candidates = list(daily_posts(b, sub, default, start, end))
        if sub.wanted.reminders:
            candidates.extend(reminders(b, sub, default))
        found.extend(p for p in candidates if max(start, sub.since) <= p.due < end)
    return sorted(found, key=lambda p: (p.due, p.subscription_id, p.key))


def moved(old: EventCard, new: EventCard) -> bool:
    """Whether the event's date, time or status differ between two versions of its deck."""
    return (old.date, old.until, old.time, old.timezone, old.status) != \
        (new.date, new.until, new.time, new.timezone, new.status)


def corrected(old: Briefing, new: Briefing) -> list[EventCard]:
    """The events of `new` whose date, time or status differ from their version in `old`: those that
    subscriptions count down to in either version (a fixed date of an event already past is not news)."""
    counted = {e.id for e in (*reminder_events(old), *reminder_events(new))}
    return [e for e in new.deck.events if e.id in counted
            and (before := old.deck.event(e.id)) is not None and moved(before, e)]


def correction_label(event: EventCard) -> str:
    """'scheduled-1a2b3c4d': the event's status and a digest of the words that report the change."""
    fact = event.changed or event.when
    return f"{event.status}-{hashlib.sha256(fact.quote.encode('utf-8')).hexdigest()[:8]}"


def corrections(b: Briefing, events: Iterable[EventCard], subs: Iterable[Subscription], now: dt.datetime,
                default: ZoneInfo | None = None) -> list[Post]:
    """One correction post per active subscription to `b` and changed event, due `now`."""
    found: list[Post] = []
    for sub in subs:
        if not sub.active or sub.deck != b.deck.id:
            continue
        zone, reader = zones(b, sub, default)
        found.extend(Post(sub.id, sub.chat, CORRECTION, e.id, occurrence(e), correction_label(e), now,
                          now + CORRECTION_WITHIN, zone, reader, sub.language or ENGLISH, b.deck.id)
                     for e in events)
    return found


def verdict(post: Post, now: dt.datetime, superseded: bool = False) -> Verdict:
    """Whether `post`, due at `post.due`, should still go out at `now`, and if so whether late."""
    if now >= post.until:
        return Verdict(False, reason=f"too late: {post.kind.too_late}")
    if superseded:
        return Verdict(False, reason="superseded: a later post of the same series is due")
    late = now - post.due > LATE_AFTER
    return Verdict(True, late, f"late by {now - post.due}" if late else "")


def superseded(posts: list[Post], now: dt.datetime) -> set[Post]:
    """Of the posts due by `now`, those a later due post of the same series makes moot."""
    latest: dict[tuple[int, str], Post] = {}
    for post in posts:
        if post.due <= now and (post.series not in latest or post.due > latest[post.series].due):
            latest[post.series] = post
    return {p for p in posts if p.due <= now and latest[p.series] is not p}


def replay(b: Briefing, sub: Subscription, start: dt.datetime, end: dt.datetime,
           default: ZoneInfo | None = None) -> list[tuple[Post, Reply]]:
    """Every post one subscription gets in [start, end), rendered at its own moment."""
    return [(p, p.render(b, p.due)) for p in plan(b, [sub], start, end, default) if verdict(p, p.due).send]
