"""Loading decks and their seeds from disk, with errors that name the deck, card and field."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from content.check import check_deck
from content.errors import DeckError, Problem
from content.model import Deck, Seed

DECKS_DIR = Path(__file__).resolve().parent / "decks"


def seeds_dir() -> Path:
    return Path(str(resources.files("seeds")))


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Briefing:
    """A deck together with the article it was written from.

    Weakly referable, so what is built from one (its answer index) goes when it is no longer served.
    """

    deck: Deck
    seed: Seed
    article: str


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so pydantic reports a bad one precisely."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, deck_name: str) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_PlainLoader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DeckError([Problem(deck_name, f"cannot read {path.name}: {exc}")]) from exc


def _locate(raw: Any, loc: tuple[int | str, ...]) -> tuple[str | None, str | None]:
    """Turn a pydantic error location into (card, field) of the deck's YAML."""
    if not loc:
        return None, None
    group = loc[0]
    if group == "summary":
        return "summary", ".".join(str(p) for p in loc[1:]) or None
    if len(loc) >= 2 and isinstance(loc[1], int):
        card: str = f"{group}[{loc[1]}]"
        with contextlib.suppress(KeyError, IndexError, TypeError):
            card = str(raw[group][loc[1]]["id"])
        rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[2:]).lstrip(".")
        return card, rest or None
    return None, ".".join(str(p) for p in loc)


def parse_deck(raw: Any, deck_name: str) -> Deck:
    try:
        return Deck.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            card, field = _locate(raw, tuple(err["loc"]))
            problems.append(Problem(deck_name, err["msg"], card, field))
        raise DeckError(problems) from exc


def load_seed(seed_id: str, directory: Path | None = None) -> tuple[Seed, str]:
    directory = directory or seeds_dir()
    meta_path = directory / f"{seed_id}.yaml"
    if not meta_path.is_file():
        raise DeckError([Problem(seed_id, f"no seed metadata {meta_path.name} in seeds/")])
    try:
        seed = Seed.model_validate(read_yaml(meta_path, seed_id))
    except ValidationError as exc:
        raise DeckError([Problem(seed_id, f"seed metadata: {exc}")]) from exc
    text_path = directory / seed.file
    try:
        data = text_path.read_bytes()
    except OSError as exc:
        raise DeckError([Problem(seed_id, f"cannot read seed text {seed.file}: {exc}")]) from exc
    if hashlib.sha256(data).hexdigest() != seed.sha256:
        raise DeckError([Problem(seed_id, f"{seed.file} is not the recorded article (sha256 differs)")])
    return seed, data.decode("utf-8")


def load_deck(path: Path, seeds: Path | None = None) -> Briefing:
    """Load one deck file and its seed, and check the deck against the seed."""
    name = path.stem
    deck = parse_deck(read_yaml(path, name), name)
    seed, article = load_seed(deck.seed, seeds)
    problems = check_deck(deck, seed, article)
    if problems:
        raise DeckError(problems)
    return Briefing(deck, seed, article)


def deck_paths(directory: Path | None = None) -> list[Path]:
    return sorted((directory or DECKS_DIR).glob("*.yaml"))


def load_all(directory: Path | None = None, seeds: Path | None = None) -> list[Briefing]:
    """Every deck of the directory, checked; a DeckError lists the problems of all of them."""
    loaded: list[Briefing] = []
    problems: list[Problem] = []
    for path in deck_paths(directory):
        try:
            loaded.append(load_deck(path, seeds))
        except DeckError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DeckError(problems)
    if not loaded:
        raise DeckError([Problem(str(directory or DECKS_DIR), "no deck (*.yaml) found")])
    return loaded
