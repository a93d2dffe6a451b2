"""The Block Kit renderer: escaping, fallback text, and Slack's limits (checked by the fake's rules)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.platforms.service import BriefingService
from bot.platforms.slack.blocks import (
    MAX_BLOCKS,
    SHARE_ACTION,
    SHARE_LABEL,
    escape,
    render,
    slack_commands,
)
from handlers.context import CONSOLE_CHAT
from handlers.registry import REGISTRY
from handlers.reply import Action, Field, Reply, Section, Source
from tests.fakes.slack_api import block_errors, blocks_text_size, message_problem

HOSTILE = "<!channel> <@U0BOSS> *bold* _it_ ~no~ `code` & <https://evil.example|click> @here"


def texts(message_blocks: tuple[dict[str, object], ...]) -> str:
    return json.dumps(message_blocks, ensure_ascii=False)


def big_reply(sections: int = 80, fields: int = 23, text: int = 2500) -> Reply:
    return Reply(
        "A very long card",
        tuple(Section(f"Section {i}: " + "word " * (text // 5), heading=f"Part {i}",
                      fields=tuple(Field(f"F{i}.{j}", "value " * 50) for j in range(fields if i == 0 else 0)),
                      bullets=(f"bullet {i}",))
              for i in range(sections)),
        (Action("Summary", "summary"), Action("When", "when")),
        Source("An article", "as of today", tuple(f"quote {i}" for i in range(14))),
    )


def test_escape_turns_slack_control_characters_into_entities() -> None:
    assert escape("<!channel> & <@U1> > x") == "&lt;!channel&gt; &amp; &lt;@U1&gt; &gt; x"


def test_hostile_text_is_inert_everywhere_it_is_shown() -> None:
    reply = Reply(HOSTILE, (Section(HOSTILE, heading=HOSTILE, fields=(Field(HOSTILE, HOSTILE),),
                                    bullets=(HOSTILE,)),),
                  (Action(HOSTILE, "who"),), Source(HOSTILE, HOSTILE, (HOSTILE,)))
    [message] = render(reply)
    objects = [t for b in message.blocks for t in _text_objects(b)]
    mrkdwn = [t for t in objects if t["type"] == "mrkdwn"]
    assert len(mrkdwn) == 4  # section, field, source line, quote: Slack parses all of them, so
    assert all("<" not in str(t["text"]) and ">" not in str(t["text"]) for t in mrkdwn)
    assert all("&lt;!channel&gt;" in str(t["text"]) for t in mrkdwn)
    assert all(t.get("verbatim") is True for t in mrkdwn)  # and "@here" is not turned into a mention
    plain = [t for t in objects if t["type"] == "plain_text"]  # header and button: never parsed
    assert {str(t["text"])[:10] for t in plain} == {"<!channel>"}
    assert "<!channel>" not in message.text and "&lt;!channel&gt;" in message.text
    assert message_problem(message.text, list(message.blocks)) is None


def _text_objects(value: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            found.append(value)
        for inner in value.values():
            found.extend(_text_objects(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(_text_objects(inner))
    return found


def test_a_card_renders_as_header_sections_fields_context_and_buttons() -> None:
    reply = Reply("Sergey Lavrov", (Section(fields=(Field("Role", "Foreign Minister"),)),
                                    Section(heading="In this story", bullets=("Proposed talks",))),
                  (Action("Fidan", "who fidan"),), Source("Article", "as of 29 May", ("Lavrov said",)))
    [message] = render(reply, share="who lavrov")
    types = [b["type"] for b in message.blocks]
    assert types == ["header", "section", "section", "context", "actions"]
    assert message.blocks[1]["fields"][0]["text"] == "*Role*\nForeign Minister"
    assert message.blocks[2]["text"]["text"] == "*In this story*\n• Proposed talks"
    buttons = message.blocks[-1]["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [("followup_1", "who fidan"),
                                                               (SHARE_ACTION, "who lavrov")]
    assert buttons[-1]["text"]["text"] == SHARE_LABEL
    assert message.text.startswith("Sergey Lavrov\n\nRole: Foreign Minister")


def test_fallback_text_is_always_set() -> None:
    [message] = render(Reply("Only a title"))
    assert message.text == "Only a title"
    assert [b["type"] for b in message.blocks] == ["header"]


def test_commands_read_as_the_one_slash_command() -> None:
    assert slack_commands("Try /summary or /who lavrov; /nothing stays") == (
        "Try /briefing summary or /briefing who lavrov; /nothing stays")
    assert slack_commands("and/or 2/6 https://x.org/who") == "and/or 2/6 https://x.org/who"


def test_a_card_over_the_block_limits_is_split_between_sections() -> None:
    reply = big_reply()
    whole = [b for group in [render(reply)] for m in group for b in m.blocks]
    assert len(whole) > MAX_BLOCKS  # one message could not hold it…
    assert block_errors(whole), "the fake must refuse what Slack refuses"
    messages = render(reply)
    assert len(messages) > 2
    for message in messages:  # …each part is one Slack takes
        assert message_problem(message.text, list(message.blocks)) is None
    assert [m.blocks[0]["type"] for m in messages][:1] == ["header"]
    assert all(b["type"] != "header" for m in messages[1:] for b in m.blocks)
    assert [b["type"] for b in messages[-1].blocks][-1] == "actions"
    assert all(b["type"] != "actions" for m in messages[:-1] for b in m.blocks)
    assert all("(continued)" in m.text for m in messages[1:])
    shown = "".join(texts(m.blocks) for m in messages)
    positions = [shown.index(f"*Part {i}*") for i in range(80)]
    assert positions == sorted(positions)  # nothing lost, nothing reordered


def test_long_text_is_cut_at_spaces_without_breaking_entities() -> None:
    text = ("a&b " * 2000).strip()  # 8,000 characters, 10,000 once escaped
    [message, *rest] = render(Reply("T", (Section(text),)))
    sections = [b for m in [message, *rest] for b in m.blocks if b["type"] == "section"]
    assert len(sections) >= 4
    for block in sections:
        body = block["text"]["text"]
        assert len(body) <= 3000
        assert body.startswith("a&amp;b") and body.endswith("a&amp;b")
    assert sum(s["text"]["text"].count("a&amp;b") for s in sections) == 2000


def test_a_bullet_cut_in_two_keeps_one_bullet_mark() -> None:
    [message] = render(Reply("T", (Section(bullets=("word " * 1000,)),)))
    [first, second] = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert first.startswith("• word") and second.startswith("   word")


def test_more_than_ten_fields_take_more_than_one_section() -> None:
    fields = tuple(Field(f"L{i}", "v" * 150) for i in range(23))
    [message] = render(Reply("T", (Section("lead", fields=fields),)))
    counts = [len(b.get("fields", [])) for b in message.blocks if b["type"] == "section"]
    assert counts == [10, 10, 3]
    assert message_problem(message.text, list(message.blocks)) is None


def test_fields_at_their_longest_are_cut_and_spread_over_messages() -> None:
    fields = tuple(Field(f"L{i}", "v" * 2500) for i in range(23))
    messages = render(Reply("T", (Section("lead", fields=fields),)))
    shown = [f["text"] for m in messages for b in m.blocks for f in b.get("fields", [])]
    assert len(shown) == 23 and all(len(f) <= 2000 and f.endswith("…") for f in shown)
    for message in messages:
        assert message_problem(message.text, list(message.blocks)) is None


def test_share_and_usage_hint_are_optional() -> None:
    hint = REGISTRY.usage_hint("/briefing")
    [plain] = render(Reply("T", (Section("x"),), (Action("A", "a"),)))
    [hinted] = render(Reply("T", (Section("x"),)), hint=hint)
    assert SHARE_ACTION not in texts(plain.blocks)
    assert hinted.blocks[-1]["type"] == "context"
    assert hinted.blocks[-1]["elements"][0]["text"] == f"Usage: {escape(hint)}"


@pytest.mark.parametrize("command", [c.name for c in REGISTRY])
async def test_every_command_of_the_deck_renders_within_limits(command: str, service: BriefingService) -> None:
    reply = await service.answer(command, CONSOLE_CHAT)
    assert reply is not None
    for message in render(reply, share=command, hint=REGISTRY.usage_hint("/briefing")):
        assert message_problem(message.text, list(message.blocks)) is None
        assert message.text


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400)
_section = st.builds(Section, _text, st.none() | _text, st.lists(st.builds(Field, _text, _text), max_size=12)
                     .map(tuple), st.lists(_text, max_size=8).map(tuple))


@settings(max_examples=60, deadline=None)
@given(title=_text, sections=st.lists(_section, max_size=70).map(tuple),
       actions=st.lists(st.builds(Action, _text, _text), max_size=5).map(tuple),
       quotes=st.lists(_text, max_size=15).map(tuple))
def test_any_reply_renders_to_messages_slack_accepts(title: str, sections: tuple[Section, ...],
                                                     actions: tuple[Action, ...], quotes: tuple[str, ...]) -> None:
    reply = Reply(title, sections, actions, Source("Article", "as of", quotes))
    messages = render(reply, share="who", hint="usage")
    assert messages
    for message in messages:
        assert message_problem(message.text, list(message.blocks)) is None
        assert blocks_text_size(list(message.blocks)) <= 13_000
