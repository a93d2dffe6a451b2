"""The wording helpers: English as written by default, the reader's catalogue inside `speaking()`."""

from __future__ import annotations

import ast
import asyncio
import gettext
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from handlers.i18n import N_, _, language, ngettext, speaking
from handlers.registry import REGISTRY
from tests.handlers.conftest import Ask


class Shouting(gettext.NullTranslations):
    """A stand-in catalogue that makes every message visibly its own."""

    def gettext(self, message: str) -> str:
        return message.upper()

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return (msgid1 if n == 1 else msgid2).upper()


class Bracketing(gettext.NullTranslations):
    """A stand-in language that keeps placeholders: each message comes back in ⟦brackets⟧."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


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

    assert list(await asyncio.gather(answer(Shouting()), answer(gettext.NullTranslations()))) == ["WHEN", "When"]


async def test_a_reader_in_another_language_gets_the_cards_wording_translated_and_the_deck_as_written(
        ask: Ask) -> None:
    with speaking(Bracketing()):
        card = await ask("/when", at="2025-05-31T12:00+03:00")
        helped = await ask("/help")
    assert card.title == "Second round of Russia-Ukraine talks in Istanbul"  # the deck's words
    assert card.sections[0].text == "⟦⟦in ⟦2 days⟧⟧: ⟦Monday 2 June 2025, in Istanbul⟧.⟧"  # whole sentences
    assert [f.label for f in card.sections[0].fields][:2] == ["⟦Date⟧", "⟦Time⟧"]
    assert all(a.label.startswith("⟦") for a in card.actions)
    assert card.source is not None and card.source.article.startswith("⟦The article on ")
    assert "“The talks are scheduled to occur in Istanbul on June 2”" in card.plain_text()
    assert helped.title == "⟦Commands⟧"
    summaries = [b.split(" — ", 1)[1] for s in helped.sections for b in s.bullets]
    assert len(summaries) == len(REGISTRY.menu()) and all(s.startswith("⟦") for s in summaries)
    assert "/who ⟦[name]⟧ — ⟦Who's who: one person, or everyone in the briefing⟧" in helped.plain_text()


# --- the messages a translation will pick up ------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("handlers", "bot")


def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """Every message Babel's extractor finds in handlers/ and bot/, with where it was found."""
    found: dict[str | tuple[str, ...], list[str]] = {}
    for folder in SCANNED:
        for filename, lineno, message, _comments, _context in extract_from_dir(ROOT / folder):
            found.setdefault(message, []).append(f"{folder}/{filename}:{lineno}")
    return found


def test_the_extractor_finds_the_readers_messages_in_handlers_and_bot() -> None:
    messages = extracted()
    assert len(messages) > 180
    for message in ("Not in this briefing", "Who's who", "The article doesn't say", "Reminder: {event}",
                    "What this bot is and what to ask it", "[name]", "Subscriptions",
                    "Share in channel", "Usage: {commands}", "Source: {article} ({as_of})",
                    "This button belongs to an older version of the bot. Send /help for the commands.",
                    "Briefing console. Type /help, a question, or a number to follow a suggestion; Ctrl-D quits.",
                    "The countdown is over: {event} was scheduled for {date}, {relative}.",
                    "in {time}", "{time} ago", "today", "Tomorrow: {event}, {date}."):
        assert message in messages, message
    assert ("{n} day", "{n} days") in messages
    assert ("{n} month", "{n} months") in messages
    assert any(where.startswith("bot/") for places in messages.values() for where in places)


def test_every_message_names_its_placeholders() -> None:
    """'{event}' and '{n}', never '{}' or '%s': a translation may put them in any order."""
    unnamed = re.compile(r"\{\d*\}|%[sd]")
    for message, places in extracted().items():
        for text in (message,) if isinstance(message, str) else message:
            assert not unnamed.search(text), (text, places)


# --- the guard: a string a reader reads goes through _() ------------------------------------------

