"""The library: every deck of a folder that passes the check is served; a reload adds, changes and
removes decks, and never replaces a good deck by one that fails the check."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from content.errors import DeckError
from content.library import Library, Stories, Story
from content.loader import Briefing
from handlers.answers.index import answer_index
from tests.newsroom import COPENHAGEN, ISTANBUL, MISQUOTE, PORTLAND, REYKJAVIK, SUMMIT_MOVES, Newsroom


def test_every_deck_that_passes_the_check_is_served_newest_first(newsroom: Newsroom) -> None:
    stories = newsroom.library().stories
    assert [s.id for s in stories] == [REYKJAVIK, PORTLAND, COPENHAGEN, ISTANBUL]
    assert stories.get(ISTANBUL) is not None and stories.get("nothing") is None
    assert stories.refused == ()


def test_a_deck_that_fails_the_check_is_refused_and_the_others_are_served(newsroom: Newsroom) -> None:
    newsroom.edit_deck(REYKJAVIK, MISQUOTE)
    stories = newsroom.library().stories
    assert REYKJAVIK not in stories and len(stories) == 3
    [refusal] = stories.refused
    assert refusal.file == f"{REYKJAVIK}.yaml" and refusal.kept is None
    assert "quote not found verbatim" in str(refusal.problems[0])


def test_a_folder_where_nothing_passes_cannot_be_opened(newsroom: Newsroom) -> None:
    for deck in (ISTANBUL, COPENHAGEN, PORTLAND):
        newsroom.remove(deck)
    newsroom.edit_deck(REYKJAVIK, MISQUOTE)
    with pytest.raises(DeckError, match="quote not found verbatim"):
        newsroom.library()


def test_a_reload_reports_what_was_added_changed_and_removed(newsroom: Newsroom, drafted: Newsroom) -> None:
    library = newsroom.copy_to(newsroom.decks.parent / "served", ISTANBUL, REYKJAVIK, PORTLAND).library()
    served = Newsroom(library.decks, library.seeds)  # type: ignore[arg-type]
    before = library.stories.get(REYKJAVIK)
    served.publish(drafted, COPENHAGEN)
    served.update_article(REYKJAVIK, SUMMIT_MOVES)
    served.remove(PORTLAND)
    reloaded = library.reload()
    assert (reloaded.ids("added"), reloaded.ids("changed"), reloaded.ids("removed")) == (
        [COPENHAGEN], [REYKJAVIK], [PORTLAND])
    [changed] = [c for c in reloaded.changes if c.kind == "changed"]
    assert changed.old is before and changed.new is library.stories.get(REYKJAVIK)
    assert changed.new is not None and str(changed.new.deck.main.date) == "2026-11-19"
    assert [s.id for s in library.stories] == [REYKJAVIK, COPENHAGEN, ISTANBUL]


def test_a_broken_deck_leaves_its_previous_version_serving(newsroom: Newsroom) -> None:
    library = newsroom.library()
    good = library.stories.get(REYKJAVIK)
    newsroom.edit_deck(REYKJAVIK, MISQUOTE)
    reloaded = library.reload()
    assert reloaded.changes == ()
    [refusal] = reloaded.refused
    assert refusal.kept == REYKJAVIK and "quote not found verbatim" in str(refusal.problems[0])
    assert library.stories.get(REYKJAVIK) is good


def test_an_unchanged_deck_keeps_its_briefing_and_what_was_built_from_it(newsroom: Newsroom) -> None:
    library = newsroom.library()
    briefing = library.stories.get(ISTANBUL)
    assert briefing is not None
    index = answer_index(briefing)
    newsroom.deck_file(ISTANBUL).write_text(
        "# a comment changes the file, not the deck\n" + newsroom.deck_file(ISTANBUL).read_text("utf-8"),
        encoding="utf-8")
    assert library.reload().changes == ()
    assert library.stories.get(ISTANBUL) is briefing and answer_index(briefing) is index


def test_digests_are_the_same_for_the_same_decks_in_two_libraries(newsroom: Newsroom) -> None:
    one, two = newsroom.library().stories, newsroom.library().stories
    assert one.digest == two.digest
    assert [s.digest for s in one] == [s.digest for s in two]
    newsroom.update_article(REYKJAVIK, SUMMIT_MOVES)
    assert newsroom.library().stories.digest != one.digest


def test_two_files_with_one_deck_id_serve_the_first(newsroom: Newsroom) -> None:
    (newsroom.decks / "zz-copy.yaml").write_bytes(newsroom.deck_file(PORTLAND).read_bytes())
    stories = newsroom.library().stories
    assert stories.story(PORTLAND) is not None
    [refusal] = stories.refused
    assert refusal.file == "zz-copy.yaml" and "also the id of" in str(refusal.problems[0])


def test_emptying_the_folder_keeps_what_is_served(newsroom: Newsroom) -> None:
    library = newsroom.library()
    for path in newsroom.decks.glob("*.yaml"):
        path.unlink()
    reloaded = library.reload()
    assert reloaded.changes == () and "no deck passes the check" in str(reloaded.refused[0].problems[0])
    assert len(library.stories) == 4


def test_readers_see_whole_snapshots_while_reloads_run(newsroom: Newsroom, drafted: Newsroom) -> None:
    library = newsroom.library()
    seen: set[tuple[str, ...]] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(tuple(sorted(s.id for s in library.stories)))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(3):
            newsroom.remove(PORTLAND)
            library.reload()
            newsroom.publish(drafted, PORTLAND)
            library.reload()
    finally:
        stop.set()
        reader.join(5)
    everything = tuple(sorted([ISTANBUL, COPENHAGEN, PORTLAND, REYKJAVIK]))
    assert seen == {everything, tuple(i for i in everything if i != PORTLAND)}


def test_a_library_of_given_briefings_reloads_to_itself(briefing: Briefing) -> None:
    library = Library.of(briefing)
    assert library.reload().changes == () and library.stories.get(ISTANBUL) is briefing
    assert Stories([Story.of(briefing)]).digest == library.stories.digest


def test_an_answer_index_goes_with_the_briefing_it_was_built_from(newsroom: Newsroom) -> None:
    library = newsroom.library()
    old = library.stories.get(REYKJAVIK)
    assert old is not None
    answer_index(old)
    newsroom.update_article(REYKJAVIK, SUMMIT_MOVES)
    library.reload()
    gone = threading.Event()
    weakref.finalize(old, gone.set)
    del old
    gc.collect()
    assert gone.is_set()
