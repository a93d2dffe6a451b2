"""Every briefing command, as a reader sees it (plain text of the Reply)."""

from __future__ import annotations

import pytest

from handlers.registry import REGISTRY
from tests.handlers.conftest import Ask

TODAY = "2026-12-01T10:00+03:00"


async def test_start_introduces_the_article_and_the_countdown(ask: Ask) -> None:
    reply = await ask("/start")
    text = reply.plain_text()
    assert reply.title == "Briefing: Russia-Ukraine talks in Istanbul"
    assert "as of Thursday 29 May 2025" in text
    assert "2 days to go: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025" in text
    assert [a.command for a in reply.actions] == ["summary", "when", "who", "help"]


async def test_help_lists_every_registered_command(ask: Ask) -> None:
    text = (await ask("/help")).plain_text()
    for cmd in REGISTRY:
        assert f"{cmd.synopsis} — {cmd.summary}" in text
    assert "Plain questions work too" in text


async def test_summary_has_its_bullets_the_countdown_and_a_source(ask: Ask) -> None:
    reply = await ask("/summary")
    text = reply.plain_text()
    assert reply.title == "Russia proposes a second round of negotiations with Ukraine, in Istanbul on 2 June"
    assert "• Lavrov thanked Turkey for hosting the negotiations." in text
    assert "2 days to go" in text
    assert reply.source is not None and reply.source.quotes
    assert "source summary" in [a.command for a in reply.actions]


async def test_who_lavrov(ask: Ask) -> None:
    reply = await ask("/who lavrov")
    text = reply.plain_text()
    assert reply.title == "Sergey Lavrov"
    assert "Role: Foreign Minister of Russia" in text
    assert "Said Moscow has prepared a memorandum" in text
    assert reply.source is not None
    assert reply.source.quotes == (
        "Russian Foreign Minister Sergey Lavrov",
        "On May 29, 2025, Russian Foreign Minister Sergey Lavrov announced a proposal for a second round of "
        "negotiations aimed at ending the ongoing invasion of Ukraine",
    )
    assert reply.topic == "lavrov"
    assert reply.actions[0].command == "source lavrov"


async def test_who_by_title_and_in_cyrillic(ask: Ask) -> None:
    assert (await ask("/who Turkish foreign minister")).title == "Hakan Fidan"
    assert (await ask("/who Мединский")).title == "Vladimir Medinsky"


async def test_who_without_a_name_lists_the_people(ask: Ask) -> None:
    reply = await ask("/who")
    assert reply.title == "People in this briefing"
    assert reply.sections[0].bullets == (
        "Sergey Lavrov — Foreign Minister of Russia",
        "Vladimir Medinsky — Presidential aide; leads the Russian delegation",
        "Hakan Fidan — Foreign Minister of Turkey",
        "Vladimir Putin — President",
        "Donald Trump — President of the United States",
    )
    assert [a.command for a in reply.actions] == ["who lavrov", "who medinsky", "who fidan", "who putin", "who trump"]


async def test_who_someone_not_in_the_briefing_never_invents_a_card(ask: Ask) -> None:
    reply = await ask("/who Zelensky")
    assert reply.title == "Not in this briefing"
    assert reply.tone == "notice"
    assert "“Zelensky” is not named in this briefing." in reply.plain_text()
    assert "Sergey Lavrov" in reply.plain_text()  # what it does cover
    assert reply.source is None


async def test_who_with_a_near_miss_suggests(ask: Ask) -> None:
    reply = await ask("/who Lavroff")
    assert reply.title == "Not in this briefing"
    assert "Did you mean:" in reply.plain_text()
    assert reply.actions[0].command == "who lavrov"


async def test_who_ambiguous_asks_which(ask: Ask) -> None:
    reply = await ask("/who vladimir")
    assert reply.title == "More than one match"
    assert {a.command for a in reply.actions} == {"who putin", "who medinsky"}


async def test_when_two_days_before(ask: Ask) -> None:
    reply = await ask("/when")
    text = reply.plain_text()
    assert reply.title == "Second round of Russia-Ukraine talks in Istanbul"
    assert "In 2 days: Monday 2 June 2025, in Istanbul." in text
    assert "Time: Not announced" in text
    assert "Timezone: Europe/Istanbul, UTC+03:00" in text
    assert reply.source is not None
    assert reply.source.quotes == ("The talks are scheduled to occur in Istanbul on June 2",)


@pytest.mark.parametrize(
    ("at", "lead"),
    [
        ("2025-05-26T09:00+03:00", "In 7 days: Monday 2 June 2025"),
        ("2025-06-01T23:59+03:00", "Tomorrow: Monday 2 June 2025"),
        ("2025-06-02T00:00+03:00", "Today: Monday 2 June 2025"),
        ("2025-06-01T22:30+00:00", "Today: Monday 2 June 2025"),  # already 2 June in Istanbul
        ("2025-06-03T08:00+03:00", "Scheduled for Monday 2 June 2025, in Istanbul, which was yesterday."),
        (TODAY, "Scheduled for Monday 2 June 2025, in Istanbul, which was 18 months ago."),
    ],
)
async def test_when_at_any_moment(ask: Ask, at: str, lead: str) -> None:
    assert lead in (await ask("/when", at=at)).plain_text()


async def test_when_after_the_date_does_not_claim_what_happened(ask: Ask) -> None:
    text = (await ask("/when", at=TODAY)).plain_text()
    assert "does not report whether this took place as planned or how it went" in text


