"""Decks reloaded while the bot serves: an added deck is served, a changed one serves its new
version, a broken one is refused with the check's message and its previous version keeps serving.
On SIGHUP, and on `briefing-bot reload`, which reaches every replica through the database."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.process.cli import main
from bot.process.runtime import Runtime
from content.library import Library
from handlers.context import ChatRef
from tests.bot.process.conftest import CHANNEL
from tests.bot.process.process import ROOT, BotProcess, bot_env, get_text, launch
from tests.bot.process.test_replicas import replica
from tests.bot.process.test_runtime import Recorder, runtime_with
from tests.bot.store.postgres import Server
from tests.fakes.kit import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram
from tests.newsroom import COPENHAGEN, ISTANBUL, PORTLAND, REYKJAVIK, SUMMIT_MOVES, Newsroom

pytestmark = pytest.mark.usefixtures("clean_env")

READER = ChatRef("telegram", "1001")


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        assert loop.time() < deadline, f"not within {within:g} s: {what}"
        await asyncio.sleep(0.05)


@pytest.fixture
def served(newsroom: Newsroom, tmp_path: Path) -> Newsroom:
    """Three of the four decks: Copenhagen is still with the editor."""
    return newsroom.copy_to(tmp_path / "served", ISTANBUL, REYKJAVIK, PORTLAND)


@pytest.fixture
async def running(served: Newsroom, tmp_path: Path) -> AsyncIterator[Runtime]:
    runtime = runtime_with(Recorder(), tmp_path / "data", served.library(),  # type: ignore[arg-type]
                           decks_dir=served.decks, seeds_dir=served.seeds, reload_poll=0.2)
    task = asyncio.create_task(runtime.run())
    await eventually(lambda: _ready(runtime), "the bot ready")
    yield runtime
    runtime.request_stop("test over")
    assert await asyncio.wait_for(task, 20) == 0


async def _ready(runtime: Runtime) -> bool:
    return runtime.ready


async def ask(runtime: Runtime, text: str) -> str:
    assert runtime.service is not None
    reply = await runtime.service.answer(text, READER)
    assert reply is not None
    return reply.plain_text()


def edit(newsroom: Newsroom, source: Newsroom) -> None:
    """The editor's morning: a new story, a date that moved, and a deck broken by a bad quote."""
    newsroom.publish(source, COPENHAGEN)
    newsroom.update_article(REYKJAVIK, SUMMIT_MOVES)
    newsroom.edit_deck(PORTLAND, {"quote: Mayor Dana Whitfield has said": "quote: Mayor Dana Whitfield said"})


async def test_sighup_serves_an_added_and_a_changed_deck_and_refuses_a_broken_one(
        running: Runtime, served: Newsroom, newsroom: Newsroom, caplog: pytest.LogCaptureFixture) -> None:
    assert "Strike in Copenhagen" not in await ask(running, "/stories")
    await ask(running, f"/story {REYKJAVIK}")
    assert "Tuesday 17 November 2026" in await ask(running, "/when")
    assert (await ask(running, "/subscribe")).startswith("Subscribed")
    portland_before = await ask(running, f"in {PORTLAND} who whitfield")
    edit(served, newsroom)
    with caplog.at_level(logging.INFO, logger="briefing.decks"):
        os.kill(os.getpid(), signal.SIGHUP)

        async def copenhagen_served() -> bool:
            return "Strike in Copenhagen" in await ask(running, "/stories")

        await eventually(copenhagen_served, "the added deck served")
    assert "Thursday 19 November 2026" in await ask(running, "/when")
    assert await ask(running, f"in {PORTLAND} who whitfield") == portland_before
    refused = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(m.startswith(f"deck refused file={PORTLAND}.yaml: deck {PORTLAND}") and "quote not found verbatim"
               in m and "the version served before stays" in m for m in refused), refused
    assert "why=SIGHUP" in caplog.text and "added=1 changed=1 removed=0" in caplog.text
    metrics = (await running.metrics.render()).decode()
    assert "briefing_decks_served 4.0" in metrics and "briefing_decks_refused 1.0" in metrics
    assert running.store is not None  # the moved summit: one correction to the subscribed reader

    async def corrected() -> bool:
        return any(e.status == "sent" for e in await running.store.ledger.history()) if running.store else False

    await eventually(corrected, "the correction sent")
    [entry] = await running.store.ledger.history()
    assert entry.post_key.startswith("correction:reykjavik-summit@2026-11-19T10:00:scheduled-")
    assert entry.sent_to == f"telegram:{READER.chat_id}"


