"""A fake Slack for tests: the Web API, response URLs and Socket Mode, served on 127.0.0.1.

The real clients (slack_sdk's AsyncWebClient and SocketModeClient, bolt's respond) talk to it as
to Slack; only the far end is fake::

    async with FakeSlack() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)
        await client.chat_postMessage(channel="C0GENERAL", text="hi")
        [call] = slack.calls_to("chat.postMessage")

What it does as Slack does:

- Web API methods (`auth.test`, `chat.postMessage`, `chat.postEphemeral`, `chat.update`,
  `chat.delete`, `views.publish`, `conversations.info`, `conversations.open`,
  `conversations.history`, `conversations.replies`, `users.info`, `apps.connections.open`) answer HTTP 200 with Slack's JSON, `{"ok": true, ...}` or
  `{"ok": false, "error": "..."}`; they check the token (`not_authed`, `invalid_auth`,
  `not_allowed_token_type`) and the channel (`channel_not_found`, `not_in_channel`,
  `is_archived`), and enforce the Block Kit limits Slack enforces, with Slack's bodies:
  `invalid_blocks` with `errors` (50 blocks, section text 3000, header 150, 10 fields of 2000,
  buttons 75, unique action ids…), `msg_blocks_too_long`, `msg_too_long`, `no_text`;
  views get `invalid_arguments` with `response_metadata.messages`, as Slack answers.
  `users.info` needs the `users:read` scope (the app's scopes are slack/manifest.yml's unless a
  test sets `scopes`; without it: `missing_scope` with `needed` and `provided`) and gives a
  member's `locale` only when asked with `include_locale`, as Slack does: every `U…`/`W…` id is
  a member with the workspace's locale (`locale`, "en-US") unless `user(id, locale=…)` says
  otherwise. Messages keep the `metadata` they were posted with; `conversations.history` (the
  channel's top-level messages, newest first) and `conversations.replies` (a thread, parent
  first) page as Slack does (`limit`, 100 unless told; `has_more`, `response_metadata.next_cursor`),
  honour `oldest` (exclusive unless `inclusive`), show each message's metadata only with
  `include_all_metadata`, never show ephemeral messages, and refuse as Slack does: the history
  scope of the conversation's kind (`channels:history`, `groups:history`, `im:history`) or
  `missing_scope`, `not_in_channel` when the bot is not a member, `channel_not_found`,
  `thread_not_found`, `invalid_cursor`.
- Failure switches and rate limits (tests/fakes/kit.py), answered in Slack's words:
  `fail(method, Failure(200, "account_inactive"))` for any Slack error code with its status,
  `fail(method, too_many_requests(n))` for HTTP 429 with `Retry-After` and `ratelimited`,
  `fail(method, server_error(503))` for a 5xx with an HTML body, as Slack's edge sends,
  `fail(method, slow(seconds))` answers late (the call still takes effect); `method` may also
  be `"response_url"`. `rate_limit = RateLimit(n, period)` answers the posts beyond it with 429.
- Response URLs, as hooks.slack.com's (`response_url(channel, user)` makes one): JSON in,
  `ok` out; 400 with a plain-text error (`invalid_blocks`, `no_text`), 404 for unknown URLs.
- Socket Mode (`socket`): `apps.connections.open` takes the app-level token only and returns a
  `ws://127.0.0.1` URL with a one-time ticket; the fake sends `hello` on connect, then the
  envelopes a test pushes with `await slack.socket.send(delivery)`, which returns the ack and
  fails if none arrives within 3 s (Slack would retry).
- It also plays Slack's side towards the bot in HTTP mode: payload builders (`slash_command`,
  `app_mention`, `direct_message`, `home_opened`, `button_press`, `press`,
  `url_verification`) and `deliver(url, delivery)`, which signs the request exactly as Slack
  does (`X-Slack-Signature` v0 HMAC over `v0:timestamp:body`, `X-Slack-Request-Timestamp`).
  `dispatch(url, delivery)` posts as Slack's dispatcher does: a request not answered 2xx within
  3 s (`ack_timeout`) is sent again, signed afresh, with `X-Slack-Retry-Num` (1, 2, 3) and
  `X-Slack-Retry-Reason` (`http_timeout`, `http_error`, `connection_failed`), up to three
  retries. Socket Mode's `socket.send(delivery, retries=n)` re-sends an envelope not acked in
  time, with `retry_attempt` and `retry_reason`, as Slack does.

Everything is recorded: `calls` (every Web API and response URL request, with what the fake
answered), `messages` (what was posted, with the channel and thread; `messages_in(channel)`),
`views` (the last Home view per user), `socket.acks`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

import aiohttp
import yaml
from aiohttp import web

from tests.fakes.kit import WAIT, Call, Failure, FakeServer, RateLimit

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ID_MAX = 255
TEXT_OBJECT_MAX = 3000
MESSAGE_TEXT_MAX = 40_000  # documented: longer text is refused as msg_too_long
# Not documented; Slack has been seen refusing blocks near 13,200 characters of text in total.
BLOCKS_TEXT_MAX = 13_000
ACK_TIMEOUT = 3.0  # Slack retries an envelope that is not acked within 3 seconds
RETRY_DELAYS = (0.0, 60.0, 300.0)  # Slack retries at once, after a minute, after five more

HTML_ERROR = "<html><head><title>{status}</title></head><body><h1>{status} Server Error</h1></body></html>"
# The scope reading a conversation's history needs, by the first letter of its id.
HISTORY_SCOPES = {"C": "channels:history", "G": "groups:history", "D": "im:history"}
CURSOR = "bmV4dDo"  # opaque to clients, as Slack's base64 cursors are ("next:"), then an offset
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")  # sent as JSON strings in form bodies
Kind = Literal["slash_commands", "events_api", "interactive"]
BOT_TOKEN = "xoxb-1111-2222-fakebottoken"
APP_TOKEN = "xapp-1-A0FAKEAPP-3333-fakeapptoken"
SIGNING_SECRET = "fake-signing-secret-0123456789"
MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"


def manifest_scopes() -> frozenset[str]:
    """The bot scopes the app asks for at installation (slack/manifest.yml)."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


