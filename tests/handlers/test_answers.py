"""Plain questions of the shapes readers ask, answered from the article's own words or honestly not.

Istanbul questions go to the served deck; "copenhagen" and "reykjavik" to decks drafted from the
fictional fixture articles, as `briefing-bot draft` writes them.
"""

from __future__ import annotations

from handlers.router import parse
from tests.handlers.conftest import Ask, AskDrafted

DOESNT_SAY = "The article doesn't say"


# --- who did it, and to whom ----------------------------------------------------------------------


async def test_who_met_putin_is_the_one_who_met_him_not_putin(ask: Ask) -> None:
    reply = await ask("who met putin in moscow")
    assert reply.title == "Hakan Fidan"
    assert "who met with Lavrov and President Vladimir Putin in Moscow" in reply.plain_text()


async def test_who_met_lavrov_is_not_lavrov(ask: Ask) -> None:
    assert (await ask("who met lavrov in moscow?")).title == "Hakan Fidan"


async def test_who_lavrov_met_is_the_one_he_met(ask: Ask) -> None:
    assert (await ask("who did Lavrov meet?")).title == "Hakan Fidan"


async def test_who_criticised_putin_finds_the_articles_own_word_for_it(ask: Ask) -> None:
    reply = await ask("who criticised putin")
    assert reply.title == "Donald Trump"
    assert "disappointment with Putin" in reply.plain_text()


async def test_who_represents_ukraine_names_no_one_and_shows_what_the_article_says(ask: Ask) -> None:
    text = (await ask("who represents ukraine")).plain_text()
    assert text.startswith(DOESNT_SAY)
    assert "it only mentions “Ukrainian representatives”" in text
    assert "What it says: “is equipped to present this memorandum to Ukrainian representatives" in text


async def test_who_negotiates_for_ukraine_is_no_russian(ask: Ask) -> None:
    reply = await ask("who negotiates for ukraine?")
    assert reply.title == DOESNT_SAY
    assert "Vladimir Medinsky" not in reply.plain_text()


async def test_a_deed_going_on_is_not_asked_as_a_role(ask_drafted: AskDrafted) -> None:
    assert "Environmental groups plan a march" in (await ask_drafted("reykjavik", "who is planning a march")).plain_text()


# --- when: the event the verb names --------------------------------------------------------------


async def test_when_the_talks_were_proposed_is_the_day_of_the_proposal(ask: Ask) -> None:
    reply = await ask("when were the talks proposed")
    assert reply.title == "Lavrov announces a second round of talks"
    assert "29 May 2025" in reply.plain_text() and "2 June" not in reply.plain_text()


async def test_when_the_summit_was_announced_is_not_when_it_opens(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("reykjavik", "when was the summit announced")).plain_text()
    assert text.startswith("Announcement in Reykjavik") and "Friday 13 November 2026" in text


async def test_when_the_talks_end_is_not_the_day_they_start(ask: Ask) -> None:
    reply = await ask("when will the talks end")
    assert reply.title == DOESNT_SAY and "2 June" not in reply.plain_text()


async def test_a_strike_over_several_days_ends_on_its_last_day(ask_drafted: AskDrafted) -> None:
    assert "Thursday 5 March 2026" in (await ask_drafted("copenhagen", "when will the walkout end")).plain_text()


async def test_a_time_next_to_what_is_asked_says_when(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("reykjavik", "when is the march")).plain_text()
    assert "on the eve of the summit" in text


async def test_a_date_in_another_clause_is_not_when_the_war_began(ask: Ask) -> None:
    assert (await ask("when did the war start?")).title == DOESNT_SAY


async def test_a_time_of_day_the_article_gives_is_never_not_announced(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("reykjavik", "what time is the press conference?")).plain_text()
    assert "15:30 GMT" in text and "Not announced" not in text


async def test_the_deadline_is_the_time_to_act_by(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("copenhagen", "what is the deadline for the government")).plain_text()
    assert "before Tuesday morning" in text


async def test_the_last_strike_is_one_the_article_does_not_speak_of(ask_drafted: AskDrafted) -> None:
    reply = await ask_drafted("copenhagen", "when was the last nurses strike")
    assert reply.title == DOESNT_SAY
    assert "“last”" in reply.plain_text() and "Tuesday 3" not in reply.plain_text()


async def test_what_happened_on_a_day_is_that_days_event(ask: Ask) -> None:
    assert (await ask("what happened on may 29")).title == "Lavrov announces a second round of talks"
    assert (await ask("what happens on 2 June?")).title == "Second round of Russia-Ukraine talks in Istanbul"


