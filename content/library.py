"""The stories the bot serves: every deck of a folder that passes the check, reloadable while serving.

A `Library` reads a decks folder (and the seeds folder beside it) and holds an immutable
`Stories` snapshot of the decks that passed the check. `reload()` reads the folder again and
swaps in a new snapshot in one assignment, so a reader never sees half a reload; it reports
what was added, changed, removed and refused. A deck that fails the check is refused with the
check's problems, and the version that passed before (if any) keeps serving: a good deck is
never replaced by a failing one. A deck whose content did not change keeps its very `Briefing`
object, so what was built from it (its answer index) is not built again.

Each deck version has a digest of its content (the deck as parsed, and its article), the same
in every process that loads the same files; the snapshot's digest covers the whole set, so
replicas can show that they serve the same decks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from content.errors import DeckError, Problem
from content.loader import Briefing, deck_paths, load_deck

DIGEST_SHOWN = 12  # hex digits of a digest in logs and metrics


def digest_of(briefing: Briefing) -> str:
    """The content digest of one deck version: its parsed deck and its seed (the article's SHA-256)."""
    content = briefing.deck.model_dump_json() + "\n" + briefing.seed.model_dump_json()
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Story:
    """One served deck version: the briefing, its content digest and the file it was read from."""

    briefing: Briefing
    digest: str
    path: Path | None = None  # None for a story given in code (tests, one-off questions)

    @property
    def id(self) -> str:
        return self.briefing.deck.id

    @classmethod
    def of(cls, briefing: Briefing, path: Path | None = None) -> Story:
        return cls(briefing, digest_of(briefing), path)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A deck file that was not taken, why, and which deck (its previous version) still serves."""

    file: str
    problems: tuple[Problem, ...]
    kept: str | None = None  # id of the deck whose earlier version keeps serving


class Stories:
    """An immutable snapshot of the served decks, by id; iterated newest first (the seed's as-of date)."""

    __slots__ = ("__weakref__", "_by_id", "_order", "digest", "refused")

    def __init__(self, stories: Iterable[Story] = (), refused: Iterable[Refusal] = ()) -> None:
        order = sorted(stories, key=lambda s: (-s.briefing.seed.as_of.toordinal(), s.id))
        self._order = tuple(order)
        self._by_id: Mapping[str, Story] = MappingProxyType({s.id: s for s in order})
        self.refused = tuple(refused)
        listing = "".join(f"{s.id} {s.digest}\n" for s in sorted(order, key=lambda s: s.id))
        self.digest = hashlib.sha256(listing.encode("utf-8")).hexdigest()

    def __iter__(self) -> Iterator[Story]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, deck_id: object) -> bool:
        return deck_id in self._by_id

    def story(self, deck_id: str) -> Story | None:
        return self._by_id.get(deck_id)

    def get(self, deck_id: str | None) -> Briefing | None:
        """The briefing of deck `deck_id`, None when no such deck is served."""
        found = self._by_id.get(deck_id) if deck_id else None
        return found.briefing if found is not None else None

    @property
    def briefings(self) -> tuple[Briefing, ...]:
        """Every served briefing, newest first."""
        return tuple(s.briefing for s in self._order)

    @property
    def newest(self) -> Briefing:
        if not self._order:
            raise LookupError("no story is served")
        return self._order[0].briefing


ChangeKind = Literal["added", "changed", "removed"]


@dataclass(frozen=True, slots=True)
class Change:
    """One deck that a reload added, changed (its digest differs) or removed, with both versions."""

    kind: ChangeKind
    deck: str
    old: Briefing | None
    new: Briefing | None


@dataclass(frozen=True, slots=True)
class Reloaded:
    """What one reload did: the changes, the refused files, and the snapshot now served."""

    changes: tuple[Change, ...]
    refused: tuple[Refusal, ...]
    stories: Stories

    def ids(self, kind: ChangeKind) -> list[str]:
        return [c.deck for c in self.changes if c.kind == kind]


def changes_between(old: Stories, new: Stories) -> tuple[Change, ...]:
    found: list[Change] = []
    for story in new:
        before = old.story(story.id)
        if before is None:
            found.append(Change("added", story.id, None, story.briefing))
        elif before.digest != story.digest:
            found.append(Change("changed", story.id, before.briefing, story.briefing))
    found.extend(Change("removed", s.id, s.briefing, None) for s in old if s.id not in new)
    return tuple(found)


class Library:
    """The served decks of one folder; `stories` is the current snapshot, `reload()` reads the folder again.

    `reload()` may run in a worker thread while readers use `stories`: reloads take turns on a
    lock, and the snapshot is swapped in one assignment.
    """

    def __init__(self, decks: Path | None, seeds: Path | None = None, stories: Stories | None = None) -> None:
        self.decks = decks
        self.seeds = seeds
        self._stories = stories or Stories()
        self._lock = threading.Lock()

    @classmethod
    def of(cls, *briefings: Briefing) -> Library:
        """A library of the given briefings and no folder: reloading it changes nothing."""
        return cls(None, None, Stories(Story.of(b) for b in briefings))

    @classmethod
    def open(cls, decks: Path, seeds: Path | None = None) -> tuple[Library, Reloaded]:
        """The library of `decks`, loaded; DeckError (every refusal's problems) when no deck passes."""
        library = cls(decks, seeds)
        loaded = library.reload()
        if not library.stories:
            problems = [p for r in loaded.refused for p in r.problems]
            raise DeckError(problems or [Problem(str(decks), "no deck (*.yaml) found")])
        return library, loaded

    @property
    def stories(self) -> Stories:
        return self._stories

    def reload(self) -> Reloaded:
        """Read the folder again and serve what passes; never replaces a good deck by a failing one."""
        with self._lock:
            old = self._stories
            if self.decks is None:
                return Reloaded((), (), old)
            served, refused = self._read(old, self.decks)
            if not served and old:
                reason = Problem(str(self.decks), f"no deck passes the check; the {len(old)} served stay")
                refused.append(Refusal(self.decks.name, (reason,), None))
                return Reloaded((), tuple(refused), old)
            new = self._stories = Stories(served.values(), refused)
            return Reloaded(changes_between(old, new), new.refused, new)

    def _read(self, old: Stories, folder: Path) -> tuple[dict[str, Story], list[Refusal]]:
        if not folder.is_dir():
            return {}, [Refusal(str(folder), (Problem(str(folder), "the decks folder is not a folder"),))]
        before = {s.path: s for s in old if s.path is not None}
        served: dict[str, Story] = {}
        refused: list[Refusal] = []
        for path in deck_paths(folder):
            try:
                story = Story.of(load_deck(path, self.seeds), path)
            except DeckError as exc:
                kept = before.get(path)
                if kept is not None and kept.id not in served:
                    served[kept.id] = kept
                refused.append(Refusal(path.name, tuple(exc.problems), kept.id if kept else None))
                continue
            if story.id in served:
                clash = Problem(story.id, f"deck id {story.id!r} is also the id of {_file(served[story.id])}")
                refused.append(Refusal(path.name, (clash,), None))
                continue
            served[story.id] = _same_if_unchanged(old.story(story.id), story)
        return served, refused


def _same_if_unchanged(before: Story | None, now: Story) -> Story:
    """The earlier Story (its very briefing) when the content is the same: what was built from it stays."""
    if before is None or before.digest != now.digest:
        return now
    return before if before.path == now.path else dataclasses.replace(before, path=now.path)


def _file(story: Story) -> str:
    return story.path.name if story.path is not None else "a deck given in code"


def library_of(stories: Library | Briefing) -> Library:
    """`stories` as a library: one briefing is a library of one (tests, one-off questions)."""
    return stories if isinstance(stories, Library) else Library.of(stories)
