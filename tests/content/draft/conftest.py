"""Drafting into throwaway folders with the real command, and reading back what it wrote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.process.cli import main
from content.loader import Briefing, load_deck

ARTICLES = Path(__file__).resolve().parent / "articles"
ROOT = Path(__file__).resolve().parents[3]
ISTANBUL = ROOT / "seeds" / "istanbul-talks-2025-05-29.txt"


@dataclass(frozen=True, slots=True)
class Drafted:
    code: int
    out: str
    err: str
    decks: Path
    seeds: Path

    def files(self) -> list[Path]:
        return sorted(p for d in (self.decks, self.seeds) if d.exists() for p in d.iterdir())

    def briefing(self) -> Briefing:
        (deck,) = self.decks.glob("*.yaml")
        return load_deck(deck, self.seeds)


class Drafter:
    def __init__(self, tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.decks, self.seeds, self.capsys = tmp / "decks", tmp / "seeds", capsys

    def __call__(self, article: Path, *options: str) -> Drafted:
        code = main(["draft", str(article), "--decks", str(self.decks), "--seeds", str(self.seeds), *options])
        captured = self.capsys.readouterr()
        return Drafted(code, captured.out, captured.err, self.decks, self.seeds)


@pytest.fixture
def draft(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Drafter:
    return Drafter(tmp_path, capsys)
