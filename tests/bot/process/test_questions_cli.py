"""`briefing-bot questions`: what readers asked that the article did not answer, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.platforms.service import BriefingService
from bot.process.cli import main
from bot.store import default_url, open_store
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef

ASKED = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)
SECRET_CHAT = ChatRef("telegram", "-100987654321", "77")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Path, clean_env: pytest.MonkeyPatch) -> str:
    """An empty database the CLI finds through the environment, as a deployment sets it."""
    if request.param == "sqlite":
        clean_env.setenv("BRIEFING_DATA_DIR", str(tmp_path))
        return default_url(tmp_path)
    url: str = await request.getfixturevalue("pg_server").create_database()
    clean_env.setenv("DATABASE_URL", url)
    return url


async def ask(database: str, briefing: Briefing, *texts: str, at: dt.datetime = ASKED) -> None:
    store = await open_store(database)
    service = BriefingService(briefing, FixedClock(at), unanswered=store.questions)
    for text in texts:
        await service.answer(text, SECRET_CHAT)
    await store.close()


async def test_lists_the_questions_not_answered_most_asked_first_without_who_asked(
        database: str, briefing: Briefing, capsys: pytest.CaptureFixture[str]) -> None:
    await ask(database, briefing, "Has a ceasefire been agreed?", "has a ceasefire been agreed",
              "what does Zelensky think?", "who proposed the second round?")
    assert await _run(["questions"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split() == ["2", "2025-06-01", "09:00", "telegram", "has", "a", "ceasefire", "been", "agreed"]
    assert "what does zelensky think" in lines[2]
    assert "second round" not in out  # answered: nothing to keep
    assert "987654321" not in out and "77" not in out.replace("2025", "")


async def test_since_and_limit(database: str, briefing: Briefing, capsys: pytest.CaptureFixture[str]) -> None:
    await ask(database, briefing, "is there a ceasefire?", at=ASKED - dt.timedelta(days=5))
    await ask(database, briefing, "what does Zelensky think?", "what did China say?")
    assert await _run(["questions", "--since", "2025-05-30", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "ceasefire" not in out
    assert len(out.splitlines()) == 2


async def test_an_empty_list_says_so(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _run(["questions", "--since", "2025-06-01"]) == 0
    assert capsys.readouterr().out == "No unanswered questions since 2025-06-01 00:00 UTC.\n"


def test_a_bad_limit_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["questions", "--limit", "zero"])
    assert "not a positive number" in capsys.readouterr().err


async def _run(argv: list[str]) -> int:
    """The CLI runs its own event loop: run it in a thread, away from the test's."""
    import asyncio

    return await asyncio.to_thread(main, argv)