@dataclass
class Channel:
    id: str
    name: str
    member: bool = True
    archived: bool = False
    user: str | None = None  # the other side of a DM

    @property
    def is_im(self) -> bool:
        return self.id.startswith("D")

    def info(self, created: int) -> dict[str, Any]:
        private = self.id.startswith(("G", "D"))
        return {"id": self.id, "name": self.name, "is_channel": self.id.startswith("C"),
                "is_group": self.id.startswith("G"), "is_im": self.is_im, "is_private": private,
                "is_archived": self.archived, "is_member": self.member, "created": created,
                **({"user": self.user} if self.user else {})}


@dataclass
class Message:
    """A message as it now stands in the fake workspace."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    ephemeral_to: str | None = None  # the one user who sees it
    via: str = "chat.postMessage"  # or "response_url", "chat.postEphemeral"
    response_type: str | None = None
    metadata: dict[str, Any] | None = None  # the message metadata it was posted with (event_type, payload)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", [])]

    def button(self, label: str) -> dict[str, Any]:
        for element in self.buttons:
            if element.get("text", {}).get("text") == label:
                return element
        raise AssertionError(f"no button {label!r} in message {self.ts}: "
                             f"{[e.get('text', {}).get('text') for e in self.buttons]}")

    def header(self) -> str | None:
        return next((b["text"]["text"] for b in self.blocks if b.get("type") == "header"), None)

    def mrkdwn(self) -> str:
        """All mrkdwn text of the blocks, in order: what readers see, as Slack would parse it."""
        return "\n".join(_texts(self.blocks))


@dataclass(frozen=True)
class Delivery:
    """Something Slack sends to an app: a slash command, an Events API body, an interaction."""

    kind: Kind
    payload: dict[str, Any]
    accepts_response_payload: bool = False

    def http_body(self) -> tuple[bytes, str]:
        """The body and content type Slack posts to a request URL for this delivery."""
        if self.kind == "slash_commands":
            form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.payload.items()}
            return urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.kind == "interactive":
            return urlencode({"payload": json.dumps(self.payload)}).encode(), "application/x-www-form-urlencoded"
        return json.dumps(self.payload).encode(), "application/json"


@dataclass(frozen=True)
class Answer:
    """What a bot answered to a delivery over HTTP."""

    status: int
    text: str
    content_type: str

    def json(self) -> Any:
        return json.loads(self.text)


# --- Block Kit checks, as Slack applies them -----------------------------------------------------


def _too_long(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _text_object(obj: Any, pointer: str, limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")) -> list[str]:
    if not isinstance(obj, dict):
        return [f"must provide an object [json-pointer:{pointer}]"]
    errors = []
    if obj.get("type") not in kinds:
        errors.append(f"must be a valid enum value [json-pointer:{pointer}/type]")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        errors.append(f"must be more than 0 characters [json-pointer:{pointer}/text]")
    elif len(text) > limit:
        errors.append(_too_long(limit, f"{pointer}/text"))
    return errors


def _list(value: Any, pointer: str, limit: int) -> tuple[list[Any], list[str]]:
    if not isinstance(value, list) or not value:
        return [], [f"must provide at least 1 item [json-pointer:{pointer}]"]
    if len(value) > limit:
        return value, [f"no more than {limit} items allowed [json-pointer:{pointer}]"]
    return value, []


def _section(block: dict[str, Any], p: str, seen: set[str]) -> list[str]:
    if "text" not in block and "fields" not in block:
        return [f"must provide either text or fields [json-pointer:{p}]"]
    errors = _text_object(block["text"], f"{p}/text", SECTION_TEXT_MAX) if "text" in block else []
    if "fields" in block:
        fields, problems = _list(block["fields"], f"{p}/fields", FIELDS_MAX)
        errors += problems
        for i, f in enumerate(fields):
            errors += _text_object(f, f"{p}/fields/{i}", FIELD_TEXT_MAX)
    if "accessory" in block:
        errors += _element(block["accessory"], f"{p}/accessory", seen)
    return errors


def _header(block: dict[str, Any], p: str, seen: set[str]) -> list[str]:
    return _text_object(block.get("text"), f"{p}/text", HEADER_TEXT_MAX, ("plain_text",))


def _context(block: dict[str, Any], p: str, seen: set[str]) -> list[str]:
    elements, errors = _list(block.get("elements"), f"{p}/elements", CONTEXT_ELEMENTS_MAX)
    for i, e in enumerate(elements):
        if isinstance(e, dict) and e.get("type") == "image":
            continue
        errors += _text_object(e, f"{p}/elements/{i}", TEXT_OBJECT_MAX)
    return errors


def _element(e: Any, p: str, seen: set[str]) -> list[str]:
    if not isinstance(e, dict) or e.get("type") != "button":
        return [] if isinstance(e, dict) else [f"must provide an object [json-pointer:{p}]"]
    errors = _text_object(e.get("text"), f"{p}/text", BUTTON_TEXT_MAX, ("plain_text",))
    action_id = e.get("action_id")
    if isinstance(action_id, str):
        if len(action_id) > ID_MAX:
            errors.append(_too_long(ID_MAX, f"{p}/action_id"))
        if action_id in seen:
            errors.append(f"action_id must be unique within a message [json-pointer:{p}/action_id]")
        seen.add(action_id)
    if len(str(e.get("value", ""))) > BUTTON_VALUE_MAX:
        errors.append(_too_long(BUTTON_VALUE_MAX, f"{p}/value"))
    if e.get("style") not in (None, "primary", "danger"):
        errors.append(f"must be a valid enum value [json-pointer:{p}/style]")
    return errors


def _actions(block: dict[str, Any], p: str, seen: set[str]) -> list[str]:
    elements, errors = _list(block.get("elements"), f"{p}/elements", ACTIONS_ELEMENTS_MAX)
    for i, e in enumerate(elements):
        errors += _element(e, f"{p}/elements/{i}", seen)
    return errors


_CHECKS: dict[str, Callable[[dict[str, Any], str, set[str]], list[str]]] = {
    "section": _section, "header": _header, "context": _context, "actions": _actions,
    "divider": lambda block, p, seen: [], "image": lambda block, p, seen: [],
    "rich_text": lambda block, p, seen: [],
}


def block_errors(blocks: Any, *, limit: int = MAX_BLOCKS, pointer: str = "/blocks") -> list[str]:
    """What Slack would list in `errors` for these blocks; empty when it would take them."""
    if not isinstance(blocks, list):
        return [f"must provide an array [json-pointer:{pointer}]"]
    errors = [f"no more than {limit} items allowed [json-pointer:{pointer}]"] if len(blocks) > limit else []
    action_ids: set[str] = set()
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        p = f"{pointer}/{i}"
        if not isinstance(block, dict) or block.get("type") not in _CHECKS:
            errors.append(f"must be a valid enum value [json-pointer:{p}/type]")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if len(block_id) > ID_MAX or block_id in block_ids:
                errors.append(f"invalid or duplicate block_id [json-pointer:{p}/block_id]")
            block_ids.add(block_id)
        errors += _CHECKS[block["type"]](block, p, action_ids)
    return errors


def _texts(value: Any) -> Iterator[str]:
    """Every `text` string inside blocks, depth first."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "text" and isinstance(inner, str):
                yield inner
            else:
                yield from _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)


