"""The Slack adapter: bolt's AsyncApp in the process's one event loop.

Socket Mode when an app-level token is given (no public URL needed), else HTTP mode: Slack posts
to `/slack/events` on the process's aiohttp server, which mounts `http_routes()`. Either way the
same listeners answer readers (listeners.py); this module holds the lifecycle, pushed posts and
the HTTP route. Slack's refusals become bot.platforms.base' errors (errors.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Literal

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.base import ChatEvents, DestinationGone, Sent, StartRefused
from bot.platforms.service import BriefingService
from bot.platforms.slack import errors, history
from bot.platforms.slack.blocks import SlackMessage, render
from bot.platforms.slack.incoming import PLATFORM
from bot.platforms.slack.listeners import Readers
from bot.platforms.slack.webhook import SlackWebhook
from handlers.context import ChatRef
from handlers.reply import Reply

log = logging.getLogger("briefing.slack")


def _not_the_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment on its own and, since we hand it a
    # configured client, warns at every start that the token is unused: true and harmless.
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger(f"slack_bolt.{AsyncApp.__name__}").addFilter(_not_the_token_warning)

EVENTS_PATH = "/slack/events"
SLACK_API = "https://slack.com/api/"
BOLT_APP_NAME = "slack_bolt.briefing"
Mode = Literal["socket", "http"]


class SlackAdapter:
    """The Slack side of the bot (implements bot.platforms.base.Adapter)."""

    platform = PLATFORM

    def __init__(
        self,
        service: BriefingService,
        *,
        bot_token: str,
        signing_secret: str,
        app_token: str | None = None,
        base_url: str | None = None,
        events: ChatEvents | None = None,
        admins: frozenset[str] | None = None,
        rate_limit_retries: int = 1,
        connect_timeout: float = 30.0,
        drain_timeout: float = 10.0,
        request_timeout: int = 30,
    ) -> None:
        _check_settings(bot_token, signing_secret, app_token)
        self.base_url = base_url or SLACK_API
        self.connect_timeout = connect_timeout
        self.drain_timeout = drain_timeout
        self.mode: Mode = "socket" if app_token else "http"
        self._app_token = app_token
        self.client = AsyncWebClient(
            token=bot_token,
            base_url=self.base_url,
            timeout=request_timeout,
            # Only failures that Slack never acted on are retried: a retried post that timed
            # out waiting for its answer could appear twice.
            retry_handlers=[AsyncConnectionErrorRetryHandler(error_types=list(errors.UNSENT)),
                            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)],
        )
        # bolt resets the level of the logger named after the app on every request: keep that
        # name inside bolt's namespace, away from the process's own "briefing" loggers.
        self.app = AsyncApp(client=self.client, signing_secret=signing_secret, name=BOLT_APP_NAME,
                            process_before_response=False)
        self.readers = Readers(service, self.client, self.send, events=events, admins=admins)
        self.readers.register(self.app)
        self.webhook = SlackWebhook(self.app, signing_secret) if self.mode == "http" else None
        self._socket: AsyncSocketModeHandler | None = None
        self._started = False

    def __repr__(self) -> str:  # no tokens, no secret
        return f"SlackAdapter(mode={self.mode}, base_url={self.base_url!r}, ready={self.ready})"

    @property
    def ready(self) -> bool:
        """Started, and in Socket Mode connected right now (false while it reconnects)."""
        if not self._started:
            return False
        if self._socket is None:
            return True
        session = self._socket.client.current_session
        return session is not None and not session.closed

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the bot token (auth.test), then connect Socket Mode when an app token is set."""
        if self._started:
            return
        auth = await self._call_at_start("SLACK_BOT_TOKEN", self.client.auth_test())
        log.info("slack connected team=%s bot_user=%s mode=%s", auth.get("team_id"), auth.get("user_id"),
                 self.mode)
        if self._app_token:
            await self._connect_socket(self._app_token)
        self._started = True

    async def stop(self) -> None:
        """Stop taking requests, let answers under way finish (bounded), close Socket Mode."""
        self._started = False
        await self.readers.drain(self.drain_timeout)
        await self.readers.close()
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close_async()  # type: ignore[no-untyped-call]

    async def _call_at_start(self, setting: str, call: Any) -> Any:
        try:
            return await call
        except SlackApiError as exc:
            code = errors.error_code(exc)
            if code in errors.REFUSED_TOKEN:
                raise StartRefused(f"Slack refused {setting} ({code}): check that setting; "
                                   f"it must be the app's {_expected_token(setting)}") from None
            raise StartRefused(f"Slack answered {code} at start-up ({setting})", refused=False) from None
        except errors.NETWORK_ERRORS as exc:
            raise StartRefused(f"cannot reach the Slack Web API at {self.base_url} "
                               f"({type(exc).__name__}): check SLACK_API_BASE_URL",
                               refused=False) from None

    async def _connect_socket(self, app_token: str) -> None:
        # The SDK's connect() retries a refused URL for ever: ask for the first one here, so
        # that a wrong app token fails the start-up instead.
        opened = await self._call_at_start("SLACK_APP_TOKEN", self.client.apps_connections_open(
            app_token=app_token))
        handler = AsyncSocketModeHandler(self.app, app_token, web_client=self.client)
        handler.client.wss_uri = opened["url"]
        self._socket = handler
        try:
            await asyncio.wait_for(handler.connect_async(),  # type: ignore[no-untyped-call]
                                   self.connect_timeout)
        except BaseException as exc:
            self._socket = None
            await handler.close_async()  # type: ignore[no-untyped-call]
            if isinstance(exc, TimeoutError):
                raise StartRefused(
                    f"no Socket Mode connection in {self.connect_timeout:g} s (SLACK_APP_TOKEN)",
                    refused=False) from None
            raise

    # --- pushed posts --------------------------------------------------------------------------

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> Sent:
        """Post `reply` to `chat` (split as Slack needs); a DeliveryError says why it failed.

        With `key`, each message carries it in its metadata, so that `arrived` can find it.
        """
        messages = render(reply)
        stamps = [await self._post(chat, message, history.metadata(key, n, len(messages)) if key else None)
                  for n, message in enumerate(messages, 1)]
        return Sent(chat, tuple(stamps))

    async def arrived(self, chat: ChatRef, key: str, since: dt.datetime) -> Sent | Literal[False] | None:
        """Whether the post `key` is in the channel's history (or the thread's replies): see history.py."""
        return await history.arrived(self.client, chat, key, since)

    async def _post(self, chat: ChatRef, message: SlackMessage, meta: dict[str, Any] | None) -> str:
        try:
            response = await self.client.chat_postMessage(
                channel=chat.chat_id, thread_ts=chat.thread_id, text=message.text,
                blocks=list(message.blocks), unfurl_links=False, unfurl_media=False, metadata=meta)
        except SlackApiError as exc:
            failure = errors.delivery_error(exc)
            if isinstance(failure, DestinationGone):
                log.warning("slack destination gone chat=%s reason=%s: no more posts there",
                            chat.key, failure.reason)
            raise failure from exc
        except errors.NETWORK_ERRORS as exc:
            raise errors.network_error(exc) from exc
        return str(response["ts"])

    # --- HTTP mode ----------------------------------------------------------------------------

    def http_routes(self) -> list[web.RouteDef]:
        """`POST /slack/events` for HTTP mode (signature checked first: webhook.py); none in Socket Mode."""
        return [] if self.webhook is None else [web.post(EVENTS_PATH, self.webhook.handle)]


def _expected_token(setting: str) -> str:
    return "app-level token (xapp-…)" if setting == "SLACK_APP_TOKEN" else "bot token (xoxb-…)"


def _check_settings(bot_token: str, signing_secret: str, app_token: str | None) -> None:
    """Refuse settings that cannot work, naming the setting (and never showing a token)."""
    if not bot_token.startswith("xoxb-"):
        raise StartRefused(
            f"SLACK_BOT_TOKEN must be the app's bot token (xoxb-…), got {errors.token_kind(bot_token)}")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise StartRefused(
            f"SLACK_APP_TOKEN must be an app-level token (xapp-…), got {errors.token_kind(app_token)}")
    if app_token is None and not signing_secret:
        raise StartRefused("SLACK_SIGNING_SECRET is required in HTTP mode (without SLACK_APP_TOKEN)")
