"""The deck: frozen pydantic models of briefing cards, each fact tied to a quote of its seed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ModelWrapValidatorHandler,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]  # lower-case id such as "istanbul-talks"


def known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {value!r}") from exc
    return value


Zone = Annotated[str, AfterValidator(known_zone)]
LANGUAGE_PATTERN = r"^[a-z]{2}$"
Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN)]  # ISO 639-1 code: "en", "uk", "ru"

# The deck's own language while its YAML is read: a plain string of wording is in it.
_deck_language: ContextVar[str | None] = ContextVar("deck_language", default=None)


class Wording(str):
    """The editor's wording of one string a reader sees, in the deck's language and maybe others.

    It *is* the string in the deck's own language wherever code treats it as one (matching names,
    the check against the seed, logs); `in_language()` gives a reader's. In YAML it is a plain
    string, in the deck's language, or one string per language: `{en: …, uk: …, ru: …}`.
    """

    texts: Mapping[str, str]  # by language code, the deck's own too; empty when it declares none
    language: str | None  # the deck's own language, when the deck declares its languages

    def __new__(cls, own: str, texts: Mapping[str, str] | None = None,
                language: str | None = None) -> Wording:
        wording = super().__new__(cls, own)
        wording.texts = MappingProxyType(dict(texts or {}))
        wording.language = language
        return wording

    def in_language(self, code: str) -> str:
        """The wording in `code`, else in the deck's own language."""
        return self.texts.get(code, str(self))

    def translations(self) -> tuple[str, ...]:
        """The wording in every language but the deck's own."""
        return tuple(text for code, text in self.texts.items() if code != self.language)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        return str.__eq__(self, other) and (not isinstance(other, Wording) or self.texts == other.texts)

    def __ne__(self, other: object) -> bool:
        same = self.__eq__(other)
        return same if same is NotImplemented else not same

    __hash__ = str.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        return Wording, (str(self), dict(self.texts), self.language)


@dataclass(frozen=True, slots=True)
class Worded:
    """Pydantic's reading of a Wording (a plain string or a mapping by language), of bounded length."""

    min_length: int
    max_length: int

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.read, serialization=core_schema.plain_serializer_function_ser_schema(_written))

    def read(self, value: object) -> Wording:
        own = _deck_language.get()
        if isinstance(value, str):
            text = self._fit(value)
            return Wording(text, {own: text} if own else {}, own)
        if not isinstance(value, Mapping):
            raise ValueError("expected a string, or one string per language such as {en: …, uk: …}")
        if own is None:
            raise ValueError("wording in several languages needs the deck's languages declared "
                             "(languages: [en, uk, …])")
        texts = {self._code(code): self._fit(text, code) for code, text in value.items()}
        if own not in texts:
            raise ValueError(f"no wording in the deck's own language {own!r}")
        return Wording(texts[own], texts, own)

    def _fit(self, text: object, code: object = None) -> str:
        within = f" in {code!r}" if code else ""
        if not isinstance(text, str):
            raise ValueError(f"the wording{within} should be a string")
        text = text.strip()
        if not self.min_length <= len(text) <= self.max_length:
            raise ValueError(f"the wording{within} should have {self.min_length} to {self.max_length} "
                             f"characters, not {len(text)}")
        return text

    @staticmethod
    def _code(code: object) -> str:
        if not isinstance(code, str) or not re.fullmatch(LANGUAGE_PATTERN, code):
            raise ValueError(f"{code!r} is not a language code such as 'en' or 'uk'")
        return code


def _written(wording: Wording) -> str | dict[str, str]:
    """A Wording as YAML holds it: a plain string when it has one language."""
    return dict(wording.texts) if len(wording.texts) > 1 else str(wording)


