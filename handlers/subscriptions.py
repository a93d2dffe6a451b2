"""The subscription commands: countdown reminders, the daily post, the chat's timezone.

The state lives behind `ctx.chats` (bot/scheduling/chats.py in the running bot); these handlers parse what
the reader typed, check they may change this chat, and confirm what will be sent and when, in
the chat's zone — or say plainly that nothing is coming.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import zoneinfo
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from content.loader import Briefing
from content.model import Precision
from handlers import eventtime, messages, timefmt
from handlers.briefing import actions
from handlers.context import ChatService, ChatSettings, Context, Preferences, UpcomingPost
from handlers.i18n import N_, _, local, ngettext, speaking_in, supported
from handlers.registry import Query, command
from handlers.reminders import Offset, offsets_for, reminder_events
from handlers.reply import Reply, Section, echo
from handlers.stories import served

GROUP = N_("Subscriptions")
UPCOMING_SHOWN = 5
OFFSETS_MAX = 8

NOT_ALLOWED = N_("Only this chat's administrators can change its reminders and settings.")
SUBSCRIBE_USAGE = N_("Send /subscribe for the default reminders, or choose them: "
                     "/subscribe 3d 1d 1h at 08:00 (days, hours or minutes before; “start”; a local time).")
DAILY_USAGE = N_("Send /daily 08:00 for a briefing every day at 08:00 in this chat's timezone, "
                 "/daily off to stop.")
TIMEZONE_USAGE = N_("Send /timezone followed by an IANA name, such as /timezone Europe/Kyiv "
                    "(or /timezone reset).")
LANGUAGE_USAGE = N_("Send /language uk, /language ru or /language en to answer everyone in this chat in "
                    "that language, or /language auto to answer each reader in their own.")
# Each language by its own name, as a reader looks for it in any interface; and what else a
# reader may type for it.
LANGUAGE_NAMES = {"en": "English", "uk": "українська", "ru": "русский"}
_LANGUAGE_WORDS = {"english": "en", "англійська": "en", "английский": "en", "ukrainian": "uk",
                   "українська": "uk", "украинский": "uk", "russian": "ru", "русский": "ru",
                   "російська": "ru"}
_AUTO = frozenset({"auto", "reset", "off", "default", "авто"})
_ALL = frozenset({"all", "every", "все", "всі", "усі"})  # "/subscribe all": every story


# --- parsing what the reader typed -----------------------------------------------------------


def parse_time(text: str) -> dt.time:
    match = re.fullmatch(r"([01]?\d|2[0-3])[:.h]([0-5]\d)", text.strip().lower())
    if not match:
        raise ValueError(_("“{text}” is not a time of day; write it as HH:MM, e.g. 08:00")
                         .format(text=echo(text)))
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_subscribe(args: str) -> tuple[tuple[str, ...] | None, dt.time | None]:
    """Offsets (None: the defaults) and the local time, from '/subscribe 3d 1d at 08:00'."""
    words = [w for w in re.split(r"[\s,;]+", args.strip()) if w and w.lower() != "at"]
    at: dt.time | None = None
    offsets: list[Offset] = []
    for word in words:
        if re.search(r"\d[:.]\d", word):
            at = parse_time(word)
        else:
            offsets.append(Offset.parse(word))
    if len(set(offsets)) > OFFSETS_MAX:
        raise ValueError(ngettext("at most {n} reminder per event", "at most {n} reminders per event",
                                  OFFSETS_MAX).format(n=OFFSETS_MAX))
    chosen = tuple(o.token for o in sorted(set(offsets), reverse=True)) if offsets else None
    return chosen, at


@functools.cache
def _zone_names() -> dict[str, str]:
    """Every IANA name the system knows, by its folded spelling."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def find_zone(text: str) -> tuple[str | None, list[str]]:
    """The IANA name `text` means (case-insensitive), else None and up to three close names."""
    wanted = text.strip().replace(" ", "_")
    exact = _zone_names().get(wanted.lower())
    if exact is not None:
        return exact, []
    close = process.extract(wanted, list(_zone_names().values()), scorer=fuzz.WRatio, limit=3,
                            score_cutoff=70)
    return None, [name for name, _score, _i in close]


# --- what the answers say ------------------------------------------------------------------


def describe_offsets(chosen: tuple[str, ...] | None, precision: Precision) -> str:
    labels = [o.label(precision) for o in offsets_for(precision, chosen)]
    return ", ".join(labels) if labels else _("none (hour offsets need an announced time of day)")


def display_zone(b: Briefing, settings: ChatSettings, ctx: Context) -> ZoneInfo:
    """The zone this chat's posts are timed and shown in, its new choice included."""
    return eventtime.chat_zone(b.deck, eventtime.reader_zone(settings.timezone, ctx.zone))


