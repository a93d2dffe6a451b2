"""A newsroom's decks folder for tests: the Istanbul deck the bot ships with, and decks drafted by
`briefing-bot draft` from the fictional articles in tests/content/draft/articles/.

The three articles give three shapes of date: a strike over a range of days (Copenhagen), a
summit at a time of day (Reykjavik) and a council vote in an HTML page (Portland).
"""

from __future__ import annotations

import hashlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from content.draft.command import Options, run
from content.library import Library
from content.loader import DECKS_DIR, seeds_dir

ARTICLES = Path(__file__).resolve().parent / "content" / "draft" / "articles"
ISTANBUL = "istanbul-talks-2025"
COPENHAGEN = "copenhagen-strike-2026-03-02"  # a nurses' strike, 3 to 5 March 2026
REYKJAVIK = "reykjavik-summit-2026-11-13"  # a summit opening at 10:00 on 17 November 2026
PORTLAND = "portland-vote-2026-11-12"  # a council vote at 18:30 on 20 November 2026
DRAFTED = {COPENHAGEN: "copenhagen-strike.txt", REYKJAVIK: "reykjavik-summit.txt",
           PORTLAND: "portland-tolls.html"}


@dataclass(frozen=True, slots=True)
class Newsroom:
    """A decks folder and its seeds folder, and what an editor does to them."""

    decks: Path
    seeds: Path

    def library(self) -> Library:
        return Library.open(self.decks, self.seeds)[0]

    def deck_file(self, deck_id: str) -> Path:
        return self.decks / f"{deck_id}.yaml"

    def seed_of(self, deck_id: str) -> str:
        return str(yaml.safe_load(self.deck_file(deck_id).read_text(encoding="utf-8"))["seed"])

    def copy_to(self, folder: Path, *deck_ids: str) -> Newsroom:
        """A newsroom at `folder` with these decks (default: all) and their seeds."""
        other = Newsroom(folder / "decks", folder / "seeds")
        other.decks.mkdir(parents=True)
        other.seeds.mkdir(parents=True)
        for deck_id in deck_ids or [p.stem for p in self.decks.glob("*.yaml")]:
            other.publish(self, deck_id)
        return other

    def publish(self, source: Newsroom, deck_id: str) -> None:
        """Copy a deck and its seed from `source`: the seed first, as an editor would."""
        seed = source.seed_of(deck_id)
        for name in (f"{seed}.txt", f"{seed}.yaml"):
            shutil.copyfile(source.seeds / name, self.seeds / name)
        shutil.copyfile(source.deck_file(deck_id), self.deck_file(deck_id))

    def remove(self, deck_id: str) -> None:
        self.deck_file(deck_id).unlink()

    def update_article(self, deck_id: str, changes: dict[str, str]) -> None:
        """The article was updated (a date moved): the same words change in it and in its deck."""
        _replace(self._article(deck_id), changes)
        self._rehash(deck_id)
        _replace(self.deck_file(deck_id), changes)

    def add_to_article(self, deck_id: str, paragraph: str, deck_changes: dict[str, str]) -> None:
        """The article was updated with a new paragraph, and the deck with what it reports."""
        article = self._article(deck_id)
        article.write_text(article.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{paragraph}\n",
                           encoding="utf-8")
        self._rehash(deck_id)
        _replace(self.deck_file(deck_id), deck_changes)

    def _article(self, deck_id: str) -> Path:
        return self.seeds / f"{self.seed_of(deck_id)}.txt"

    def _rehash(self, deck_id: str) -> None:
        meta = self.seeds / f"{self.seed_of(deck_id)}.yaml"
        digest = hashlib.sha256(self._article(deck_id).read_bytes()).hexdigest()
        lines = [f"sha256: {digest}" if line.startswith("sha256:") else line
                 for line in meta.read_text(encoding="utf-8").splitlines()]
        meta.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def edit_deck(self, deck_id: str, changes: dict[str, str]) -> None:
        """An edit of the deck alone (the article stays as it was)."""
        _replace(self.deck_file(deck_id), changes)


def _replace(path: Path, changes: dict[str, str]) -> None:
    before = text = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    assert text != before, f"none of {list(changes)} is in {path.name}"
    path.write_text(text, encoding="utf-8")


# The summit moves from Tuesday 17 to Thursday 19 November: the article is updated.
SUMMIT_MOVES = {"Tuesday, 17 November 2026": "Thursday, 19 November 2026",
                "Tuesday 17 November 2026": "Thursday 19 November 2026", "'2026-11-17'": "'2026-11-19'"}
# Then the organisers postpone it: a new paragraph, and the deck records it with its quote.
SUMMIT_POSTPONED = "The organisers later said the summit has been postponed until further notice."
SUMMIT_POSTPONES = {"    aliases: [summit]\n": (
    "    aliases: [summit]\n    status: postponed\n    changed:\n"
    "      text: The organisers postponed the summit until further notice.\n"
    "      quote: the summit has been postponed until further notice\n")}
# A quote the article does not contain: the check refuses the deck.
MISQUOTE = {"quote: Prime Minister Eyvindur Karlsson will host": "quote: Prime Minister Eyvindur Karlsson is to host"}


def draft_newsroom(folder: Path) -> Newsroom:
    """The Istanbul deck and the three fictional ones, drafted into `folder`."""
    room = Newsroom(folder / "decks", folder / "seeds")
    room.decks.mkdir(parents=True)
    room.seeds.mkdir(parents=True)
    room.publish(Newsroom(DECKS_DIR, seeds_dir()), ISTANBUL)
    for article in DRAFTED.values():
        out, err = io.StringIO(), io.StringIO()
        code = run(ARTICLES / article, Options(room.decks, room.seeds), out, err)
        assert code == 0, err.getvalue()
    assert sorted(p.stem for p in room.decks.glob("*.yaml")) == sorted([ISTANBUL, *DRAFTED])
    return room
