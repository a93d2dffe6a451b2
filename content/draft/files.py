"""Writing a draft: seed text, seed metadata and deck, all or none, never over an existing file.

The three files are first written to a scratch folder and loaded back with the real loader
(content/loader.py), which checks the deck against its seed; only a draft that loads is copied to
its destination, each file created exclusively.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from content.draft.deck import Draft
from content.draft.yamlout import document
from content.loader import Briefing, load_deck

_SEED_HEADER = [
    "Metadata of the article beside it, written by `briefing-bot draft`. The article is kept byte",
    "for byte as received (from an HTML page: the article text extracted from it);",
    "`briefing-bot check` compares its SHA-256 with the one recorded here.",
]


class ExistingFiles(Exception):
    """Some file the draft would write is already there; nothing was written."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        super().__init__(", ".join(str(p) for p in paths))


@dataclass(frozen=True, slots=True)
class Written:
    seed_text: Path
    seed_meta: Path
    deck: Path
    briefing: Briefing


def deck_header(result: Draft) -> list[str]:
    return [
        f"Draft deck written by `briefing-bot draft` on {dt.date.today().isoformat()} from "
        f"seeds/{result.id}.txt",
        f"({result.received.described()}).",
        "Every `quote` is a verbatim passage of that article, and `briefing-bot check` passes as written.",
        "Titles, roles and texts are the drafter's wording: rewrite them as the editor's own.",
        "A `# review:` line marks a point the drafter was unsure of: settle it, then delete the line.",
    ]


def contents(result: Draft) -> dict[str, bytes]:
    """File name -> bytes, for the seed folder (".txt", ".yaml") and the deck folder ("deck")."""
    return {
        "txt": result.received.data,
        "meta": document(_SEED_HEADER, result.seed, result.notes, "seed").encode("utf-8"),
        "deck": document(deck_header(result), result.deck, result.notes).encode("utf-8"),
    }


def targets(result: Draft, decks: Path, seeds: Path) -> dict[str, Path]:
    return {"txt": seeds / f"{result.id}.txt", "meta": seeds / f"{result.id}.yaml",
            "deck": decks / f"{result.id}.yaml"}


def write(result: Draft, decks: Path, seeds: Path) -> Written:
    """Check the draft as the loader reads it, then create its three files (or none)."""
    paths = targets(result, decks, seeds)
    existing = [p for p in paths.values() if p.exists()]
    if existing:
        raise ExistingFiles(existing)
    data = contents(result)
    with tempfile.TemporaryDirectory(prefix="briefing-draft-") as scratch:
        trial = targets(result, Path(scratch, "decks"), Path(scratch, "seeds"))
        _create_all(trial, data)
        briefing = load_deck(trial["deck"], trial["txt"].parent)
    _create_all(paths, data)
    return Written(paths["txt"], paths["meta"], paths["deck"], briefing)


def _create_all(paths: dict[str, Path], data: dict[str, bytes]) -> None:
    done: list[Path] = []
    try:
        for key, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as fh:  # "x": fails rather than replace a file made meanwhile
                done.append(path)
                fh.write(data[key])
    except BaseException as exc:
        for path in done:
            path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise ExistingFiles([Path(str(exc.filename))]) from exc
        raise
