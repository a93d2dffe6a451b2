"""Text helpers for decks: English calendar words, and folding of names for matching."""

from __future__ import annotations

import datetime as dt
import re

from anyascii import anyascii

MONTHS = ("January February March April May June July August "
          "September October November December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

_JOINERS = re.compile(r"[.'’`ʼ]")  # "U.S." -> "us", "Russia's" -> "russias"
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def long_date(day: dt.date) -> str:
    """'Monday 2 June 2025' (independent of the process locale)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def fold(text: str) -> str:
    """Return `text` as lower-case ASCII words separated by single spaces.

    Every script is transliterated (anyascii), so "Лавров", "İstanbul" and "Türkiye" fold to
    the same words as "Lavrov", "Istanbul" and "Turkiye".
    """
    latin = text if text.isascii() else anyascii(text)
    return _SEPARATORS.sub(" ", _JOINERS.sub("", latin.lower())).strip()
