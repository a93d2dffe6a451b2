"""The article cut into sentences, each with its place in the text (quotes are slices of it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\n\s*")
_MIN_WORDS = 3  # "Reuters." alone is the end of the previous sentence, not one of its own
# "at 3 p.m. EST on Dec. 3": a zone after "a.m."/"p.m." goes on with the sentence
_CLOCK_END = re.compile(r"\b[ap]\.m\.$")
_ZONE_START = re.compile(r"[A-Z]{2,5}\b(?![.!?]\s*$)")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str  # text[start:end] without the surrounding white space
    paragraph: int

    def __contains__(self, offset: int) -> bool:
        return self.start <= offset < self.end


def split(text: str, language: str) -> list[Sentence]:
    """The sentences of `text`; a line break always ends one (titles, datelines, paragraphs)."""
    import sentencex

    found: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(_LINE_BREAK.split(text)):
        offset = text.index(line, offset)
        for part in sentencex.get_sentence_boundaries(language, line):
            _append(found, text, offset + part["start_index"], offset + part["end_index"], paragraph)
        offset += len(line)
    return found


def _append(found: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    if start >= end:
        return
    last = found[-1] if found else None
    short = len(text[start:end].split()) < _MIN_WORDS
    goes_on = last is not None and _CLOCK_END.search(last.text) and _ZONE_START.match(text, start)
    if last is not None and last.paragraph == paragraph and (short or goes_on):
        found[-1] = Sentence(last.start, end, text[last.start:end], paragraph)
    else:
        found.append(Sentence(start, end, text[start:end], paragraph))
