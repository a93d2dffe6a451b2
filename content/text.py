"""Text helpers for decks: English calendar words, and folding of names for matching."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = ("January February March April May June July August "
          "September October November December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g u".split(),
        strict=True,
    )
)
_LATIN_EXTRA = {"ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th"}
_TABLE = str.maketrans({**{k: ("" if v == "_" else v) for k, v in _CYRILLIC.items()}, **_LATIN_EXTRA})
# Transliterate before decomposing: NFKD would split "й" into "и" and a breve.
_JOINERS = re.compile(r"[.'’`ʼ]")  # "U.S." -> "us", "Russia's" -> "russias"
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def long_date(day: dt.date) -> str:
    """'Monday 2 June 2025' (independent of the process locale)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def fold(text: str) -> str:
    """Return `text` as lower-case ASCII words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_TABLE))
    latin = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", _JOINERS.sub("", latin)).strip()
