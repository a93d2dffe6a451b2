"""Reading what Slack sends: markup back to the reader's words, channels to ChatRefs."""

from __future__ import annotations

import pytest

from bot.platforms.slack.incoming import chat_ref, reader_text
from handlers.context import ChatRef


@pytest.mark.parametrize(("sent", "read"), [
    ("<@U0BRIEFING> who is Fidan?", "who is Fidan?"),
    ("<@U0BRIEFING|briefing>   when", "when"),
    ("who is <@U0OTHER|ada>?", "who is @ada?"),
    ("who is <@U0OTHER>?", "who is @U0OTHER?"),
    ("see <#C0GENERAL|general> and <#C0TALK>", "see #general and #C0TALK"),
    ("<!channel> <!here> <!subteam^S123|@team> <!subteam^S9>", "@channel @here @team @subteam"),
    ("read <https://example.org/a?b=1&amp;c=2|this> or <https://example.org>",
     "read this or https://example.org"),
    ("Q&amp;A &lt;b&gt; &amp;lt;", "Q&A <b> &lt;"),
    ("line one\nline two", "line one line two"),
    ("", ""),
])
def test_reader_text(sent: str, read: str) -> None:
    assert reader_text(sent, "U0BRIEFING") == read


def test_a_mention_of_another_bot_user_is_kept() -> None:
    assert reader_text("<@U0BRIEFING> ask <@U0OTHERBOT>", "U0OTHERBOT") == "@U0BRIEFING ask"


@pytest.mark.parametrize(("channel", "thread", "expected"), [
    ("D0DM", None, ChatRef("slack", "D0DM", None, "private")),
    ("U0READER", None, ChatRef("slack", "U0READER", None, "private")),
    ("C0GENERAL", "1717.0001", ChatRef("slack", "C0GENERAL", "1717.0001", "channel")),
    ("G0PRIVATE", "", ChatRef("slack", "G0PRIVATE", None, "channel")),
])
def test_chat_ref(channel: str, thread: str | None, expected: ChatRef) -> None:
    assert chat_ref(channel, thread) == expected
