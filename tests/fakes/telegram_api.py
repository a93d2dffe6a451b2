"""A fake Telegram Bot API: an aiohttp server on 127.0.0.1 that the real ptb client talks to.

It answers like Telegram (https://core.telegram.org/bots/api): form-encoded requests whose nested
values are JSON strings, `{"ok": true, "result": ...}` or `{"ok": false, "error_code": ...,
"description": ..., "parameters": {...}}` with Telegram's status codes and descriptions, so ptb
raises the same exceptions it raises in production. It keeps chats, members and every message,
and enforces what Telegram enforces: HTML parse mode (tests/fakes/telegram_html.py), 4096
characters after entity parsing (counted in UTF-16 units), callback_data of 1-64 bytes,
inline keyboard sizes, getUpdates long polling with timeout and offset, one poller at a time.

Use (the lifecycle, call log, failure switches, rate limits and waits are tests/fakes/kit.py's):

    async with FakeTelegram() as tg:             # or the `fake_telegram` fixture
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url)...
        ada = tg.user(1001, "Ada")
        tg.send_text(ada, "/who lavrov")           # an update, with its bot_command entity
        [reply] = await tg.wait_for_messages(ada.id, 1)  # fails the test after 5 s
        tg.fail("sendMessage", too_many_requests(2))   # the next send gets a 429
        tg.rate_limit = RateLimit(30, 1.0)         # a global limit: 429 + retry_after beyond it
        tg.chat_rate_limits["group"] = RateLimit(20, 60.0)   # and one for each group chat

Injected updates go to getUpdates, or to the webhook when the bot set one (with its
X-Telegram-Bot-Api-Secret-Token), as Telegram does. A webhook call that does not answer 2xx
within `webhook_timeout` seconds is posted again (the same update_id), three tries in all;
`redeliver(update_id)` posts an update once more, as Telegram does when it thinks a call failed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from tests.fakes import telegram_html
from tests.fakes.kit import Call, Failure, FakeServer, RateLimit

DEFAULT_TOKEN = "123456789:AAFakeTokenForTests-only_0123456789ab"
MESSAGE_MAX = 4096
CALLBACK_DATA_MAX = 64
ROW_MAX = 8
BUTTONS_MAX = 100
INLINE_RESULTS_MAX = 50
CALLBACK_TEXT_MAX = 200
# The methods that count towards the global rate limit: the ones that post or change messages.
SENDING_METHODS = frozenset({"sendMessage", "editMessageText", "copyMessage", "forwardMessage"})
_JSON_FIELDS = frozenset({"reply_markup", "entities", "link_preview_options", "results", "commands",
                          "allowed_updates", "reply_parameters", "scope", "button"})
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}\b")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_BOT_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message")
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
POLL_CONFLICT = ("Conflict: terminated by other getUpdates request; make sure that only one bot "
                 "instance is running")
WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                    "to delete the webhook first")


class ApiError(Exception):
    """An error answer: HTTP status, Telegram's description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    @classmethod
    def answering(cls, failure: Failure) -> ApiError:
        """What Telegram answers for `failure`: its status, description and parameters."""
        status = failure.status
        assert status is not None, "a failure that answers normally is no error"
        if failure.retry_after is not None:
            return cls(status, failure.error or f"Too Many Requests: retry after {failure.retry_after}",
                       {"retry_after": failure.retry_after})
        if failure.moved_to is not None:
            return cls(status, failure.error, {"migrate_to_chat_id": failure.moved_to})
        return cls(status, failure.error or _SERVER_ERRORS.get(status, "Server Error"))


_SERVER_ERRORS = {500: "Internal Server Error", 502: "Bad Gateway"}


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


# --- Telegram's failures, for `fail` (kit.py has those every platform has) ----------------------


def blocked() -> Failure:
    return Failure(403, "Forbidden: bot was blocked by the user")


def kicked(chat_type: str = "group") -> Failure:
    where = {"group": "group chat", "supergroup": "supergroup chat"}.get(chat_type)
    return Failure(403, f"Forbidden: bot was kicked from the {where}" if where
                   else "Forbidden: bot is not a member of the channel chat")