async def test_when_in_the_readers_timezone(ask: Ask) -> None:
    text = (await ask("/when", zone="America/Los_Angeles")).plain_text()
    assert ("In your timezone: from Sunday 1 June 2025, 14:00 to Monday 2 June 2025, 14:00 "
            "(America/Los_Angeles, UTC−07:00)") in text


async def test_when_other_events(ask: Ask) -> None:
    reply = await ask("/when announcement")
    assert reply.title == "Lavrov announces a second round of talks"
    assert "Thursday 29 May 2025: 2 days ago." in reply.plain_text()
    assert "does not report" not in reply.plain_text()  # the article reports this one
    visit = (await ask("/when fidan visit")).plain_text()
    # Known only as "before the announcement": shown relative to it, never as a date bound.
    assert "Before Lavrov announces a second round of talks (Thursday 29 May 2025), in Moscow." in visit
    assert "Before Thursday" not in visit


@pytest.mark.parametrize(
    ("at", "line"),
    [
        (None, "2 days to go: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025 "
               "(time of day not announced)."),
        ("2025-05-12T10:00+03:00", "3 weeks to go"),
        ("2025-06-01T09:00+03:00", "Tomorrow: Second round"),
        ("2025-06-02T09:00+03:00", "Today: Second round"),
        (TODAY, "The countdown is over: Second round of Russia-Ukraine talks in Istanbul was scheduled "
                "for Monday 2 June 2025, 18 months ago."),
    ],
)
async def test_countdown(ask: Ask, at: str | None, line: str) -> None:
    reply = await ask("/countdown", at=at)
    assert line in reply.plain_text()


async def test_timeline_orders_events_and_marks_now(ask: Ask) -> None:
    bullets = (await ask("/timeline")).sections[0].bullets
    assert bullets == (
        "Before Lavrov announces a second round of talks (Thursday 29 May 2025) — Turkish Foreign Minister "
        "Hakan Fidan visits Moscow",
        "Thursday 29 May 2025 (2 days ago) — Lavrov announces a second round of talks",
        "▶ Now: Saturday 31 May 2025, 12:00 (Europe/Istanbul, UTC+03:00)",
        "Monday 2 June 2025 (in 2 days) — Second round of Russia-Ukraine talks in Istanbul",
    )
    later = (await ask("/timeline", at=TODAY)).sections[0].bullets
    assert later[-1] == "▶ Now: Tuesday 1 December 2026, 10:00 (Europe/Istanbul, UTC+03:00)"


async def test_where_defaults_to_the_venue(ask: Ask) -> None:
    reply = await ask("/where")
    text = reply.plain_text()
    assert reply.title == "Istanbul"
    assert "Timezone: Europe/Istanbul, UTC+03:00" in text
    assert "Local time now: Saturday 31 May 2025, 12:00" in text
    assert "Moscow — Where Turkish Foreign Minister Hakan Fidan met Lavrov" in text


async def test_where_other_places_and_events(ask: Ask) -> None:
    assert (await ask("/where moscow")).title == "Moscow"
    assert (await ask("/where Москва")).title == "Moscow"
    assert (await ask("/where fidan's visit")).title == "Moscow"
    assert (await ask("/where announcement")).plain_text().endswith("The article does not say where that took place.")
    assert (await ask("/where Kyiv")).title == "Not in this briefing"


async def test_stakes(ask: Ask) -> None:
    overview = await ask("/stakes")
    assert [s.heading for s in overview.sections] == [
        "Russia's memorandum (Russia)", "Turkey as host and mediator (Turkey)",
        "The U.S. stance on sanctions (United States)", "What success or failure would mean (Observers)"]
    sanctions = await ask("/stakes sanctions")
    assert sanctions.title == "The U.S. stance on sanctions"
    assert "People: Donald Trump" in sanctions.plain_text()
    assert (await ask("/stakes weather")).title == "Not in this briefing"


async def test_source_of_a_topic_shows_each_fact_and_its_quote(ask: Ask) -> None:
    reply = await ask("/source lavrov")
    assert reply.title == "Source: Sergey Lavrov"
    memo = next(s for s in reply.sections if s.heading and s.heading.startswith("Said Moscow"))
    assert memo.text == ("“Lavrov emphasized that Moscow has prepared a memorandum detailing its positions on "
                         "issues it considers crucial for resolving the crisis”")


async def test_source_without_a_topic_follows_the_last_answer(ask: Ask) -> None:
    assert (await ask("/source", last_topic="fidan")).title == "Source: Hakan Fidan"
    article = await ask("/source")
    assert article.title == "Source"
    assert "Publisher: not stated in the article" in article.plain_text()
    assert "Language: English" in article.plain_text()


async def test_source_of_something_absent(ask: Ask) -> None:
    assert (await ask("/source weather")).title == "Not in this briefing"


async def test_every_action_is_itself_a_working_command(ask: Ask) -> None:
    seen: set[str] = set()
    frontier = ["/start", "/help", "/summary", "/who", "/stakes", "/timeline", "/source", "/where"]
    while frontier:
        text = frontier.pop()
        reply = await ask(text)
        assert reply.title != "Unknown command", text
        for action in reply.actions:
            if action.command not in seen:
                seen.add(action.command)
                frontier.append(action.command)
    assert len(seen) > 20
