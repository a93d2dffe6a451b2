"""Dates as articles write them: what the drafter finds is what the check accepts in a quote."""

from __future__ import annotations

import datetime as dt

import pytest

from content import dates

D = dt.date


@pytest.mark.parametrize(
    ("text", "found", "first", "last"),
    [
        ("The talks are scheduled to occur in Istanbul on June 2, reflecting", "June 2", D(2025, 6, 2), None),
        ("On May 29, 2025, Russian Foreign Minister", "May 29, 2025", D(2025, 5, 29), None),
        ("Nurses will strike from 3 to 5 March after", "3 to 5 March", D(2026, 3, 3), D(2026, 3, 5)),
        ("the fair runs June 2-4 in Oslo", "June 2-4", D(2026, 6, 2), D(2026, 6, 4)),
        ("open on Tuesday 2 – Thursday 4 June 2026.", "Tuesday 2 – Thursday 4 June 2026", D(2026, 6, 2),
         D(2026, 6, 4)),
        ("from March 30 to April 2, 2026", "March 30 to April 2, 2026", D(2026, 3, 30), D(2026, 4, 2)),
        ("between 3 and 5 March", "3 and 5 March", D(2026, 3, 3), D(2026, 3, 5)),
        ("at 10:00 local time on Tuesday, 17 November 2026 in", "Tuesday, 17 November 2026", D(2026, 11, 17),
         None),
        ("Tuesday, March 3, 2026", "Tuesday, March 3, 2026", D(2026, 3, 3), None),
        ("will vote at 6:30 p.m. on Nov. 20 on a plan", "Nov. 20", D(2026, 11, 20), None),
        ("on the 3rd of March", "3rd of March", D(2026, 3, 3), None),
        ("published 2026-03-04 08:00", "2026-03-04", D(2026, 3, 4), None),
        ("the deadline is 03/04/2026.", "03/04/2026", D(2026, 3, 4), None),
        ("the deadline is 03/04/2026.", "03/04/2026", D(2026, 4, 3), None),  # day first: also said
        ("the deadline is 14/04/2026.", "14/04/2026", D(2026, 4, 14), None),
    ],
)
def test_a_date_the_article_writes_is_found_and_a_quote_with_it_states_it(
    text: str, found: str, first: dt.date, last: dt.date | None
) -> None:
    assert [m.text for m in dates.find(text)] == [found]
    assert dates.states(text, first, last)


@pytest.mark.parametrize(
    ("quote", "first", "last"),
    [
        ("The talks are scheduled to occur in Istanbul on June 2", D(2025, 6, 3), None),
        ("On May 29, 2025, Russian Foreign Minister", D(2024, 5, 29), None),  # the year written is wrong
        ("Nurses will strike from 3 to 5 March", D(2026, 3, 3), None),  # a range is not its first day
        ("Nurses will strike on 3 March", D(2026, 3, 3), D(2026, 3, 5)),  # nor a day a range
        ("Nurses will strike from 3 to 5 March", D(2026, 3, 3), D(2026, 3, 6)),
        ("the deadline is 14/04/2026.", D(2026, 4, 15), None),
        ("the union said on Sunday", D(2026, 3, 2), None),  # a Monday
        ("on June 2 and 3 officials said", D(2026, 6, 2), D(2026, 6, 3)),  # "3 officials" is no day
        ("The sun rose on Sat. and Mr. May spoke", D(2026, 5, 2), None),
    ],
)
def test_a_quote_that_does_not_state_the_date_is_refused(quote: str, first: dt.date, last: dt.date | None) -> None:
    assert not dates.states(quote, first, last)


def test_a_weekday_and_a_relative_day_are_read_from_the_article_date() -> None:
    as_of = D(2026, 3, 2)  # a Monday
    assert dates.states("pay talks broke down late on Sunday", D(2026, 3, 1), as_of=as_of)
    assert dates.states("the union said yesterday", D(2026, 3, 1), as_of=as_of)
    assert not dates.states("the union said yesterday", D(2026, 3, 2), as_of=as_of)
    assert dates.states("the strike starts tomorrow", D(2026, 3, 3), as_of=as_of)
    assert not dates.states("the strike starts tomorrow", D(2026, 3, 3))  # no article date: no reading


def test_the_example_in_a_check_message_is_a_shape_the_check_accepts() -> None:
    for first, last in [(D(2026, 6, 2), None), (D(2026, 3, 3), D(2026, 3, 5)), (D(2026, 3, 30), D(2026, 4, 2))]:
        example = dates.example(first, last)
        assert dates.states(f"It happens on {example}.", first, last), example
