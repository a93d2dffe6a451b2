"""Dates as an English news article writes them, found with their place in the text.

One set of rules serves both sides of a deck: the drafter finds an event's date with it, and the
check asks it whether a quote states the date the deck gives. Shapes: "June 2", "2 June 2025",
"Nov. 20", "Tuesday, March 3, 2026", ranges ("June 2-4", "from 3 to 5 March", "March 30 to
April 2"), "2026-03-04", "03/04/2026", a weekday ("on Tuesday", "last Tuesday") and
"today"/"yesterday"/"tomorrow". Cheap by design: the bot checks every deck when it starts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from content.text import MONTHS, WEEKDAYS

_MONTH_NUMBERS = {name.casefold(): i for i, name in enumerate(MONTHS, 1)}
_MONTH_NUMBERS.update({name[:3].casefold(): i for i, name in enumerate(MONTHS, 1)})
_MONTH_NUMBERS["sept"] = 9
_WEEKDAY_NUMBERS = {name.casefold(): i for i, name in enumerate(WEEKDAYS)}
_WEEKDAY_NUMBERS.update({name[:3].casefold(): i for i, name in enumerate(WEEKDAYS)})
_WEEKDAY_NUMBERS.update({"tues": 1, "thur": 3, "thurs": 3})
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}

_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![a-z])")
_WD = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
       r"|(?:Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?)(?![a-z])")
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_TO = r"\s*(?:-|–|—|to|until|till|through|thru|and)\s*"


def _wd(name: str) -> str:
    return rf"(?:(?P<{name}>{_WD}),?\s+(?:the\s+)?)?"


_SHAPES = [
    # 2 June 2025, Tuesday 2 to Thursday 4 June, from 3 to 5 March 2026, 30 March to 2 April
    ("dmy", re.compile(
        rf"{_wd('wd')}(?P<d>{_DAY})(?:\s+(?:of\s+)?(?P<m>{_MON}))?(?:{_TO}{_wd('wd2')}(?P<d2>{_DAY}))?"
        rf"\s+(?:of\s+)?(?P<m2>{_MON})(?:,?\s+(?P<y>{_YEAR}))?")),
    # June 2, 2025; Tuesday, March 3, 2026; Nov. 20; June 2-4; March 30 to April 2, 2026
    ("mdy", re.compile(
        rf"{_wd('wd')}(?P<m>{_MON})\s+(?P<d>{_DAY})(?:,?\s+(?P<y1>{_YEAR}))?"
        rf"(?:{_TO}{_wd('wd2')}(?:(?P<m2>{_MON})\s+)?(?P<d2>{_DAY}))?(?:,?\s+(?P<y>{_YEAR}))?")),
    ("iso", re.compile(rf"(?<![\d/.-])(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)(?!\d)")),
    ("numeric", re.compile(rf"(?<![\d/.])(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<y>{_YEAR})")),
    # a weekday alone only by its full name: "Sun", "Sat" and "Wed" are words too
    ("weekday", re.compile(r"(?:(?P<rel>(?i:last|next|this|coming|on))\s+)?"
                           r"(?P<wd>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)(?![a-z])")),
    ("relative", re.compile(r"(?P<rel>(?i:yesterday|today|tomorrow))(?![a-z])")),
]


def _number(table: dict[str, int], word: str | None) -> int | None:
    if word is None:
        return None
    return table.get(word.rstrip(".").casefold())


def _day(text: str | None) -> int | None:
    return int(re.sub(r"\D", "", text)) if text else None


@dataclass(frozen=True, slots=True)
class Mention:
    """One date as the article writes it; what it leaves out (the year, the order) stays None.

    `month` and `day` give a calendar date, `end_month`/`end_day` the last day of a range;
    `other_order` holds the day-first reading of an ambiguous "03/04/2026". A weekday alone
    (`weekday`, with `relative` "last", "next", ...) or a relative day (`relative` "today")
    gives no calendar date by itself.
    """

    start: int
    end: int
    text: str
    month: int | None = None
    day: int | None = None
    year: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    weekday: int | None = None
    relative: str | None = None
    month_first: bool = False
    other_order: tuple[int, int] | None = None

    @property
    def is_range(self) -> bool:
        return self.end_day is not None

    @property
    def is_calendar(self) -> bool:
        return self.month is not None and self.day is not None

    def readings(self) -> list[tuple[int, int]]:
        """(month, day) of the first day, in every order the text allows."""
        if self.month is None or self.day is None:
            return []
        return [(self.month, self.day), *([self.other_order] if self.other_order else [])]

    def states(self, first: dt.date, last: dt.date | None, as_of: dt.date | None) -> bool:
        """Whether this mention says the day (or range of days) `first`..`last`."""
        if self.is_calendar:
            if self.year is not None and self.year != (last or first).year:
                return False
            if (first.month, first.day) not in self.readings():
                return False
            if last is None:
                return not self.is_range
            return (self.end_month or self.month, self.end_day) == (last.month, last.day)
        if last is not None:
            return False
        if self.relative in RELATIVE_DAYS:
            return as_of is not None and first == as_of + dt.timedelta(days=RELATIVE_DAYS[self.relative])
        return self.weekday == first.weekday()


def _calendar(kind: str, match: re.Match[str]) -> Mention:
    g = match.groupdict()
    month2 = _number(_MONTH_NUMBERS, g.get("m2"))
    month = _number(_MONTH_NUMBERS, g.get("m")) or month2
    day2 = _day(g.get("d2"))
    if kind == "dmy" or kind == "mdy":
        end_month = (month2 or month) if day2 is not None else None
        return Mention(match.start(), match.end(), match.group(), month, _day(g["d"]),
                       int(g["y"] if g.get("y") else g.get("y1") or 0) or None, end_month, day2,
                       _number(_WEEKDAY_NUMBERS, g.get("wd")), month_first=kind == "mdy")
    return Mention(match.start(), match.end(), match.group(), int(g["m"]), int(g["d"]), int(g["y"]))


def _numeric(match: re.Match[str]) -> Mention | None:
    a, b = int(match["a"]), int(match["b"])
    if not (1 <= a <= 31 and 1 <= b <= 31) or (a > 12 and b > 12):
        return None
    month, day = (a, b) if a <= 12 else (b, a)
    other = (b, a) if a <= 12 and b <= 12 and a != b else None
    return Mention(match.start(), match.end(), match.group(), month, day, int(match["y"]),
                   month_first=a <= 12, other_order=other)


def _word(kind: str, match: re.Match[str]) -> Mention | None:
    rel = match.group("rel")
    if kind == "relative":
        return Mention(match.start(), match.end(), match.group(), relative=rel.casefold())
    return Mention(match.start(), match.end(), match.group(), weekday=_number(_WEEKDAY_NUMBERS, match["wd"]),
                   relative=rel.casefold() if rel else None)


def _candidates(text: str) -> list[Mention]:
    found: list[Mention] = []
    for kind, pattern in _SHAPES:
        for match in pattern.finditer(text):
            if match.start() > 0 and text[match.start() - 1].isalnum():
                continue
            if kind in ("dmy", "mdy") and " and" in match.group() and not _after_between(text, match.start()):
                mention: Mention | None = _calendar(kind, _shorter(pattern, text, match))
            elif kind in ("dmy", "mdy", "iso"):
                mention = _calendar(kind, match)
            elif kind == "numeric":
                mention = _numeric(match)
            else:
                mention = _word(kind, match)
            if mention is not None and _valid(mention):
                found.append(mention)
    return found


def _after_between(text: str, start: int) -> bool:
    return text[max(0, start - 8):start].casefold().endswith("between ")


def _shorter(pattern: re.Pattern[str], text: str, match: re.Match[str]) -> re.Match[str]:
    """The same date without its "and ..." tail: "June 2 and 3 officials" is one day, not two."""
    cut = match.start() + match.group().index(" and")
    shorter = pattern.match(text, match.start(), cut)
    return shorter or match


def _valid(m: Mention) -> bool:
    for month, day in ((m.month, m.day), (m.end_month, m.end_day)):
        if month is not None and day is not None:
            try:
                dt.date(2000, month, day)  # a leap year: 29 February is a date
            except ValueError:
                return False
    return True


def find(text: str) -> list[Mention]:
    """Every date `text` states, in reading order.

    Where two readings overlap, a calendar date wins over a weekday ("on Tuesday, 17 November"),
    then the longer one.
    """
    chosen: list[Mention] = []
    for m in sorted(_candidates(text), key=lambda m: (not m.is_calendar, m.start - m.end)):
        if not any(m.start < c.end and c.start < m.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def states(quote: str, first: dt.date, last: dt.date | None = None, as_of: dt.date | None = None) -> bool:
    """Whether `quote` states the day `first` (or the days `first` to `last`)."""
    return any(m.states(first, last, as_of) for m in find(quote))


def example(first: dt.date, last: dt.date | None = None) -> str:
    """How a quote may state the date: 'June 2', 'June 2-4'."""
    text = f"{MONTHS[first.month - 1]} {first.day}"
    if last is None:
        return text
    if last.month == first.month:
        return f"{text}-{last.day}"
    return f"{text} to {MONTHS[last.month - 1]} {last.day}"
