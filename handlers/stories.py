"""Stories: the decks the bot serves side by side, and the one a chat follows.

Each chat follows one story at a time, its current story: commands answer from it. `/stories`
lists them all, `/story ID` makes another one current. A question that names a person or place
of another story only (`elsewhere`) is answered from that story, with one line saying so
(`from_story`); the buttons of that answer carry `in ID COMMAND` (`scoped`), so pressing them
answers from the same story again. The service (bot/platforms/service.py) does that routing;
these are the rules and the wording.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from content.library import Stories, Story
from content.loader import Briefing
from content.model import Wording
from content.text import fold
from handlers import eventtime, messages
from handlers.answers.index import answer_index, name_words
from handlers.answers.words import stem
from handlers.briefing import actions
from handlers.context import Context
from handlers.i18n import N_, _, local, ngettext
from handlers.kept import kept_while_alive
from handlers.matching import index
from handlers.registry import Query, command
from handlers.reply import ACTION_COMMAND_MAX_BYTES, ACTIONS_MAX, Action, Reply, Section, clip, echo

GROUP = N_("Stories")
SHOWN = 20  # stories a listing shows; the rest are older
SCOPE = "in"  # "in <story id> <command>": a command answered from that story, whichever the chat follows
_FOUND = 70  # how alike words must be to a story's title or id to choose it (token set ratio)
_CLEAR = 10  # and how much better than the next story
_SHORT = 3  # words: a text this short may be a bare name, looked up with typos forgiven
_NAMES = frozenset({"person", "place"})
# What a question may be asked of another story by: a name in its words (not /summary, /timeline…).
_ASKING = frozenset({"", "who", "where", "when", "countdown", "source", "stakes"})
_SCOPED = re.compile(rf"^/?{SCOPE}\s+(?P<id>[a-z0-9][a-z0-9-]{{0,39}})(?:\s+(?P<rest>.*))?$", re.S)


# --- which story ------------------------------------------------------------------------------


def default_story(stories: Stories, now: dt.datetime) -> Briefing:
    """A new chat's story: the one whose main event comes next (or is under way), else the newest."""
    return next((c.briefing for c in _calendar(stories) if c.over > now), None) or stories.newest


@dataclass(frozen=True, slots=True)
class _Dated:
    """A story's main event on the calendar: when it starts, and when it is over."""

    start: dt.datetime
    over: dt.datetime
    briefing: Briefing


@kept_while_alive
def _calendar(stories: Stories) -> tuple[_Dated, ...]:
    """The stories whose main event has a date, by its start: worked out once per set of stories,
    since every answer to a chat that chose no story asks for the next one."""
    dated = []
    for b in stories.briefings:
        main = b.deck.main
        start = main.starts_at(eventtime.UTC)
        last = main.last_day
        if start is None or last is None:
            continue  # ordered against another event only: no date to count down to
        # As eventtime.standing counts: a day-precision event is under way to the end of its last
        # day in its own zone; a timed one is over once it has started.
        over = start if main.precision == "minute" else dt.datetime.combine(
            last + dt.timedelta(days=1), dt.time(0), tzinfo=eventtime.zone_of(main, None))
        dated.append(_Dated(start, over, b))
    return tuple(sorted(dated, key=lambda d: d.start))


def find(stories: Stories, words: str) -> Briefing | None:
    """The story `words` name: its id, else its title or id give or take a typo (one clear winner)."""
    wanted = words.strip().lower()
    exact = stories.get(wanted)
    if exact is not None:
        return exact
    names = {s.id: fold(" ".join((*_titles(s.briefing), s.id))) for s in stories}
    found = process.extract(fold(words), names, scorer=fuzz.token_set_ratio, score_cutoff=_FOUND, limit=2)
    if len(found) == 1 or (len(found) == 2 and found[0][1] - found[1][1] >= _CLEAR):
        return stories.get(str(found[0][2]))
    return None


def _titles(b: Briefing) -> tuple[str, ...]:
    """A story's title in every language its deck gives it: "/story переговори" finds it too."""
    title = b.deck.title
    return (title, *title.translations()) if isinstance(title, Wording) else (title,)


