"""What a platform posts to a webhook, read with suspicion: bytes, then UTF-8 text, then one JSON object.

Telegram and Slack only ever send UTF-8 JSON (or Slack's form bodies, UTF-8 too). Anything else
posted to their routes is malformed: it gets a 400 naming the problem, never a traceback, and
its body is neither logged nor quoted back.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

_UTF8 = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})  # ASCII is UTF-8 too


class Malformed(ValueError):
    """The body is not what the platform sends; the message says what is wrong, without quoting it."""


def text_of(body: bytes, charset: str | None) -> str:
    """`body` as text: UTF-8 only, whatever else the request claims."""
    if charset is not None and charset.strip().lower() not in _UTF8:
        raise Malformed("the body must be UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("the body is not valid UTF-8") from None


def json_object(text: str) -> dict[str, Any]:
    """`text` parsed as one JSON object (not an array, a number or nesting deeper than Python goes)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed("the body is not JSON") from None
    if not isinstance(value, dict):
        raise Malformed("the body is not a JSON object")
    return value


def malformed(problem: Malformed) -> web.Response:
    return web.Response(status=400, text=f"malformed request: {problem}")
