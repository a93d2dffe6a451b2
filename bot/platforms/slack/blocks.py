"""Replies as Block Kit: a header, sections with fields, a context for the source, buttons.

Everything a reader or the deck wrote is escaped for mrkdwn and sent with `verbatim` on, so a
typed `<!channel>` stays text and Slack does not turn plain words into links or mentions.
slack_sdk's models check each block's own limits; the limits of a whole message (50 blocks,
the total size of the blocks) are checked here, by splitting a long reply across messages at
section boundaries, with the buttons on the last one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from handlers.i18n import N_, _
from handlers.registry import REGISTRY
from handlers.reply import Action, Reply, Section, Source, clip, source_line

COMMAND = "/briefing"
MAX_BLOCKS = 50
# Slack refuses a message whose blocks are too big in total (`msg_blocks_too_long`). The limit
# is not documented; it has been seen near 13,200 characters, so stay well under it.
MAX_BLOCKS_TEXT = 12_000
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
FIELDS_MAX = 10
HEADER_MAX = 150
CONTEXT_TEXT_MAX = 2000
CONTEXT_ELEMENTS_MAX = 10
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
FALLBACK_MAX = 3000  # notifications show a line or two; the blocks carry the whole reply

FOLLOWUP_ACTION = "followup"  # action ids are followup_1, followup_2, …: unique within a message
SHARE_ACTION = "share"
SHARE_LABEL = N_("Share in channel")
USAGE = N_("Usage: {commands}")
CONTINUED = N_("(continued)")

_SLASH = re.compile(r"(?<![\w/])/([a-z][a-z0-9_]*)\b")


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message as chat.postMessage and response URLs take it: fallback text and blocks."""

    text: str
    blocks: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Piece:
    """One block, its size towards the message limit, and what it says in plain text."""

    block: Block
    size: int
    plain: str