def scoped(text: str) -> tuple[str, str] | None:
    """(story id, command) of `in ID COMMAND` (what the buttons of another story's answer carry)."""
    match = _SCOPED.match(text.strip())
    if match is None:
        return None
    return match["id"], (match["rest"] or "").strip() or "summary"


def elsewhere(stories: Stories, current: Briefing, query: Query) -> Briefing | None:
    """The other story a question is about, when it names a person or place of that story only.

    A name the current story knows, or a word its article uses, keeps the question where it is:
    "what did Lavrov say?" is never taken elsewhere from the story Lavrov is in.
    """
    text = query.args if query.command else query.text
    if query.command not in _ASKING or not text.strip() or len(stories) < 2 or _names(current, text):
        return None
    said = fold(text).split()
    named = _named_by(stories)
    candidates = [b for b in stories.briefings if b is not current and any(
        b.deck.id in named.get(w, ()) or b.deck.id in named.get(w[:-1], ()) for w in said)]
    if not candidates and len(said) <= _SHORT:  # a bare name with a typo: "/who karlson"
        candidates = [b for b in stories.briefings if b is not current]
    used = answer_index(current).literal
    for b in candidates:
        words = _names(b, text)
        if words and not any(stem(w) in used for w in words):
            return b
    return None


@kept_while_alive
def _named_by(stories: Stories) -> dict[str, frozenset[str]]:
    """The ids of the stories each name word belongs to, so a question is looked up only where its
    words name someone (worked out once per set of stories)."""
    owners: dict[str, set[str]] = {}
    for b in stories.briefings:
        for word in name_words(b.deck):
            owners.setdefault(word, set()).add(b.deck.id)
    return {word: frozenset(ids) for word, ids in owners.items()}


def _names(b: Briefing, text: str) -> set[str]:
    """The words of `text` that name a person or place of `b` (a short text: typos forgiven)."""
    known = answer_index(b)
    said = fold(text).split()
    found = {w for w in said if any(known.cards[i].kind in _NAMES for i in known.mentioned(w))}
    if not found and len(said) <= _SHORT:
        lookup = index(b.deck).lookup(text, _NAMES)
        if lookup.outcome == "found" and lookup.card is not None:
            found = set(said)
    return found


# --- another story's answer -----------------------------------------------------------------------


def from_story(reply: Reply, b: Briefing) -> Reply:
    """`reply`, answered from story `b` rather than the chat's: one line says so, and its buttons
    stay in `b` (those whose command would not fit a button are left out)."""
    line = Section(_("From the story “{title}”").format(title=local(b.deck.title)))
    kept = [Action(a.label, within(b, a.command)) for a in reply.actions]
    fitting = [a for a in kept if len(a.command.encode()) <= ACTION_COMMAND_MAX_BYTES][: ACTIONS_MAX - 1]
    follow = Action(_("Follow this story"), f"story {b.deck.id}")
    return dataclasses.replace(reply, sections=(line, *reply.sections), actions=(*fitting, follow))


def within(b: Briefing, command: str) -> str:
    return f"{SCOPE} {b.deck.id} {command}"


# --- listing --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One story as a listing shows it."""

    id: str
    title: str
    line: str  # the main event and its countdown
    current: bool


def entries(stories: Stories, current: Briefing, now: dt.datetime, zone: ZoneInfo | None,
            limit: int = SHOWN) -> list[Entry]:
    """The newest `limit` stories, each with its main event's countdown line."""
    return [_entry(s, current, now, zone) for s in itertools.islice(stories, limit)]


def _entry(story: Story, current: Briefing, now: dt.datetime, zone: ZoneInfo | None) -> Entry:
    b = story.briefing
    line = eventtime.countdown_line(b.deck, b.deck.main, now, zone, b.seed.as_of)
    return Entry(story.id, local(b.deck.title), line, b is current)


def served(b: Briefing, ctx: Context) -> Stories:
    """The stories the bot serves (a handler run without a library serves `b` alone)."""
    return ctx.stories if ctx.stories is not None and len(ctx.stories) else Stories([Story.of(b)])


