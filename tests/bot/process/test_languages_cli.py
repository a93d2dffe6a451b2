"""`briefing-bot` in another language: `--lang` and BRIEFING_LANG for the console, `ask` and `replay`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.process.cli import main
from bot.process.config import ConfigError, describe, load_settings
from tests.bot.process.test_cli import run

NNBSP = "\u202f"
BEFORE = "2025-05-31T12:00+03:00"


def test_ask_in_ukrainian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "/when", "--now", BEFORE, "--lang", "uk"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Другий раунд переговорів Росії та України в Стамбулі\n")
    assert f"Через 2 дні: понеділок, 2 червня 2025{NNBSP}р. — Стамбул." in out
    assert "Час:          Не оголошено" in out
    assert "Джерело: Стаття на тему: Переговори Росії та України в Стамбулі, англійською" in out
    assert "  “The talks are scheduled to occur in Istanbul on June 2”" in out
    assert "Далі: [1] Зворотний відлік" in out


def test_the_language_comes_from_the_environment_and_the_command_line_wins(tmp_path: Path) -> None:
    russian = run("ask", "/who lavrov", env={"BRIEFING_LANG": "ru", "BRIEFING_NOW": BEFORE}, tmp=tmp_path)
    assert russian.returncode == 0, russian.stderr
    assert russian.stdout.startswith("Сергей Лавров\n") and "Роль:" in russian.stdout
    english = run("ask", "/who lavrov", "--lang", "en", env={"BRIEFING_LANG": "ru"}, tmp=tmp_path)
    assert english.stdout.startswith("Sergey Lavrov\n")


def test_the_console_speaks_its_language_from_the_first_line(tmp_path: Path) -> None:
    done = run("console", "--now", BEFORE, "--lang", "uk", stdin="/who лавров\n", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Консоль брифінгу. Введіть /help, запитання або номер підказки; Ctrl-D — вихід.")
    assert "Брифінг: Переговори Росії та України в Стамбулі" in done.stdout
    assert "Сергій Лавров\n─────────────" in done.stdout and "брифінг> " in done.stdout


def test_replay_prints_the_posts_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--from", "2025-05-30T00:00+03:00", "--to", "2025-06-03T00:00+03:00",
                 "--lang", "ru"]) == 0
    out = capsys.readouterr().out
    assert "Напоминание: Второй раунд переговоров России и Украины в Стамбуле" in out
    assert f"Завтра: Второй раунд переговоров России и Украины в Стамбуле, понедельник, 2 июня 2025{NNBSP}г." in out


@pytest.mark.parametrize(("args", "env", "message"), [
    (["ask", "x", "--lang", "de"], {}, "argument --lang: no catalogue for the language 'de': use one of en, uk, ru"),
    (["ask", "x"], {"BRIEFING_LANG": "klingon"}, "BRIEFING_LANG: no catalogue for the language 'klingon'"),
])
def test_a_language_without_a_catalogue_is_refused_clearly(tmp_path: Path, args: list[str], env: dict[str, str],
                                                           message: str) -> None:
    done = run(*args, env=env, tmp=tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_the_setting_accepts_a_locale_and_is_shown_by_config(clean_env: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert load_settings().lang == "en"
    clean_env.setenv("BRIEFING_LANG", "uk-UA")
    assert load_settings().lang == "uk"
    assert ("BRIEFING_LANG", "uk") in describe(load_settings())
    assert main(["config"]) == 0
    assert "BRIEFING_LANG" in capsys.readouterr().out
    clean_env.setenv("BRIEFING_LANG", "fr")
    with pytest.raises(ConfigError, match="BRIEFING_LANG"):
        load_settings()
