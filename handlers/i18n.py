"""Reader-facing wording, ready for translation: `_()` marks a message and gives it in the reader's language.

Messages are written in English in the code and extracted from `_()`, `ngettext()` and `N_()` calls
(gettext's conventions, which Babel's extractor reads) into `handlers/locale/messages.pot`; each
language's translations are `handlers/locale/<code>/LC_MESSAGES/messages.po` (see babel.cfg and
scripts/catalogues.sh). The language is a property of one answer or one post, not of the
process: `speaking(translations, language)` (or `speaking_in(code)`, with that language's
catalogue) sets it for the code that runs inside it, through a context variable, so answers to
readers of different languages on one event loop never mix; `language()` names it (for what
gettext does not cover: the deck's own wording, dates), and `local()` gives the deck's wording in
it. Outside any `speaking()` block the messages stay as written, in English, and the deck as its
editor wrote it.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import io
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from content.model import Wording

ENGLISH = "en"
LANGUAGES = (ENGLISH, "uk", "ru")  # the languages the interface speaks; English is the code's own
DOMAIN = "messages"  # Babel's default domain: locale/<language>/LC_MESSAGES/messages.po
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


def speaking_in(code: str) -> contextlib.AbstractContextManager[None]:
    """Speak language `code` (one of LANGUAGES) inside the block, with its catalogue."""
    return speaking(catalogue(code), code)


def language() -> str:
    """The current reader's language code ("en", "uk", "ru")."""
    return _current.get()[1]


def translations() -> gettext.NullTranslations:
    """The current reader's catalogue (what a reply keeps to be rendered in the same words)."""
    return _current.get()[0]


def local(text: str) -> str:
    """The editor's wording (a deck's `Wording`) in the current reader's language, else as written."""
    return text.in_language(language()) if isinstance(text, Wording) else text


def supported(code: str | None) -> str | None:
    """The language the interface speaks for a platform's code ("uk", "uk-UA", "ru_RU", "en-GB");
    None for a language it does not speak, or none given."""
    if not code:
        return None
    base = code.replace("_", "-").split("-", 1)[0].strip().lower()
    return base if base in LANGUAGES else None


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(code: str) -> gettext.NullTranslations:
    """The messages in language `code`, compiled once per process from its `.po` file.

    Compiling at first use (in memory, with Babel's compiler) means no `.mo` file can be older
    than the `.po` beside it, and a read-only installation needs nowhere to write one. Fuzzy
    entries are left out, as `pybabel compile` leaves them out. English, and a language with no
    catalogue, keep the messages as written.
    """
    path = catalogue_path(code)
    if code == ENGLISH or not path.is_file():
        return gettext.NullTranslations()
    return compiled(path, code)


def compiled(path: Path, code: str) -> gettext.GNUTranslations:
    """The `.po` file at `path`, compiled as `pybabel compile` would (fuzzy entries left out)."""
    with path.open("rb") as po:
        messages = read_po(po, locale=code, domain=DOMAIN, abort_invalid=True)
    buffer = io.BytesIO()
    write_mo(buffer, messages, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
