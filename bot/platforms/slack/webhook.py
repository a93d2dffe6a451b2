"""`POST /slack/events` in HTTP mode: Slack's signature checked on the raw bytes, then the body read.

Bolt parses a body before its own middleware checks the signature, and logs a refused request's
whole body; a stranger's megabyte posts would end up in the log. Here nothing is parsed, decoded
or logged until the signature (v0 HMAC over `v0:timestamp:body`, timestamp within five minutes)
holds. A signed body that is not what Slack sends gets 400. Bolt still checks the signature
again, as it does in every app.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.platforms.webhooks import Malformed, json_object, malformed, text_of

WINDOW = 5 * 60  # seconds a signed request stays valid, either way (Slack's rule)
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"


class Signatures:
    """Checks that Slack signed a request with the app's signing secret, recently.

    The HMAC is computed over the raw bytes: slack_sdk's verifier decodes them as UTF-8 first,
    and raises on a body that is not.
    """

    def __init__(self, signing_secret: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = signing_secret.encode()
        self._clock = clock

    def signed(self, body: bytes, headers: Mapping[str, str]) -> bool:
        stamp, given = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
        if not (stamp.isascii() and stamp.isdigit() and given.isascii()):
            return False
        if abs(self._clock() - int(stamp)) > WINDOW:
            return False
        return hmac.compare_digest(signature(self._secret, stamp, body), given)


def signature(secret: bytes, stamp: str, body: bytes) -> str:
    """Slack's v0 signature: HMAC-SHA256 over `v0:timestamp:body`."""
    return "v0=" + hmac.new(secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()


def parse(text: str, content_type: str) -> dict[str, Any]:
    """The body as bolt means to read it: JSON (events), a form (commands), a form's JSON `payload`
    (interactions). Bolt looks for "payload" anywhere in a form, so a command whose text says
    "payload" would reach it as nothing at all: the parsing here is by field, and bolt is given it.
    """
    if content_type == "application/json" or text.startswith("{"):
        return json_object(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        return json_object(form["payload"])
    if not form and text.strip():
        raise Malformed("the body is neither JSON nor a form")
    return form


def bolt_request(text: str, body: dict[str, Any], request: web.Request) -> AsyncBoltRequest:
    """Bolt's request for `text`, carrying the body as parsed here (see parse())."""
    req = AsyncBoltRequest(body=text, query=request.query_string, headers=dict(request.headers))
    if req.body != body:
        req.body = body
        req.context = build_async_context(AsyncBoltContext(), body)
    return req


class SlackWebhook:
    """The route handler: refuse, reject or hand over to bolt."""

    def __init__(self, app: AsyncApp, signing_secret: str) -> None:
        self.app = app
        self.signatures = Signatures(signing_secret)

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not self.signatures.signed(raw, request.headers):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            text = text_of(raw, request.charset)
            body = parse(text, request.content_type)
        except Malformed as problem:
            return malformed(problem)
        response = await self.app.async_dispatch(bolt_request(text, body, request))
        return await to_aiohttp_response(response)
