"""The Telegram adapter: python-telegram-bot's Application, run by hand on the process's loop.

Long polling by default; with a public webhook URL, Telegram posts updates to our own aiohttp
route (the runtime mounts `http_routes()` on the process's one HTTP server), which checks the
secret header in constant time and queues the update. `run_polling()` and `run_webhook()` are
not used: they own and close the event loop.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, BaseRateLimiter, Defaults

from bot.platforms.base import ChatEvents, DeliveryError, Rejected, Sent, StartRefused, Unavailable
from bot.platforms.service import BriefingService
from bot.platforms.telegram.delivery import RETRY_DELAYS, Outbox, quiet_retry_after_deprecation
from bot.platforms.telegram.ordering import MAX_CONCURRENT, PerChatOrder
from bot.platforms.telegram.render import render
from bot.platforms.telegram.updates import Context, Readers
from bot.platforms.webhooks import Malformed, json_object, malformed, text_of
from bot.quiet import Quiet
from bot.redaction import protect
from handlers.context import ChatRef
from handlers.i18n import LANGUAGES, N_, _, speaking_in
from handlers.registry import REGISTRY
from handlers.reply import Reply

log = logging.getLogger("briefing.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)
ALLOWED_UPDATES = (Update.MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY, Update.INLINE_QUERY,
                   Update.MY_CHAT_MEMBER)
DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
NO_PREVIEWS = LinkPreviewOptions(is_disabled=True)
# What Telegram shows about the bot: in an empty chat (up to 512 characters) and on its profile (120).
DESCRIPTION = N_("I answer questions about news articles: the summary, who's who, when and where it "
                 "happens, and what is at stake, each answer with the passage of the article behind it. "
                 "Send /start, or ask in plain words.")
SHORT_DESCRIPTION = N_("Questions about the news, answered from the article's own words.")
RATE_LIMIT_RETRIES = 2  # 429s ptb's AIORateLimiter waits out before the caller sees RetryLater
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as a webhook secret

TelegramApp = Application[Any, Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], None]


class RefusedAtStart(Rejected, StartRefused):
    """Telegram refused the token or the webhook at start-up: no later attempt can help."""


def derived_secret(token: str) -> str:
    """A webhook secret every replica computes alike from the token, without revealing it."""
    return hashlib.sha256(b"briefing-bot webhook:" + token.encode()).hexdigest()


def _webhook(url: str) -> tuple[str, str]:
    """(URL Telegram posts to, path of our route); a URL without a path gets the default one."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError("the Telegram webhook URL must be absolute, e.g. https://bot.example.com/telegram")
    path = parts.path.rstrip("/")
    return (url, path) if path else (url.rstrip("/") + DEFAULT_WEBHOOK_PATH, DEFAULT_WEBHOOK_PATH)


