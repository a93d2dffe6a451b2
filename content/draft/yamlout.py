"""The draft written as YAML an editor reads: a header, one key a line, `# review:` marks."""

from __future__ import annotations

from typing import Any

import yaml

from content.draft.cards import Notes

_INDENT = "  "


def scalar(value: Any) -> str:
    """One YAML scalar on one line, quoted where YAML would read it as something else."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def document(header: list[str], data: dict[str, Any], notes: Notes, owner: str = "") -> str:
    lines = [f"# {line}" if line else "#" for line in header]
    lines.extend(_mapping(data, 0, notes, owner))
    return "\n".join(lines) + "\n"


def _review(notes: Notes, owner: str, key: str, pad: str) -> list[str]:
    return [f"{pad}# review: {note}" for note in notes.get((owner, key), [])]


def _mapping(data: dict[str, Any], depth: int, notes: Notes, owner: str) -> list[str]:
    pad = _INDENT * depth
    owner = str(data.get("id", owner)) if depth else owner
    lines: list[str] = []
    for key, value in data.items():
        lines.extend(_review(notes, owner, key, pad))
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(_mapping(value, depth + 1, notes, owner))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            lines.append(f"{pad}{key}: [{', '.join(scalar(v) for v in value)}]")
        elif isinstance(value, list) and value:
            lines.append(f"{pad}{key}:")
            lines.extend(_sequence(value, depth + 1, notes, owner))
        else:
            lines.append(f"{pad}{key}: {'[]' if value == [] else scalar(value)}")
    return lines


def _sequence(items: list[Any], depth: int, notes: Notes, owner: str) -> list[str]:
    pad = _INDENT * depth
    lines: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            lines.append(f"{pad}- {scalar(item)}")
            continue
        body = _mapping(item, depth + 1, notes, owner)
        if "id" in item:
            if lines:
                lines.append("")
            lines.extend(_review(notes, str(item["id"]), "", pad))
        # review lines of the first key go above the dash; the first key sits on it
        first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
        lines.extend(line[len(_INDENT):] for line in body[:first])
        lines.append(f"{pad}- {body[first].lstrip()}")
        lines.extend(body[first + 1:])
    return lines
