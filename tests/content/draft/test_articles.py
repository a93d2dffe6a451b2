"""`briefing-bot draft` turns an article into a deck that passes the check, with the people, the
main event's date, precision, place and zone right (fictional articles, and the real Istanbul one)."""

from __future__ import annotations

import datetime as dt
import hashlib

from content.loader import Briefing
from content.model import EventCard
from tests.content.draft.conftest import ARTICLES, ISTANBUL, Drafter


def people(b: Briefing) -> dict[str, str]:
    return {p.name: p.role.text for p in b.deck.people}


def place_of(b: Briefing, event: EventCard) -> tuple[str, str]:
    place = b.deck.place(event.place)
    assert place is not None, f"event {event.id} has no place"
    return place.name, place.timezone


def test_a_strike_over_several_days_becomes_a_range_of_days_in_copenhagen(draft: Drafter) -> None:
    done = draft(ARTICLES / "copenhagen-strike.txt")
    assert done.code == 0, done.err
    b = done.briefing()
    main = b.deck.main
    assert (main.date, main.until, main.precision) == (dt.date(2026, 3, 3), dt.date(2026, 3, 5), "day")
    assert place_of(b, main) == ("Copenhagen", "Europe/Copenhagen")
    assert main.timezone == "Europe/Copenhagen"
    assert "strike" in main.title.lower()
    found = people(b)
    assert "Employment Minister" in found["Birgitte Lunde"]
    assert "chairman" in found["Per Brandt"].lower()
    assert "hospital director" in found["Hanne Skovgaard"]
    assert b.seed.as_of == dt.date(2026, 3, 2)  # the dateline's day
    assert "2026-03-03 to 2026-03-05, day precision, Copenhagen (Europe/Copenhagen)" in done.out


def test_a_summit_at_a_local_time_gets_minute_precision_in_reykjavik(draft: Drafter) -> None:
    done = draft(ARTICLES / "reykjavik-summit.txt")
    assert done.code == 0, done.err
    b = done.briefing()
    main = b.deck.main
    assert (main.date, main.time, main.precision) == (dt.date(2026, 11, 17), dt.time(10, 0), "minute")
    assert place_of(b, main) == ("Reykjavik", "Atlantic/Reykjavik")
    assert main.starts_at() == dt.datetime(2026, 11, 17, 10, 0, tzinfo=main.zone)
    assert "summit" in main.title.lower()
    found = people(b)
    assert found["Eyvindur Karlsson"] == "Prime Minister"
    assert "Climate Minister" in found["Johan Ekholm"]
    assert "organiser" in found["Ása Brekkan"]
    announced = next(e for e in b.deck.events if e.date == dt.date(2026, 11, 13))
    assert announced.precision == "day"  # the summit's 10:00 is not the announcement's time


def test_an_html_page_with_a_us_style_date_is_drafted_from_its_article_text(draft: Drafter) -> None:
    page = ARTICLES / "portland-tolls.html"
    done = draft(page)
    assert done.code == 0, done.err
    b = done.briefing()
    main = b.deck.main
    # "at 6:30 p.m. on Nov. 20", the year from the page's publication date
    assert (main.date, main.time, main.precision) == (dt.date(2026, 11, 20), dt.time(18, 30), "minute")
    assert place_of(b, main) == ("Portland", "America/Los_Angeles")
    assert b.seed.as_of == dt.date(2026, 11, 12)
    found = people(b)
    assert found["Dana Whitfield"] == "Mayor"
    assert "Council President" in found["Rafael Ortiz"]
    assert "spokeswoman" in found["Lena Parkhurst"]
    # the seed is the article's text: no markup, no menu, no footer; what came in is recorded
    assert "<p>" not in b.article and "Subscribe" not in b.article and "Privacy" not in b.article
    assert b.article.startswith("Portland council sets Nov. 20 vote on bridge tolls\n"
                                "PORTLAND, Ore. — The city council will vote")
    assert b.seed.publisher == "The Cascade Ledger"
    assert b.seed.received_as.startswith("portland-tolls.html (HTML,")
    assert hashlib.sha256(page.read_bytes()).hexdigest() in b.seed.received_as


def test_the_real_istanbul_article_gives_its_people_the_talks_and_the_announcement(draft: Drafter) -> None:
    done = draft(ISTANBUL, "--id", "istanbul-draft")
    assert done.code == 0, done.err
    b = done.briefing()
    found = people(b)
    assert found["Sergey Lavrov"] == "Russian Foreign Minister"
    assert found["Vladimir Medinsky"] == "Presidential aide"
    assert found["Hakan Fidan"] == "Turkish Foreign Minister"
    assert found["Vladimir Putin"] == "President"
    assert found["Donald Trump"] == "U.S. President"
    talks = b.deck.main
    assert (talks.date, talks.precision, talks.time) == (dt.date(2025, 6, 2), "day", None)
    assert place_of(b, talks) == ("Istanbul", "Europe/Istanbul")
    assert "talks" in talks.title.lower()
    announcement = next(e for e in b.deck.events if e.id != talks.id and e.date == dt.date(2025, 5, 29))
    assert announcement.precision == "day"
    assert b.seed.as_of == dt.date(2025, 5, 29)
    assert b.deck.id == "istanbul-draft"
    assert (done.seeds / "istanbul-draft.txt").read_bytes() == ISTANBUL.read_bytes()


def test_every_fact_quotes_the_article_and_the_summary_leads_with_its_first_sentences(draft: Drafter) -> None:
    b = draft(ARTICLES / "copenhagen-strike.txt").briefing()
    quotes = [fact.quote for card in b.deck.cards() for _, fact in card.facts()]
    assert quotes and all(q in b.article for q in quotes)
    assert b.deck.summary.headline.quote == "Nurses in Copenhagen to strike for three days over pay"
    assert 3 <= len(b.deck.summary.bullets) <= 6
    assert b.deck.summary.bullets[0].quote.startswith("COPENHAGEN, Monday 2 March 2026 (Northwind Wire)")
    lunde = next(p for p in b.deck.people if p.name == "Birgitte Lunde")
    assert "Lunde" in lunde.aliases
    assert any("emergency wards" in fact.quote for fact in lunde.did)


def test_the_editors_date_decides_the_year_of_a_date_written_without_one(draft: Drafter) -> None:
    done = draft(ARTICLES / "portland-tolls.html", "--as-of", "2027-11-01", "--language", "en")
    assert done.code == 0, done.err
    b = done.briefing()
    assert b.seed.as_of == dt.date(2027, 11, 1)
    assert b.deck.main.date == dt.date(2027, 11, 20)
    assert "as of 2027-11-01 from the editor's --as-of" in done.out
    assert "year 2027 inferred from the article's date (2027-11-01)" in done.out
