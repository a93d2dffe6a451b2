"""The platform-neutral answer: what a renderer turns into console text, Telegram HTML or Block Kit.

All strings are plain text. Renderers escape them for their markup and decide how headings,
labels and quotes look; nothing here knows a platform.
"""

from __future__ import annotations

import contextlib
import gettext
from dataclasses import dataclass, field
from typing import Literal

from handlers import i18n
from handlers.i18n import _

# The smallest limits among the platforms, so a Reply that respects them renders everywhere
# without losing text: Slack's header (150) and section text (3000), Slack's field text (2000)
# and ten fields a section, Slack's button label (75), Telegram's callback_data (64 bytes,
# of which the adapter's prefix takes a few) and message text (4096).
TITLE_MAX = 150
TEXT_MAX = 3000
FIELD_MAX = 2000
FIELDS_MAX = 10
ACTIONS_MAX = 5
ACTION_LABEL_MAX = 75
ACTION_COMMAND_MAX_BYTES = 56
MESSAGE_MAX = 4096
ECHO_MAX = 60  # how much of a reader's own text a reply repeats back


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def clip_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def source_line(article: str, as_of: str) -> str:
    """'Source: The article on … (as of …)': the line above a reply's quotes, on every platform."""
    return _("Source: {article} ({as_of})").format(article=article, as_of=as_of)


def echo(text: str) -> str:
    """A reader's text as a reply may quote it: one line, printable, short."""
    head = text[: ECHO_MAX * 4]  # enough to fill the echo even after collapsing whitespace
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in head).split())
    return clip(flat, ECHO_MAX)


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    text: str = ""
    heading: str | None = None
    fields: tuple[Field, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Action:
    """A follow-up the reader can take: pressing it runs `command` (e.g. "who lavrov")."""

    label: str
    command: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where an answer comes from: the article and the verbatim passages behind it."""

    article: str
    as_of: str
    quotes: tuple[str, ...] = ()


Tone = Literal["card", "notice", "error"]


@dataclass(frozen=True, slots=True)
class Reply:
    title: str
    sections: tuple[Section, ...] = ()
    actions: tuple[Action, ...] = ()
    source: Source | None = None
    tone: Tone = "card"
    topic: str | None = None  # id of the card the reply is about: `/source` follows it
    unanswered: bool = False  # the bot could not answer (kept for the editors: what the deck lacks)
    # The language it was made in, and its catalogue: renderers word what they add (the source
    # line, "Next:") in it, whatever language the code that renders it runs in.
    language: str = field(default_factory=i18n.language)
    translations: gettext.NullTranslations = field(default_factory=i18n.translations, compare=False,
                                                   repr=False)

    def in_its_language(self) -> contextlib.AbstractContextManager[None]:
        """The block a renderer words this reply in."""
        return i18n.speaking(self.translations, self.language)

    def plain_text(self) -> str:
        """The whole reply as plain text: the fallback every platform gets."""
        with self.in_its_language():
            return self._plain_text()

    def _plain_text(self) -> str:
        lines = [self.title]
        for section in self.sections:
            lines.append("")
            if section.heading:
                lines.append(section.heading)
            if section.text:
                lines.append(section.text)
            lines.extend(f"{f.label}: {f.value}" for f in section.fields)
            lines.extend(f"• {b}" for b in section.bullets)
        if self.source and self.source.quotes:
            lines.append("")
            lines.append(source_line(self.source.article, self.source.as_of))
            lines.extend(f"“{q}”" for q in self.source.quotes)
        return "\n".join(lines)
