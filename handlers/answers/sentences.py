"""The article's sentences as character spans, so a sentence shown is an exact slice of it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! or ? (and any closing quotes or brackets), before white space and a
# capital letter, a digit or an opening quote; or at a line break.
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|\n+")
# Words after which a full stop does not end a sentence: titles, initials, "U.S.", "e.g.".
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b[A-Za-z]\.[A-Za-z]|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Rep|Sen|"
                           r"Gov|Pres|Prof|No|vs|etc|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|"
                           r"Oct|Nov|Dec))\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # sentences of one paragraph share it: "he" in one may name someone in another


def split(text: str) -> tuple[Sentence, ...]:
    """Every sentence of `text`, trimmed of surrounding white space, in order."""
    found: list[Sentence] = []
    start, paragraph = 0, 0
    for match in _END.finditer(text):
        if match.group(0).startswith("\n"):
            _add(found, text, start, match.start(), paragraph)
            start, paragraph = match.end(), paragraph + 1
            continue
        if _ABBREVIATION.search(text, max(start, match.start() - 8), match.start() + 1):
            continue
        _add(found, text, start, match.end(), paragraph)
        start = match.end()
    _add(found, text, start, len(text), paragraph)
    return tuple(found)


def _add(found: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        found.append(Sentence(start, end, paragraph))
