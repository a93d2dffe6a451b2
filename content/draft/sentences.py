"""The article cut into sentences, each with its place in the text (quotes are slices of it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\n\s*")
_MIN_WORDS = 3  # "CET." after "3 p.m." is the end of the previous sentence, not one of its own


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
    if last is not None and last.paragraph == paragraph and len(text[start:end].split()) < _MIN_WORDS:
        found[-1] = Sentence(last.start, end, text[last.start:end], paragraph)
    else:
        found.append(Sentence(start, end, text[start:end], paragraph))
