"""What a reader of Ukrainian or Russian must never see: the interface's own English.

`english_left(text, code)` finds, in what the bot sent, any English phrase of the message
catalogue that the language's catalogue words otherwise (a phrase kept as it is in the
translation, such as a command's example, is not a leak). The article's quotes (“…”) are English
by design and are left out of the search.
"""

from __future__ import annotations

import functools
import re

from babel.messages.catalog import Catalog

from tests.handlers import catalogues as cat

_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
_QUOTED = re.compile(r"“[^”]*”")
_CYRILLIC = re.compile(r"[а-яіїєґё]", re.IGNORECASE)


def _words(piece: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", piece)


@functools.cache
def _phrases(code: str) -> tuple[str, ...]:
    """The English phrases of the catalogue worth looking for (two words or more), for language `code`."""
    translation: Catalog = cat.translation(code)
    found: set[str] = set()
    for message in translation:
        if not message.id:
            continue
        english = cat.forms(message.id)
        translated = " ".join(cat.forms(message.string))
        for text in english:
            for piece in _PLACEHOLDER.split(text):
                piece = piece.strip(" .,:;!?()“”—–-")
                if len(_words(piece)) >= 2 and piece not in translated:
                    found.add(piece)
    return tuple(sorted(found, key=len, reverse=True))


def english_left(text: str, code: str) -> list[str]:
    """The catalogue's English phrases in `text` outside the article's quotes."""
    own = _QUOTED.sub("", text)
    return [phrase for phrase in _phrases(code) if phrase in own]


def speaks(text: str, code: str) -> bool:
    """Whether `text` is in language `code`: some Cyrillic and none of the interface's English."""
    return bool(_CYRILLIC.search(text)) and not english_left(text, code)
