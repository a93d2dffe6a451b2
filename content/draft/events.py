"""Dated events of the article: the day (or days) and time the article gives, and where.

Dates are found by the same rules the check uses (content/dates.py), so a drafted date is one the
check accepts; a year the article leaves out is the one nearest the article's own date, and a
weekday ("last Tuesday") is resolved against that date by dateparser.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from content import dates
from content.draft.places import Place, PlaceMention
from content.draft.sentences import Sentence
from content.draft.words import EVENT_NOUNS, EVENT_VERBS, FUTURE, REPORTING, STOPWORDS, tokens
from content.text import MONTHS, WEEKDAYS

_TIME = re.compile(
    r"(?<![\d:.,])(?:(?P<h>[01]?\d|2[0-3])(?P<sep>[:.])(?P<m>[0-5]\d)(?!\d)\s*(?P<ampm>[ap]\.?\s?m\b\.?)?"
    r"|(?P<h12>1[0-2]|0?[1-9])\s*(?P<ampm12>[ap]\.?\s?m\b\.?)"
    r"|(?P<noon>noon|midday|midnight)"
    r"|(?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)\s*(?=GMT|UTC))"
    r"(?:\s*\(?(?P<zone>local time|GMT|UTC|[A-Z]{1,3}S?T|ET|PT|CT|MT)(?P<offset>[+-]\d{1,2})?\b)?")
_FIXED_ZONES = {"UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2,
                "EEST": 3, "MSK": 3, "TRT": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
                "MDT": -6, "PST": -8, "PDT": -7, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11}
_TENSE_WORDS = 6  # "will strike ... after talks broke down on Sunday": only the words just before count
_REPORTED_WORDS = 3  # "said on Friday", "told reporters Monday"
_VERB_GAP = 4  # "voted on Wednesday": the verb of the date
_CLOCK_GAP = 30  # characters between a time and its date: "at 10:00 local time on Tuesday, ..."
_REGION_ZONES = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
                 "PT": "America/Los_Angeles"}


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day as the article gives it, and the zone it names ("CET"), if any."""

    time: dt.time
    zone: str | None
    start: int
    end: int


@dataclass(slots=True)
class Event:
    first: dt.date
    until: dt.date | None
    mention: dates.Mention
    sentence: Sentence
    keyword: str | None
    place: Place | None = None
    clock: Clock | None = None
    time: dt.time | None = None  # local time at the place, when the article gives one
    notes: list[str] = field(default_factory=list)
    also: list[Sentence] = field(default_factory=list)  # other sentences giving the same day

    @property
    def precision(self) -> str:
        return "minute" if self.time is not None else "day"


@dataclass(frozen=True, slots=True)
class ArticleDate:
    day: dt.date
    how: str  # where it comes from, for the editor
    sure: bool
    mention: dates.Mention | None = None  # a dateline's date, which is no event


def month_first(found: list[dates.Mention]) -> bool:
    """Whether the article writes "March 3" rather than "3 March" (to read "03/04/2026")."""
    named = [m for m in found if m.is_calendar and m.other_order is None and not m.text[:1].isdigit()]
    return sum(m.month_first for m in named) * 2 > len(named)


def article_date(text: str, sentences: list[Sentence], found: list[dates.Mention],
                 metadata: str | None, today: dt.date) -> ArticleDate:
    """The day the article speaks from: its metadata, its dateline, else its first full date."""
    if metadata:
        parsed = _dateparser_day(metadata, today)
        if parsed is not None:
            return ArticleDate(parsed, f"the page's publication date ({metadata})", True)
    years = [m.year for m in found if m.year]
    line = _dateline(text, sentences, found)
    if line is not None:
        year = line.year or (max(set(years), key=years.count) if years else today.year)
        day = dt.date(year, line.month or 1, line.day or 1)
        return ArticleDate(day, f"the dateline “{line.text}”", line.year is not None, line)
    full = next((m for m in found if m.is_calendar and m.year), None)
    if full is not None and full.month and full.day:
        return ArticleDate(dt.date(full.year or today.year, full.month, full.day),
                           f"the article's first full date, “{full.text}”", False)
    return ArticleDate(today, "today's date: the article states no date of its own", False)


