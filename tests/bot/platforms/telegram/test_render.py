"""The Telegram renderer: valid HTML for any text, pages within 4096 UTF-16 units, buttons."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.platforms.telegram.render import CALLBACK_DATA_MAX, command_of, keyboard, render, width
from handlers.reply import Action, Field, Reply, Section, Source
from tests.fakes.telegram_html import parse, utf16_len

HOSTILE = '<b>bold?</b> & "quotes" \'single\' </i> &amp; &lt; <script>x</script> >>'


def visible(page: str) -> str:
    """What a reader sees: the fake parses exactly as Telegram does (and fails when it would)."""
    return parse(page)[0]


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_every_dynamic_string_is_escaped() -> None:
    reply = Reply(HOSTILE, (Section(HOSTILE, heading=HOSTILE, fields=(Field(HOSTILE, HOSTILE),),
                                    bullets=(HOSTILE,)),), source=Source(HOSTILE, HOSTILE, (HOSTILE,)))
    [page] = render(reply).pages
    text, entities = parse(page)
    assert text.count(HOSTILE) == 9  # title, heading, text, label, value, bullet, article, as_of, quote
    assert "<script>" not in page
    assert {e["type"] for e in entities} <= {"bold", "italic", "blockquote"}


def test_layout_of_a_card() -> None:
    reply = Reply("Sergey Lavrov", (Section(fields=(Field("Role", "Foreign Minister"),)),
                                    Section(heading="In this story", bullets=("Proposed talks",))),
                  source=Source("Article", "as of 29 May", ("a quote",)))
    [page] = render(reply).pages
    assert page == ("<b>Sergey Lavrov</b>\n\n<b>Role:</b> Foreign Minister\n\n<b>In this story</b>\n"
                    "• Proposed talks\n\n<i>Source: Article (as of 29 May)</i>\n<blockquote>“a quote”</blockquote>")


def test_long_reply_is_split_at_section_boundaries() -> None:
    sections = tuple(Section(f"section {n} " + "x" * 1500) for n in range(6))
    pages = render(Reply("Long", sections)).pages
    assert len(pages) == 3
    for page in pages:
        assert utf16_len(visible(page)) <= 4096
    starts = [visible(p).split(" ")[0] for p in pages]
    assert starts == ["Long\n\nsection", "section", "section"]
    assert squeeze("".join(map(visible, pages))) == squeeze(Reply("Long", sections).plain_text())


def test_a_line_longer_than_a_page_is_cut_at_spaces() -> None:
    words = " ".join(f"word{n}" for n in range(2000))  # about 17,000 characters
    pages = render(Reply("Words", (Section(words),))).pages
    assert len(pages) == 5
    assert all(utf16_len(visible(p)) <= 4096 for p in pages)
    assert all(visible(p).rstrip().split(" ")[-1].startswith("word") for p in pages)
    assert squeeze("".join(map(visible, pages))) == squeeze("Words" + words)


def test_width_counts_utf16_units_like_telegram() -> None:
    assert width("a") == 1 and width("я") == 1 and width("😀") == 2 and width("👩‍👩‍👧") == 8
    pages = render(Reply("Emoji", (Section("😀" * 3000),))).pages  # 6000 units, 3000 characters
    assert len(pages) == 2
    assert all(utf16_len(visible(p)) <= 4096 for p in pages)
    assert "".join(visible(p) for p in pages).count("😀") == 3000


def test_plain_text_fallback_has_no_markup() -> None:
    [page] = render(Reply("<b>Title</b>", (Section("a & b"),)), as_html=False).pages
    assert page == "<b>Title</b>\n\na & b"


def test_keyboard_rows_and_callback_data_within_64_bytes() -> None:
    long_command = "who " + "ж" * 60  # 124 bytes: more than the Reply model would ever allow
    actions = (Action("Source", "source lavrov"), Action("Medinsky", "who medinsky"), Action("Long", long_command))
    markup = keyboard(actions)
    assert markup is not None
    rows = markup.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Source", "Medinsky"], ["Long"]]
    for button in (b for row in rows for b in row):
        assert isinstance(button.callback_data, str)
        assert len(button.callback_data.encode()) <= CALLBACK_DATA_MAX
    assert command_of(rows[0][0].callback_data) == "source lavrov"  # type: ignore[arg-type]


def test_foreign_callback_data_is_not_a_command() -> None:
    assert command_of("page:2") is None
    assert command_of("cmd:") is None
    assert command_of(None) is None
    assert keyboard(()) is None


texts = st.text(max_size=400)


@settings(max_examples=60, deadline=None)
@given(title=st.text(min_size=1, max_size=150), body=st.lists(texts, max_size=6),
       big=st.text(max_size=5000), bullets=st.lists(texts, max_size=12), quotes=st.lists(texts, max_size=3))
def test_any_reply_renders_to_valid_pages_that_lose_nothing(title: str, body: list[str], big: str,
                                                            bullets: list[str], quotes: list[str]) -> None:
    reply = Reply(title, (*(Section(t) for t in body), Section(big, heading="Big"),
                          Section(bullets=tuple(bullets), fields=(Field("Label", big[:300]),))),
                  source=Source("Article", "as of today", tuple(quotes)))
    pages = render(reply).pages
    for page in pages:
        assert utf16_len(visible(page)) <= 4096  # and parse() raised nothing: valid HTML
    assert squeeze("".join(map(visible, pages))) == squeeze(reply.plain_text())