def chat_not_found() -> Failure:
    return Failure(400, "Bad Request: chat not found")


def migrated(new_chat_id: int) -> Failure:
    return Failure(400, "Bad Request: group chat was upgraded to a supergroup chat", moved_to=new_chat_id)


# --- the world: users, chats, messages ---------------------------------------------------


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    username: str | None = None
    is_bot: bool = False
    language_code: str | None = None  # the language of the reader's Telegram app ("uk", "en-GB")

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


ANONYMOUS_ADMIN = User(1087968824, "Group", "GroupAnonymousBot", is_bot=True)


@dataclass
class Chat:
    id: int
    type: str  # private, group, supergroup, channel
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    is_forum: bool = False
    topics: set[int] = field(default_factory=set)
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    blocked: bool = False  # a private chat whose user blocked the bot
    bot_removed: bool = False
    migrated_to: int | None = None

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class Message:
    """A message in a chat (the bot's or a reader's), as the fake keeps it."""

    chat_id: int
    message_id: int
    text: str  # what a reader sees, after entity parsing
    sender: User | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    html: str | None = None  # what the bot sent with parse_mode=HTML
    reply_markup: dict[str, Any] | None = None
    thread_id: int | None = None
    link_preview_disabled: bool = False
    edits: int = 0
    date: int = field(default_factory=lambda: int(time.time()))
    sender_chat: Chat | None = None
    inline_message_id: str | None = None
    from_bot: bool = False  # sent by the bot under test

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button(self, text: str) -> dict[str, Any]:
        for button in self.buttons:
            if button["text"] == text:
                return button
        raise AssertionError(f"no button {text!r} on message {self.message_id}: "
                             f"{[b['text'] for b in self.buttons]}")


@dataclass
class CallbackQuery:
    id: str
    user: User
    data: str
    message: Message | None
    inline_message_id: str | None = None
    from_bot: bool = False  # sent by the bot under test
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class InlineQuery:
    id: str
    user: User
    query: str
    answered: bool = False
    results: list[dict[str, Any]] = field(default_factory=list)
    cache_time: int | None = None
    is_personal: bool = False
    parsed: dict[str, tuple[str, list[dict[str, Any]]]] = field(default_factory=dict)  # id -> text


def _command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command and mention entities Telegram attaches to a reader's text."""
    found: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": telegram_html.utf16_len(command.group())})
    for mention in _MENTION.finditer(text):
        found.append({"type": "mention", "offset": telegram_html.utf16_len(text[:mention.start()]),
                      "length": telegram_html.utf16_len(mention.group())})
    return found