def _dateline(text: str, sentences: list[Sentence], found: list[dates.Mention]) -> dates.Mention | None:
    """A date in "COPENHAGEN, March 2 (Wire) —" or on a short line of its own near the top."""
    for sentence in sentences[:3]:
        words = sentence.text.split()
        for m in found:
            if not (m.is_calendar and sentence.start <= m.start < sentence.end) or m.is_range:
                continue
            head = text[sentence.start:m.start].strip(" ,")
            if len(words) <= 8 or (head and head.isupper() and m.start - sentence.start < 60):
                return m
    return None


Days = tuple[dt.date, dt.date | None, list[str]]  # first day, last day of a range, notes


def resolve(m: dates.Mention, sentence: Sentence, anchor: dt.date, mdy: bool) -> Days | None:
    """The day(s) a mention means, read from the article's date; notes say what was inferred."""
    notes: list[str] = []
    if not m.is_calendar:
        return _relative(m, sentence, anchor)
    month, day = m.month or 1, m.day or 1
    if m.other_order is not None and not mdy:
        month, day = m.other_order
        notes.append(f"“{m.text}” read as day/month/year, as the article writes its other dates")
    elif m.other_order is not None:
        notes.append(f"“{m.text}” read as month/day/year, as the article writes its other dates")
    year = m.year or _nearest_year(month, day, m.weekday, anchor)
    if m.year is None:
        notes.append(f"year {year} inferred from the article's date ({anchor.isoformat()})")
    first = dt.date(year, month, day) if not m.is_range else _range_start(m, month, day, year)
    until = None
    if m.is_range and m.end_day is not None:
        end_month = m.end_month or month
        until = dt.date(year + (end_month < first.month), end_month, m.end_day)
    if m.weekday is not None and first.weekday() != m.weekday:
        notes.append(f"“{m.text}” names a weekday that {first.isoformat()} is not")
    return first, until, notes


def _range_start(m: dates.Mention, month: int, day: int, year: int) -> dt.date:
    # "December 30 to January 2, 2027": the year written is the one of the last day
    if m.year is not None and m.end_month is not None and m.end_month < month:
        return dt.date(year - 1, month, day)
    return dt.date(year, month, day)


def _nearest_year(month: int, day: int, weekday: int | None, anchor: dt.date) -> int:
    years = [y for y in (anchor.year - 1, anchor.year, anchor.year + 1) if _exists(y, month, day)]
    if weekday is not None and any(dt.date(y, month, day).weekday() == weekday for y in years):
        years = [y for y in years if dt.date(y, month, day).weekday() == weekday]
    return min(years, key=lambda y: abs((dt.date(y, month, day) - anchor).days))


def _exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _relative(m: dates.Mention, sentence: Sentence, anchor: dt.date) -> Days | None:
    """"last Tuesday", "yesterday" by dateparser; a bare weekday is the nearest one (the week
    the article speaks of), the next one when the words before it speak of the future."""
    day: dt.date | None
    if m.weekday is not None and m.relative not in ("last", "next", "coming"):
        before = sentence.text[: m.start - sentence.start].split()[-_TENSE_WORDS:]
        ahead = bool(FUTURE.search(" ".join(before)))
        day = _nearest_weekday(anchor, m.weekday, ahead)
        name = WEEKDAYS[m.weekday]
        how = f"the first {name} from" if ahead else f"the {name} nearest to"
    else:
        day = _dateparser_day(m.text.replace("coming", "next"), anchor)
        how = "counted from"
        if day is None or (m.weekday is not None and day.weekday() != m.weekday):
            return None
    return day, None, [f"“{m.text}” read as {long_day(day)}, {how} the article's date ({anchor.isoformat()})"]


def _nearest_weekday(anchor: dt.date, weekday: int, ahead: bool) -> dt.date:
    offsets = [d for d in range(-6, 7) if (anchor + dt.timedelta(days=d)).weekday() == weekday]
    if ahead:
        return anchor + dt.timedelta(days=min(d for d in offsets if d >= 0))
    return anchor + dt.timedelta(days=min(offsets, key=lambda d: (abs(d), d > 0)))


def _dateparser_day(text: str, anchor: dt.date) -> dt.date | None:
    import dateparser

    parsed = dateparser.parse(text, languages=["en"],
                              settings={"RELATIVE_BASE": dt.datetime.combine(anchor, dt.time(12))})
    return parsed.date() if parsed is not None else None