class TelegramAdapter:
    """Serves the briefing on Telegram; implements bot.platforms.base.Adapter."""

    platform = "telegram"

    def __init__(
        self,
        service: BriefingService,
        *,
        token: str,
        base_url: str | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        events: ChatEvents | None = None,
        rate_limiter: BaseRateLimiter[Any] | None = None,
        request_timeout: float = 10.0,
        poll_timeout: float = 10.0,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        max_concurrent_updates: int = MAX_CONCURRENT,
    ) -> None:
        if not token or not token.strip():
            raise ValueError("the Telegram bot token is empty (set TELEGRAM_BOT_TOKEN)")
        if webhook_secret is not None and not _SECRET.match(webhook_secret):
            raise ValueError("the Telegram webhook secret may only hold 1-256 of A-Z, a-z, 0-9, _ and -")
        self.service = service
        self.base_url = base_url
        self.webhook_url: str | None = None
        self.webhook_path: str | None = None  # our route, when Telegram posts to a webhook
        if webhook_url:
            self.webhook_url, self.webhook_path = _webhook(webhook_url)
        self.mode = "webhook" if self.webhook_url else "polling"
        self.events = events
        self.bot_username: str | None = None
        self._token = token.strip()
        self._secret = webhook_secret or derived_secret(self._token)
        self._rate_limiter = rate_limiter
        self._request_timeout = request_timeout
        self._poll_timeout = poll_timeout
        self._retry_delays = retry_delays
        self._max_concurrent = max_concurrent_updates
        self._app: TelegramApp | None = None
        self._outbox: Outbox | None = None
        self._refusals = Quiet(log)
        for secret in (self._token, self._token.partition(":")[2], self._secret):
            protect(secret)

    def __repr__(self) -> str:
        return f"TelegramAdapter(mode={self.mode}, bot={self.bot_username!r}, ready={self.ready})"

    @property
    def ready(self) -> bool:
        """Connected (getMe answered) and running, so able to send."""
        return self._app is not None and self._app.running

    # --- lifecycle ---------------------------------------------------------------------------

    def _build(self) -> TelegramApp:
        quiet_retry_after_deprecation()
        builder = (
            ApplicationBuilder()
            .token(self._token)
            .job_queue(None)
            .rate_limiter(self._rate_limiter or AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
            .concurrent_updates(PerChatOrder(self._max_concurrent))
            .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEWS))
            .read_timeout(self._request_timeout)
            .write_timeout(self._request_timeout)
            .connect_timeout(self._request_timeout)
        )
        if self.base_url:
            builder = builder.base_url(self.base_url)
        if self.webhook_url:
            builder = builder.updater(None)
        app: TelegramApp = builder.build()
        return app

    async def start(self) -> None:
        """Connect (getMe), publish the command menu, start receiving updates.

        Raises Unavailable when Telegram cannot be reached (worth retrying later) and
        RefusedAtStart, a Rejected, when it refuses the token or the webhook (not worth it).
        """
        if self._app is not None:
            return
        app = self._build()
        outbox = Outbox(app.bot, self._retry_delays)
        readers = Readers(self.service, outbox, self.events)
        app.add_handlers(readers.handlers())
        app.add_error_handler(readers.on_error)
        try:
            await self._boot(app, outbox)
        except BaseException as exc:
            await self._halt(app)
            if isinstance(exc, Rejected):
                raise RefusedAtStart(exc.reason) from exc
            raise
        self._app, self._outbox = app, outbox
        log.info("telegram bot @%s started (%s)", self.bot_username, self.mode)

    async def _boot(self, app: TelegramApp, outbox: Outbox) -> None:
        await outbox.call("getMe", {}, app.initialize)
        self.bot_username = app.bot.username
        await self._publish_commands(outbox)
        if self.webhook_url:
            url, secret = self.webhook_url, self._secret
            await outbox.call("setWebhook", {"url": url}, lambda: app.bot.set_webhook(
                url, secret_token=secret, allowed_updates=ALLOWED_UPDATES))
        else:  # start_polling's only call is deleteWebhook (polling and a webhook exclude each other)
            await outbox.call("deleteWebhook", {}, lambda: self._start_polling(app))
        await app.start()

    async def _start_polling(self, app: TelegramApp) -> None:
        if app.updater is None:
            raise RuntimeError("polling needs ptb's Updater; the application was built without one")
        timeout = dt.timedelta(seconds=self._poll_timeout)
        await app.updater.start_polling(timeout=timeout, allowed_updates=ALLOWED_UPDATES)

    async def _publish_commands(self, outbox: Outbox) -> None:
        """Telegram's command menu (from the registry /help is made from) and the bot's description,
        in the default language and in each other one the bot speaks: Telegram shows a reader the
        one for their app's language. Not fatal if refused."""
        default = self.service.language
        for code in (None, *(c for c in LANGUAGES if c != default)):
            with speaking_in(code or default):
                commands = [BotCommand(name, summary) for name, summary in REGISTRY.menu()]
                about, short = _(DESCRIPTION), _(SHORT_DESCRIPTION)
            try:
                await outbox.call("setMyCommands", {"commands": len(commands), "language_code": code},
                                  functools.partial(outbox.bot.set_my_commands, commands, language_code=code))
                await outbox.call("setMyDescription", {"language_code": code},
                                  functools.partial(outbox.bot.set_my_description, about, language_code=code))
                await outbox.call("setMyShortDescription", {"language_code": code}, functools.partial(
                    outbox.bot.set_my_short_description, short, language_code=code))
            except DeliveryError as exc:
                log.warning("telegram command menu (%s) not published: %s", code or "default", exc.reason)

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, close the connection pool.

        A webhook stays registered: other replicas keep receiving, and Telegram holds updates
        for this one until it is back.
        """
        app, self._app, self._outbox = self._app, None, None
        if app is not None:
            await self._halt(app)
            log.info("telegram bot stopped")

    async def _halt(self, app: TelegramApp) -> None:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.bot.shutdown()  # after a failed initialize() ptb leaves the bot's connections open

    # --- pushed posts --------------------------------------------------------------------------

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> Sent:
        """Post `reply` to `chat` (pages as needed); raise a DeliveryError on failure.

        `key` is not sent: a Telegram message carries nothing a bot could look for later.
        """
        if self._outbox is None:
            raise Unavailable("the Telegram adapter is not running")
        try:
            rendered = render(reply)
        except Exception as exc:
            log.exception("could not render a post for %s", chat.key)
            raise Rejected("the post could not be rendered for Telegram") from exc
        messages = await self._outbox.post(chat, rendered)
        return Sent(chat, tuple(str(m.message_id) for m in messages))

    async def arrived(self, chat: ChatRef, key: str, since: dt.datetime) -> Sent | Literal[False] | None:
        """Telegram cannot tell: the Bot API has no way to read a chat's history back."""
        return None

    # --- webhook ----------------------------------------------------------------------------------

    def http_routes(self) -> list[web.RouteDef]:
        """The webhook route for the process's HTTP server; none in polling mode."""
        return [web.post(self.webhook_path, self._on_webhook)] if self.webhook_path else []

    async def _on_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self._secret.encode()):
            self._refusals.warning("telegram webhook call refused: wrong or missing secret (from %s)",
                                   request.remote)
            return web.Response(status=403, text="forbidden")
        app = self._app
        if app is None or not app.running:
            return web.Response(status=503, text="not ready")
        try:
            update = _update(json_object(text_of(await request.read(), request.charset)), app.bot)
        except Malformed as problem:
            return malformed(problem)
        await app.update_queue.put(update)
        return web.Response(text="ok")


def _update(data: dict[str, Any], bot: Bot) -> Update:
    """The update Telegram posted; Malformed when it is not one the handlers can rely on."""
    if not isinstance(data.get("update_id"), int):
        raise Malformed("not an update: no update_id")
    try:
        update = Update.de_json(data, bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise Malformed("not an update") from None
    message = update.effective_message
    if message is not None and message.chat is None:  # ptb accepts it; every handler needs the chat
        raise Malformed("not an update: a message without a chat")
    return update
