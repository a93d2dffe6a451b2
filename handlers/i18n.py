"""Reader-facing wording, ready for translation: `_()` marks a message and gives it in the reader's language.

Messages are written in English in the code and extracted from `_()`, `ngettext()` and `N_()` calls
(gettext's conventions, which Babel's extractor reads). The language is a property of one answer
or one post, not of the process: `speaking(translations, language)` sets it for the code that runs
inside it, through a context variable, so answers to readers of different languages on one event
loop never mix; `language()` names it (for what gettext does not cover: the deck's own wording,
dates), and `local()` gives the deck's wording in it. Outside any `speaking()` block the messages
stay as written, in English, and the deck as its editor wrote it.
"""

from __future__ import annotations

import contextlib
import gettext
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from content.model import Wording

ENGLISH = "en"
DOMAIN = "messages"  # Babel's default domain: locale/<language>/LC_MESSAGES/messages.mo
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_current: ContextVar[tuple[gettext.NullTranslations, str]] = ContextVar(
    "translations", default=(gettext.NullTranslations(), ENGLISH))


def _(message: str) -> str:
    """`message` in the current reader's language."""
    return _current.get()[0].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count `n`, by the rules of the current reader's language."""
    return _current.get()[0].ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message kept in a constant; it is translated where it is shown, with `_()`."""
    return message


@contextlib.contextmanager
def speaking(translations: gettext.NullTranslations, language: str = ENGLISH) -> Iterator[None]:
    """Let `_()` and `ngettext()` answer from `translations`, in `language`, inside the block."""
    token = _current.set((translations, language))
    try:
        yield
    finally:
        _current.reset(token)


def language() -> str:
    """The current reader's language code ("en", "uk", "ru")."""
    return _current.get()[1]


def local(text: str) -> str:
    """The editor's wording (a deck's `Wording`) in the current reader's language, else as written."""
    return text.in_language(language()) if isinstance(text, Wording) else text


def catalogue(code: str) -> gettext.NullTranslations:
    """The messages in language `code`; the messages as written where no catalogue is compiled."""
    return gettext.translation(DOMAIN, LOCALE_DIR, [code], fallback=True)