def long_day(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


def clocks(text: str, sentence: Sentence) -> list[Clock]:
    found = []
    for match in _TIME.finditer(text, sentence.start, sentence.end):
        g = match.groupdict()
        if g["sep"] == "." and not (g["ampm"] or g["zone"]):
            continue  # "2.25 billion" is no time
        hour, minute = _hour_minute(g)
        if hour is None:
            continue
        found.append(Clock(dt.time(hour, minute), g["zone"] and g["zone"] + (g["offset"] or ""),
                           match.start(), match.end()))
    return found


def _hour_minute(g: dict[str, str | None]) -> tuple[int | None, int]:
    if g["noon"]:
        return (0, 0) if g["noon"] == "midnight" else (12, 0)
    if g["h4"]:
        return int(g["h4"]), int(g["m4"] or 0)
    ampm = (g["ampm"] or g["ampm12"] or "").replace(".", "").replace(" ", "").casefold()
    hour = int(g["h"] or g["h12"] or 0)
    minute = int(g["m"] or 0)
    if ampm and not 1 <= hour <= 12:
        return None, 0
    if ampm == "pm" and hour != 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return hour, minute


def local_time(event: Event) -> None:
    """Set the event's local time at its place from the clock the article gives, noting doubts."""
    clock, place = event.clock, event.place
    if clock is None:
        return
    if place is None:
        event.notes.append(f"the article gives a time ({clock.time:%H:%M}) but no place to take "
                           "its zone from: kept to the day")
        return
    zone = ZoneInfo(place.zone)
    said = _said_zone(clock.zone)
    if said is None:
        event.time = clock.time
        if clock.zone != "local time":
            event.notes.append(f"{clock.time:%H:%M}{' ' + clock.zone if clock.zone else ''} taken as "
                               f"local time in {place.name} ({place.zone})")
        return
    moment = dt.datetime.combine(event.first, clock.time, tzinfo=said).astimezone(zone)
    if moment.date() != event.first:
        event.notes.append(f"{clock.time:%H:%M} {clock.zone} falls on {moment.date()} in {place.zone}: "
                           "kept to the day")
        return
    event.time = moment.time()
    if moment.utcoffset() != dt.datetime.combine(event.first, clock.time, tzinfo=said).utcoffset():
        event.notes.append(f"the article gives {clock.time:%H:%M} {clock.zone}: "
                           f"{moment:%H:%M} in {place.zone}")


def _said_zone(name: str | None) -> dt.tzinfo | None:
    if name is None or name == "local time":
        return None
    if name in _REGION_ZONES:
        return ZoneInfo(_REGION_ZONES[name])
    base = re.match(r"[A-Z]+", name)
    if base is None or base.group() not in _FIXED_ZONES:
        return None
    offset = re.search(r"[+-]\d+$", name)
    hours = _FIXED_ZONES[base.group()] + (int(offset.group()) if offset else 0)
    return dt.timezone(dt.timedelta(hours=hours))


def clause(text: str, sentence: Sentence, m: dates.Mention) -> tuple[int, int]:
    """The part of the sentence the date belongs to: between the commas and dashes around it."""
    marks = [i for i in range(sentence.start, sentence.end)
             if text[i] in ",;—–" or text[i:i + 2] == ": " if not m.start <= i < m.end]
    left = max((i + 1 for i in marks if i < m.start), default=sentence.start)
    right = min((i for i in marks if i >= m.end), default=sentence.end)
    return left, right


def keyword(text: str, sentence: Sentence, m: dates.Mention, found: list[dates.Mention]) -> str | None:
    """The event word of the date: a verb right before it ("voted on Wednesday"), else a noun of
    its clause ("talks", "strike"), else a verb of it ("announced": "announcement"), else the
    nearest of the sentence; "March" is a month, not a march."""
    left, right = clause(text, sentence, m)
    best: tuple[bool, bool, bool, int, str] | None = None
    for w in tokens(text, sentence.start, sentence.end):
        if any(d.start <= w.start < d.end for d in found) or w.text in MONTHS:
            continue  # "March" is a month, not a march
        word = w.lower if w.lower in EVENT_NOUNS else EVENT_VERBS.get(w.lower)
        inside = left <= w.start < right
        if word is None:
            continue
        verb = w.lower not in EVENT_NOUNS
        right_before = 0 <= m.start - w.end <= _VERB_GAP
        rank = (not inside, not right_before, inside and verb, abs(w.start - m.start), word)
        if best is None or rank < best:
            best = rank
    return best[4] if best else None


def statement_only(text: str, sentence: Sentence, m: dates.Mention) -> bool:
    """"council leaders said Thursday", "leaders said last Tuesday that ...": the day of a
    statement, not of an event."""
    left, _right = clause(text, sentence, m)
    just_before = [w.lower for w in tokens(text, left, m.start)][-_REPORTED_WORDS:]
    return any(w in REPORTING for w in just_before)


def clause_title(text: str, sentence: Sentence, m: dates.Mention) -> str:
    """A title from the date's clause without the date and whoever said it: "..., said delegations
    would arrive on Monday" -> "Delegations would arrive"."""
    left, right = clause(text, sentence, m)
    words = [w for w in tokens(text, left, right) if not m.start <= w.start < m.end and w.is_word]
    said = [i for i, w in enumerate(words) if w.lower in REPORTING]
    if said and said[-1] + 1 < len(words):
        words = words[said[-1] + 1:]  # "Femke de Vries said work would resume" -> "work would resume"
    while words and (words[0].lower in REPORTING or words[0].lower in STOPWORDS):
        words.pop(0)
    while words and words[-1].lower in STOPWORDS:
        words.pop()
    title = text[words[0].start:words[-1].end] if words else m.text
    return (title[:1].upper() + title[1:])[:100]


def find(text: str, sentences: list[Sentence], found: list[dates.Mention], when: ArticleDate,
         where: list[PlaceMention]) -> list[Event]:
    mdy = month_first(found)
    events: list[Event] = []
    for m in found:
        if when.mention is not None and m.start == when.mention.start:
            continue
        sentence = next((s for s in sentences if m.start in s), None)
        if sentence is None:
            continue
        resolved = resolve(m, sentence, when.day, mdy)
        if resolved is None:
            continue
        first, until, notes = resolved
        if statement_only(text, sentence, m):
            continue
        word = keyword(text, sentence, m, found)
        event = Event(first, until, m, sentence, word, notes=notes)
        event.place = _place_near(where, sentence, m.start)
        if not event.until:
            event.clock = _clock_of(m, clocks(text, sentence), found)
        _merge(events, event)
    return events


def _clock_of(m: dates.Mention, times: list[Clock], found: list[dates.Mention]) -> Clock | None:
    """The time written next to the date, with no other date between them."""
    def gap(c: Clock) -> int:
        return max(c.start - m.end, m.start - c.end)

    def apart(c: Clock) -> bool:
        low, high = min(c.end, m.end), max(c.start, m.start)
        return any(low <= o.start < high for o in found if o is not m)

    near = [c for c in times if gap(c) <= _CLOCK_GAP and not apart(c)]
    return min(near, key=gap) if near else None


def _place_near(where: list[PlaceMention], sentence: Sentence, offset: int) -> Place | None:
    here = [p for p in where if p.sentence == sentence]
    here.sort(key=lambda p: (p.place.kind != "city", abs(p.start - offset)))
    return here[0].place if here else None


def _merge(events: list[Event], event: Event) -> None:
    same = next((e for e in events if (e.first, e.until) == (event.first, event.until)), None)
    if same is None:
        events.append(event)
        return
    if event.sentence != same.sentence:
        same.also.append(event.sentence)
    same.place = same.place or event.place
    same.clock = same.clock or event.clock
    same.keyword = same.keyword or event.keyword


def score(event: Event, as_of: dt.date) -> int:
    """How likely the event is the one the article is about (the deck's `main_event`)."""
    points = 3 if event.keyword in EVENT_NOUNS else 0
    points += 2 * (event.place is not None) + 2 * (event.first >= as_of)
    points += (event.clock is not None) + (event.until is not None) + len(event.also)
    reported = any(w.lower in REPORTING for w in tokens(event.sentence.text))
    if event.first == as_of and reported:
        points -= 2
    return points
