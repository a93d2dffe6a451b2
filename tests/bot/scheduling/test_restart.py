"""Killed mid fan-out (SIGKILL) and started again: every channel gets the reminder, duplicates counted.

The bot runs as a real process posting through the real Slack adapter to the fake Slack served
by this test; the ledger in SQLite is all that survives the kill.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.store import default_url, open_store
from handlers.context import ChatRef, Preferences
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[3]
D1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")
CHANNELS = 150
KILL_AFTER = 50
IN_FLIGHT_BOUND = 8  # the child's delivery concurrency: sends under way, or sent and awaiting their mark
CLAIMED_BOUND = 16 + 16 // 2  # its batch of claims, and the half batch still waiting when the next is claimed


async def start_child(url: str, slack: FakeSlack) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "TELEGRAM_", "SLACK_"))}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.scheduling.fanout_child", url, slack.base_url,
        (D1 + dt.timedelta(seconds=1)).isoformat(), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)


def received(slack: FakeSlack) -> Counter[str]:
    return Counter(m.channel for m in slack.messages if m.channel.startswith("C1"))


async def test_sigkill_mid_fan_out_then_restart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = default_url(tmp_path)
    store = await open_store(url)
    channels = [f"C1{i:05d}" for i in range(CHANNELS)]
    for channel in channels:
        await store.put_subscription(ChatRef("slack", channel, kind="channel"), "istanbul-talks-2025",
                                     Preferences(reminders=True), D1 - dt.timedelta(days=1), reschedule=True)
    async with FakeSlack() as slack:
        child = await start_child(url, slack)
        async with asyncio.timeout(60):
            # Poll (the fake has no per-count event across channels), so the kill lands within ~5 ms.
            while sum(received(slack).values()) < KILL_AFTER and child.returncode is None:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        await child.wait()
        at_kill = sum(received(slack).values())
        claimed = [e for e in await store.ledger.history() if e.status == "claimed"]

        again = await start_child(url, slack)
        out, _ = await asyncio.wait_for(again.communicate(), 90)
        assert again.returncode == 0, out.decode()
        counts = received(slack)
    statuses = Counter(e.status for e in await store.ledger.history())
    await store.close()

    twice = sum(1 for c in channels if counts[c] > 1)
    missed = [c for c in channels if counts[c] == 0]
    with capsys.disabled():
        sys.stdout.write(f"\n[restart] {CHANNELS} channels, killed after {at_kill} posts with {len(claimed)} "
                         f"claimed-but-unmarked; after restart: {len(channels) - len(missed)} received it, "
                         f"{twice} twice, {len(missed)} missed\n")
    assert 0 < at_kill < CHANNELS, "the kill must land in the middle of the fan-out"
    assert missed == []
    assert twice <= IN_FLIGHT_BOUND  # only posts in flight at the kill can repeat
    assert len(claimed) <= CLAIMED_BOUND
    assert statuses == {"sent": CHANNELS}
