"""Offsets of countdown reminders: how readers may spell them, and the defaults per precision."""

from __future__ import annotations

import pytest

from handlers.reminders import Offset, offsets_for


@pytest.mark.parametrize(("token", "minutes", "canonical"), [
    ("7d", 7 * 1440, "7d"), ("D-3", 3 * 1440, "3d"), ("d3", 3 * 1440, "3d"), ("3h", 180, "3h"),
    ("90m", 90, "90m"), ("120m", 120, "2h"), ("48h", 2880, "2d"), ("start", 0, "start"), ("0", 0, "start"),
])
def test_offsets_are_read_in_several_spellings(token: str, minutes: int, canonical: str) -> None:
    offset = Offset.parse(token)
    assert offset.minutes == minutes and offset.token == canonical


def test_offsets_per_precision() -> None:
    assert [o.label("day") for o in offsets_for("day", None)] == ["D-7", "D-3", "D-1", "D-0"]
    assert [o.label("minute") for o in offsets_for("minute", None)] == ["7d", "3d", "1d", "3h", "1h", "start"]
    assert [o.label("day") for o in offsets_for("day", ("1h", "2d", "start"))] == ["D-2", "D-0"]
