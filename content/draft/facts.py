"""Facts cut from the article: the quote is a slice of it, the text a lightly trimmed copy."""

from __future__ import annotations

import re

QUOTE_MAX = 600  # the model's limits (content/model.py Fact)
TEXT_MAX = 400
_CLAUSE_END = re.compile(r"[,;:—–]\s")
_OPENERS = re.compile(r"^(?:But|And|However|Meanwhile|Still|Yet|Also),?\s+")


def quote(text: str, start: int, end: int, limit: int = QUOTE_MAX) -> str:
    """text[start:end] without its closing stop, cut at a clause boundary when too long."""
    piece = text[start:end].strip()
    piece = re.sub(r"[.!?]+[\"”’]?$", "", piece) if not re.search(r"[\"“”]", piece) else piece
    if len(piece) <= limit:
        return piece
    cuts = [m.start() for m in _CLAUSE_END.finditer(piece, 0, limit)]
    return piece[: cuts[-1]] if cuts else piece[: piece.rfind(" ", 0, limit)]


def quote_keeping(text: str, start: int, end: int, keep: tuple[int, int]) -> str:
    """A quote of text[start:end] that keeps text[keep[0]:keep[1]] (a date) whole, however long
    the sentence: a window of words around it when the sentence is too long."""
    whole = quote(text, start, end)
    at = text.index(whole, start)
    if at <= keep[0] and keep[1] <= at + len(whole):
        return whole
    low = max(start, keep[0] - QUOTE_MAX // 2)
    high = min(end, low + QUOTE_MAX)
    if low > start:
        low = text.index(" ", low, keep[0]) + 1 if " " in text[low:keep[0]] else keep[0]
    if high < end:
        high = text.rindex(" ", keep[1], high) if " " in text[keep[1]:high] else keep[1]
    return text[low:high].strip()


def wording(quote_text: str) -> str:
    """The fact's text: the quote with a capital, a full stop and without a leading "But"."""
    text = _OPENERS.sub("", quote_text).strip()
    if len(text) > TEXT_MAX:
        text = quote(text, 0, len(text), TEXT_MAX - 1)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."


def fact(text: str, start: int, end: int) -> dict[str, str]:
    q = quote(text, start, end)
    return {"text": wording(q), "quote": q}