# The constructors whose arguments a reader reads, and the handlers' helpers that pass theirs on to
# them: positions and keywords. Action's command, the topic and other ids are not among them.
SHOWN: dict[str, tuple[tuple[int, str], ...]] = {
    "Reply": ((0, "title"),),
    "Section": ((0, "text"), (1, "heading"), (3, "bullets")),
    "Field": ((0, "label"), (1, "value")),
    "Action": ((0, "label"),),
    "notice": ((0, "title"),),
    "problem": ((0, "text"), (1, "usage")),
    "_confirm": ((3, "title"), (4, "lead")),
    "doesnt_say": ((2, "line"),),
}
MARKERS = frozenset({"_", "N_", "ngettext"})


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _wording(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def unmarked(node: ast.expr) -> list[ast.expr]:
    """The literals with words in an argument that no _(), N_() or ngettext() wraps.

    What a call computes (`clip(card.label, 40)`) is not a literal; what `.format()` puts into a
    message is part of it; a tuple is a list of bullets.
    """
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and _wording(node.value) else []
    if isinstance(node, ast.JoinedStr):
        return [node] if any(isinstance(v, ast.Constant) and _wording(str(v.value)) for v in node.values) else []
    if isinstance(node, ast.Call):
        if _name(node) in MARKERS:
            return []
        if _name(node) == "format" and isinstance(node.func, ast.Attribute):
            parts = [node.func.value, *node.args, *(k.value for k in node.keywords)]
            return [found for part in parts for found in unmarked(part)]
        return []
    if isinstance(node, ast.BinOp):
        return unmarked(node.left) + unmarked(node.right)
    if isinstance(node, ast.IfExp):
        return unmarked(node.body) + unmarked(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [found for value in node.values for found in unmarked(value)]
    if isinstance(node, ast.Tuple | ast.List):
        return [found for element in node.elts for found in unmarked(element)]
    return []


def _shown_arguments(call: ast.Call) -> list[ast.expr]:
    name = _name(call)
    if name == "actions":  # the follow-up helper: (label, command) pairs
        return [arg.elts[0] for arg in call.args if isinstance(arg, ast.Tuple) and arg.elts]
    params = SHOWN.get(name, ())
    shown = [call.args[pos] for pos, _kw in params if pos < len(call.args)]
    keywords = {kw for _pos, kw in params}
    return shown + [k.value for k in call.keywords if k.arg in keywords]


def _unextractable(call: ast.Call) -> bool:
    """_(f"...") or _("a" + b): the extractor sees no message, so nothing would translate it."""
    if _name(call) not in MARKERS or not isinstance(call.func, ast.Name):
        return False
    literal = call.args[:2] if _name(call) == "ngettext" else call.args[:1]
    return any(isinstance(arg, ast.JoinedStr | ast.BinOp) or (_name(call) == "ngettext" and not
                                                               isinstance(arg, ast.Constant)) for arg in literal)


def unmarked_wording(source: str, filename: str = "<source>") -> list[str]:
    """Where `source` shows a reader a literal that no translation can reach."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        for literal in (found for arg in _shown_arguments(node) for found in unmarked(arg)):
            problems.append(f"{filename}:{literal.lineno}: {ast.unparse(literal)} in {_name(node)}()")
        if _unextractable(node):
            problems.append(f"{filename}:{node.lineno}: {ast.unparse(node)} cannot be extracted")
    return problems


def test_the_guard_finds_an_unmarked_title_label_or_text() -> None:
    source = '''
Reply("Hello", (Section(f"It is {when}"), Section(heading="What")), (Action("Go", "who lavrov"),))
Field("Role", person.role.text)
actions(("Summary", "summary"), (_("When"), "when"))
Section(_("{n} to go").format(n="three"), bullets=("Now",))
Section(_(f"In {days} days"))
notice("Not allowed", Section(_(NOT_ALLOWED)))
'''
    found = unmarked_wording(source)
    for literal in ("'Hello'", "f'It is {when}'", "'What'", "'Go'", "'Role'", "'Summary'", "'three'", "'Now'",
                    "'Not allowed'"):
        assert any(f" {literal} in " in p for p in found), (literal, found)
    assert any("cannot be extracted" in p for p in found)
    assert len(found) == 10


def test_the_guard_lets_marked_wording_ids_commands_and_deck_text_pass() -> None:
    source = '''
Reply(_("Countdown: {event}").format(event=event.title), (Section(line),), topic="istanbul-talks")
Reply(card.headline.text, (Section(bullets=tuple(f.text for f in card.bullets)),))
Action(_("Who's who"), "who lavrov")
Action(f"/{close}", close)
Field(_(messages.ROLE), f"{e.title} — {date}")
actions((_("Source"), f"source {person.id}"), (surname(p), command_for(p)))
Section(f"“{fact.quote}”", heading=clip(fact.text, 160))
Section(ngettext("{n} day", "{n} days", n).format(n=n))
'''
    assert unmarked_wording(source) == []


def test_every_reply_title_text_label_and_field_in_handlers_and_bot_is_marked() -> None:
    problems = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            problems += unmarked_wording(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert problems == []


def test_the_language_is_named_inside_its_block_only() -> None:
    assert language() == "en"
    with speaking(Shouting(), "uk"):
        assert language() == "uk"
    assert language() == "en"
