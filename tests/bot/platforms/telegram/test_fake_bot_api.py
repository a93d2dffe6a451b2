"""The fake Bot API answers as Telegram does: checked here through a bare ptb Bot, no adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.platforms.telegram.delivery import quiet_retry_after_deprecation
from tests.fakes.kit import RateLimit
from tests.fakes.telegram_api import FakeTelegram, User
from tests.fakes.telegram_html import EntityError, parse


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    quiet_retry_after_deprecation()  # as the adapter does where it builds its Application
    # A bare Bot has one connection for each kind of request; these tests run several at once.
    async with ExtBot(fake_telegram.token, base_url=fake_telegram.base_url,
                      request=HTTPXRequest(connection_pool_size=16),
                      get_updates_request=HTTPXRequest(connection_pool_size=2)) as bot:
        yield bot


@pytest.mark.parametrize(("html", "text", "kinds"), [
    ("<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
     "bsieunskd", ["bold", "bold", "italic", "italic", "underline", "underline", "strikethrough",
                   "strikethrough", "strikethrough"]),
    ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy", ["spoiler", "spoiler"]),
    ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link", ["text_link"]),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", ["pre", "code"]),
    ("<blockquote expandable>q</blockquote>", "q", ["expandable_blockquote"]),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", ["custom_emoji"]),
    ("&lt;&gt;&amp;&quot;&#65;&#x42;", '<>&"AB', []),
    ("<B>upper</B>", "upper", ["bold"]),
])
def test_the_html_telegram_accepts(html: str, text: str, kinds: list[str]) -> None:
    parsed, entities = parse(html)
    assert parsed == text
    assert sorted(str(e["type"]) for e in entities) == sorted(kinds)


@pytest.mark.parametrize(("html", "error"), [
    ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("é<p>x</p>", 'Unsupported start tag "p" at byte offset 2'),  # offsets count UTF-8 bytes
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ('<span class="other">x</span>', 'tag "span" must have class "tg-spoiler"'),
    ('<b class="x">x</b>', 'unsupported attribute "class" in the tag "b"'),
    ("a & b", "unescaped '&'"),
    ("&nbsp;", 'unsupported HTML entity "&nbsp;"'),
    ("1 > 0", "unescaped '>'"),
    ("<b", 'unclosed start tag "b"'),
    ("<blockquote><blockquote>x</blockquote></blockquote>", "blockquote entities can't be nested"),
])
def test_the_html_telegram_refuses(html: str, error: str) -> None:
    with pytest.raises(EntityError) as caught:
        parse(html)
    assert caught.value.description.startswith("Bad Request: can't parse entities: " + error)


async def test_the_4096_limit_counts_utf16_units_after_parsing(bot: Bot, fake_telegram: FakeTelegram,
                                                               reader: User) -> None:
    await bot.send_message(reader.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # tags are free
    await bot.send_message(reader.id, "😀" * 2048)  # 4096 units
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(reader.id, "😀" * 2048 + "x")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(reader.id, "<b> </b>", parse_mode="HTML")


async def test_keyboards_are_checked(bot: Bot, reader: User) -> None:
    def markup(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(list(rows))

    await bot.send_message(reader.id, "ok", reply_markup=markup([InlineKeyboardButton("a", callback_data="x" * 64)]))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(reader.id, "x", reply_markup=markup([InlineKeyboardButton("a", callback_data="é" * 33)]))
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await bot.send_message(reader.id, "x", reply_markup=markup(
            [InlineKeyboardButton(str(n), callback_data=str(n)) for n in range(9)]))


async def test_the_chats_answer_like_telegram(bot: Bot, fake_telegram: FakeTelegram, reader: User) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-42, "x")
    forum = fake_telegram.group(-100, forum=True, topics=(3,))
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(forum.id, "x", message_thread_id=4)
    fake_telegram.block(reader)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(reader.id, "x")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=forum.id, message_id=99)


async def test_a_wrong_token_is_unauthorized(fake_telegram: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("1:not-the-token", base_url=fake_telegram.base_url):
            pass


async def test_long_polling_waits_confirms_and_allows_one_poller(bot: Bot, fake_telegram: FakeTelegram,
                                                                 reader: User) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await fake_telegram.wait_until(lambda: fake_telegram.polling, what="the poll waiting")
    fake_telegram.send_text(reader, "/when")
    [update] = await asyncio.wait_for(first, 2)  # answered as soon as there was an update
    assert update.message is not None and update.message.text == "/when"
    assert [e.type for e in update.message.entities] == ["bot_command"]
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [update.update_id]  # not confirmed yet: delivered again
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await fake_telegram.wait_until(lambda: fake_telegram.polling, what="the poll waiting")
    await bot.get_updates(timeout=0)  # a second poller ends the first
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await waiting


async def test_the_global_rate_limit_answers_429_with_retry_after(bot: Bot, fake_telegram: FakeTelegram,
                                                                  reader: User) -> None:
    fake_telegram.rate_limit = RateLimit(5, 1.0)
    outcomes = await asyncio.gather(*(bot.send_message(reader.id, str(n)) for n in range(8)),
                                    return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, RetryAfter)]
    assert len(refused) == 3 and fake_telegram.rate_limited == 3
    assert {o._retry_after.total_seconds() for o in refused} == {1.0}
    assert len(fake_telegram.messages_in(reader.id)) == 5


async def test_a_chat_rate_limit_applies_per_chat(bot: Bot, fake_telegram: FakeTelegram, reader: User) -> None:
    fake_telegram.chat_rate_limits["private"] = RateLimit(1, 1.0)
    other = fake_telegram.user(1002, "Bea")
    await bot.send_message(reader.id, "one")
    await bot.send_message(other.id, "one")  # another chat: its own allowance
    with pytest.raises(RetryAfter):
        await bot.send_message(reader.id, "two")


async def test_getupdates_is_refused_while_a_webhook_is_set(bot: Bot) -> None:
    await bot.set_webhook("https://bot.example.com/hook", secret_token="s3cret")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match="unallowed characters"):
        await bot.set_webhook("https://bot.example.com/hook", secret_token="not ok")
