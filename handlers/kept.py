"""What is built once from a deck or a briefing, and kept exactly as long as that object is served.

Decks are reloaded while the bot runs: a cache keyed by the object would keep every version
ever loaded. Here an entry goes when its key is collected (the built value must therefore not
refer back to its key, or it would keep it alive).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def kept_while_alive(build: Callable[[K], V]) -> Callable[[K], V]:
    """`build(key)`, computed on first use and kept until `key` is garbage-collected."""
    built: dict[int, V] = {}

    def get(key: K) -> V:
        value = built.get(id(key))
        if value is None:
            value = built[id(key)] = build(key)
            # Dropped when the key goes, before its id can be given to another object.
            weakref.finalize(key, built.pop, id(key), None)
        return value

    get.__doc__ = build.__doc__
    return get