async def test_a_day_the_article_reports_nothing_on_is_said_so(ask: Ask) -> None:
    text = (await ask("what happened on june 5")).plain_text()
    assert text.startswith(DOESNT_SAY)
    assert "The article reports nothing on that day." in text


async def test_what_was_announced_on_a_day_is_that_days_announcement_not_an_event_before_it(ask: Ask) -> None:
    reply = await ask("what was announced on may 29")
    assert reply.title == "Lavrov announces a second round of talks"
    assert "Fidan" not in reply.plain_text()


async def test_a_day_named_in_ukrainian_or_russian_is_that_days_event(ask: Ask) -> None:
    assert (await ask("що сталося 29 травня?")).title == "Лавров оголошує другий раунд переговорів"
    assert (await ask("что будет 2 июня?")).title == "Второй раунд переговоров России и Украины в Стамбуле"


async def test_how_many_days_left_in_ukrainian_and_russian_counts_down(ask: Ask) -> None:
    assert "Залишилося 2 дні" in (await ask("скільки днів до переговорів?")).plain_text()
    assert "Осталось 2 дня" in (await ask("сколько дней осталось до переговоров?")).plain_text()


# --- where: the article's own words when no card holds the place -----------------------------------


async def test_where_is_said_in_the_articles_words_when_no_card_holds_the_place(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("copenhagen", "where did Brandt speak to reporters")).plain_text()
    assert "outside the union's headquarters" in text


async def test_where_a_place_is_when_the_article_only_names_it_is_not_said(ask_drafted: AskDrafted) -> None:
    assert (await ask_drafted("copenhagen", "where is the union's headquarters")).title == DOESNT_SAY


async def test_where_an_event_took_place_is_not_where_one_before_it_did(ask: Ask) -> None:
    reply = await ask("where was the announcement made?")
    assert reply.title == DOESNT_SAY
    assert "Moscow" not in " ".join(s.text for s in reply.sections)


async def test_where_in_the_city_is_the_event_is_the_finer_place_its_facts_give(
        ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("copenhagen", "where in copenhagen is the strike?")).plain_text()
    assert "at the city's public hospitals" in text


async def test_where_in_the_city_is_no_choice_between_the_event_and_its_city(ask_drafted: AskDrafted) -> None:
    reply = await ask_drafted("reykjavik", "where in reykjavik is the summit held")
    assert reply.title == "Reykjavik"


# --- what someone said, and about what --------------------------------------------------------------


async def test_what_putin_said_the_article_does_not_report_and_his_card_is_offered(ask: Ask) -> None:
    reply = await ask("what did putin say")
    assert reply.title == DOESNT_SAY
    assert "The article doesn't report anything Vladimir Putin said." in reply.plain_text()
    assert reply.actions[0].command == "who putin"


async def test_what_trump_said_about_putin_is_about_putin(ask: Ask) -> None:
    text = (await ask("what did trump say about putin")).plain_text()
    assert "disappointment with Putin's recent military actions" in text
    assert "loss of life" not in text


async def test_what_someone_said_about_something_they_did_not_mention_is_not_reported(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("reykjavik", "what did Brekkan say about the march")).plain_text()
    assert "The article doesn't report anything Ása Brekkan said about the march." in text


async def test_a_party_with_no_card_speaks_through_the_one_whose_role_names_it(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("copenhagen", "what does the union want")).plain_text()
    assert "an offer that matches the work our members do" in text


async def test_a_party_the_article_only_mentions_has_no_position(ask: Ask) -> None:
    reply = await ask("what is Ukraine's position?")
    assert reply.title == DOESNT_SAY
    assert "The article doesn't say what Ukraine thinks or wants." in reply.plain_text()


# --- why, yes or no, near words ----------------------------------------------------------------------


async def test_why_turkey_matters_is_its_part_as_a_neutral_host(ask: Ask) -> None:
    assert "neutral party could be pivotal" in (await ask("why does turkey matter")).plain_text()


async def test_why_the_nurses_strike_is_over_pay(ask_drafted: AskDrafted) -> None:
    text = (await ask_drafted("copenhagen", "why are the nurses striking?")).plain_text()
    assert "after pay talks with the government broke down" in text


async def test_a_reason_made_of_the_questions_own_words_explains_nothing(ask_drafted: AskDrafted) -> None:
    assert (await ask_drafted("reykjavik", "why is the summit in reykjavik")).title == DOESNT_SAY


async def test_did_the_talks_succeed_is_not_answered_by_an_if(ask: Ask) -> None:
    reply = await ask("did the talks succeed")
    assert reply.title == DOESNT_SAY
    assert "What it says: “Should the negotiations be fruitful" in reply.plain_text()


