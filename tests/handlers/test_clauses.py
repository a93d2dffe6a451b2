"""Who does what in a sentence: the rules handlers/answers/clauses.py reads facts and sentences by."""

from __future__ import annotations

from handlers.answers import clauses
from handlers.answers.clauses import OWNER, Word
from handlers.answers.words import tokens

PEOPLE = frozenset({"fidan", "lavrov", "putin", "medinsky", "trump"})


def read(text: str) -> tuple[Word, ...]:
    return clauses.read(text, lambda w: w if w in PEOPLE or w == "moscow" else None)


def deed_in(words: tuple[Word, ...], concept: str) -> int:
    at = clauses.at(words, {concept})
    assert at is not None
    return at


def test_the_name_before_who_does_the_deed_after_it() -> None:
    words = read("The announcement followed a visit from Hakan Fidan, who met with Lavrov and Putin in Moscow.")
    met = deed_in(words, "meet")
    assert clauses.doer(words, met, PEOPLE) == "fidan"
    assert clauses.objects(words, met) == {"lavrov", "putin", "moscow"}


def test_a_fact_that_starts_with_its_deed_is_its_persons_own() -> None:
    words = read("Met Fidan in Moscow, together with Putin.")
    met = deed_in(words, "meet")
    assert clauses.doer(words, met, PEOPLE) == OWNER
    assert clauses.objects(words, met) == {"fidan", "moscow"}  # Putin met him too; he is not met


def test_by_after_the_deed_names_its_doer() -> None:
    words = read("the Russian delegation, led by presidential aide Vladimir Medinsky, is to present it")
    assert clauses.doer(words, deed_in(words, "delegation"), PEOPLE) == "medinsky"


def test_the_speaker_is_the_doer_of_the_verb_of_saying() -> None:
    assert clauses.speaker(read("Trump expressed disappointment with Putin"), PEOPLE)[0] == "trump"
    assert clauses.speaker(read("Fidan met Lavrov in Moscow."), PEOPLE) == (None, frozenset())
    _who, named = clauses.speaker(read("Nurses will strike, their union said."), PEOPLE)
    assert named == {"union"}


def test_a_reason_must_say_more_than_the_question() -> None:
    def strength(text: str, *asked: str) -> int:
        given = [(strength, frozenset(tokens(words))) for strength, words in clauses.reasons(text)]
        return clauses.strongest(given, lambda words: bool(words & set(asked)))

    assert strength("Thanked Turkey for hosting the negotiations.", "thank", "turkey") == 1
    went = "Fidan went to Moscow in order to explore how Turkey could help."
    assert strength(went, "visit", "moscow") == clauses.STRONG
    assert strength("Nordic leaders to meet in Reykjavik for a climate summit.", "reykjavik", "talk", "meet") == 0
    assert strength("Nurses will strike for three days.", "nurs") == 0  # a span, not a reason


def test_what_is_said_only_on_a_condition_is_inside_it() -> None:
    inside, outside = clauses.conditions("Should the negotiations be fruitful, there is hope for peace.")
    assert "fruitful" in inside and "fruitful" not in outside
    inside, outside = clauses.conditions("The walkout would go ahead unless the government reopened talks.")
    assert "reopened" in inside and "walkout" in outside


def test_a_time_or_place_belongs_to_the_words_of_its_clause() -> None:
    march = read("Environmental groups plan a march through Reykjavik on the eve of the summit.")
    assert clauses.when_of(march, {"march"})
    proposal = read("Announced, on 29 May 2025, a proposal for talks aimed at ending the war.")
    assert not clauses.when_of(proposal, {"war"})
    spoke = read("Brandt told reporters outside the union's headquarters that the walkout would go ahead.")
    assert clauses.places_near(spoke, {"report"}) == [("outside the union headquarters that", True)]


def test_a_clock_time_is_read_as_written() -> None:
    assert clauses.clock("a closing press conference at 15:30 GMT on Wednesday") == "15:30 GMT"
    assert clauses.clock("on Wednesday, 18 November 2026") is None