def describe(b: Briefing, settings: Preferences, zone: ZoneInfo) -> list[str]:
    """One line per kind of post the chat receives, e.g. for /settings and Slack's App Home."""
    lines = []
    if settings.reminders:
        for event in reminder_events(b):
            line = (_("Countdown reminders for {event}: {offsets} at {time} ({zone})")
                    if event.precision == "day" else _("Countdown reminders for {event}: {offsets} ({zone})"))
            offsets = describe_offsets(settings.offsets, event.precision)
            lines.append(line.format(event=local(event.title), offsets=offsets,
                                     time=timefmt.time_of_day(settings.remind_at), zone=zone.key))
    if settings.daily_at is not None:
        at = timefmt.time_of_day(settings.daily_at)
        lines.append(_("Daily briefing at {time} ({zone})").format(time=at, zone=zone.key))
    return lines


def upcoming_section(b: Briefing, posts: list[UpcomingPost], zone: ZoneInfo, ctx: Context) -> Section:
    if posts:
        return Section(heading=_("Next posts"),
                       bullets=tuple(f"{timefmt.long_moment(p.at, zone)} — {p.what}" for p in posts))
    line = eventtime.countdown_line(b.deck, b.deck.main, ctx.now(), zone, b.seed.as_of)
    return Section(_("Nothing is upcoming, so nothing will be sent for now. {countdown}")
                   .format(countdown=line))