async def test_a_near_word_is_answered_in_the_articles_word(ask_drafted: AskDrafted) -> None:
    reply = await ask_drafted("copenhagen", "are planned operations cancelled")
    assert "planned operations would be postponed" in reply.plain_text()
    assert "cancel" not in " ".join(s.text for s in reply.sections).lower()


async def test_what_if_a_case_the_article_never_discusses_is_not_answered(ask_drafted: AskDrafted) -> None:
    reply = await ask_drafted("reykjavik", "what happens if the summit fails to agree a target")
    assert reply.title == DOESNT_SAY


async def test_a_yes_or_no_about_a_thing_the_article_never_names_is_not_answered_by_its_nations(
        ask: Ask) -> None:
    reply = await ask("is there a ceasefire between russia and ukraine?")
    assert reply.title == DOESNT_SAY
    assert "“ceasefire”" in reply.plain_text()


async def test_a_yes_or_no_with_a_word_of_its_own_still_finds_the_fact(ask: Ask) -> None:
    assert "Ukrainian representatives" in (await ask("is Ukraine sending a delegation?")).plain_text()


async def test_two_people_in_a_relation_the_article_words_otherwise_get_what_it_says_of_both(
        ask: Ask) -> None:
    text = (await ask("is trump happy with putin?")).plain_text()
    assert text.startswith(DOESNT_SAY)
    assert "What it says: “he expressed disappointment with Putin’s recent military actions" in text


async def test_a_persons_job_is_their_role(ask: Ask) -> None:
    assert "Presidential aide" in (await ask("what is medinsky's job?")).plain_text()


async def test_what_could_go_wrong_is_what_failure_would_mean(ask: Ask) -> None:
    assert "it could deepen the crisis" in (await ask("what could go wrong?")).plain_text()


async def test_what_are_the_risks_is_whats_at_stake(ask: Ask) -> None:
    assert (await ask("what are the risks?")).title == "What's at stake"


async def test_a_what_about_a_year_the_article_never_names_is_not_the_story(ask: Ask) -> None:
    assert (await ask("what happened in 2022?")).title == DOESNT_SAY


async def test_a_what_with_no_words_of_its_own_is_the_story(ask: Ask) -> None:
    reply = await ask("what is the latest news?")
    assert reply.title == "Russia proposes a second round of negotiations with Ukraine, in Istanbul on 2 June"


async def test_who_is_on_strike_asks_who_strikes_not_for_a_name(ask_drafted: AskDrafted) -> None:
    reply = await ask_drafted("copenhagen", "who is on strike?")
    assert reply.title != DOESNT_SAY
    assert "nurses" in reply.plain_text().lower()


async def test_who_is_behind_the_proposal_is_who_made_it(ask: Ask) -> None:
    assert (await ask("who is behind the proposal?")).title == "Sergey Lavrov"


async def test_how_long_a_strike_lasts_is_its_span_of_days(ask_drafted: AskDrafted) -> None:
    assert "from 3 to 5 March" in (await ask_drafted("copenhagen", "how long will the strike last?")).plain_text()


async def test_how_long_the_talks_last_has_no_figure_in_a_date_alone(ask: Ask) -> None:
    text = (await ask("how long will the talks last?")).plain_text()
    assert text.startswith(DOESNT_SAY)
    assert "The article gives no figure for that." in text


async def test_a_figure_about_the_storys_own_subject_is_found(ask_drafted: AskDrafted) -> None:
    assert "38,000" in (await ask_drafted("copenhagen", "how many nurses are in the union?")).plain_text()


async def test_what_the_article_does_say_of_a_person_is_shown_when_it_does_not_answer(ask: Ask) -> None:
    text = (await ask("does trump support the talks?")).plain_text()
    assert text.startswith(DOESNT_SAY)
    assert "What it says: “Speaking informally to reporters, he expressed disappointment" in text


# --- how the router reads them ----------------------------------------------------------------------


def test_how_long_until_counts_down_but_how_long_it_lasts_is_a_question(briefing: object) -> None:
    from content.loader import Briefing

    assert isinstance(briefing, Briefing)
    counted = parse(briefing, "how long until the talks")
    lasting = parse(briefing, "how long will the talks last")
    assert counted is not None and counted.command == "countdown"
    assert lasting is not None and lasting.command == ""


async def test_a_slash_command_naming_a_card_still_shows_the_card(ask: Ask) -> None:
    assert (await ask("/who lavrov")).title == "Sergey Lavrov"
    assert (await ask("/when announcement")).title == "Lavrov announces a second round of talks"
