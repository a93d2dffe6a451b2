"""A Reply as Telegram messages: HTML parse mode, pages of at most 4096 characters, a keyboard.

Every dynamic string is escaped; the only tags used are b, i and blockquote. Telegram measures
the limit on the visible text after entity parsing, in UTF-16 code units, so the widths here
are counted the same way on the plain text, never on the markup. A reply is cut between its
blocks (title, sections, source) when it can be; a block longer than a page between its lines;
a line longer than a page at a space. Follow-up actions become one inline keyboard, on the last
page.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.reply import ACTION_LABEL_MAX, Action, Reply, Section, clip, clip_bytes, source_line

MESSAGE_LIMIT = 4096
CALLBACK_DATA_MAX = 64
CALLBACK_PREFIX = "cmd:"  # callback_data is "cmd:<command>"; other prefixes are not ours
BUTTONS_PER_ROW = 2
_BLOCK_GAP = 2  # "\n\n" between blocks
_LINE_GAP = 1  # "\n" between the lines of a block
_MIN_PIECE = 64  # a page with less room left than this is not worth starting a cut line on
_CACHED = 512  # rendered replies kept (a few KB each)


@dataclass(frozen=True, slots=True)
class Span:
    """Plain text, optionally inside one tag."""

    text: str
    tag: str | None = None


Line = tuple[Span, ...]
Block = tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Rendered:
    pages: tuple[str, ...]  # message texts, in order
    keyboard: InlineKeyboardMarkup | None  # goes on the last page
    html: bool = True  # False: plain text, sent without parse_mode


def width(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _line_width(line: Line) -> int:
    return sum(width(span.text) for span in line)


def _block_width(block: Block) -> int:
    return sum(map(_line_width, block)) + _LINE_GAP * (len(block) - 1)


def _markup(line: Line, as_html: bool) -> str:
    if not as_html:
        return "".join(span.text for span in line)
    return "".join(f"<{s.tag}>{html.escape(s.text, quote=False)}</{s.tag}>" if s.tag
                   else html.escape(s.text, quote=False) for s in line)


# --- a Reply as blocks of lines ---------------------------------------------------------------


def _section(section: Section) -> Block:
    lines: list[Line] = []
    if section.heading:
        lines.append((Span(section.heading, "b"),))
    if section.text:
        lines.extend((Span(part),) for part in section.text.split("\n"))
    lines.extend((Span(f"{f.label}:", "b"), Span(f" {f.value}")) for f in section.fields)
    lines.extend((Span(f"• {bullet}"),) for bullet in section.bullets)
    return tuple(lines)


def blocks(reply: Reply) -> list[Block]:
    """Title, each section, then the source with its quotes."""
    found: list[Block] = [((Span(reply.title, "b"),),)]
    found.extend(block for block in map(_section, reply.sections) if block)
    if reply.source is not None and reply.source.quotes:
        head: Line = (Span(source_line(reply.source.article, reply.source.as_of), "i"),)
        found.append((head, *((Span(f"“{q}”", "blockquote"),) for q in reply.source.quotes)))
    return found


# --- pages ------------------------------------------------------------------------------------


def _take(text: str, budget: int) -> int:
    """How many characters of `text` fit in `budget` UTF-16 units, ending at a space if one is near."""
    used = count = 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            break
        count += 1
    space = text.rfind(" ", 0, count)
    return space + 1 if count < len(text) and space > count // 2 else count


def _split(line: Line, budget: int) -> tuple[Line, Line]:
    """The head of `line` that fits in `budget`, and the rest."""
    head: list[Span] = []
    spans = list(line)
    while spans:
        span = spans[0]
        if width(span.text) <= budget:
            head.append(spans.pop(0))
            budget -= width(span.text)
            continue
        n = _take(span.text, budget)
        if n:
            head.append(Span(span.text[:n], span.tag))
            spans[0] = Span(span.text[n:], span.tag)
        break
    return tuple(head), tuple(spans)


class _Pager:
    """Fills pages up to the limit, with the gap each piece needs before it."""

    def __init__(self, limit: int, as_html: bool) -> None:
        self.limit, self.as_html = limit, as_html
        self.pages: list[str] = []
        self.parts: list[str] = []
        self.used = 0

    def room(self, gap: int) -> int:
        return self.limit - (self.used + gap if self.parts else 0)

    def add(self, lines: Block, gap: int) -> None:
        """Lines that stay together: on this page if they fit, else on the next."""
        if _block_width(lines) > self.room(gap):
            self.flush()
        if self.parts:
            self.parts.append("\n" * gap)
            self.used += gap
        self.parts.append("\n".join(_markup(line, self.as_html) for line in lines))
        self.used += _block_width(lines)

    def add_line(self, line: Line, gap: int) -> None:
        """One line; only a line longer than a whole page is cut, its first piece filling this one."""
        while _line_width(line) > self.limit:
            if self.room(gap) < _MIN_PIECE:
                self.flush()
            head, line = _split(line, self.room(gap))
            self.add((head,), gap)
            self.flush()
        self.add((line,), gap)

    def flush(self) -> None:
        if self.parts:
            self.pages.append("".join(self.parts))
        self.parts, self.used = [], 0


def paginate(found: list[Block], *, limit: int = MESSAGE_LIMIT, as_html: bool = True) -> tuple[str, ...]:
    pager = _Pager(limit, as_html)
    for block in found:
        if _block_width(block) <= limit:
            pager.add(block, _BLOCK_GAP)
            continue
        for number, line in enumerate(block):  # too long for one page: cut between its lines
            pager.add_line(line, _BLOCK_GAP if number == 0 else _LINE_GAP)
    pager.flush()
    return tuple(page for page in pager.pages if page.strip())


# --- buttons ----------------------------------------------------------------------------------


def callback_data(command: str) -> str:
    return CALLBACK_PREFIX + clip_bytes(command, CALLBACK_DATA_MAX - len(CALLBACK_PREFIX.encode()))


def command_of(data: str | None) -> str | None:
    """The command a button carries, or None for data that is not ours (an older keyboard)."""
    if not data or not data.startswith(CALLBACK_PREFIX):
        return None
    return data.removeprefix(CALLBACK_PREFIX).strip() or None


def keyboard(actions: tuple[Action, ...]) -> InlineKeyboardMarkup | None:
    buttons = [InlineKeyboardButton(clip(a.label, ACTION_LABEL_MAX), callback_data=callback_data(a.command))
               for a in actions if a.label.strip() and a.command.strip()]
    if not buttons:
        return None
    rows = [buttons[i:i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def render(reply: Reply, *, as_html: bool = True, limit: int = MESSAGE_LIMIT) -> Rendered:
    """The pages and keyboard of a reply; `as_html=False` gives the plain-text fallback."""
    return _render(reply, as_html, limit)


@functools.lru_cache(maxsize=_CACHED)
def _render(reply: Reply, as_html: bool, limit: int) -> Rendered:
    # Replies are frozen and hashable, and readers ask for the same cards again and again;
    # the Rendered (ptb's keyboard objects included) is immutable, so it is shared safely.
    # Their language is part of what makes two replies equal.
    with reply.in_its_language():
        return Rendered(paginate(blocks(reply), limit=limit, as_html=as_html), keyboard(reply.actions),
                        as_html)
