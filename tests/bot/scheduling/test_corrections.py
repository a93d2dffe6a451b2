"""Which events a new deck version corrects, and the one correction post each subscription gets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.scheduling.planning import CORRECTION, corrected, corrections
from bot.store import Subscription
from content.loader import Briefing
from content.model import Fact
from handlers.context import ChatRef, Preferences

NOW = dt.datetime(2025, 5, 30, 12, 0, tzinfo=dt.UTC)
TALKS = "istanbul-talks"
POSTPONED = Fact.model_validate({"text": "The talks were postponed.", "quote": "the talks will not take place"})


def version(b: Briefing, event: str | None = None, **changes: Any) -> Briefing:
    """`b` with an event (its main one) changed as an updated article would change it."""
    changed = event or b.deck.main_event
    events = tuple(e.model_copy(update=changes) if e.id == changed else e for e in b.deck.events)
    return Briefing(b.deck.model_copy(update={"events": events}), b.seed, b.article)


def subscription(sub_id: int, deck: str = "istanbul-talks-2025", *, active: bool = True) -> Subscription:
    return Subscription(sub_id, ChatRef("telegram", str(1000 + sub_id)), deck, Preferences(reminders=True), None,
                        active, None, NOW - dt.timedelta(days=3), "uk" if sub_id == 2 else None)


def test_only_an_event_whose_date_time_or_status_changed_is_corrected(briefing: Briefing) -> None:
    assert corrected(briefing, briefing) == []
    assert corrected(briefing, version(briefing, what=briefing.deck.main.what[:1])) == []  # wording only
    assert [e.id for e in corrected(briefing, version(briefing, date=dt.date(2025, 6, 3)))] == [TALKS]
    postponed = version(briefing, status="postponed", changed=POSTPONED)
    assert [e.id for e in corrected(briefing, postponed)] == [TALKS]
    announced = version(briefing, "announcement", date=dt.date(2025, 5, 26))  # already past: no news
    assert corrected(briefing, announced) == []


def test_each_active_subscription_to_the_story_gets_one_post_due_now(briefing: Briefing) -> None:
    moved = version(briefing, date=dt.date(2025, 6, 3))
    subs = [subscription(1), subscription(2), subscription(3, active=False), subscription(4, "another-story")]
    posts = corrections(moved, corrected(briefing, moved), subs, NOW)
    assert [(p.subscription_id, p.kind, p.due, p.language) for p in posts] == [
        (1, CORRECTION, NOW, "en"), (2, CORRECTION, NOW, "uk")]
    assert posts[0].key.startswith("correction:istanbul-talks@2025-06-03:scheduled-")
    assert posts[0].until > NOW


def test_the_key_names_what_the_event_became_whichever_version_a_replica_saw_before(briefing: Briefing) -> None:
    moved = version(briefing, date=dt.date(2025, 6, 3))
    retitled = version(moved, title=moved.deck.main.title + " (updated)")  # an edit on top of the move
    [direct] = corrections(retitled, corrected(briefing, retitled), [subscription(1)], NOW)
    [stepwise] = corrections(moved, corrected(briefing, moved), [subscription(1)], NOW + dt.timedelta(seconds=5))
    assert direct.key == stepwise.key  # one replica went 1 -> 3, another 1 -> 2 -> 3: one ledger key
    postponed = version(moved, status="postponed", changed=POSTPONED)
    [later] = corrections(postponed, corrected(moved, postponed), [subscription(1)], NOW)
    assert later.key != direct.key and later.key.startswith("correction:istanbul-talks@2025-06-03:postponed-")


def test_a_correction_says_what_changed_in_the_updated_articles_words(briefing: Briefing) -> None:
    moved = version(briefing, date=dt.date(2025, 6, 3))
    [post] = corrections(moved, corrected(briefing, moved), [subscription(1)], NOW)
    text = post.render(moved, NOW).plain_text()
    assert text.startswith("Correction: Second round of Russia-Ukraine talks in Istanbul\n")
    assert "is now on Tuesday 3 June 2025." in text and "The article: “" in text
    assert post.listed(moved) == "Correction: Second round of Russia-Ukraine talks in Istanbul"
    cancelled = version(briefing, status="cancelled", changed=POSTPONED)
    [gone] = corrections(cancelled, corrected(briefing, cancelled), [subscription(1)], NOW)
    shown = gone.render(cancelled, NOW).plain_text()
    assert "Second round of Russia-Ukraine talks in Istanbul is cancelled." in shown
    assert "to go" not in shown  # no countdown to an event that will not take place