FactText = Annotated[Wording, Worded(1, 400)]
Name = Annotated[Wording, Worded(2, 80)]
Title = Annotated[Wording, Worded(2, 120)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Fact(Frozen):
    """One statement of the deck and the verbatim passage of the seed it comes from.

    The text is the editor's, in each language the deck declares; the quote is the article's
    own words, in the article's language, whatever language the text is read in.
    """

    text: FactText
    quote: str = Field(min_length=8, max_length=600)

    @model_validator(mode="before")
    @classmethod
    def _keeps_its_quote(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "text" in data and "quote" not in data:
            raise ValueError("a fact keeps its quote, the article's own words, in every language")
        return data

    @field_validator("quote", mode="before")
    @classmethod
    def _quote_in_the_articles_language(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            raise ValueError("a quote is the article's own words, in the article's language: "
                             "one string, not one per language")
        return value


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
        """Every name a reader may use for this card: its label first, its translations, its aliases."""
        label = self.label
        translated = label.translations() if isinstance(label, Wording) else ()
        return (label, *translated, *self.aliases)

    def wordings(self) -> tuple[tuple[str, Wording], ...]:
        """(field path, wording) for every string of the editor's the card shows, in reading order."""
        found = [(name, value) for name in type(self).model_fields
                 if isinstance(value := getattr(self, name), Wording)]
        found.extend((f"{path}.text", fact.text) for path, fact in self.facts())
        return tuple(found)

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
    name: Name
    role: Fact
    affiliation: Fact | None = None
    did: tuple[Fact, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        return self.name


Precision = Literal["day", "minute", "before", "after"]
# Whether an event still takes place as dated: an updated article may report it postponed or cancelled.
Status = Literal["scheduled", "postponed", "cancelled"]


class EventCard(Card):
    kind: Literal["event"] = "event"
    title: Title
    precision: Precision
    date: dt.date | None = None
    until: dt.date | None = None  # the last day of an event that runs over several days
    time: dt.time | None = None
    relative_to: Slug | None = None
    timezone: Zone | None = None
    place: Slug | None = None
    when: Fact
    what: tuple[Fact, ...] = Field(min_length=1)
    status: Status = "scheduled"
    # What an updated article changed (the date moved, postponed, cancelled), in its words: the
    # correction sent to subscribed chats quotes it. Required for a status other than scheduled.
    changed: Fact | None = None

    @model_validator(mode="after")
    def _a_status_keeps_its_quote(self) -> EventCard:
        if self.status != "scheduled" and self.changed is None:
            raise ValueError(f"status {self.status!r} needs `changed`: what the updated article says, "
                             "with its quote")
        return self

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
    name: Name
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
    title: Title
    holder: Name
    people: tuple[Slug, ...] = ()
    statement: Fact
    details: tuple[Fact, ...] = ()

    @property
    def label(self) -> str:
        return self.title


AnyCard = SummaryCard | PersonCard | EventCard | PlaceCard | PositionCard


class Deck(Frozen):
    id: Slug
    title: Title
    # The languages of the editor's wording, the deck's own first (plain strings are in it).
    # None declared: one language, the deck's own.
    languages: tuple[Language, ...] = ()
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

    def wordings(self) -> tuple[tuple[str | None, str, Wording], ...]:
        """(card id, field path, wording) for every string of the editor's; the deck's title first."""
        return ((None, "title", self.title),
                *((card.id, path, wording) for card in self.cards() for path, wording in card.wordings()))

    @model_validator(mode="wrap")
    @classmethod
    def _read_in_its_language(cls, data: Any, handler: ModelWrapValidatorHandler[Deck]) -> Deck:
        """Read the deck's wording knowing its own language, the first it declares."""
        declared = data.get("languages") if isinstance(data, Mapping) else None
        first = declared[0] if isinstance(declared, list | tuple) and declared else None
        token = _deck_language.set(first if isinstance(first, str) else None)
        try:
            return handler(data)
        finally:
            _deck_language.reset(token)

    @field_validator("languages")
    @classmethod
    def _each_language_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("each language is declared once")
        return value

    @model_validator(mode="after")
    def _main_event_exists(self) -> Deck:
        if self.event(self.main_event) is None:
            raise ValueError(f"main_event {self.main_event!r} is not an event of this deck")
        return self