def blocks_text_size(blocks: Any) -> int:
    return sum(len(t) for t in _texts(blocks))


def message_problem(text: Any, blocks: Any) -> dict[str, Any] | None:
    """Slack's refusal of a message's content (as a JSON body), or None when it would post it."""
    if not text and not blocks:
        return {"ok": False, "error": "no_text"}
    if blocks:
        errors = block_errors(blocks)
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors,
                    "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}}
        if blocks_text_size(blocks) > BLOCKS_TEXT_MAX:
            return {"ok": False, "error": "msg_blocks_too_long"}
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
        return {"ok": False, "error": "msg_too_long"}
    return None


# --- Socket Mode -------------------------------------------------------------------------------


class FakeSocketMode:
    """Slack's Socket Mode end: hello on connect, envelopes out, acks in."""

    def __init__(self, slack: FakeSlack) -> None:
        self.slack = slack
        self.acks: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []  # the envelopes pushed to the app
        self.connections = 0  # how many times a client connected
        self.tickets: set[str] = set()
        self._open: list[web.WebSocketResponse] = []
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}

    @property
    def connected(self) -> bool:
        return any(not ws.closed for ws in self._open)

    def issue_url(self) -> str:
        ticket = secrets.token_hex(8)
        self.tickets.add(ticket)
        return f"ws://127.0.0.1:{self.slack.port}/link/?ticket={ticket}&app_id={self.slack.app_id}"

    async def wait_connected(self, count: int = 1, *, within: float = WAIT) -> None:
        """Wait until the app is connected, after at least `count` connections in all."""
        await self.slack.wait_until(lambda: self.connected and self.connections >= count, within=within,
                                    what=f"Socket Mode connection {count}")

    async def wait_disconnected(self, *, within: float = WAIT) -> None:
        await self.slack.wait_until(lambda: not self.connected, within=within, what="Socket Mode to disconnect")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self.tickets:
            return web.Response(status=401, text="invalid_ticket")
        self.tickets.discard(ticket)  # one connection per URL, as Slack's
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self._open.append(ws)
        await ws.send_json({"type": "hello", "num_connections": len(self._open),
                            "debug_info": {"host": "applink-fake", "approximate_connection_time": 3600},
                            "connection_info": {"app_id": self.slack.app_id}})
        self.slack._changed()
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    self._ack(json.loads(msg.data))
        finally:
            self._open.remove(ws)
            self.slack._changed()
        return ws

    def _ack(self, ack: dict[str, Any]) -> None:
        self.acks.append(ack)
        waiting = self._waiting.pop(str(ack.get("envelope_id")), None)
        if waiting is not None and not waiting.done():
            waiting.set_result(ack)

    async def send(self, delivery: Delivery, *, within: float = ACK_TIMEOUT, retries: int = 0) -> dict[str, Any]:
        """Push one envelope to the connected app; the ack it sent back (its `payload`, if any).

        Not acked within `within` seconds, it is sent again (a new envelope, `retry_attempt` one
        more, `retry_reason` "timeout") up to `retries` times, as Slack does.
        """
        for attempt in range(retries + 1):
            acked = await self._send_once(delivery, within, attempt)
            if acked is not None:
                return acked
        raise AssertionError(f"{delivery.kind} envelope not acked within {within:g} s, {retries + 1} tries")

    async def _send_once(self, delivery: Delivery, within: float, attempt: int) -> dict[str, Any] | None:
        live = [ws for ws in self._open if not ws.closed]
        if not live:
            raise AssertionError("no Socket Mode connection to send to")
        envelope_id = secrets.token_hex(12)
        envelope = {"envelope_id": envelope_id, "type": delivery.kind, "payload": delivery.payload,
                    "accepts_response_payload": delivery.accepts_response_payload,
                    "retry_attempt": attempt, "retry_reason": "timeout" if attempt else ""}
        acked: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[envelope_id] = acked
        self.sent.append(envelope)
        await live[-1].send_json(envelope)
        try:
            async with asyncio.timeout(within):
                return await acked
        except TimeoutError:
            return None
        finally:
            self._waiting.pop(envelope_id, None)

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to reconnect, as Slack does every few hours."""
        for ws in list(self._open):
            await ws.send_json({"type": "disconnect", "reason": reason,
                                "debug_info": {"host": "applink-fake"}})

    async def close(self) -> None:
        for ws in list(self._open):
            await ws.close()


# --- the fake ----------------------------------------------------------------------------------


class FakeSlack(FakeServer[str, Message]):
    """Slack's servers for one workspace with one app installed; see the module docstring."""

    chat_param = "channel"
    sending_methods = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
    # The workspace and the app's identity and credentials.
    bot_token = BOT_TOKEN
    signing_secret = SIGNING_SECRET
    team_id = "T0FAKETEAM"
    bot_user_id = "U0BRIEFING"
    bot_id = "B0BRIEFING"
    app_id = "A0FAKEAPP"

    def __init__(self, *, app_token: str = APP_TOKEN, unknown_channels: Literal["join", "refuse"] = "join",
                 rate_limit: RateLimit | None = None) -> None:
        super().__init__(rate_limit=rate_limit)
        self.app_token = app_token
        self.unknown_channels = unknown_channels  # "join": any channel id exists, with the bot in it
        self.messages: list[Message] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, Channel] = {}
        self.deleted: set[str] = set()
        self.socket = FakeSocketMode(self)
        self.scopes = manifest_scopes()  # what the installed app was granted
        self.locale = "en-US"  # the workspace's language, every member's unless they chose another
        self.locales: dict[str, str] = {}  # members who chose another, by user id
        self._response_urls: dict[str, dict[str, str]] = {}
        self._ts = itertools.count(1)
        self.channel("C0GENERAL", name="general")

    # --- lifecycle -----------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/{method}", self._web_api),
            web.get("/api/{method}", self._web_api),  # slack_sdk GETs some (conversations.info)
            web.post("/commands/{team}/{key}/{secret}", self._response_url),
            web.post("/actions/{team}/{key}/{secret}", self._response_url),
            web.get("/link/", self.socket.handle),
        ]

    async def stop(self) -> None:
        await self.socket.close()
        await super().stop()

    @property
    def base_url(self) -> str:
        """slack_sdk's `base_url` for this fake: `http://127.0.0.1:PORT/api/`."""
        return f"{self.url}/api/"

    # --- the workspace -------------------------------------------------------------------------

    def channel(self, channel_id: str, *, name: str | None = None, member: bool = True,
                archived: bool = False) -> Channel:
        """Create or change a channel: `member=False` (the bot was removed), `archived=True`."""
        chan = Channel(channel_id, name or channel_id.lower(), member, archived)
        self.channels[channel_id] = chan
        return chan

    def remove_channel(self, channel_id: str) -> None:
        """The channel is deleted: every call naming it gets `channel_not_found`."""
        self.channels.pop(channel_id, None)
        self.deleted.add(channel_id)

    def dm_channel(self, user: str) -> str:
        """The id of the app's DM with `user` (created on first use, as conversations.open does)."""
        for chan in self.channels.values():
            if chan.user == user:
                return chan.id
        chan = Channel("D" + user[1:], "", user=user)
        self.channels[chan.id] = chan
        return chan.id

    def user(self, user_id: str, *, locale: str) -> str:
        """A member whose Slack is set to `locale` ("uk-UA"); returns the id."""
        self.locales[user_id] = locale
        return user_id

    def messages_in(self, chat: str, *, ephemeral: bool | None = None) -> list[Message]:
        """Messages in channel `chat`; `ephemeral` True/False keeps only private/public ones."""
        return [m for m in self.messages if m.channel == chat
                and (ephemeral is None or (m.ephemeral_to is not None) == ephemeral)]

    def _log(self, method: str, args: dict[str, Any], response: web.Response,
             token: str | None = None) -> web.Response:
        """Record the call with what was answered: Slack's JSON, or a response URL's text."""
        text = response.text or ""
        answer: Any = text
        error = None if response.status == 200 else text
        if response.content_type == "application/json":
            answer = json.loads(text)
            error = answer.get("error")
        self._record(Call(method, args, response.status, answer, error, token))
        return response

    # --- the Web API ---------------------------------------------------------------------------

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = _token(request, args)
        failure = await self._intercept(method, args)
        if failure is not None:
            return self._log(method, args, _failure_response(failure), token)
        return self._log(method, args, web.json_response(self._answer(method, args, token)), token)

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        refused = self._check_token(method, token)
        if refused:
            return {"ok": False, "error": refused}
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(
            self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        return handler(args)

    def _check_token(self, method: str, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        wanted, other = (self.app_token, self.bot_token) if method == "apps.connections.open" else (
            self.bot_token, self.app_token)
        if token == wanted:
            return None
        return "not_allowed_token_type" if token == other else "invalid_auth"

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _destination(self, channel_id: Any) -> tuple[Channel | None, str | None]:
        """The channel a post goes to, or Slack's refusal."""
        if not isinstance(channel_id, str) or not channel_id:
            return None, "channel_not_found"
        if channel_id.startswith(("U", "W")):  # a user id: the app's DM with them
            channel_id = self.dm_channel(channel_id)
        chan = self.channels.get(channel_id)
        if chan is None and self.unknown_channels == "join" and channel_id not in self.deleted:
            chan = self.channel(channel_id)
        if chan is None:
            return None, "channel_not_found"
        if chan.archived:
            return chan, "is_archived"
        if not chan.member:
            return chan, "not_in_channel"
        return chan, None

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake-workspace.slack.com/", "team": "Fake Workspace",
                "user": "briefing", "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": self.bot_id, "is_enterprise_install": False}

    def _posted(self, chan: Channel, args: dict[str, Any], via: str, **extra: Any) -> Message:
        meta = args.get("metadata")
        message = Message(chan.id, self._next_ts(), str(args.get("text", "")), list(args.get("blocks") or []),
                          args.get("thread_ts"), via=via, metadata=meta if isinstance(meta, dict) else None,
                          **extra)
        self.messages.append(message)
        return message

    def _json_message(self, message: Message, *, with_metadata: bool = True) -> dict[str, Any]:
        return {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id, "app_id": self.app_id,
                "text": message.text, "blocks": message.blocks, "ts": message.ts, "team": self.team_id,
                **({"thread_ts": message.thread_ts} if message.thread_ts else {}),
                **({"metadata": message.metadata} if message.metadata and with_metadata else {})}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        chan, refused = self._destination(args.get("channel"))
        problem = message_problem(args.get("text"), args.get("blocks"))
        if refused or chan is None:
            return {"ok": False, "error": refused}
        if problem:
            return problem
        message = self._posted(chan, args, "chat.postMessage")
        return {"ok": True, "channel": chan.id, "ts": message.ts, "message": self._json_message(message)}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        chan, refused = self._destination(args.get("channel"))
        if refused or chan is None:
            return {"ok": False, "error": refused}
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        problem = message_problem(args.get("text"), args.get("blocks"))
        if problem:
            return problem
        message = self._posted(chan, args, "chat.postEphemeral", ephemeral_to=str(args["user"]))
        return {"ok": True, "message_ts": message.ts}

    def _find(self, args: dict[str, Any]) -> Message | None:
        return next((m for m in self.messages if m.channel == args.get("channel") and m.ts == args.get("ts")
                     and m.ephemeral_to is None), None)

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._find(args)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.via != "chat.postMessage":
            return {"ok": False, "error": "cant_update_message"}
        problem = message_problem(args.get("text"), args.get("blocks"))
        if problem:
            return problem
        message.text, message.blocks = str(args.get("text", "")), list(args.get("blocks") or [])
        return {"ok": True, "channel": message.channel, "ts": message.ts, "text": message.text,
                "message": self._json_message(message)}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._find(args)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        self.messages.remove(message)
        return {"ok": True, "channel": message.channel, "ts": message.ts}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        user = args.get("user_id")
        if not user:
            return {"ok": False, "error": "invalid_arguments",
                    "response_metadata": {"messages": ["[ERROR] missing required field: user_id"]}}
        problems = (["must be a valid enum value [json-pointer:/view/type]"]
                    if not isinstance(view, dict) or view.get("type") != "home"
                    else block_errors(view.get("blocks"), limit=MAX_VIEW_BLOCKS, pointer="/view/blocks"))
        if problems:
            return {"ok": False, "error": "invalid_arguments",
                    "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]}}
        assert isinstance(view, dict)
        self.views[str(user)] = view
        return {"ok": True, "view": {**view, "id": "V0HOME" + str(user)[1:], "team_id": self.team_id,
                                     "app_id": self.app_id, "bot_id": self.bot_id, "hash": self._next_ts()}}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        chan, refused = self._readable(args)
        if refused or chan is None:
            return {"ok": False, "error": refused}
        shown = [m for m in self._public(chan, args) if not m.thread_ts or m.thread_ts == m.ts]
        return self._page(list(reversed(shown)), args)  # newest first, as Slack lists them

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        chan, refused = self._readable(args)
        if refused or chan is None:
            return {"ok": False, "error": refused}
        parent = str(args.get("ts", ""))
        thread = [m for m in self.messages_in(chan.id, ephemeral=False) if parent in (m.ts, m.thread_ts)]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return self._page([m for m in self._public(chan, args) if parent in (m.ts, m.thread_ts)], args)

    def _readable(self, args: dict[str, Any]) -> tuple[Channel | None, str | None]:
        """The channel whose messages may be read, or Slack's refusal (scope, membership)."""
        chan = self.channels.get(str(args.get("channel", "")))
        if chan is None:
            return None, "channel_not_found"
        scope = HISTORY_SCOPES.get(chan.id[:1], "channels:history")
        if scope not in self.scopes:
            return None, "missing_scope"
        if not chan.member:
            return None, "not_in_channel"
        return chan, None

    def _public(self, chan: Channel, args: dict[str, Any]) -> list[Message]:
        """The channel's messages everyone sees, oldest first, after `oldest` (exclusive unless
        `inclusive`)."""
        oldest = float(args.get("oldest") or 0)
        inclusive = _flag(args.get("inclusive"))
        return [m for m in self.messages_in(chan.id, ephemeral=False)
                if float(m.ts) > oldest or (inclusive and float(m.ts) == oldest)]

    def _page(self, messages: list[Message], args: dict[str, Any]) -> dict[str, Any]:
        """One page of `messages` as Slack pages: `limit` (100 unless told, at most 999), a cursor."""
        limit = min(int(args.get("limit") or 100), 999)
        cursor = str(args.get("cursor") or CURSOR + "0")
        if not cursor.startswith(CURSOR) or not cursor.removeprefix(CURSOR).isdigit():
            return {"ok": False, "error": "invalid_cursor"}
        start = int(cursor.removeprefix(CURSOR))
        page = messages[start:start + limit]
        more = start + limit < len(messages)
        metadata = _flag(args.get("include_all_metadata"))
        return {"ok": True, "messages": [self._json_message(m, with_metadata=metadata) for m in page],
                "has_more": more, "pin_count": 0,
                "response_metadata": {"next_cursor": f"{CURSOR}{start + limit}" if more else ""}}

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        chan = self.channels.get(str(args.get("channel", "")))
        if chan is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": chan.info(1_748_000_000)}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        if len(users) != 1 or not users[0]:
            return {"ok": False, "error": "users_list_not_supplied"}
        chan = self.channels[self.dm_channel(users[0])]
        return {"ok": True, "channel": {"id": chan.id}}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        if "users:read" not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "users:read",
                    "provided": ",".join(sorted(self.scopes))}
        user = str(args.get("user", ""))
        if not user.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
        profile: dict[str, Any] = {
            "id": user, "team_id": self.team_id, "name": user.lower(), "deleted": False, "real_name": user,
            "tz": "Europe/Kyiv", "tz_label": "Eastern European Summer Time", "tz_offset": 10800,
            "is_admin": False, "is_owner": False, "is_bot": user == self.bot_user_id, "updated": 1_748_000_000,
            "profile": {"real_name": user, "display_name": user.lower()}}
        if str(args.get("include_locale", "")).lower() in ("1", "true"):
            profile["locale"] = self.locales.get(user, self.locale)
        return {"ok": True, "user": profile}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket.issue_url()}

    # --- response URLs -------------------------------------------------------------------------

    def response_url(self, channel: str = "C0GENERAL", user: str = "U0READER", kind: str = "commands") -> str:
        """A fresh response URL for a reply in `channel` to `user`, like hooks.slack.com's."""
        key = f"{len(self._response_urls) + 1:04d}"
        self._response_urls[key] = {"channel": channel, "user": user}
        return f"{self.url}/{kind}/{self.team_id}/{key}/{secrets.token_hex(8)}"

    async def _response_url(self, request: web.Request) -> web.Response:
        where = self._response_urls.get(request.match_info["key"])
        try:
            args = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            args = None
        given = args if isinstance(args, dict) else {}
        failure = await self._intercept("response_url", given)
        if failure is not None:
            response = _failure_response(failure, plain=True)
        elif where is None:
            response = web.Response(status=404, text="no_service")
        elif not isinstance(args, dict):
            response = web.Response(status=400, text="invalid_payload")
        else:
            response = self._respond(where, args)
        return self._log("response_url", given, response)

    def _respond(self, where: dict[str, str], args: dict[str, Any]) -> web.Response:
        if args.get("delete_original"):
            return web.Response(text="ok")
        problem = message_problem(args.get("text"), args.get("blocks"))
        if problem:
            return web.Response(status=400, text=str(problem["error"]))
        chan = self.channels.get(where["channel"]) or self.channel(where["channel"])
        public = args.get("response_type") == "in_channel"
        self._posted(chan, args, "response_url", ephemeral_to=None if public else where["user"],
                     response_type=args.get("response_type"))
        return web.Response(text="ok")

    # --- Slack's side towards the bot ----------------------------------------------------------

    def slash_command(self, text: str, *, channel: str = "C0GENERAL", user: str = "U0READER",
                      command: str = "/briefing") -> Delivery:
        name = "directmessage" if channel.startswith("D") else (
            self.channels[channel].name if channel in self.channels else channel.lower())
        payload = {
            "token": "deprecated-verification-token", "team_id": self.team_id, "team_domain": "fake-workspace",
            "channel_id": channel, "channel_name": name, "user_id": user, "user_name": user.lower(),
            "command": command, "text": text, "api_app_id": self.app_id, "is_enterprise_install": "false",
            "response_url": self.response_url(channel, user), "trigger_id": f"1337.{secrets.token_hex(6)}",
        }
        return Delivery("slash_commands", payload, accepts_response_payload=True)

    def event(self, event: dict[str, Any]) -> Delivery:
        """An Events API callback wrapping `event`, as Slack posts it."""
        body = {
            "token": "deprecated-verification-token", "team_id": self.team_id, "api_app_id": self.app_id,
            "event": {"event_ts": self._next_ts(), **event}, "type": "event_callback",
            "event_id": f"Ev{secrets.token_hex(5).upper()}", "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": self.team_id, "user_id": self.bot_user_id,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }
        return Delivery("events_api", body)

    def app_mention(self, text: str, *, channel: str = "C0GENERAL", user: str = "U0READER",
                    thread_ts: str | None = None) -> Delivery:
        """`@briefing …` in a channel; `text` as the reader typed it after the mention."""
        event = {"type": "app_mention", "user": user, "text": f"<@{self.bot_user_id}> {text}",
                 "ts": self._next_ts(), "channel": channel, "team": self.team_id}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event)

    def direct_message(self, text: str, *, user: str = "U0READER", **extra: Any) -> Delivery:
        event = {"type": "message", "channel": self.dm_channel(user), "user": user, "text": text,
                 "ts": self._next_ts(), "channel_type": "im", "team": self.team_id, **extra}
        return self.event(event)

    def home_opened(self, user: str = "U0READER", tab: str = "home") -> Delivery:
        return self.event({"type": "app_home_opened", "user": user, "channel": self.dm_channel(user), "tab": tab})

    def url_verification(self, challenge: str) -> Delivery:
        return Delivery("events_api", {"token": "deprecated-verification-token", "challenge": challenge,
                                       "type": "url_verification"})

    def button_press(self, button: dict[str, Any], *, channel: str | None = "C0GENERAL", user: str = "U0READER",
                     message: Message | None = None) -> Delivery:
        """A reader pressing `button` (a button element as the bot sent it); `channel` None: App Home."""
        action = {"action_id": button["action_id"], "block_id": button.get("block_id", "b"),
                  "text": button["text"], "value": button.get("value", ""), "type": "button",
                  "action_ts": self._next_ts()}
        payload: dict[str, Any] = {
            "type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": self.team_id},
            "api_app_id": self.app_id, "token": "deprecated-verification-token",
            "trigger_id": f"1337.{secrets.token_hex(6)}", "team": {"id": self.team_id, "domain": "fake-workspace"},
            "enterprise": None, "is_enterprise_install": False, "actions": [action], "state": {"values": {}},
        }
        if channel is None:
            payload["container"] = {"type": "view", "view_id": "V0HOME" + user[1:]}
            payload["view"] = self.views.get(user, {"type": "home", "blocks": []})
            return Delivery("interactive", payload, accepts_response_payload=False)
        ephemeral = message is None or message.ephemeral_to is not None
        payload["container"] = {"type": "message", "message_ts": message.ts if message else self._next_ts(),
                                "channel_id": channel, "is_ephemeral": ephemeral}
        payload["channel"] = {"id": channel, "name": self.channels[channel].name if channel in self.channels
                              else channel.lower()}
        if message is not None and not ephemeral:
            payload["message"] = self._json_message(message)
        payload["response_url"] = self.response_url(channel, user, kind="actions")
        return Delivery("interactive", payload)

    def press(self, message: Message, label: str, *, user: str = "U0READER") -> Delivery:
        """A reader pressing the button labelled `label` on `message`, where it was posted."""
        in_home = message.channel == "home"
        return self.button_press(message.button(label), channel=None if in_home else message.channel,
                                 user=user, message=None if in_home else message)

    def home_message(self, user: str = "U0READER") -> Message:
        """The published Home view of `user`, as a Message (so `press` works on its buttons)."""
        view = self.views[user]
        return Message("home", "0", "", list(view.get("blocks", [])))

    def sign(self, body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        """The headers Slack adds to a request: its timestamp and the v0 signature of the body."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        key = (secret if secret is not None else self.signing_secret).encode()
        signature = "v0=" + hmac.new(key, f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}

    async def deliver(self, url: str, delivery: Delivery, *, signed: bool = True, timestamp: int | None = None,
                      secret: str | None = None, headers: dict[str, str] | None = None) -> Answer:
        """Post `delivery` to the app's request URL as Slack does, signed unless `signed` is False."""
        body, content_type = delivery.http_body()
        sent = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if signed:
            sent.update(self.sign(body, timestamp, secret))
        sent.update(headers or {})
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session, \
                session.post(url, data=body, headers=sent) as response:
            return Answer(response.status, await response.text(), response.content_type)


    async def dispatch(self, url: str, delivery: Delivery, *, ack_timeout: float = ACK_TIMEOUT,
                       retry_delays: tuple[float, ...] = RETRY_DELAYS) -> list[Answer | str]:
        """Post `delivery` as Slack's dispatcher does, retrying until a 2xx arrives in time.

        Returns what each attempt got: an Answer, or the retry reason when there was none in time
        (or no connection). Slack retries at once, after a minute, then after five; `retry_delays` lets
        a test wait less.
        """
        outcomes: list[Answer | str] = []
        for attempt in range(len(retry_delays) + 1):
            headers = {} if attempt == 0 else {"X-Slack-Retry-Num": str(attempt),
                                               "X-Slack-Retry-Reason": _reason(outcomes[-1])}
            outcomes.append(await self._attempt(url, delivery, headers, ack_timeout))
            last = outcomes[-1]
            if isinstance(last, Answer) and 200 <= last.status < 300:
                break
            if attempt < len(retry_delays):
                await asyncio.sleep(retry_delays[attempt])
        return outcomes

    async def _attempt(self, url: str, delivery: Delivery, headers: dict[str, str],
                       ack_timeout: float) -> Answer | str:
        try:
            async with asyncio.timeout(ack_timeout):
                return await self.deliver(url, delivery, headers=headers)
        except TimeoutError:
            return "http_timeout"
        except aiohttp.ClientError:
            return "connection_failed"


def _reason(outcome: Answer | str) -> str:
    """Slack's X-Slack-Retry-Reason for what the previous attempt got."""
    return outcome if isinstance(outcome, str) else "http_error"


async def _arguments(request: web.Request) -> dict[str, Any]:
    """A Web API request's arguments: query string (slack_sdk sends `params` there, even on POST)
    and body, JSON or form, with the JSON-valued form fields decoded."""
    args: dict[str, Any] = dict(request.query)
    if request.method == "GET":
        return args
    if request.content_type == "application/json":
        with contextlib.suppress(json.JSONDecodeError):
            data = await request.json()
            args.update(data if isinstance(data, dict) else {})
        return args
    form = dict(await request.post())
    args.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in JSON_FIELDS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(args[key])
    return args


def _flag(value: Any) -> bool:
    """A boolean argument as slack_sdk sends it (1/0 in query strings, true/false in JSON)."""
    return str(value).lower() in ("1", "true")


def _token(request: web.Request, args: dict[str, Any]) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return auth.removeprefix("Bearer ").strip()
    token = args.pop("token", None)
    return str(token) if token else None


def _failure_response(failure: Failure, *, plain: bool = False) -> web.Response:
    """What Slack answers for `failure`: a 5xx page from its edge, or its error code (429s with
    `Retry-After`), as JSON from the Web API or plain text from a response URL."""
    status = failure.status
    assert status is not None, "a failure that answers normally is no error"
    if status >= 500:
        return web.Response(status=status, text=HTML_ERROR.format(status=status), content_type="text/html")
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    error = failure.error or ("ratelimited" if status == 429 else "internal_error")
    if plain:
        return web.Response(status=status, text=error, headers=headers)
    return web.json_response({"ok": False, "error": error}, status=status, headers=headers)

