"""Readers' questions (tests/handlers/questions/*.yaml) through the router: the targets of the sets.

The Istanbul set is asked of the served deck; the others of decks drafted from fictional fixture
articles, as `briefing-bot draft` writes them. The report (by category: right, honest "the
article doesn't say", wrong) is printed at the end of the test run, whatever the capture mode;
`python -m tests.handlers.questions_report` prints it on its own.
"""

from __future__ import annotations

import pytest

from content.loader import Briefing
from tests.handlers import questions_report as qr
from tests.handlers.conftest import Drafted

TARGET = 0.95
DRAFTED = [s.name for s in qr.all_sets() if s.article is not None]


async def test_the_question_set_is_answered_right_or_honestly(briefing: Briefing, pytestconfig: pytest.Config) -> None:
    cases = qr.load()
    assert len(cases) >= 150
    verdicts = await qr.run(briefing, cases)
    pytestconfig.stash.setdefault(REPORT, {})["istanbul"] = qr.report(verdicts)
    good = sum(v.outcome != "wrong" for v in verdicts)
    assert good / len(verdicts) >= TARGET, qr.report(verdicts)


async def test_no_answer_shows_words_the_article_does_not_have(briefing: Briefing) -> None:
    verdicts = await qr.run(briefing, qr.load())
    assert [v.invented for v in verdicts if v.invented] == []


async def test_no_answer_calls_the_articles_own_words_not_in_this_briefing(briefing: Briefing) -> None:
    verdicts = await qr.run(briefing, qr.load())
    assert [v.case.text for v in verdicts if v.false_absent] == []


async def test_questions_in_ukrainian_and_russian_are_answered_right_or_honestly_in_their_language(
        briefing: Briefing) -> None:
    cases = [c for c in qr.load() if c.category in ("ukrainian", "russian")]
    assert sum(c.category == "ukrainian" for c in cases) >= 20 and sum(c.category == "russian" for c in cases) >= 20
    verdicts = await qr.run(briefing, cases)
    assert qr.good_share(verdicts) >= TARGET, qr.report(verdicts)
    assert [v.case.text for v in verdicts if "I answer in English" in v.reply.plain_text()] == []


@pytest.mark.parametrize("name", DRAFTED)
async def test_a_drafted_decks_question_set_is_answered_right_or_honestly(drafted_sets: Drafted, name: str,
                                                                       pytestconfig: pytest.Config) -> None:
    qset, b = drafted_sets[name]
    assert len(qset.cases) >= 60
    verdicts = await qr.run(b, qset.cases, qset.moment)
    pytestconfig.stash.setdefault(REPORT, {})[name] = qr.report(verdicts)
    assert qr.good_share(verdicts) >= TARGET, qr.report(verdicts)
    assert [v.invented for v in verdicts if v.invented] == []
    assert [v.case.text for v in verdicts if v.false_absent] == []


def test_the_drafted_sets_cover_two_articles_other_than_istanbul() -> None:
    articles = {s.article for s in qr.all_sets() if s.article is not None}
    assert len(articles) >= 2
    assert all(a.exists() and "fictional" in a.read_text(encoding="utf-8") for a in articles)


REPORT = pytest.StashKey[dict[str, str]]()