def escape(text: str) -> str:
    """`text` safe inside mrkdwn: Slack's three control characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_commands(text: str) -> str:
    """`/who` reads `/briefing who`: in Slack the bot has one slash command, the rest is its text."""
    return _SLASH.sub(lambda m: f"{COMMAND} {m[1]}" if m[1] in REGISTRY else m[0], text)


def mrkdwn(markup: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=markup, verbatim=True)


def cut(text: str, limit: int) -> list[str]:
    """`text` in parts whose escaped form fits `limit`, cut after a space where one is near."""
    parts: list[str] = []
    while len(escape(text)) > limit:
        end = _fitting(text, limit)
        space = text.rfind(" ", 0, end)
        if space > end // 2:
            end = space + 1
        parts.append(text[:end].rstrip())
        text = text[end:]
    parts.append(text)
    return parts


def _fitting(text: str, limit: int) -> int:
    """How many leading characters of `text` fit `limit` once escaped (at least one)."""
    size = 0
    for i, ch in enumerate(text):
        size += len(escape(ch))
        if size > limit:
            return max(i, 1)
    return len(text)


def fit(text: str, limit: int) -> str:
    """`text` escaped, cut with an ellipsis so that it fits `limit`."""
    if len(escape(text)) <= limit:
        return escape(text)
    return escape(text[: _fitting(text, limit - 1)].rstrip()) + "…"


def join_lines(lines: Iterable[str], limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Markup lines (each within `limit`) joined into as few texts within `limit` as possible."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + 1 + len(line) <= limit:
            texts[-1] += "\n" + line
        else:
            texts.append(line)
    return texts


def _styled(plain: str, before: str, after: str = "", then: str | None = None) -> Iterator[str]:
    """Markup lines for plain text, decorated (`then` before the rest of a cut line), each within
    the section text limit."""
    room = SECTION_TEXT_MAX - max(len(before), len(then or "")) - len(after)
    for line in plain.splitlines() or [""]:
        for i, part in enumerate(cut(line, room)):
            lead = before if i == 0 or then is None else then
            yield f"{lead}{escape(part)}{after}" if part else ""


def _section_lines(section: Section) -> list[str]:
    lines: list[str] = []
    if section.heading:
        lines.extend(_styled(slack_commands(section.heading), "*", "*"))
    if section.text:
        lines.extend(_styled(slack_commands(section.text), ""))
    for bullet in section.bullets:
        lines.extend(_styled(slack_commands(bullet), "• ", then="   "))
    return [line for line in lines if line]


def _field(label: str, value: str) -> MarkdownTextObject:
    head = f"*{fit(label, 200)}*\n"
    return mrkdwn(head + fit(slack_commands(value), FIELD_TEXT_MAX - len(head)))


def _size(fields: list[MarkdownTextObject]) -> int:
    return sum(len(f.text) for f in fields)


def _field_groups(fields: list[MarkdownTextObject]) -> list[list[MarkdownTextObject]]:
    """Fields in blocks of at most ten, each block small enough for a message of its own."""
    groups: list[list[MarkdownTextObject]] = []
    for f in fields:
        if groups and len(groups[-1]) < FIELDS_MAX and _size(groups[-1]) + len(f.text) <= MAX_BLOCKS_TEXT:
            groups[-1].append(f)
        else:
            groups.append([f])
    return groups


def section_pieces(section: Section) -> list[Piece]:
    """A section as section blocks: its text within 3000 characters a block, ten fields a block."""
    texts = join_lines(_section_lines(section))
    groups = _field_groups([_field(f.label, f.value) for f in section.fields])
    result: list[Piece] = []
    for i, text in enumerate(texts):
        under = None  # the first fields go under the last text, in one block, when they fit
        if groups and i == len(texts) - 1 and len(text) + _size(groups[0]) <= MAX_BLOCKS_TEXT:
            under = groups.pop(0)
        size = len(text) + _size(under or [])
        result.append(Piece(SectionBlock(text=mrkdwn(text), fields=under), size, ""))
    result.extend(Piece(SectionBlock(fields=g), _size(g), "") for g in groups)
    if result:
        result[0] = replace(result[0], plain=Reply("", (section,)).plain_text().strip())
    return result


def header_piece(title: str) -> Piece:
    text = clip(slack_commands(" ".join(title.split())), HEADER_MAX)
    return Piece(HeaderBlock(text=PlainTextObject(text=text, emoji=False)), len(text), title)


def context_pieces(texts: list[str], plain: str) -> list[Piece]:
    """Small print (the source, a usage hint): markup texts, ten to a context block."""
    pieces = []
    for i in range(0, len(texts), CONTEXT_ELEMENTS_MAX):
        chunk = texts[i:i + CONTEXT_ELEMENTS_MAX]
        block = ContextBlock(elements=[mrkdwn(t) for t in chunk])
        pieces.append(Piece(block, sum(len(t) for t in chunk), plain if i == 0 else ""))
    return pieces


def source_pieces(source: Source) -> list[Piece]:
    line = source_line(f"_{fit(source.article, 1000)}_", fit(source.as_of, 200))
    quotes = [fit(f"“{q}”", CONTEXT_TEXT_MAX) for q in source.quotes]
    plain = "\n".join([source_line(source.article, source.as_of), *(f"“{q}”" for q in source.quotes)])
    return context_pieces([line, *quotes], plain)


def usage_pieces(hint: str, room: int) -> list[Piece]:
    """The usage line (`hint` is the registry's, e.g. '/briefing who [name] | when | …')."""
    return context_pieces([_(USAGE).format(commands=fit(hint, room))], _(USAGE).format(commands=hint))


def button(label: str, action_id: str, value: str, *, primary: bool = False) -> ButtonElement:
    text = clip(slack_commands(" ".join(label.split())), BUTTON_TEXT_MAX) or "…"  # Slack refuses ""
    return ButtonElement(text=text, action_id=action_id, value=value[:BUTTON_VALUE_MAX],
                         style="primary" if primary else None)


def actions_piece(actions: tuple[Action, ...], share: str | None) -> list[Piece]:
    """Follow-ups as buttons carrying their command, and the share button when asked for."""
    buttons = [button(a.label, f"{FOLLOWUP_ACTION}_{i}", a.command) for i, a in enumerate(actions, 1)]
    if share is not None:
        buttons.append(button(_(SHARE_LABEL), SHARE_ACTION, share, primary=True))
    if not buttons:
        return []
    size = sum(len(b.text.text) for b in buttons if b.text is not None)
    return [Piece(ActionsBlock(block_id="followups", elements=buttons), size, "")]


def pieces(reply: Reply, *, share: str | None = None, hint: str | None = None) -> list[list[Piece]]:
    """The reply's blocks, grouped so that a split falls between groups where it can."""
    groups: list[list[Piece]] = [[header_piece(reply.title)]] if reply.title.strip() else []
    groups.extend(group for s in reply.sections if (group := section_pieces(s)))
    if reply.source is not None:
        groups.append(source_pieces(reply.source))
    if hint:
        groups.append(usage_pieces(hint, CONTEXT_TEXT_MAX - 10))
    if buttons := actions_piece(reply.actions, share):
        groups.append(buttons)
    return groups


def _fits(message: list[Piece], more: list[Piece]) -> bool:
    return (len(message) + len(more) <= MAX_BLOCKS
            and sum(p.size for p in message) + sum(p.size for p in more) <= MAX_BLOCKS_TEXT)


def pack(groups: list[list[Piece]]) -> list[list[Piece]]:
    """Pieces into messages within Slack's limits, starting a message between groups if that helps."""
    messages: list[list[Piece]] = [[]]
    for group in groups:
        if messages[-1] and not _fits(messages[-1], group) and _fits([], group):
            messages.append([])
        for piece in group:
            if messages[-1] and not _fits(messages[-1], [piece]):
                messages.append([])
            messages[-1].append(piece)
    return [m for m in messages if m]


def fallback(title: str, message: list[Piece], first: bool) -> str:
    """The plain-text `text` of one message: what notifications and screen readers show."""
    plain = "\n\n".join(p.plain for p in message if p.plain)
    if not first:
        plain = f"{title} {_(CONTINUED)}\n\n{plain}"
    return escape(clip(slack_commands(plain.strip() or title), FALLBACK_MAX)) or _(CONTINUED)


def render(reply: Reply, *, share: str | None = None, hint: str | None = None) -> list[SlackMessage]:
    """The reply as one or more Slack messages, each within Slack's limits.

    `share` adds the "Share in channel" button carrying that command; `hint` adds a usage line.
    """
    with reply.in_its_language():
        messages = pack(pieces(reply, share=share, hint=hint))
        return [
            SlackMessage(fallback(reply.title, m, i == 0), tuple(p.block.to_dict() for p in m))
            for i, m in enumerate(messages)
        ]