async def test_briefing_bot_reload_reaches_the_running_bot_through_the_database(
        running: Runtime, served: Newsroom, newsroom: Newsroom, clean_env: pytest.MonkeyPatch,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(served, newsroom)
    clean_env.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    clean_env.setenv("BRIEFING_DECKS_DIR", str(served.decks))
    clean_env.setenv("BRIEFING_SEEDS_DIR", str(served.seeds))
    code = await asyncio.to_thread(main, ["reload"])
    out, err = capsys.readouterr()
    assert code == 1  # a deck was refused; the others are served
    assert f"refused: {PORTLAND}.yaml: deck {PORTLAND}, card whitfield" in err
    digest = Library.open(served.decks, served.seeds)[0].stories.digest[:12]
    assert f"Reload requested: generation 1, 3 deck(s) pass the check, digest {digest}." in out
    assert "a bot keeps serving the version of those it served before" in out

    async def reloaded() -> bool:
        return running.reloader is not None and running.reloader.generation == 1 and \
            "Strike in Copenhagen" in await ask(running, "/stories")

    await eventually(reloaded, "the reload requested in the database")
    metrics = (await running.metrics.render()).decode()
    assert "briefing_decks_generation 1.0" in metrics and "briefing_decks_served 4.0" in metrics


@pytest.mark.postgres
async def test_two_replicas_on_postgresql_converge_on_the_reloaded_decks(
        served: Newsroom, newsroom: Newsroom, tmp_path: Path, pg_server: Server, telegram: FakeTelegram,
        slack: FakeSlack, processes: list[BotProcess]) -> None:
    database = await pg_server.create_database()
    folders = {"BRIEFING_DECKS_DIR": str(served.decks), "BRIEFING_SEEDS_DIR": str(served.seeds)}
    ports = free_port(), free_port()
    bots = [await launch(processes, {**replica(f"replica-{n}", tmp_path, database, telegram, slack, port),
                                     **folders, "BRIEFING_RELOAD_POLL": "0.3"})
            for n, port in enumerate(ports)]
    bases = await asyncio.gather(*(bot.ready() for bot in bots))

    async def ask(replica: int, text: str) -> str:
        seen = len(slack.messages_in(CHANNEL))
        answer = await slack.deliver(f"{bases[replica]}/slack/events", slack.slash_command(text, channel=CHANNEL))
        assert answer.status == 200
        return (await slack.wait_for_messages(CHANNEL, seen + 1, within=10))[-1].text

    assert (await ask(0, f"story {REYKJAVIK}")).startswith("Following: Summit in Reykjavik")
    assert "Tuesday 17 November 2026" in await ask(1, "when")  # the channel's story, chosen on the other
    assert "Subscribed" in await ask(1, "subscribe")
    edit(served, newsroom)
    reload = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "reload", cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env=bot_env(tmp_path / "cli", DATABASE_URL=database, **folders))
    out, _ = await asyncio.wait_for(reload.communicate(), 60)
    assert reload.returncode == 1 and b"Reload requested: generation 1" in out
    for bot in bots:
        await bot.wait_log(lambda e: e.get("event") == "decks" and e.get("generation") == "1", within=20,
                           what="the reload of generation 1")
        refused = await bot.wait_log(lambda e: e.get("event") == "deck" and "refused" in e["message"],
                                     within=5, what="the refusal")
        assert f"file={PORTLAND}.yaml" in refused["message"] and "quote not found verbatim" in refused["message"]

    def corrections() -> list[str]:
        return [m.text for m in slack.messages_in(CHANNEL, ephemeral=False) if m.text.startswith("Correction")]

    async def corrected() -> bool:
        return bool(corrections())

    await eventually(corrected, "the correction of the moved summit")
    await asyncio.sleep(1)  # time for a second copy, if one were coming
    [correction] = corrections()  # both replicas reloaded the change; one sent it
    assert "Summit in Reykjavik is now on Thursday 19 November 2026, 10:00" in correction
    digests = set()
    for base in bases:
        metrics = await get_text(f"{base}/metrics")
        assert "briefing_decks_generation 1.0" in metrics and "briefing_decks_served 4.0" in metrics
        digests |= {line for line in metrics.splitlines() if line.startswith("briefing_decks_info{")}
    assert len(digests) == 1  # both serve the same decks
    for replica_index in (0, 1):
        assert "Thursday 19 November 2026" in await ask(replica_index, "when")
        assert "Strike in Copenhagen" in await ask(replica_index, "stories")
    for bot in bots:
        bot.signal(signal.SIGTERM)
    assert [await bot.wait(within=15) for bot in bots] == [0, 0]
