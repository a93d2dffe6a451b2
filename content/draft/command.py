"""`briefing-bot draft ARTICLE`: draft, check, write, and tell the editor what to check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from content.draft.deck import Draft, draft
from content.draft.files import ExistingFiles, Written, write
from content.draft.received import ArticleError, receive
from content.errors import DeckError

# Notes on wording every draft carries; the report names them once instead of one by one.
_ROUTINE = frozenset({"title", "headline", "bullets", "did", "reports"})


@dataclass(frozen=True, slots=True)
class Options:
    decks: Path
    seeds: Path
    deck_id: str | None = None
    language: str | None = None
    as_of: dt.date | None = None


def run(article: Path, options: Options, out: TextIO, err: TextIO) -> int:
    """Draft `article` into the deck and seed folders; 0 when written, 1 when nothing was."""
    try:
        result = draft(receive(article), deck_id=options.deck_id, language=options.language,
                       as_of=options.as_of)
        written = write(result, options.decks, options.seeds)
    except ArticleError as exc:
        err.write(f"error: {exc}\nNothing was written.\n")
        return 1
    except ExistingFiles as exc:
        err.write("error: the draft would overwrite " + ", ".join(str(p) for p in exc.paths) +
                  "\nNothing was written: choose another --id, or move the existing files away.\n")
        return 1
    except DeckError as exc:
        err.write("error: the draft does not pass the check:\n" +
                  "".join(f"  {p}\n" for p in exc.problems) + "Nothing was written.\n")
        return 1
    out.write(report(result, written))
    return 0


def report(result: Draft, written: Written) -> str:
    deck = written.briefing.deck
    when = result.article_date
    lines = [f"Drafted {deck.id} from {result.received.name} ({result.received.kind}, language "
             f"{result.language}, as of {when.day.isoformat()} from {when.how}).", ""]
    lines.append(f"People ({len(deck.people)}):")
    lines.extend(f"  {p.name} — {p.role.text}" for p in deck.people)
    lines.append(f"Events ({len(deck.events)}), the main one first:")
    for e in sorted(deck.events, key=lambda e: e.id != deck.main_event):
        place = deck.place(e.place)
        days = e.date.isoformat() if e.date else "?"
        if e.until:
            days += f" to {e.until.isoformat()}"
        if e.time:
            days += f" {e.time:%H:%M}"
        where = f"{place.name} ({e.timezone})" if place else "no place"
        lines.append(f"  {'*' if e.id == deck.main_event else ' '} {e.id}: {e.title} — {days}, "
                     f"{e.precision} precision, {where}")
    lines.append(f"Places ({len(deck.places)}):")
    lines.extend(f"  {p.name} — {p.timezone}" for p in deck.places)
    quotes = sum(len(c.facts()) for c in deck.cards())
    lines += ["", "Wrote:", f"  {written.seed_text}", f"  {written.seed_meta}",
              f"  {written.deck}  (checked: {len(deck.cards())} cards, {quotes} quotes found verbatim)", ""]
    lines.append("Please check (each is marked `# review:` in the files):")
    lines.extend(f"  - {item}" for item in please_check(result))
    return "\n".join(lines) + "\n"


def please_check(result: Draft) -> list[str]:
    items = [f"dropped by the check: {d}" for d in result.dropped]
    for (card, field), notes in result.notes.items():
        if field in _ROUTINE:
            continue
        where = f"{card}.{field}" if card and field else card or field
        items.extend(f"{where}: {note}" for note in notes)
    if result.language != "en":
        items.append(f"the article is in '{result.language}': the drafter's rules for roles and dates "
                     "are written for English; check every card")
    items.append("titles, roles, the summary and what people did are the article's sentences as "
                 "written: make them the editor's own")
    return items
