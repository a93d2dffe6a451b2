"""The message catalogues as a translator keeps them: what the code holds, the .pot, each .po.

`extracted()` reads the code as `scripts/catalogues.sh` does (babel.cfg, Babel's default
keywords); `stale()` compares it with the .pot; `untranslated()` lists what a language's .po
lacks. The checks are functions of their inputs, so a test can show each one failing.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from handlers.i18n import LOCALE_DIR, catalogue_path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("handlers", "bot")  # the input paths scripts/catalogues.sh gives pybabel
TEMPLATE = LOCALE_DIR / "messages.pot"

MessageId = str | tuple[str, ...]


def _id(message: Message) -> MessageId:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's id or string as its forms: one, or one per plural form."""
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def extracted() -> set[MessageId]:
    """Every message the code holds, found as `pybabel extract -F babel.cfg handlers bot` finds them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found: set[MessageId] = set()
    for folder in SCANNED:
        for _filename, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map, options_map):
            found.add(message)
    return found


def read(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=code)


def ids(catalog: Catalog) -> set[MessageId]:
    return {_id(m) for m in catalog if m.id}


def stale(template: Catalog, in_code: set[MessageId]) -> tuple[list[MessageId], list[MessageId]]:
    """(messages of the code missing from the .pot, messages of the .pot the code no longer has)."""
    known = ids(template)
    return sorted(in_code - known, key=str), sorted(known - in_code, key=str)


def _fields(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _problem(message: Message, plurals: int) -> str | None:
    """Why `message` of a .po is not a finished translation, or None."""
    strings = forms(message.string)
    if message.fuzzy:
        return "fuzzy"
    if not all(strings):
        return "untranslated"
    if isinstance(message.id, tuple | list) and len(strings) != plurals:
        return f"{len(strings)} plural forms, the language has {plurals}"
    wanted = set().union(*(_fields(text) for text in forms(message.id)))
    if any(_fields(form) != wanted for form in strings):
        return f"placeholders differ from {sorted(wanted)}"
    return None


def untranslated(translation: Catalog, template: Catalog) -> list[str]:
    """Every message of the .pot the .po lacks or has not finished, and every one it has beyond it."""
    plurals = get_plural(str(translation.locale)).num_plurals
    problems = [f"{m.id!r}: missing" for m in template if m.id and m.id not in translation]
    for message in translation:
        if not message.id:
            continue
        if message.id not in template:
            problems.append(f"{message.id!r}: not in the .pot")
        elif (why := _problem(message, plurals)) is not None:
            problems.append(f"{message.id!r}: {why}")
    return problems


def translation(code: str) -> Catalog:
    return read(catalogue_path(code), code)


def listed(problems: Iterable[object]) -> str:
    return "\n".join(str(p) for p in problems)
