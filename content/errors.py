"""What can be wrong with a deck, located by deck, card and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a deck, located as precisely as the check can."""

    deck: str
    message: str
    card: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [f"deck {self.deck}"]
        if self.card:
            where.append(f"card {self.card}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class DeckError(Exception):
    """A deck (or its seed) that cannot be served; `problems` says every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
