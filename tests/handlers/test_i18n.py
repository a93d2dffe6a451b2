"""The wording helpers: English as written by default, the reader's catalogue inside `speaking()`."""

from __future__ import annotations

import asyncio
import gettext

from handlers.i18n import N_, _, ngettext, speaking


class Shouting(gettext.NullTranslations):
    """A stand-in catalogue that makes every message visibly its own."""

    def gettext(self, message: str) -> str:
        return message.upper()

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return (msgid1 if n == 1 else msgid2).upper()


def test_messages_stay_as_written_outside_any_language() -> None:
    assert _("Not in this briefing") == "Not in this briefing"
    assert ngettext("{n} day", "{n} days", 1) == "{n} day"
    assert ngettext("{n} day", "{n} days", 5) == "{n} days"


def test_a_marked_constant_is_translated_where_it_is_shown() -> None:
    title = N_("Countdown")
    with speaking(Shouting()):
        assert _(title) == "COUNTDOWN"
        assert ngettext("{n} day", "{n} days", 2) == "{N} DAYS"
    assert _(title) == "Countdown"


async def test_two_answers_on_one_loop_keep_their_own_language() -> None:
    async def answer(translations: gettext.NullTranslations) -> str:
        with speaking(translations):
            await asyncio.sleep(0.01)
            return _("When")

    assert await asyncio.gather(answer(Shouting()), answer(gettext.NullTranslations())) == ["WHEN", "When"]
