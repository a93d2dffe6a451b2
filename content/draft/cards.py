"""Cards of the draft deck, built from what the rules found; notes say where to look twice."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from content.draft import events
from content.draft.events import Event
from content.draft.facts import fact, quote, quote_keeping
from content.draft.people import Person
from content.draft.places import Place, PlaceMention
from content.draft.sentences import Sentence
from content.text import MONTHS, fold, long_date

Card = dict[str, Any]
Notes = defaultdict[tuple[str, str], list[str]]  # (card id, field) -> review notes; "" is the card
_MAX_DID = 5
_MAX_WHAT = 3
MAX_BULLETS = 5


def slug(text: str, taken: set[str], fallback: str) -> str:
    base = "-".join(fold(text).split())[:32].strip("-") or fallback
    if not base[0].isalnum():
        base = fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def summary(text: str, lead: list[Sentence], notes: Notes) -> Card:
    headline, rest = lead[0], lead[1:]
    titled = not headline.text.rstrip("”\"’')").endswith((".", "!", "?"))
    bullets = (rest if titled else lead)[:MAX_BULLETS]
    notes["summary", "headline"].append("the article's first sentence: shorten it to a headline")
    notes["summary", "bullets"].append("the lead sentences as written: keep 3-6 that say what happened, "
                                       "why it matters and what comes next")
    return {"id": "summary", "aliases": ["overview", "story", "what happened"],
            "headline": fact(text, headline.start, headline.end),
            "bullets": [fact(text, s.start, s.end) for s in bullets]}


def person(text: str, p: Person, taken: set[str], notes: Notes) -> Card:
    card_id = slug(p.surname, taken, "person")
    aliases = [p.surname]
    if p.role is not None:
        role = {"text": p.role.phrase[:1].upper() + p.role.phrase[1:],
                "quote": text[p.role.start:p.role.end]}
        aliases.append(p.role.phrase)
    else:
        first = p.mentions[0][0]
        role = {"text": "Role not stated in the article", "quote": quote(text, first.start, first.end)}
        notes[card_id, "role"].append("no role phrase found next to the name: say who this is, "
                                      "or drop the card")
    acting = [s for s, _w, acts in p.mentions if acts] or [p.mentions[0][0]]
    did = [fact(text, s.start, s.end) for s in dict.fromkeys(acting)][:_MAX_DID]
    notes[card_id, "did"].append("the sentences where the name acts, as written: reword them as what "
                                 f"{p.surname} did or said")
    return {"id": card_id, "name": p.name, "aliases": aliases, "role": role, "did": did}


def place(text: str, found: Place, mentions: list[PlaceMention], taken: set[str], notes: Notes) -> Card:
    card_id = slug(found.name, taken, "place")
    first = next(m for m in mentions if m.place.name == found.name)
    if found.kind == "country":
        notes[card_id, "timezone"].append("only the country is named: this is its capital's zone; "
                                          "name the city if the article gives it")
    if found.others:
        notes[card_id, "timezone"].append(f"the most populous {found.name} ({found.country}, "
                                          f"{found.population:,} people); there are others of that name "
                                          f"in {', '.join(found.others[:5])}")
    return {"id": card_id, "name": found.name, "aliases": [], "timezone": found.zone,
            "role": fact(text, first.sentence.start, first.sentence.end)}


def event(text: str, e: Event, place_id: str | None, taken: set[str], titles: set[str], notes: Notes) -> Card:
    title = _title(text, e)
    if title in titles:  # two events of one kind in one place: the day tells them apart
        title = f"{title}, {e.first.day} {MONTHS[e.first.month - 1]}"
    titles.add(title)
    named = f"{e.place.name} {e.keyword}" if e.place and e.keyword else e.keyword or title
    card_id = slug(named, taken, "event")
    notes[card_id, "title"].append("the drafter's title: reword it as the editor's own")
    notes[card_id, "date"].extend(e.notes)
    card: Card = {"id": card_id, "title": title, "aliases": [e.keyword] if e.keyword else [],
                  "precision": e.precision, "date": e.first.isoformat()}
    if e.until is not None:
        card["until"] = e.until.isoformat()
    if e.time is not None:
        card["time"] = e.time.strftime("%H:%M")
    if e.place is not None:
        card.update(timezone=e.place.zone, place=place_id)
    said = quote_keeping(text, e.sentence.start, e.sentence.end, (e.mention.start, e.mention.end))
    card["when"] = {"text": _when_text(e), "quote": said}
    sentences = [e.sentence, *e.also][:_MAX_WHAT]
    card["what"] = [fact(text, s.start, s.end) for s in sentences]
    return card


def _title(text: str, e: Event) -> str:
    if e.keyword:
        word = e.keyword[:1].upper() + e.keyword[1:]
        return f"{word} in {e.place.name}" if e.place else word
    return events.clause_title(text, e.sentence, e.mention)


def _when_text(e: Event) -> str:
    if e.until is not None:
        return f"{long_date(e.first)} to {long_date(e.until)} (the article gives no time of day)"
    if e.time is not None and e.place is not None:
        return f"{long_date(e.first)}, {e.time:%H:%M} local time in {e.place.name} ({e.place.zone})"
    return f"{long_date(e.first)} (the article gives no time of day)"