def _buttons(listed: list[Entry], room: int = ACTIONS_MAX) -> list[tuple[str, str]]:
    return [(clip(e.title, 40), f"story {e.id}") for e in listed if not e.current][:room]


def _more(stories: Stories) -> tuple[Section, ...]:
    left = len(stories) - SHOWN
    if left <= 0:
        return ()
    text = ngettext("…and {n} older story: /story ID chooses it.", "…and {n} older stories: /story ID "
                    "chooses one.", left).format(n=left)
    return (Section(text),)


@command("stories", N_("Every story this bot follows, newest first"), group=GROUP)
def stories_cmd(b: Briefing, q: Query, ctx: Context) -> Reply:
    stories = served(b, ctx)
    listed = entries(stories, b, ctx.now(), ctx.zone)
    sections = tuple(Section(_choose_line(e), heading=_heading(e)) for e in listed)
    return Reply(_("Stories"), (*sections, *_more(stories)), actions(*_buttons(listed)))


def _choose_line(e: Entry) -> str:
    """The story's countdown line, then the command that follows it (no words to translate)."""
    return f"{e.line}\n/story {e.id}"


def _heading(e: Entry) -> str:
    return _("{title} (this chat's story)").format(title=e.title) if e.current else e.title


@command("story", N_("Which story this chat follows, or follow another"), usage=N_("[story]"), group=GROUP,
         example="story istanbul-talks-2025")
async def story_cmd(b: Briefing, q: Query, ctx: Context) -> Reply:
    stories = served(b, ctx)
    if not q.args.strip():
        return _current(b, stories, ctx)
    chosen = find(stories, q.args)
    if chosen is None:
        return _unknown(b, stories, q.args, ctx)
    if ctx.chats is None:
        return Reply(_("Stories"), (Section(_(messages.STORY_UNAVAILABLE)),), tone="notice")
    if ctx.may_manage is not None and not await ctx.may_manage():
        return Reply(_("Not allowed"), (Section(_(messages.STORY_NOT_ALLOWED)),), tone="notice")
    await ctx.chats.set_story(ctx.chat, chosen.deck.id)
    return _following(chosen, ctx)


def _current(b: Briefing, stories: Stories, ctx: Context) -> Reply:
    listed = entries(stories, b, ctx.now(), ctx.zone)
    line = eventtime.countdown_line(b.deck, b.deck.main, ctx.now(), ctx.zone, b.seed.as_of)
    others = tuple(e.title for e in listed if not e.current)
    sections = [Section(line)]
    if others:
        sections.append(Section(heading=_("Other stories"), bullets=others))
    follow = (*_buttons(listed, ACTIONS_MAX - 1), (_("All stories"), "stories"))
    return Reply(_("This chat's story: {title}").format(title=local(b.deck.title)), tuple(sections),
                 actions(*follow), tone="notice")


def _following(chosen: Briefing, ctx: Context) -> Reply:
    main = chosen.deck.main
    line = eventtime.countdown_line(chosen.deck, main, ctx.now(), ctx.zone, chosen.seed.as_of)
    text = _("Commands in this chat now answer from this story.")
    return Reply(
        clip(_("Following: {title}").format(title=local(chosen.deck.title)), 150),
        (Section(chosen.deck.summary.headline.text), Section(line), Section(text)),
        actions((_("Summary"), "summary"), (_("When"), "when"), (_("Who's who"), "who"),
                (_("All stories"), "stories")),
        topic=main.id,
    )


def _unknown(b: Briefing, stories: Stories, words: str, ctx: Context) -> Reply:
    listed = entries(stories, b, ctx.now(), ctx.zone)
    text = _("No story here is called “{name}”. These are:").format(name=echo(words))
    bullets = tuple(f"{e.title} — /story {e.id}" for e in listed[:SHOWN])
    return Reply(_("No such story"), (Section(text, bullets=bullets),),
                 actions(*_buttons(listed)), tone="notice")
