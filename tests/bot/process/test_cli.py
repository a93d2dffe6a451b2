"""`briefing-bot` as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.process.cli import main

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None,
        tmp: Path | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "TELEGRAM_", "SLACK_"))}
    if tmp is not None:
        environ["BRIEFING_DATA_DIR"] = str(tmp)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=environ, cwd=tmp or ROOT, timeout=60, check=False)


def test_ask_two_days_before(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "/when", "--now", "2025-05-31T12:00+03:00"]) == 0
    out = capsys.readouterr().out
    assert "In 2 days: Monday 2 June 2025, in Istanbul." in out
    assert "Time:     Not announced" in out
    assert "“The talks are scheduled to occur in Istanbul on June 2”" in out


def test_ask_with_the_real_clock_says_how_long_ago(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "/when"]) == 0
    out = capsys.readouterr().out
    assert "Scheduled for Monday 2 June 2025, in Istanbul, which was" in out
    assert "ago." in out
    assert "does not report whether this took place" in out


def test_ask_in_another_zone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "/when", "--now", "2025-05-31T12:00+03:00", "--tz", "Asia/Tokyo"]) == 0
    assert "In your timezone: from Monday 2 June 2025, 06:00 to Tuesday 3 June 2025, 06:00 (Asia/Tokyo" \
        in capsys.readouterr().out


def test_the_clock_and_zone_come_from_the_environment(tmp_path: Path) -> None:
    done = run("ask", "/countdown", env={"BRIEFING_NOW": "2025-06-01T10:00+03:00", "BRIEFING_TZ": "Europe/Kyiv"},
               tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Tomorrow: Second round of Russia-Ukraine talks in Istanbul" in done.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["ask", "x", "--now", "yesterday"], {}, "argument --now: 'yesterday' is not an ISO 8601 date and time"),
        (["ask", "x", "--now", "2025-05-31T12:00"], {}, "names no timezone"),
        (["ask", "x", "--tz", "Mars/Olympus"], {}, "unknown timezone 'Mars/Olympus'"),
        (["ask", "x"], {"BRIEFING_NOW": "soon"}, "BRIEFING_NOW: 'soon' is not an ISO 8601 date and time"),
    ],
)
def test_bad_options_are_refused_clearly(tmp_path: Path, args: list[str], env: dict[str, str], message: str) -> None:
    done = run(*args, env=env, tmp=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("briefing-bot ")
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "console" in capsys.readouterr().out


def test_the_console_answers_from_piped_input(tmp_path: Path) -> None:
    done = run("console", "--now", "2025-05-31T12:00+03:00", stdin="/who lavrov\n/summary\n", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Sergey Lavrov\n─────────────" in done.stdout
    assert "Foreign Minister of Russia" in done.stdout
    assert "Lavrov thanked Turkey for hosting the negotiations." in done.stdout
    assert "Traceback" not in done.stderr


def test_a_reader_that_stops_reading_is_not_an_error(tmp_path: Path) -> None:
    """`briefing-bot ask /help | head -1`: the pipe closes early; no traceback, exit 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: every write fails with EPIPE
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "TELEGRAM_", "SLACK_"))}
    try:
        done = subprocess.run([sys.executable, "-m", "bot", "ask", "/help"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=environ, cwd=tmp_path, timeout=60,
                              check=False)
    finally:
        os.close(write_end)
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert "BrokenPipeError" not in done.stderr


def test_the_command_line_wins_over_the_environment(clean_env: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("BRIEFING_NOW", "2025-06-01T10:00+03:00")
    clean_env.setenv("BRIEFING_TZ", "Europe/Kyiv")
    assert main(["ask", "/when", "--now", "2025-05-31T12:00+03:00", "--tz", "Asia/Tokyo"]) == 0
    out = capsys.readouterr().out
    assert "In 2 days" in out and "(Asia/Tokyo" in out and "Europe/Kyiv" not in out


def test_a_setting_the_commands_cannot_use_is_refused_clearly(clean_env: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("BRIEFING_TZ", "Mars/Olympus")
    assert main(["replay", "--from", "2025-05-25T00:00+03:00", "--to", "2025-06-03T00:00+03:00"]) == 2
    assert "error: BRIEFING_TZ: unknown timezone 'Mars/Olympus'" in capsys.readouterr().err
    clean_env.setenv("BRIEFING_TZ", "Europe/Kyiv")
    clean_env.setenv("BRIEFING_DECK", "no-such-deck")
    assert main(["ask", "/when"]) == 1
    assert "BRIEFING_DECK names no deck; the decks are: " in capsys.readouterr().err
