"""`briefing-bot check` and the loader refuse a deck that does not hold, saying exactly where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.process.cli import main
from content.errors import DeckError
from content.loader import DECKS_DIR, load_all, read_yaml

Mutation = Callable[[dict[str, Any]], None]


def write_deck(directory: Path, mutate: Mutation) -> Path:
    raw = read_yaml(DECKS_DIR / "istanbul-talks-2025.yaml", "istanbul-talks-2025")
    mutate(raw)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "istanbul-talks-2025.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def problems(directory: Path) -> list[str]:
    with pytest.raises(DeckError) as caught:
        load_all(directory)
    return [str(p) for p in caught.value.problems]


def person(raw: dict[str, Any], card_id: str) -> dict[str, Any]:
    return next(p for p in raw["people"] if p["id"] == card_id)


def event(raw: dict[str, Any], card_id: str) -> dict[str, Any]:
    return next(e for e in raw["events"] if e["id"] == card_id)


def test_the_real_deck_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: deck istanbul-talks-2025: 15 cards,")
    assert "all found verbatim in seed istanbul-talks-2025-05-29" in out


def test_a_quote_altered_by_one_character_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def alter(raw: dict[str, Any]) -> None:
        did = person(raw, "lavrov")["did"][1]
        did["quote"] = did["quote"].replace("memorandum", "memorandun")

    directory = write_deck(tmp_path, alter)
    found = problems(directory)
    assert len(found) == 1
    assert found[0].startswith("deck istanbul-talks-2025, card lavrov, field did[1].quote: quote not found verbatim")
    assert "differs at character 55" in found[0]

    assert main(["check", "--decks", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "card lavrov, field did[1].quote" in err
    assert "the deck cannot be served" in err


def test_a_straight_apostrophe_for_a_curly_one_is_not_verbatim(tmp_path: Path) -> None:
    def straighten(raw: dict[str, Any]) -> None:
        fact = person(raw, "fidan")["did"][1]
        fact["quote"] = fact["quote"].replace("’", "'")

    assert ["field did[1].quote" in p for p in problems(write_deck(tmp_path, straighten))] == [True]


def test_colliding_aliases_are_rejected(tmp_path: Path) -> None:
    def collide(raw: dict[str, Any]) -> None:
        person(raw, "putin")["aliases"].append("Лавров")  # folds to "lavrov", Lavrov's name

    found = problems(write_deck(tmp_path, collide))
    assert len(found) == 1
    assert "card putin, field aliases[5]: alias 'Лавров' is also a name of card lavrov" in found[0]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2025-06-31", "day value is outside expected range"),
        ("June 2nd", "Input should be a valid date"),
        ("2025-06-03", "date 2025-06-03 is not stated in the quote"),
    ],
)
def test_a_bad_date_is_named(tmp_path: Path, date: str, message: str) -> None:
    def redate(raw: dict[str, Any]) -> None:
        event(raw, "istanbul-talks")["date"] = date

    found = problems(write_deck(tmp_path, redate))
    assert any(p.startswith("deck istanbul-talks-2025, card istanbul-talks, field date") and message in p
               for p in found), found


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"until": "2025-06-04"}, "until", "date 2025-06-02 to 2025-06-04 is not stated in the quote "
                                           "(expected e.g. 'June 2-4')"),
        ({"until": "2025-06-01"}, "", "until (the last day) needs precision 'day' and a date before it"),
        ({"until": "2025-06-04", "precision": "minute", "time": "10:00"}, "",
         "until (the last day) needs precision 'day'"),
    ],
)
def test_a_last_day_the_quote_does_not_give_is_named(
    tmp_path: Path, change: dict[str, str], field: str, message: str
) -> None:
    def stretch(raw: dict[str, Any]) -> None:
        event(raw, "istanbul-talks").update(change)

    found = problems(write_deck(tmp_path, stretch))
    assert any(p.startswith(f"deck istanbul-talks-2025, card istanbul-talks{', field ' + field if field else ''}")
               and message in p for p in found), found


def test_an_unknown_zone_is_named(tmp_path: Path) -> None:
    def rezone(raw: dict[str, Any]) -> None:
        event(raw, "istanbul-talks")["timezone"] = "Europe/Atlantis"

    found = problems(write_deck(tmp_path, rezone))
    assert len(found) == 1
    assert found[0].startswith("deck istanbul-talks-2025, card istanbul-talks, field timezone:")
    assert "unknown IANA timezone 'Europe/Atlantis'" in found[0]


def test_a_dangling_reference_and_an_ordering_cycle(tmp_path: Path) -> None:
    def break_refs(raw: dict[str, Any]) -> None:
        event(raw, "fidan-visit")["relative_to"] = "first-round"
        event(raw, "announcement").update(precision="after", relative_to="istanbul-talks", date=None)
        event(raw, "istanbul-talks").update(precision="before", relative_to="announcement", date=None)

    found = problems(write_deck(tmp_path, break_refs))
    assert "deck istanbul-talks-2025, card fidan-visit, field relative_to: no event 'first-round' in this deck" in found
    assert "deck istanbul-talks-2025, card announcement, field relative_to: events are ordered in a cycle" in found


def test_a_zone_that_disagrees_with_the_place(tmp_path: Path) -> None:
    def move(raw: dict[str, Any]) -> None:
        event(raw, "istanbul-talks")["timezone"] = "Europe/Moscow"

    found = problems(write_deck(tmp_path, move))
    assert found == ["deck istanbul-talks-2025, card istanbul-talks, field timezone: "
                     "timezone Europe/Moscow differs from Istanbul's Europe/Istanbul"]


def test_a_person_the_article_does_not_name(tmp_path: Path) -> None:
    def invent(raw: dict[str, Any]) -> None:
        extra = dict(person(raw, "trump"), id="zelensky", name="Volodymyr Zelensky", aliases=["Zelensky"])
        raw["people"].append(extra)

    found = problems(write_deck(tmp_path, invent))
    assert "deck istanbul-talks-2025, card zelensky, field name: name 'Volodymyr Zelensky' does not occur in the seed" in found


def test_a_missing_field_is_located(tmp_path: Path) -> None:
    def drop(raw: dict[str, Any]) -> None:
        del person(raw, "medinsky")["role"]

    assert problems(write_deck(tmp_path, drop)) == ["deck istanbul-talks-2025, card medinsky, field role: Field required"]


def test_an_altered_article_is_refused(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    source = Path(__file__).resolve().parents[2] / "seeds"
    (seeds / "istanbul-talks-2025-05-29.yaml").write_bytes((source / "istanbul-talks-2025-05-29.yaml").read_bytes())
    text = (source / "istanbul-talks-2025-05-29.txt").read_text(encoding="utf-8")
    (seeds / "istanbul-talks-2025-05-29.txt").write_text(text.replace("June 2", "June 3"), encoding="utf-8")
    with pytest.raises(DeckError, match="is not the recorded article"):
        load_all(None, seeds)


def test_broken_yaml_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    found = problems(tmp_path)
    assert found[0].startswith("deck broken: cannot read broken.yaml:")


def test_a_postponement_is_checked_against_the_article_like_every_quote(tmp_path: Path) -> None:
    def postpone(raw: dict[str, Any]) -> None:
        event(raw, "istanbul-talks").update(status="postponed", changed={
            "text": "The talks were postponed.", "quote": "the talks have been postponed"})

    found = problems(write_deck(tmp_path / "decks", postpone))
    assert any("istanbul-talks" in p and "changed.quote" in p and "quote not found verbatim" in p for p in found)


def test_a_postponement_without_the_articles_words_is_refused(tmp_path: Path) -> None:
    def postpone(raw: dict[str, Any]) -> None:
        event(raw, "istanbul-talks")["status"] = "postponed"

    assert any("status 'postponed' needs `changed`" in p for p in problems(write_deck(tmp_path / "decks", postpone)))