def _member_json(user: User, status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": user.json()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(dict.fromkeys(
            ("can_be_edited", "is_anonymous", "can_restrict_members", "can_promote_members",
             "can_post_stories", "can_edit_stories", "can_delete_stories"), False))
        data.update(dict.fromkeys(
            ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_change_info",
             "can_invite_users"), True))
    elif status == "kicked":
        data["until_date"] = 0
    return data


Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeTelegram(FakeServer[int, Message]):
    """The fake Bot API server, its chats, and the updates readers send."""

    chat_param = "chat_id"
    sending_methods = SENDING_METHODS

    def __init__(self, *, token: str = DEFAULT_TOKEN, bot_username: str = "BriefingTestBot",
                 bot_id: int = 4242, rate_limit: RateLimit | None = None) -> None:
        super().__init__(rate_limit=rate_limit)
        self.token = token
        self.bot = User(bot_id, "Briefing", bot_username, is_bot=True)
        self.chat_rate_limits: dict[str, RateLimit] = {}  # "private" / "group" -> limit per chat
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, User] = {}
        self.messages_by_chat: dict[int, list[Message]] = {}
        self.inline_messages: dict[str, Message] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.inline_queries: dict[str, InlineQuery] = {}
        # The command menus by scope type, and language after a colon: "default", "default:uk".
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}  # by language code, "" for the default
        self.short_descriptions: dict[str, str] = {}
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.webhook_timeout = 10.0  # seconds Telegram waits for a webhook's answer before trying again
        self.webhook_posts = 0  # every webhook call made, retries included
        self.sent_updates: dict[int, dict[str, Any]] = {}  # every update ever queued, by update_id
        self._updates: list[dict[str, Any]] = []
        self._allowed_updates: list[str] | None = None
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100_000)
        self._message_ids: dict[int, Iterator[int]] = {}
        self._poller: object | None = None
        self._closing = False
        self._session: ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._methods: dict[str, Handler] = {
            "getMe": self._get_me, "logOut": self._true, "close": self._true,
            "deleteWebhook": self._delete_webhook, "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info, "getUpdates": self._get_updates,
            "sendMessage": self._send_message, "editMessageText": self._edit_message_text,
            "deleteMessage": self._delete_message, "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query, "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands, "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._set_my_description, "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
            "getChatMember": self._get_chat_member, "sendChatAction": self._send_chat_action,
        }

    # --- lifecycle ---------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [web.route("*", "/bot{token}/{method}", self._handle)]

    async def start(self) -> None:
        await super().start()
        self._session = ClientSession(timeout=ClientTimeout(total=10))

    async def stop(self) -> None:
        self._closing = True
        self._changed()  # long polls answer at once
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        if self._session is not None:
            await self._session.close()
        await super().stop()

    @property
    def base_url(self) -> str:
        """ptb's form: the token is appended to it."""
        return f"{self.url}/bot"

    # --- the world ---------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Reader", username: str | None = None, *,
             language_code: str | None = None) -> User:
        """A reader, with the private chat the bot shares with them (same id, as on Telegram);
        `language_code` is their app's language, which Telegram sends with each of their updates."""
        user = self.users[user_id] = User(user_id, first_name, username, language_code=language_code)
        self.chats.setdefault(user_id, Chat(user_id, "private", first_name=first_name, username=username))
        return user

    def group(self, chat_id: int, title: str = "Newsroom", *, supergroup: bool = True, forum: bool = False,
              topics: tuple[int, ...] = (), admins: tuple[User, ...] = (), creator: User | None = None,
              members: tuple[User, ...] = ()) -> Chat:
        kind = "supergroup" if supergroup or forum else "group"
        chat = self.chats[chat_id] = Chat(chat_id, kind, title=title, is_forum=forum, topics=set(topics))
        chat.members.update({u.id: "member" for u in members})
        chat.members.update({u.id: "administrator" for u in admins})
        if creator is not None:
            chat.members[creator.id] = "creator"
        chat.members[self.bot.id] = "administrator"
        return chat

    def channel(self, chat_id: int, title: str = "Briefing channel", *, username: str | None = None) -> Chat:
        chat = self.chats[chat_id] = Chat(chat_id, "channel", title=title, username=username)
        chat.members[self.bot.id] = "administrator"
        return chat

    def block(self, user: User) -> None:
        """The reader blocks the bot: every send to their chat answers 403 from now on."""
        self.chats[user.id].blocked = True

    def remove_bot(self, chat: Chat, *, notify: bool = True) -> None:
        """The bot is kicked from a group or channel (and gets my_chat_member, like on Telegram)."""
        chat.bot_removed = True
        chat.members[self.bot.id] = "kicked"
        if notify:
            actor = next((self.users[u] for u, s in chat.members.items() if u in self.users), self.bot)
            self._enqueue("my_chat_member", {
                "chat": chat.json(), "from": actor.json(), "date": int(time.time()),
                "old_chat_member": _member_json(self.bot, "administrator"),
                "new_chat_member": _member_json(self.bot, "kicked")})

    def migrate(self, chat: Chat, new_chat_id: int, *, notify: bool = False) -> Chat:
        """A group becomes a supergroup under `new_chat_id`; the old id answers migrate_to_chat_id."""
        new = self.chats[new_chat_id] = Chat(new_chat_id, "supergroup", title=chat.title,
                                             members=dict(chat.members))
        chat.migrated_to = new_chat_id
        if notify:
            self._add_message(chat, "", None, extra={"migrate_to_chat_id": new_chat_id})
        return new

    # --- what readers do -----------------------------------------------------------------

    def send_text(self, where: User | Chat, text: str, *, user: User | None = None,
                  thread_id: int | None = None, sender_chat: Chat | None = None,
                  reply_to: Message | None = None) -> Message:
        """A reader's message (a command gets its bot_command entity) as an update for the bot."""
        chat = self.chats[where.id]
        sender = user if user is not None else where if isinstance(where, User) else None
        if sender_chat is not None and sender is None:
            sender = ANONYMOUS_ADMIN  # what Telegram puts in `from` when an admin posts as the group
        if chat.type == "channel":
            sender, sender_chat = None, chat
        entities = _command_entities(text)
        extra: dict[str, Any] = {"text": text}
        if entities:
            extra["entities"] = entities
        if reply_to is not None:
            extra["reply_to_message"] = self.message_json(reply_to)
        message = self._add_message(chat, text, sender, thread_id=thread_id, sender_chat=sender_chat,
                                    entities=entities, extra=extra)
        return message

    def press(self, user: User, message: Message, text: str | None = None, *, data: str | None = None) -> CallbackQuery:
        """The reader presses the button labelled `text` under `message` (or, from an older
        keyboard still on their screen, a button carrying `data`)."""
        data = data if data is not None else message.button(str(text))["callback_data"]
        query = CallbackQuery(str(next(self._ids)), user, data,
                              None if message.inline_message_id else message, message.inline_message_id)
        self.callback_queries[query.id] = query
        payload: dict[str, Any] = {"id": query.id, "from": user.json(), "data": query.data,
                                   "chat_instance": f"ci{message.chat_id}"}
        if query.message is not None:
            payload["message"] = self.message_json(message)
        else:
            payload["inline_message_id"] = query.inline_message_id
        self._enqueue("callback_query", payload)
        return query

    def inline_query(self, user: User, query: str, *, chat_type: str = "sender") -> InlineQuery:
        """The reader types `@bot query` in some chat."""
        inline = InlineQuery(str(next(self._ids)), user, query)
        self.inline_queries[inline.id] = inline
        self._enqueue("inline_query", {"id": inline.id, "from": user.json(), "query": query, "offset": "",
                                       "chat_type": chat_type})
        return inline

    def choose_inline_result(self, inline: InlineQuery, result_id: str, chat: Chat | User) -> Message:
        """The reader picks a result: Telegram posts it in `chat` as the reader, via the bot."""
        result = next(r for r in inline.results if r["id"] == result_id)
        text, entities = inline.parsed[result_id]
        message = self._add_message(self.chats[chat.id], text, inline.user, entities=entities, notify=False)
        message.reply_markup = result.get("reply_markup")
        message.inline_message_id = f"inline-{next(self._ids)}"
        self.inline_messages[message.inline_message_id] = message
        return message

    def add_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Any other update, as raw Bot API JSON; returns its update_id."""
        return self._enqueue(kind, payload)

    def redeliver(self, update_id: int) -> None:
        """Queue an update again, same update_id: what Telegram does when it believes the earlier
        webhook call (or getUpdates) did not get through."""
        self._queue(self.sent_updates[update_id])

    # --- inspection ----------------------------------------------------------------------

    def messages_in(self, chat: int, *, from_bot: bool = True) -> list[Message]:
        """The bot's messages in chat `chat` (an id), or with `from_bot=False` the readers'."""
        return [m for m in self.messages_by_chat.get(chat, []) if m.from_bot == from_bot]

    @property
    def polling(self) -> bool:
        """A getUpdates is waiting for updates right now."""
        return self._poller is not None

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet (by a getUpdates with a higher offset)."""
        return len(self._updates)

    def message_json(self, message: Message) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {"message_id": message.message_id, "date": message.date, "chat": chat.json()}
        if message.sender is not None:
            data["from"] = message.sender.json()
        if message.sender_chat is not None:
            data["sender_chat"] = message.sender_chat.json()
        if message.text:
            data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
            data["is_topic_message"] = True
        if message.edits:
            data["edit_date"] = int(time.time())
        return data

    # --- internals: state ----------------------------------------------------------------

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.sent_updates[update_id] = {"update_id": update_id, kind: payload}
        self._queue(self.sent_updates[update_id])
        return update_id

    def _queue(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        self._changed()
        if self.webhook_url and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.get_running_loop().create_task(self._push_webhooks())

    def _add_message(self, chat: Chat, text: str, sender: User | None, *, thread_id: int | None = None,
                     sender_chat: Chat | None = None, entities: list[dict[str, Any]] | None = None,
                     extra: dict[str, Any] | None = None, notify: bool = True) -> Message:
        ids = self._message_ids.setdefault(chat.id, itertools.count(1))
        message = Message(chat.id, next(ids), text, sender, entities or [], thread_id=thread_id,
                          sender_chat=sender_chat)
        self.messages_by_chat.setdefault(chat.id, []).append(message)
        message.from_bot = sender is self.bot
        if notify and not message.from_bot:
            payload = self.message_json(message) | (extra or {})
            self._enqueue("channel_post" if chat.type == "channel" else "message", payload)
        else:
            self._changed()
        return message

    # --- internals: HTTP -----------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
        elif request.can_read_body:
            raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for key in _JSON_FIELDS & raw.keys():
            if isinstance(raw[key], str):
                try:
                    raw[key] = json.loads(raw[key])
                except ValueError:
                    raise bad_request(f"can't parse {key} JSON object") from None
        return raw

    async def _handle(self, request: web.Request) -> web.Response:
        method, token = request.match_info["method"], request.match_info["token"]
        params: dict[str, Any] = {}
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            params = await self._params(request)
            result = await self._call(method, params)
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            self._record(Call(method, params, exc.status, body, exc.description, token))
            return web.json_response(body, status=exc.status)
        answer = {"ok": True, "result": result}
        self._record(Call(method, params, 200, answer, token=token))
        return web.json_response(answer)

    async def _call(self, method: str, params: dict[str, Any]) -> Any:
        handler = self._methods.get(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        failure = await self._intercept(method, params)
        if failure is not None:
            raise ApiError.answering(failure)
        return await handler(params)

    def _retry_after(self, params: dict[str, Any]) -> int | None:
        """The global limit, then the chat's own (by its type, as Telegram's differ)."""
        chat = self.chats.get(_int_or_none(params.get("chat_id")) or 0)
        if chat is None:
            return super()._retry_after(params)
        limit = self.chat_rate_limits.get("private" if chat.type == "private" else "group")
        return super()._retry_after(params) or self._over_limit(chat.id, limit)

    async def _push_webhooks(self) -> None:
        """POST pending updates to the webhook one by one, as Telegram does; 3 tries each."""
        assert self._session is not None
        while self._updates and self.webhook_url:
            update = self._updates[0]
            status = 0
            for _ in range(3):
                headers = {SECRET_HEADER: self.webhook_secret} if self.webhook_secret else {}
                self.webhook_posts += 1
                try:
                    async with self._session.post(self.webhook_url, json=update, headers=headers,
                                                  timeout=ClientTimeout(total=self.webhook_timeout)) as resp:
                        status = resp.status
                except (ClientError, TimeoutError):
                    status = 0
                if 200 <= status < 300:
                    break
                await asyncio.sleep(0.05)
            self.webhook_deliveries.append((update["update_id"], status))
            self._updates.remove(update)
            self._changed()

    # --- internals: checks shared by the methods -----------------------------------------

    def _chat(self, params: dict[str, Any], key: str = "chat_id") -> Chat:
        value = params.get(key)
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        chat_id = _int_or_none(value)
        chat = self.chats.get(chat_id) if chat_id is not None else next(
            (c for c in self.chats.values() if c.username and f"@{c.username}" == value), None)
        if chat is None:
            raise ApiError.answering(chat_not_found())
        return chat

    def _writable_chat(self, params: dict[str, Any]) -> Chat:
        chat = self._chat(params)
        if chat.migrated_to is not None:
            raise ApiError.answering(migrated(chat.migrated_to))
        if chat.blocked:
            raise ApiError.answering(blocked())
        if chat.bot_removed:
            raise ApiError.answering(kicked(chat.type))
        return chat

    def _thread(self, chat: Chat, params: dict[str, Any]) -> int | None:
        thread = _int_or_none(params.get("message_thread_id"))
        if thread is not None and (not chat.is_forum or thread not in chat.topics):
            raise bad_request("message thread not found")
        return thread

    def _text(self, params: dict[str, Any], key: str = "text") -> tuple[str, list[dict[str, Any]], str | None]:
        """(visible text, entities, html) after Telegram's parsing and limits."""
        raw = params.get(key)
        if not isinstance(raw, str):
            raise bad_request("message text is empty")
        mode = params.get("parse_mode")
        if mode is None or mode == "":
            text, entities, source = raw, list(params.get("entities") or []), None
        elif str(mode).lower() == "html":
            try:
                text, entities = telegram_html.parse(raw)
            except telegram_html.EntityError as exc:
                raise ApiError(400, exc.description) from None
            source = raw
        else:
            raise bad_request(f"unsupported parse_mode {mode!r} (this fake implements HTML only)")
        visible = text.strip()
        if not visible:
            raise bad_request("message text is empty")
        if telegram_html.utf16_len(visible) > MESSAGE_MAX:
            raise bad_request("message is too long")
        return text, entities, source

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays")
        if any(len(row) > ROW_MAX for row in rows) or sum(map(len, rows)) > BUTTONS_MAX:
            raise bad_request("reply markup is too long")
        for button in (b for row in rows for b in row):
            _check_button(button)
        return markup

    def _find_message(self, params: dict[str, Any]) -> Message:
        inline_id = params.get("inline_message_id")
        if inline_id:
            message = self.inline_messages.get(str(inline_id))
        else:
            chat = self._writable_chat(params)
            wanted = _int_or_none(params.get("message_id"))
            message = next((m for m in self.messages_by_chat.get(chat.id, []) if m.message_id == wanted), None)
        if message is None:
            raise bad_request("message to edit not found")
        return message

    # --- the methods ---------------------------------------------------------------------

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot.json() | {"can_join_groups": True, "can_read_all_group_messages": False,
                                  "supports_inline_queries": True, "can_connect_to_business": False,
                                  "has_main_web_app": False}

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = self.webhook_secret = None
        if _flag(params.get("drop_pending_updates")):
            self._updates.clear()
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if _flag(params.get("drop_pending_updates")):
            self._updates.clear()
        self.webhook_url, self.webhook_secret = (url or None), (str(secret) if secret else None)
        self._allowed_updates = params.get("allowed_updates", self._allowed_updates)
        if self.webhook_url and self._updates:
            self._webhook_task = asyncio.get_running_loop().create_task(self._push_webhooks())
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url or "", "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = _int_or_none(params.get("offset")) or 0
        limit = min(max(_int_or_none(params.get("limit")) or 100, 1), 100)
        timeout = float(params.get("timeout") or 0)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"]) or None
        self._confirm(offset)
        me = self._poller = object()  # a newer getUpdates ends this one with 409
        self._changed()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._poller is not me:
                raise ApiError(409, POLL_CONFLICT)
            ready = [u for u in self._updates if self._allowed(u)][:limit]
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closing:
                self._poller = None
                return ready
            await self._next_change(remaining)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._updates = [u for u in self._updates if self._allowed(u)]

    def _allowed(self, update: dict[str, Any]) -> bool:
        if not self._allowed_updates:
            return not {"chat_member", "message_reaction", "message_reaction_count"} & update.keys()
        return any(kind in update for kind in self._allowed_updates)

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params)
        thread = self._thread(chat, params)
        text, entities, source = self._text(params)
        markup = self._markup(params)
        message = self._add_message(chat, text, self.bot, thread_id=thread, entities=entities,
                                    sender_chat=chat if chat.type == "channel" else None)
        message.html, message.reply_markup = source, markup
        message.link_preview_disabled = bool((params.get("link_preview_options") or {}).get("is_disabled"))
        return self.message_json(message)

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        message = self._find_message(params)
        if message.inline_message_id is None and not message.from_bot:
            raise bad_request("message can't be edited")
        text, entities, source = self._text(params)
        markup = self._markup(params)
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.text, message.entities, message.html, message.reply_markup = text, entities, source, markup
        message.edits += 1
        self._changed()
        return True if message.inline_message_id else self.message_json(message)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        wanted = _int_or_none(params.get("message_id"))
        kept = [m for m in self.messages_by_chat.get(chat.id, []) if m.message_id != wanted]
        if len(kept) == len(self.messages_by_chat.get(chat.id, [])):
            raise bad_request("message to delete not found")
        self.messages_by_chat[chat.id] = kept
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answered:
            raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        if len(str(params.get("text") or "")) > CALLBACK_TEXT_MAX:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered, query.answer = True, params
        return True

    async def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        inline = self.inline_queries.get(str(params.get("inline_query_id")))
        if inline is None or inline.answered:
            raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse results JSON object")
        if len(results) > INLINE_RESULTS_MAX:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise bad_request("RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        inline.parsed = {str(r["id"]): self._check_article(r) for r in results}
        inline.answered, inline.results = True, results
        inline.cache_time = _int_or_none(params.get("cache_time"))
        inline.is_personal = _flag(params.get("is_personal"))
        return True

    def _check_article(self, result: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        if result.get("type") != "article" or not result.get("title"):
            raise bad_request("RESULT_TYPE_INVALID" if result.get("type") != "article" else "RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict):
            raise bad_request("MESSAGE_EMPTY")
        text, entities, _ = self._text({"text": content.get("message_text"), "parse_mode": content.get("parse_mode"),
                                        "entities": content.get("entities")})
        self._markup({"reply_markup": result.get("reply_markup")})
        return text, entities

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object" if not isinstance(commands, list)
                              else "too many commands")
        for command in commands:
            if not _BOT_COMMAND.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be 1-256 characters")
        self.commands[_menu_key(params)] = commands
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(_menu_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(_menu_key(params), None)
        return True

    def menu(self, language: str = "") -> list[tuple[str, str]]:
        """(command, description) of the default scope's menu for readers of `language` ("": anyone)."""
        return [(c["command"], c["description"]) for c in self.commands.get(_menu_key({"language_code": language}), [])]

    async def _set_my_description(self, params: dict[str, Any]) -> bool:
        self.descriptions[_language(params)] = _described(params, "description", 512)
        return True

    async def _get_my_description(self, params: dict[str, Any]) -> dict[str, str]:
        return {"description": self.descriptions.get(_language(params), "")}

    async def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        self.short_descriptions[_language(params)] = _described(params, "short_description", 120)
        return True

    async def _get_my_short_description(self, params: dict[str, Any]) -> dict[str, str]:
        return {"short_description": self.short_descriptions.get(_language(params), "")}

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        user_id = _int_or_none(params.get("user_id"))
        user = self.bot if user_id == self.bot.id else self.users.get(user_id or 0)
        if user is None:
            raise bad_request("user not found")
        if chat.type == "private":
            return _member_json(user, "member")
        return _member_json(user, chat.members.get(user.id, "left"))

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._writable_chat(params)
        return True


def _language(params: dict[str, Any]) -> str:
    """The language_code of a per-language call: "" or a two-letter ISO 639-1 code, as Telegram takes."""
    code = str(params.get("language_code") or "")
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise bad_request("LANGUAGE_CODE_INVALID")
    return code


def _menu_key(params: dict[str, Any]) -> str:
    scope = (params.get("scope") or {}).get("type", "default")
    language = _language(params)
    return f"{scope}:{language}" if language else scope


def _described(params: dict[str, Any], name: str, limit: int) -> str:
    text = str(params.get(name) or "")
    if len(text) > limit:
        raise bad_request(f"{name.upper()}_INVALID")
    return text


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    kinds = {"callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat",
             "switch_inline_query_chosen_chat", "copy_text", "login_url", "web_app", "pay",
             "callback_game"} & button.keys()
    if not kinds:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode()) <= CALLBACK_DATA_MAX:
        raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).startswith(("https://", "http://", "tg://")):
        raise bad_request("BUTTON_URL_INVALID")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")