def notice(title: str, *sections: Section, follow: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(title, sections, actions(*follow), tone="notice")


def problem(text: str, usage: str) -> Reply:
    return Reply(_("That did not work"), (Section(text), Section(usage)),
                 actions((_("Settings"), "settings")), tone="error")


async def _service(ctx: Context, *, change: bool) -> ChatService | Reply:
    """The chat service, or the Reply that explains why the command cannot run here."""
    if ctx.chats is None:
        return notice(_("Subscriptions"), Section(_(messages.SUBSCRIPTIONS_UNAVAILABLE)))
    if change and ctx.may_manage is not None and not await ctx.may_manage():
        return notice(_("Not allowed"), Section(_(NOT_ALLOWED)), follow=((_("Settings"), "settings"),))
    return ctx.chats


async def _confirm(b: Briefing, chats: ChatService, ctx: Context, title: str, lead: str,
                   settings: ChatSettings) -> Reply:
    zone = display_zone(b, settings, ctx)
    posts = await chats.upcoming(ctx.chat, UPCOMING_SHOWN, deck=b.deck.id)
    what = describe(b, settings, zone)
    sections = [Section(lead, bullets=tuple(what)), upcoming_section(b, posts, zone, ctx)]
    return notice(title, *sections, follow=((_("Settings"), "settings"), (_("Countdown"), "countdown")))


# --- the commands --------------------------------------------------------------------------


def every_story(args: str) -> tuple[bool, str]:
    """Whether `args` ask for every story ("all 3d 1d"), and the rest of them."""
    first, _space, rest = args.strip().partition(" ")
    return (True, rest) if first.lower() in _ALL else (False, args)


@command("subscribe", N_("Countdown reminders from this chat's story (all: from every story)"),
         usage=N_("[all] [offsets] [HH:MM]"), group=GROUP, example="subscribe 3d 1d at 08:00")
async def subscribe(b: Briefing, q: Query, ctx: Context) -> Reply:
    chats = await _service(ctx, change=True)
    if isinstance(chats, Reply):
        return chats
    everything, args = every_story(q.args)
    try:
        offsets, at = parse_subscribe(args)
    except ValueError as exc:
        return problem(f"{exc}.", _(SUBSCRIBE_USAGE))
    if everything:
        settings = await chats.subscribe_all(ctx.chat, offsets, at, deck=b.deck.id)
        lead = _("This chat will get reminders from every story, also from stories added later. "
                 "From “{story}”:").format(story=local(b.deck.title))
        reply = await _confirm(b, chats, ctx, _("Subscribed to every story"), lead, settings)
    else:
        settings = await chats.subscribe(ctx.chat, offsets, at, deck=b.deck.id)
        reply = await _confirm(b, chats, ctx, _("Subscribed"), _("This chat will get:"), settings)
    left_out = hour_offsets_left_out(b, offsets)
    return dataclasses.replace(reply, sections=(*reply.sections, *left_out))


def hour_offsets_left_out(b: Briefing, chosen: tuple[str, ...] | None) -> tuple[Section, ...]:
    """Why offsets such as "3h" were asked for and will not be used: the event has no time."""
    if not chosen:
        return ()
    hours = [o.token for o in (Offset.parse(t) for t in chosen) if o.days is None]
    undated = [local(e.title) for e in reminder_events(b) if e.precision == "day"]
    if not hours or not undated:
        return ()
    text = _("Left out: {offsets}. {event} has no announced time of day, so only whole-day reminders "
             "(D-3, D-1, …) can apply to it.")
    return (Section(text.format(offsets=", ".join(hours), event=undated[0])),)


@command("unsubscribe", N_("Stop this chat's posts from its story (all: from every story)"),
         usage=N_("[all]"), group=GROUP)
async def unsubscribe(b: Briefing, q: Query, ctx: Context) -> Reply:
    chats = await _service(ctx, change=True)
    if isinstance(chats, Reply):
        return chats
    everything, _rest = every_story(q.args)
    if everything:
        stopped = await chats.unsubscribe_all(ctx.chat)
    else:
        stopped = await chats.unsubscribe(ctx.chat, deck=b.deck.id)
    if not stopped:
        return notice(_("Not subscribed"), Section(_("This chat had no reminders or daily posts to stop.")),
                      follow=((_("Subscribe"), "subscribe"),))
    if everything:
        return notice(_("Unsubscribed"), Section(_("This chat will get no more posts from any story, "
                                                   "nor from stories added later.")),
                      follow=((_("Subscribe again"), "subscribe"),))
    if (await chats.settings(ctx.chat, deck=b.deck.id)).all_stories:
        text = _("This chat will get no more posts from “{story}”. It still follows every other story, "
                 "and new ones: /unsubscribe all stops them.").format(story=local(b.deck.title))
        return notice(_("Unsubscribed"), Section(text), follow=((_("Settings"), "settings"),))
    return notice(_("Unsubscribed"), Section(_("This chat will get no more reminders or daily posts.")),
                  follow=((_("Subscribe again"), "subscribe"),))


def followed(b: Briefing, settings: ChatSettings, ctx: Context) -> Section:
    """Which stories the chat receives posts from, for /settings."""
    stories = served(b, ctx)
    if settings.all_stories:
        left = tuple(local(s.briefing.deck.title) for s in stories if s.id not in settings.stories)
        if left:  # stopped one by one with /unsubscribe
            return Section(heading=_("Stories"), text=_("All stories, also new ones, except:"), bullets=left)
        return Section(heading=_("Stories"), text=_("All stories, also new ones"))
    titles = tuple(local(found.deck.title) for deck in settings.stories if (found := stories.get(deck)))
    if not titles:
        return Section(heading=_("Stories"), text=_("None yet: /subscribe follows this chat's story, "
                                                    "/subscribe all every story."))
    return Section(heading=_("Stories"), bullets=titles)


@command("settings", N_("This chat's timezone, reminders and daily post"), group=GROUP)
async def settings_cmd(b: Briefing, q: Query, ctx: Context) -> Reply:
    chats = await _service(ctx, change=False)
    if isinstance(chats, Reply):
        return chats
    settings = await chats.settings(ctx.chat, deck=b.deck.id)
    zone = display_zone(b, settings, ctx)
    shown = settings.timezone or _("not set: {zone} is used").format(zone=zone.key)
    lines = describe(b, settings, zone) or [_("No reminders and no daily post.")]
    sections = [Section(heading=_("Timezone"), text=shown),
                Section(heading=_("Language"), text=chat_language(settings.language, ctx)),
                followed(b, settings, ctx), Section(heading=_("Posts"), bullets=tuple(lines))]
    if settings.stopped:
        sections.append(Section(_("Posting here stopped: {reason}. /subscribe starts it again.")
                                .format(reason=settings.stopped)))
    if settings.reminders or settings.daily_at:
        sections.append(upcoming_section(b, await chats.upcoming(ctx.chat, UPCOMING_SHOWN, deck=b.deck.id),
                                         zone, ctx))
    return notice(_("Settings for this chat"), *sections,
                  follow=((_("Subscribe"), "subscribe"), (_("Daily at 08:00"), "daily 08:00")))


@command("timezone", N_("Show every date in this chat in your timezone"), usage=N_("ZONE"), group=GROUP,
         example="timezone Europe/Kyiv")
async def timezone(b: Briefing, q: Query, ctx: Context) -> Reply:
    chats = await _service(ctx, change=bool(q.args.strip()))
    if isinstance(chats, Reply):
        return chats
    wanted = q.args.strip()
    if not wanted:
        current = (await chats.settings(ctx.chat, deck=b.deck.id)).timezone
        text = (_("This chat's timezone is {zone}.").format(zone=current) if current
                else _("This chat has not chosen a timezone."))
        return notice(_("Timezone"), Section(text), Section(_(TIMEZONE_USAGE)))
    name: str | None = None
    if wanted.lower() not in ("reset", "off", "default"):
        name, close = find_zone(wanted)
        if name is None:
            text = (_("“{zone}” is not a timezone I know. Did you mean {names}?") if close
                    else _("“{zone}” is not a timezone I know."))
            return problem(text.format(zone=echo(wanted), names=", ".join(close)), _(TIMEZONE_USAGE))
    await chats.set_timezone(ctx.chat, name)
    settings = await chats.settings(ctx.chat, deck=b.deck.id)  # what this story sends, timed anew
    zone = display_zone(b, settings, ctx)
    lead = (_("Dates in this chat are now shown in {zone}.").format(zone=timefmt.zone_label(zone, ctx.now()))
            if name else _("This chat's timezone is reset: dates are shown in {zone}.").format(zone=zone.key))
    if settings.reminders or settings.daily_at:
        return await _confirm(b, chats, ctx, _("Timezone set"), lead, settings)
    line = eventtime.countdown_line(b.deck, b.deck.main, ctx.now(), zone, b.seed.as_of)
    return notice(_("Timezone set"), Section(lead), Section(line), follow=((_("When"), "when"),))


def chat_language(chosen: str | None, ctx: Context) -> str:
    """'English', or what a chat that chose none gets."""
    if chosen:
        return LANGUAGE_NAMES[chosen]
    return _("each reader's own ({language} for you)").format(language=LANGUAGE_NAMES[ctx.reader_language])


def find_language(text: str) -> str | None:
    """The language `text` names: a code ("uk", "uk-UA") or a name ("Ukrainian", "українська")."""
    wanted = text.strip().lower()
    return supported(wanted) or _LANGUAGE_WORDS.get(wanted)


@command("language", N_("Answer everyone in this chat in one language, or each in their own"),
         usage=N_("uk|ru|en|auto"), group=GROUP, example="language uk")
async def language_cmd(b: Briefing, q: Query, ctx: Context) -> Reply:
    wanted = q.args.strip()
    chats = await _service(ctx, change=bool(wanted))
    if isinstance(chats, Reply):
        return chats
    if not wanted:
        chosen = (await chats.settings(ctx.chat)).language
        text = (_("This chat's language: {language}.") if chosen
                else _("This chat has not chosen a language: each reader is answered in their own."))
        return notice(_("Language"), Section(text.format(language=chat_language(chosen, ctx))),
                      Section(_(LANGUAGE_USAGE)))
    code = None if wanted.lower() in _AUTO else find_language(wanted)
    if code is None and wanted.lower() not in _AUTO:
        return problem(_("“{language}” is not a language I answer in.").format(language=echo(wanted)),
                       _(LANGUAGE_USAGE))
    settings = await chats.set_language(ctx.chat, code)
    with speaking_in(code or ctx.reader_language):  # the confirmation already in the new language
        return _language_set(b, settings, ctx)


def _language_set(b: Briefing, settings: ChatSettings, ctx: Context) -> Reply:
    if settings.language:
        lead = _("This chat's language: {language}. Everyone here is answered in it, and the chat's posts "
                 "are written in it.")
    else:
        lead = _("Each reader in this chat is now answered in their own language.")
    line = eventtime.countdown_line(b.deck, b.deck.main, ctx.now(), display_zone(b, settings, ctx),
                                    b.seed.as_of)
    return notice(_("Language set"), Section(lead.format(language=chat_language(settings.language, ctx))),
                  Section(line), follow=((_("Summary"), "summary"), (_("Settings"), "settings")))


@command("daily", N_("A briefing post every day at this local time, or off"), usage=N_("HH:MM|off"),
         group=GROUP, example="daily 08:00")
async def daily(b: Briefing, q: Query, ctx: Context) -> Reply:
    chats = await _service(ctx, change=True)
    if isinstance(chats, Reply):
        return chats
    wanted = q.args.strip()
    if wanted.lower() in ("off", "stop", "none", "no"):
        settings = await chats.set_daily(ctx.chat, None, deck=b.deck.id)
        text = (_("No more daily briefing posts in this chat. Countdown reminders stay on "
                  "(/unsubscribe stops them).") if settings.reminders
                else _("No more daily briefing posts in this chat."))
        return notice(_("Daily post off"), Section(text), follow=((_("Settings"), "settings"),))
    try:
        at = parse_time(wanted) if wanted else None
    except ValueError as exc:
        return problem(f"{exc}.", _(DAILY_USAGE))
    if at is None:
        return problem(_("Which time of day?"), _(DAILY_USAGE))
    settings = await chats.set_daily(ctx.chat, at, deck=b.deck.id)
    lead = _("This chat will get a daily briefing (the countdown and the summary):")
    return await _confirm(b, chats, ctx, _("Daily post on"), lead, settings)
