"""`briefing-bot replay` and the console's live reminders, as a user runs them."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.process.cli import main

ROOT = Path(__file__).resolve().parents[3]
ISTANBUL = ["replay", "--from", "2025-05-25T00:00+03:00", "--to", "2025-06-03T00:00+03:00"]


def headers(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("=== ")]


def test_replay_prints_exactly_the_four_istanbul_reminders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ISTANBUL, "--tz", "Europe/Istanbul"]) == 0
    out = capsys.readouterr().out
    assert headers(out) == [
        "=== Monday 2025-05-26 09:00 +03:00 (Europe/Istanbul) · D-7 reminder",
        "=== Friday 2025-05-30 09:00 +03:00 (Europe/Istanbul) · D-3 reminder",
        "=== Sunday 2025-06-01 09:00 +03:00 (Europe/Istanbul) · D-1 reminder",
        "=== Monday 2025-06-02 09:00 +03:00 (Europe/Istanbul) · D-0 reminder",
    ]
    for line in ("7 days to go: Second round", "3 days to go: Second round", "Tomorrow: Second round",
                 "Today: Second round"):
        assert line in out
    assert out.rstrip().endswith("4 post(s) from 2025-05-25T00:00:00+03:00 to 2025-06-03T00:00:00+03:00.")


def test_replay_with_a_daily_post_offsets_and_another_zone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ISTANBUL, "--tz", "America/New_York", "--offsets", "1d,start", "--at", "07:30",
                 "--daily", "06:00"]) == 0
    found = headers(capsys.readouterr().out)
    assert found[0] == "=== Sunday 2025-05-25 06:00 -04:00 (America/New_York) · Daily briefing"
    assert "=== Sunday 2025-06-01 07:30 -04:00 (America/New_York) · D-1 reminder" in found
    assert found[-1] == "=== Monday 2025-06-02 07:30 -04:00 (America/New_York) · D-0 reminder"
    assert sum("Daily briefing" in h for h in found) == 9  # 25 May .. 2 June; none once the talks' day ended


def test_replay_refuses_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*ISTANBUL, "--offsets", "soon"])
    assert "“soon” is not an offset" in capsys.readouterr().err


def test_the_console_shows_a_reminder_as_it_fires(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "TELEGRAM_", "SLACK_"))}
    env["BRIEFING_DATA_DIR"] = str(tmp_path)
    seen: list[str] = []
    with subprocess.Popen([sys.executable, "-m", "bot", "console", "--now", "2025-06-01T08:59:52+03:00"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env, cwd=ROOT) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        out = proc.stdout
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            for line in out:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        proc.stdin.write("/subscribe\n")
        proc.stdin.flush()
        try:
            while not any("⏰ Scheduled post" in line for line in seen):
                seen.append(lines.get(timeout=45))
            while not any(line.startswith("Tomorrow: ") for line in seen[-5:]):
                seen.append(lines.get(timeout=10))
        finally:
            proc.stdin.close()
            proc.wait(timeout=30)
    text = "".join(seen)
    assert "Subscribed" in text and "D-1 reminder" in text
    assert proc.returncode == 0
    assert (tmp_path / "briefing.sqlite3").exists()
