"""Planning: which posts, when, for whom — both precisions, every offset, zones, DST, moves."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.planning import Post, plan, replay, superseded, verdict
from content.loader import Briefing
from tests.bot.scheduling.decks import subscription, timed, with_talks

MAY_1 = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
JULY = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
NEXT_YEAR = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def moments(posts: list[Post]) -> list[tuple[str, str]]:
    return [(p.label, p.due.astimezone(p.zone).isoformat()) for p in posts]


def test_the_istanbul_talks_get_d7_d3_d1_d0_at_nine_in_istanbul(briefing: Briefing) -> None:
    posts = plan(briefing, [subscription(briefing, zone="Europe/Istanbul")], MAY_1, JULY)
    assert moments(posts) == [
        ("D-7", "2025-05-26T09:00:00+03:00"),
        ("D-3", "2025-05-30T09:00:00+03:00"),
        ("D-1", "2025-06-01T09:00:00+03:00"),
        ("D-0", "2025-06-02T09:00:00+03:00"),
    ]
    assert {p.event_id for p in posts} == {"istanbul-talks"}  # the 29 May announcement is reported, not ahead
    assert posts[1].key == "event:istanbul-talks@2025-06-02:D-3"
    assert posts[1].job_id == "sub:1:event:istanbul-talks:offset:D-3"
    assert all(p.until == at("2025-06-03T00:00+03:00") for p in posts)


def test_without_a_chosen_zone_the_event_s_own_zone_times_the_posts(briefing: Briefing) -> None:
    posts = plan(briefing, [subscription(briefing)], MAY_1, JULY)
    assert posts[0].due == at("2025-05-26T09:00+03:00")
    assert posts[0].reader is None
    default = plan(briefing, [subscription(briefing)], MAY_1, JULY, ZoneInfo("Asia/Tokyo"))
    assert default[0].due == at("2025-05-26T09:00+09:00")


@pytest.mark.parametrize(("zone", "first", "last"), [
    ("America/New_York", "2025-05-26T09:00:00-04:00", "2025-06-02T09:00:00-04:00"),  # west of Istanbul
    ("Pacific/Auckland", "2025-05-26T09:00:00+12:00", "2025-06-02T09:00:00+12:00"),  # east of it
])
def test_chat_zones_on_both_sides_of_the_event_s(briefing: Briefing, zone: str, first: str, last: str) -> None:
    posts = plan(briefing, [subscription(briefing, zone=zone)], MAY_1, JULY)
    assert [p.label for p in posts] == ["D-7", "D-3", "D-1", "D-0"]
    assert moments(posts)[0][1] == first and moments(posts)[-1][1] == last
    assert all(p.due < p.until for p in posts)


def test_no_post_after_the_event_s_day_ended_in_its_zone(briefing: Briefing) -> None:
    """09:00 on 2 June at UTC-12 is already 3 June in Istanbul: that D-0 is not planned."""
    posts = plan(briefing, [subscription(briefing, zone="Etc/GMT+12")], MAY_1, JULY)
    assert [p.label for p in posts] == ["D-7", "D-3", "D-1"]


def test_minute_precision_gets_every_offset(briefing: Briefing) -> None:
    b = timed(briefing, "2025-06-02T14:00")
    posts = plan(b, [subscription(b, zone="Europe/Istanbul")], MAY_1, JULY)
    assert moments(posts) == [
        ("7d", "2025-05-26T14:00:00+03:00"),
        ("3d", "2025-05-30T14:00:00+03:00"),
        ("1d", "2025-06-01T14:00:00+03:00"),
        ("3h", "2025-06-02T11:00:00+03:00"),
        ("1h", "2025-06-02T13:00:00+03:00"),
        ("start", "2025-06-02T14:00:00+03:00"),
    ]
    start = at("2025-06-02T14:00+03:00")
    assert all(p.until == start for p in posts[:-1])
    assert posts[-1].until > start  # "it starts now" may go out in the first minutes, no later


def test_ledger_keys_and_job_ids_keep_the_spelling_stored_in_users_databases(briefing: Briefing) -> None:
    b = timed(briefing, "2025-06-02T14:00")
    sub = subscription(b, sub_id=7, daily_at=dt.time(8))
    posts = {p.label: p for p in plan(b, [sub], at("2025-06-01T00:00+03:00"), JULY)}
    assert posts["3h"].key == "event:istanbul-talks@2025-06-02T14:00:3h"
    assert posts["3h"].job_id == "sub:7:event:istanbul-talks:offset:3h"
    assert posts["3h"].series == (7, "event:istanbul-talks")
    assert posts["2025-06-01"].key == "daily:2025-06-01"
    assert posts["2025-06-01"].job_id == "sub:7:daily:2025-06-01"
    assert posts["2025-06-01"].series == (7, "daily")


def test_day_offsets_keep_the_wall_clock_time_across_dst(briefing: Briefing) -> None:
    b = timed(briefing, "2025-10-27T12:00", "Europe/Berlin")  # summer time ended on 26 October
    posts = plan(b, [subscription(b, zone="Europe/Berlin")], MAY_1, NEXT_YEAR)
    utc = {p.label: p.due.astimezone(dt.UTC).strftime("%d %H:%M") for p in posts}
    assert utc == {"7d": "20 10:00", "3d": "24 10:00", "1d": "26 11:00", "3h": "27 08:00", "1h": "27 10:00",
                   "start": "27 11:00"}


def test_day_reminders_follow_the_chat_s_local_time_across_dst(briefing: Briefing) -> None:
    b = with_talks(briefing, date=dt.date(2025, 10, 28), timezone="Europe/London")
    posts = plan(b, [subscription(b, zone="Europe/London", remind_at=dt.time(9))], MAY_1, NEXT_YEAR)
    assert moments(posts) == [
        ("D-7", "2025-10-21T09:00:00+01:00"),
        ("D-3", "2025-10-25T09:00:00+01:00"),
        ("D-1", "2025-10-27T09:00:00+00:00"),
        ("D-0", "2025-10-28T09:00:00+00:00"),
    ]


def test_a_local_time_skipped_by_dst_falls_just_after_it(briefing: Briefing) -> None:
    b = with_talks(briefing, date=dt.date(2026, 3, 30), timezone="Europe/Berlin")  # clocks skip 02:00-03:00
    posts = plan(b, [subscription(b, zone="Europe/Berlin", offsets=("1d",), remind_at=dt.time(2, 30))],
                 MAY_1, NEXT_YEAR)
    assert moments(posts) == [("D-1", "2026-03-29T03:30:00+02:00")]


def test_chosen_offsets_and_hour_offsets_on_a_day_event(briefing: Briefing) -> None:
    sub = subscription(briefing, offsets=("2d", "3h"), remind_at=dt.time(18, 30))
    assert moments(plan(briefing, [sub], MAY_1, JULY)) == [("D-2", "2025-05-31T18:30:00+03:00")]
    b = timed(briefing, "2025-06-02T14:00")
    assert [p.label for p in plan(b, [subscription(b, offsets=("2d", "3h"))], MAY_1, JULY)] == ["2d", "3h"]


def test_an_event_moved_to_another_date_changes_the_plan(briefing: Briefing) -> None:
    sub = subscription(briefing)
    before = plan(briefing, [sub], MAY_1, JULY)
    moved = plan(with_talks(briefing, date=dt.date(2025, 6, 9)), [sub], MAY_1, JULY)
    assert [p.due.date().isoformat() for p in moved] == ["2025-06-02", "2025-06-06", "2025-06-08", "2025-06-09"]
    assert {p.job_id for p in moved} == {p.job_id for p in before}  # the same jobs, moved
    assert not {p.key for p in moved} & {p.key for p in before}  # new posts: the old D-3 does not count


def test_posts_before_the_subscription_are_not_planned(briefing: Briefing) -> None:
    sub = subscription(briefing, since="2025-05-31T12:00+03:00")
    assert [p.label for p in plan(briefing, [sub], MAY_1, JULY)] == ["D-1", "D-0"]


def test_an_unsubscribed_chat_gets_nothing(briefing: Briefing) -> None:
    assert plan(briefing, [subscription(briefing, active=False)], MAY_1, JULY) == []
    assert plan(briefing, [subscription(briefing, reminders=False)], MAY_1, JULY) == []


def test_the_window_bounds_the_plan(briefing: Briefing) -> None:
    posts = plan(briefing, [subscription(briefing)], at("2025-05-30T09:00+03:00"), at("2025-06-01T09:00+03:00"))
    assert [p.label for p in posts] == ["D-3"]


def test_daily_posts_run_until_the_main_event_is_over(briefing: Briefing) -> None:
    sub = subscription(briefing, reminders=False, daily_at=dt.time(8), zone="Europe/Kyiv",
                       since="2025-05-30T10:00+03:00")
    posts = plan(briefing, [sub], MAY_1, JULY)
    assert moments(posts) == [
        ("2025-05-31", "2025-05-31T08:00:00+03:00"),
        ("2025-06-01", "2025-06-01T08:00:00+03:00"),
        ("2025-06-02", "2025-06-02T08:00:00+03:00"),
    ]
    assert posts[0].key == "daily:2025-05-31" and posts[0].job_id == "sub:1:daily:2025-05-31"
    assert posts[0].until == at("2025-06-01T00:00+03:00")


def test_a_late_post_is_sent_only_while_it_still_makes_sense(briefing: Briefing) -> None:
    d1 = plan(briefing, [subscription(briefing)], MAY_1, JULY)[2]
    assert verdict(d1, d1.due) == verdict(d1, d1.due + dt.timedelta(seconds=30))
    assert verdict(d1, d1.due).send and not verdict(d1, d1.due).late
    late = verdict(d1, d1.due + dt.timedelta(hours=5))
    assert late.send and late.late
    assert not verdict(d1, at("2025-06-03T00:00+03:00")).send
    assert verdict(d1, at("2025-06-03T00:00+03:00")).reason == "too late: the event has begun"
    assert not verdict(d1, d1.due, superseded=True).send


def test_of_several_missed_posts_only_the_latest_of_a_series_counts(briefing: Briefing) -> None:
    posts = plan(briefing, [subscription(briefing, sub_id=1), subscription(briefing, sub_id=2)], MAY_1, JULY)
    now = at("2025-06-01T12:00+03:00")
    moot = superseded(posts, now)
    assert sorted((p.subscription_id, p.label) for p in moot) == [(1, "D-3"), (1, "D-7"), (2, "D-3"), (2, "D-7")]


def test_the_text_is_computed_from_the_real_remaining_time(briefing: Briefing) -> None:
    d1 = plan(briefing, [subscription(briefing)], MAY_1, JULY)[2]
    on_time = d1.render(briefing, d1.due).sections[0].text
    assert on_time.startswith("Tomorrow: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025")
    late = d1.render(briefing, at("2025-06-02T00:30+03:00")).sections[0].text
    assert late.startswith("Today: ")
    timed_b = timed(briefing, "2025-06-02T14:00")
    one_hour = plan(timed_b, [subscription(timed_b)], MAY_1, JULY)[4]
    text = one_hour.render(timed_b, one_hour.due + dt.timedelta(minutes=20)).sections[0].text
    assert text.startswith("40 minutes to go: ")


def test_the_daily_post_is_the_countdown_and_the_summary(briefing: Briefing) -> None:
    sub = subscription(briefing, reminders=False, daily_at=dt.time(8))
    post = plan(briefing, [sub], at("2025-05-31T00:00+03:00"), JULY)[0]
    reply = post.render(briefing, post.due)
    assert reply.title == "Daily briefing: Russia-Ukraine talks in Istanbul"
    assert reply.sections[0].text.startswith("2 days to go: ")
    assert reply.sections[1].heading == briefing.deck.summary.headline.text
    assert reply.source is not None and reply.source.quotes


def test_replay_of_the_istanbul_deck(briefing: Briefing) -> None:
    sub = subscription(briefing, zone="Europe/Istanbul", since="2025-05-25T00:00+03:00")
    posts = replay(briefing, sub, at("2025-05-25T00:00+03:00"), at("2025-06-03T00:00+03:00"))
    assert [(p.label, r.sections[0].text.split(":")[0]) for p, r in posts] == [
        ("D-7", "7 days to go"), ("D-3", "3 days to go"), ("D-1", "Tomorrow"), ("D-0", "Today")]
