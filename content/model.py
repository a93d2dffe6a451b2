"""The deck: frozen pydantic models of briefing cards, each fact tied to a quote of its seed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]  # lower-case id such as "istanbul-talks"


def known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {value!r}") from exc
    return value


Zone = Annotated[str, AfterValidator(known_zone)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Fact(Frozen):
    """One statement of the deck and the verbatim passage of the seed it comes from."""

    text: str = Field(min_length=1, max_length=400)
    quote: str = Field(min_length=8, max_length=600)


class Seed(Frozen):
    """Metadata of a source article (the YAML beside the verbatim text in `seeds/`)."""

    id: Slug
    file: str
    title: str
    reports: str
    as_of: dt.date
    language: str = Field(pattern=r"^[a-z]{2}$")
    publisher: str
    received_as: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Card(Frozen):
    id: Slug
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        raise NotImplementedError

    def names(self) -> tuple[str, ...]:
        """Every name a reader may use for this card: its label first, then its aliases."""
        return (self.label, *self.aliases)

    def facts(self) -> tuple[tuple[str, Fact], ...]:
        """(field path, fact) for every fact of the card, in reading order."""
        found: list[tuple[str, Fact]] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Fact):
                found.append((name, value))
            elif isinstance(value, tuple):
                found.extend((f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, Fact))
        return tuple(found)


class SummaryCard(Card):
    kind: Literal["summary"] = "summary"
    headline: Fact
    bullets: tuple[Fact, ...] = Field(min_length=3, max_length=6)

    @property
    def label(self) -> str:
        return "Summary"


class PersonCard(Card):
    kind: Literal["person"] = "person"
    name: str = Field(min_length=2, max_length=80)
    role: Fact
    affiliation: Fact | None = None
    did: tuple[Fact, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        return self.name


Precision = Literal["day", "minute", "before", "after"]


class EventCard(Card):
    kind: Literal["event"] = "event"
    title: str = Field(min_length=2, max_length=120)
    precision: Precision
    date: dt.date | None = None
    until: dt.date | None = None  # the last day of an event that runs over several days
    time: dt.time | None = None
    relative_to: Slug | None = None
    timezone: Zone | None = None
    place: Slug | None = None
    when: Fact
    what: tuple[Fact, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _precision_matches_date(self) -> EventCard:
        if self.precision == "day" and (self.date is None or self.time is not None):
            raise ValueError("precision 'day' needs a date and no time")
        if self.precision == "minute" and (self.date is None or self.time is None):
            raise ValueError("precision 'minute' needs a date and a time")
        if self.precision in ("before", "after") and self.relative_to is None:
            raise ValueError(f"precision {self.precision!r} needs relative_to (an event id)")
        if self.precision == "minute" and self.timezone is None:
            raise ValueError("precision 'minute' needs the timezone of the place")
        if self.until is not None and (self.precision != "day" or not self.date or self.until <= self.date):
            raise ValueError("until (the last day) needs precision 'day' and a date before it")
        return self

    @property
    def label(self) -> str:
        return self.title

    @property
    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    @property
    def last_day(self) -> dt.date | None:
        """The event's last day: `until` for several days, else its one day."""
        return self.until or self.date

    def starts_at(self, fallback: ZoneInfo | None = None) -> dt.datetime | None:
        """The start as an aware datetime: midnight of the local day for day precision.

        An event whose place the article does not give has no zone of its own; `fallback`
        (the reader's zone) stands in for it.
        """
        zone = self.zone or fallback
        if self.date is None or zone is None:
            return None
        return dt.datetime.combine(self.date, self.time or dt.time(0, 0), tzinfo=zone)


class PlaceCard(Card):
    kind: Literal["place"] = "place"
    name: str = Field(min_length=2, max_length=80)
    timezone: Zone
    role: Fact

    @property
    def label(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class PositionCard(Card):
    kind: Literal["position"] = "position"
    title: str = Field(min_length=2, max_length=120)
    holder: str = Field(min_length=2, max_length=80)
    people: tuple[Slug, ...] = ()
    statement: Fact
    details: tuple[Fact, ...] = ()

    @property
    def label(self) -> str:
        return self.title


AnyCard = SummaryCard | PersonCard | EventCard | PlaceCard | PositionCard


class Deck(Frozen):
    id: Slug
    title: str = Field(min_length=2, max_length=120)
    seed: Slug
    main_event: Slug
    summary: SummaryCard
    people: tuple[PersonCard, ...] = ()
    events: tuple[EventCard, ...] = Field(min_length=1)
    places: tuple[PlaceCard, ...] = ()
    positions: tuple[PositionCard, ...] = ()

    def cards(self) -> tuple[AnyCard, ...]:
        return (self.summary, *self.people, *self.events, *self.places, *self.positions)

    def card(self, card_id: str) -> AnyCard | None:
        return next((c for c in self.cards() if c.id == card_id), None)

    def event(self, event_id: str) -> EventCard | None:
        return next((e for e in self.events if e.id == event_id), None)

    def place(self, place_id: str | None) -> PlaceCard | None:
        return next((p for p in self.places if p.id == place_id), None)

    @property
    def main(self) -> EventCard:
        event = self.event(self.main_event)
        if event is None:  # guarded by the validator below; kept for the type checker
            raise LookupError(self.main_event)
        return event

    @model_validator(mode="after")
    def _main_event_exists(self) -> Deck:
        if self.event(self.main_event) is None:
            raise ValueError(f"main_event {self.main_event!r} is not an event of this deck")
        return self
