"""Readers' questions through the router, judged against what a right answer must (not) contain.

    .venv/bin/python -m tests.handlers.questions_report [--set istanbul|copenhagen|…] [--show wrong|all]

Each set (tests/handlers/questions/*.yaml) is asked of one deck: the Istanbul deck as served, or
the deck `briefing-bot draft` makes of a fictional fixture article (tests/content/draft/articles/),
drafted into a throwaway folder. Prints, by category: answered right, honest "the article doesn't
say", wrong; and counts of invented quotes (a quote that is not verbatim in the article) and of
false "not in this briefing" (said of words the article uses). tests/handlers/test_questions.py
asserts the targets and prints the same reports at the end of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from content.draft.deck import draft
from content.draft.files import write
from content.draft.received import receive
from content.loader import Briefing, load_all
from handlers.answers.index import answer_index
from handlers.clock import FixedClock
from handlers.context import Context
from handlers.i18n import _
from handlers.reply import Reply
from handlers.router import answer

SETS = Path(__file__).resolve().parent / "questions"
QUESTIONS = SETS / "istanbul.yaml"
ARTICLES = Path(__file__).resolve().parents[1] / "content" / "draft" / "articles"
MOMENT = dt.datetime.fromisoformat("2025-05-31T12:00+03:00")  # two days before the talks
ABSENT_TITLES = ("The article doesn't say", "Not in this briefing")  # as written; translated to compare


@dataclass(frozen=True)
class Case:
    text: str
    category: str
    expect: str  # "right" or "absent"
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSet:
    name: str  # the file's stem: "istanbul"
    deck: str  # the deck's id
    article: Path | None  # a fixture article to draft the deck from; None: the served deck
    moment: dt.datetime  # the reader's clock
    cases: list[Case]


@dataclass
class Verdict:
    case: Case
    outcome: str  # "right", "honest", "wrong"
    reply: Reply
    why: str = ""
    invented: list[str] = field(default_factory=list)
    false_absent: bool = False


def load(path: Path = QUESTIONS) -> list[Case]:
    return load_set(path).cases


def load_set(path: Path) -> QuestionSet:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [Case(str(q["q"]), str(q["cat"]), str(q.get("expect", "right")), tuple(q.get("has", ())),
                  tuple(q.get("not", ()))) for q in raw["questions"]]
    article = ARTICLES / raw["article"] if "article" in raw else None
    moment = dt.datetime.fromisoformat(raw["moment"]) if "moment" in raw else MOMENT
    return QuestionSet(path.stem, str(raw["deck"]), article, moment, cases)


def all_sets() -> list[QuestionSet]:
    return [load_set(p) for p in sorted(SETS.glob("*.yaml"))]


def drafted(article: Path, folder: Path) -> Briefing:
    """The deck `briefing-bot draft` makes of `article`, written into `folder` and loaded back."""
    return write(draft(receive(article)), folder / "decks", folder / "seeds").briefing


def briefing_for(qset: QuestionSet, folder: Path) -> Briefing:
    if qset.article is not None:
        b = drafted(qset.article, folder)
    else:
        b = next(b for b in load_all() if b.deck.id == qset.deck)
    assert b.deck.id == qset.deck, f"{qset.name}: drafted {b.deck.id}, the set is for {qset.deck}"
    return b


def judge(b: Briefing, case: Case, reply: Reply) -> Verdict:
    text = reply.plain_text()
    low = text.lower()
    missing = [h for h in case.has if h.lower() not in low]
    present = [n for n in case.lacks if n.lower() in low]
    quotes = list(reply.source.quotes) if reply.source else []
    invented = [q for q in quotes if q not in b.article]
    with reply.in_its_language():  # the titles as the reader of that language reads them
        absent_titles = [_(t) for t in ABSENT_TITLES]
    said_absent = reply.title in absent_titles
    false_absent = reply.title == absent_titles[1] and answer_index(b).occurs(case.text)
    if case.expect == "absent":
        ok = said_absent and not missing and not present
        outcome = "honest" if ok else "wrong"
    else:
        ok = not said_absent and not missing and not present
        outcome = "right" if ok else "wrong"
    why = "; ".join([*(f"lacks {m!r}" for m in missing), *(f"has {p!r}" for p in present)])
    if case.expect == "absent" and not said_absent:
        why = f"answered {reply.title!r}" + (f"; {why}" if why else "")
    if case.expect == "right" and said_absent:
        why = f"said {reply.title!r}" + (f"; {why}" if why else "")
    return Verdict(case, "wrong" if invented or false_absent else outcome, reply, why, invented, false_absent)


async def run(b: Briefing, cases: list[Case], moment: dt.datetime = MOMENT) -> list[Verdict]:
    ctx = Context(FixedClock(moment))
    verdicts = []
    for case in cases:
        reply = await answer(b, case.text, ctx)
        assert reply is not None
        verdicts.append(judge(b, case, reply))
    return verdicts


def good_share(verdicts: list[Verdict]) -> float:
    return sum(v.outcome != "wrong" for v in verdicts) / len(verdicts)


def report(verdicts: list[Verdict], show: str = "wrong", title: str = "") -> str:
    cats = list(dict.fromkeys(v.case.category for v in verdicts))
    lines = [title] if title else []
    lines.append(f"{'category':<11} {'asked':>5} {'right':>5} {'honest':>6} {'wrong':>5}")
    for cat in [*cats, "all"]:
        group = [v for v in verdicts if cat in ("all", v.case.category)]
        count = Counter(v.outcome for v in group)
        lines.append(f"{cat:<11} {len(group):>5} {count['right']:>5} {count['honest']:>6} {count['wrong']:>5}")
    good = sum(v.outcome != "wrong" for v in verdicts)
    lines.append(f"right or honest: {good}/{len(verdicts)} ({100 * good / len(verdicts):.1f}%); "
                 f"invented quotes: {sum(len(v.invented) for v in verdicts)}; "
                 f"false 'not in this briefing': {sum(v.false_absent for v in verdicts)}")
    for v in verdicts:
        if show == "all" or v.outcome == "wrong":
            lines.append(f"  [{v.outcome}] {v.case.text!r} -> {v.reply.title!r} {v.why}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[s.name for s in all_sets()], action="append",
                        help="the question set(s) to run (default: all)")
    parser.add_argument("--show", choices=("wrong", "all"), default="wrong")
    args = parser.parse_args()
    chosen = [s for s in all_sets() if not args.set or s.name in args.set]
    with tempfile.TemporaryDirectory(prefix="briefing-questions-") as scratch:
        for qset in chosen:
            b = briefing_for(qset, Path(scratch, qset.name))
            verdicts = asyncio.run(run(b, qset.cases, qset.moment))
            print(report(verdicts, args.show, f"{qset.name} ({qset.deck})"), end="\n\n")


if __name__ == "__main__":
    main()
