"""Telegram's HTML parse mode, as the Bot API applies it to `text` with `parse_mode=HTML`.

`parse(html)` returns the text a reader sees and its entities (offsets and lengths in UTF-16
code units, as Telegram counts them), or raises `EntityError` with the description Telegram
answers ("can't parse entities: ..."). It follows the rules of
https://core.telegram.org/bots/api#html-style and the wording of Telegram's parser, and is
stricter in two places on purpose, so that an escaping bug fails in tests instead of showing
garbled text in production:

- an `&` that does not start `&lt;`, `&gt;`, `&amp;`, `&quot;` or a numeric entity, and a bare
  `>`, are errors (Telegram would show them literally);
- an attribute Telegram does not know is an error (Telegram would drop it silently).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

PREFIX = "Bad Request: can't parse entities: "

# Tag -> entity type; `span` is only a spoiler with class="tg-spoiler", `a` becomes text_link.
ENTITY_OF_TAG = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
# The attributes each tag may carry.
ATTRIBUTES = {"a": {"href"}, "span": {"class"}, "code": {"class"}, "blockquote": {"expandable"},
              "tg-emoji": {"emoji-id"}}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:(?P<name>[a-zA-Z]+)|#(?P<dec>[0-9]{1,7})|#[xX](?P<hex>[0-9a-fA-F]{1,6}));")
_TAG_NAME = re.compile(r"[^\s>/]+")
_ATTRIBUTE = re.compile(r"""\s*(?P<name>[^\s=>/"']+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>"']+)))?""")


class EntityError(ValueError):
    """The text cannot be parsed; `description` is what Telegram answers."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.description = PREFIX + reason


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int  # UTF-16 offset in the visible text where the entity starts
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class _Parser:
    source: str
    text: list[str] = field(default_factory=list)
    length: int = 0  # UTF-16 length of the visible text so far
    stack: list[_Open] = field(default_factory=list)
    entities: list[dict[str, object]] = field(default_factory=list)

    def at(self, pos: int) -> str:
        return f"at byte offset {len(self.source[:pos].encode('utf-8'))}"

    def emit(self, chars: str) -> None:
        self.text.append(chars)
        self.length += utf16_len(chars)

    def entity(self, pos: int) -> int:
        match = _ENTITY.match(self.source, pos)
        if match is None:
            raise EntityError(f"unescaped '&' {self.at(pos)}: write &amp;")
        if match["name"] is not None:
            if match["name"] not in NAMED_ENTITIES:
                raise EntityError(f"unsupported HTML entity \"&{match['name']};\" {self.at(pos)}")
            self.emit(NAMED_ENTITIES[match["name"]])
        else:
            code = int(match["dec"]) if match["dec"] is not None else int(match["hex"], 16)
            if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise EntityError(f"invalid character entity {self.at(pos)}")
            self.emit(chr(code))
        return match.end()

    def start_tag(self, pos: int) -> int:
        name_match = _TAG_NAME.match(self.source, pos + 1)
        if name_match is None:
            raise EntityError(f"unclosed start tag {self.at(pos)}")
        tag = name_match.group().lower()
        if tag not in ENTITY_OF_TAG:
            raise EntityError(f'Unsupported start tag "{tag}" {self.at(pos)}')
        cursor = name_match.end()
        attrs: dict[str, str] = {}
        while True:
            end = self.source.find(">", cursor)
            if end < 0:
                raise EntityError(f'unclosed start tag "{tag}" {self.at(pos)}')
            if not self.source[cursor:end].strip():
                cursor = end + 1
                break
            attr = _ATTRIBUTE.match(self.source, cursor)
            if attr is None or attr.end() == cursor:
                raise EntityError(f'empty attribute name in the tag "{tag}" {self.at(pos)}')
            name = attr["name"].lower()
            if name not in ATTRIBUTES.get(tag, set()):
                raise EntityError(f'unsupported attribute "{name}" in the tag "{tag}" {self.at(pos)}')
            raw = attr["dq"] if attr["dq"] is not None else attr["sq"] if attr["sq"] is not None else attr["bare"]
            attrs[name] = self.attribute_value(raw or "", pos)
            cursor = attr.end()
        self.check_start(tag, attrs, pos)
        self.stack.append(_Open(tag, self.length, attrs))
        return cursor

    def attribute_value(self, raw: str, pos: int) -> str:
        if "&" in raw and _ENTITY.sub("", raw).count("&"):
            raise EntityError(f"unescaped '&' in an attribute {self.at(pos)}")
        return html.unescape(raw)

    def check_start(self, tag: str, attrs: dict[str, str], pos: int) -> None:
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityError(f'tag "span" must have class "tg-spoiler" {self.at(pos)}')
        if tag == "code" and "class" in attrs and not attrs["class"].startswith("language-"):
            raise EntityError(f'tag "code" may only have class "language-…" {self.at(pos)}')
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise EntityError("invalid custom emoji identifier specified")
        if tag == "blockquote" and any(o.tag == "blockquote" for o in self.stack):
            raise EntityError(f"blockquote entities can't be nested {self.at(pos)}")

    def end_tag(self, pos: int) -> int:
        end = self.source.find(">", pos)
        if end < 0:
            raise EntityError(f"unclosed end tag {self.at(pos)}")
        name = self.source[pos + 2:end].strip().lower()
        if not self.stack:
            raise EntityError(f"Unexpected end tag {self.at(pos)}")
        top = self.stack.pop()
        if name and name != top.tag:
            raise EntityError(f'Unmatched end tag {self.at(pos)}, expected "</{top.tag}>", found "</{name}>"')
        if self.length > top.offset:
            self.entities.append(self.entity_for(top))
        return end + 1

    def entity_for(self, top: _Open) -> dict[str, object]:
        entity: dict[str, object] = {"type": ENTITY_OF_TAG[top.tag], "offset": top.offset,
                                     "length": self.length - top.offset}
        if top.tag == "a":
            entity["url"] = top.attrs.get("href", "")
        if top.tag == "blockquote" and "expandable" in top.attrs:
            entity["type"] = "expandable_blockquote"
        if top.tag == "tg-emoji":
            entity["custom_emoji_id"] = top.attrs["emoji-id"]
        if top.tag == "code" and "class" in top.attrs:
            entity["language"] = top.attrs["class"].removeprefix("language-")
        return entity

    def run(self) -> tuple[str, list[dict[str, object]]]:
        pos, size = 0, len(self.source)
        while pos < size:
            char = self.source[pos]
            if char == "&":
                pos = self.entity(pos)
            elif char == "<":
                pos = self.end_tag(pos) if self.source.startswith("</", pos) else self.start_tag(pos)
            elif char == ">":
                raise EntityError(f"unescaped '>' {self.at(pos)}: write &gt;")
            else:
                nxt = min((i for i in (self.source.find(c, pos) for c in "&<>") if i >= 0), default=size)
                self.emit(self.source[pos:nxt])
                pos = nxt
        if self.stack:
            raise EntityError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        return "".join(self.text), sorted(self.entities, key=lambda e: (e["offset"], -int(str(e["length"]))))


def parse(source: str) -> tuple[str, list[dict[str, object]]]:
    """The visible text of Telegram HTML and its entities; raises EntityError when Telegram would."""
    return _Parser(source).run()
