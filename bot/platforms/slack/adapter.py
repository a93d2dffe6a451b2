"""The briefing as a Slack app: bolt's AsyncApp in the process's one event loop.

Socket Mode when an app-level token is given (no public URL needed), else HTTP mode: Slack posts
to `/slack/events` on the process's aiohttp server, which mounts `http_routes()`. Either way the
same listeners answer: the `/briefing` slash command, mentions, direct messages, button presses
and the App Home tab. Every answer comes from BriefingService; Slack's refusals become
bot.platforms.base' DeliveryErrors.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.base import ChatEvents, DestinationGone, Sent
from bot.platforms.service import BriefingService, apology
from bot.platforms.slack import errors
from bot.platforms.slack.blocks import (
    BUTTON_VALUE_MAX,
    COMMAND,
    FOLLOWUP_ACTION,
    SHARE_ACTION,
    SlackMessage,
    render,
)
from bot.platforms.slack.home import home_view
from bot.platforms.slack.incoming import chat_ref, reader_text
from handlers.context import ChatRef, Permission, SubscriptionSummary
from handlers.registry import REGISTRY
from handlers.reply import Reply, clip

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


class SlackStartError(RuntimeError):
    """Slack refused the configuration or could not be reached at start-up.

    The message names the setting to fix and never contains a token. `refused` is True when
    only a change of settings can help (a wrong token or secret), False when a retry may.
    """

    def __init__(self, message: str, *, refused: bool = True) -> None:
        super().__init__(message)
        self.refused = refused


class ReplyRefused(RuntimeError):
    """A response URL did not take the reply (expired, malformed): logged, the reader gets an apology."""


class SlackAdapter:
    """The Slack side of the bot (implements bot.platforms.base.Adapter)."""

    platform = "slack"

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
    ) -> None:
        _check_settings(bot_token, signing_secret, app_token)
        self.service = service
        self.events = events
        self.admins = admins
        self.base_url = base_url or SLACK_API
        self.connect_timeout = connect_timeout
        self.drain_timeout = drain_timeout
        self.usage = REGISTRY.usage_hint(COMMAND)
        self._app_token = app_token
        self.client = AsyncWebClient(
            token=bot_token,
            base_url=self.base_url,
            # Only failures that Slack never acted on are retried: a retried post that timed
            # out waiting for its answer could appear twice.
            retry_handlers=[AsyncConnectionErrorRetryHandler(error_types=list(errors.UNSENT)),
                            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)],
        )
        # bolt resets the level of the logger named after the app on every request: keep that
        # name inside bolt's namespace, away from the process's own "briefing" loggers.
        self.app = AsyncApp(client=self.client, signing_secret=signing_secret, name=BOLT_APP_NAME,
                            process_before_response=False)
        self._register()
        self._socket: AsyncSocketModeHandler | None = None
        self._started = False
        self._busy_count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def __repr__(self) -> str:  # no tokens, no secret
        return f"SlackAdapter(mode={self.mode}, base_url={self.base_url!r}, ready={self.ready})"

    @property
    def mode(self) -> Mode:
        return "socket" if self._app_token else "http"

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
        await self.drain(self.drain_timeout)
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close_async()  # type: ignore[no-untyped-call]

    async def drain(self, within: float) -> bool:
        """Wait until no listener is answering; False if some still were after `within` seconds."""
        try:
            async with asyncio.timeout(within):
                await self._idle.wait()
        except TimeoutError:
            log.warning("slack stopped with %d answer(s) still under way", self._busy_count)
            return False
        return True

    async def _call_at_start(self, setting: str, call: Any) -> Any:
        try:
            return await call
        except SlackApiError as exc:
            code = errors.error_code(exc)
            if code in errors.REFUSED_TOKEN:
                raise SlackStartError(f"Slack refused {setting} ({code}): check that setting; "
                                      f"it must be the app's {_token_kind(setting)}") from None
            raise SlackStartError(f"Slack answered {code} at start-up ({setting})", refused=False) from None
        except errors.NETWORK_ERRORS as exc:
            raise SlackStartError(f"cannot reach the Slack Web API at {self.base_url} "
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
                raise SlackStartError(
                    f"no Socket Mode connection in {self.connect_timeout:g} s (SLACK_APP_TOKEN)",
                    refused=False) from None
            raise

    def http_routes(self) -> list[web.RouteDef]:
        """`POST /slack/events` for HTTP mode (signature checked by bolt); none in Socket Mode."""
        return [] if self.mode == "socket" else [web.post(EVENTS_PATH, self.handle_http)]

    async def handle_http(self, request: web.Request) -> web.Response:
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    # --- pushed posts --------------------------------------------------------------------------

    async def send(self, chat: ChatRef, reply: Reply) -> Sent:
        """Post `reply` to `chat` (split as Slack needs); a DeliveryError says why it failed."""
        stamps = [await self._post(chat, message) for message in render(reply)]
        return Sent(chat, tuple(stamps))

    async def _post(self, chat: ChatRef, message: SlackMessage) -> str:
        try:
            response = await self.client.chat_postMessage(
                channel=chat.chat_id, thread_ts=chat.thread_id, text=message.text,
                blocks=list(message.blocks), unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            failure = errors.delivery_error(exc)
            if isinstance(failure, DestinationGone):
                log.warning("slack destination gone chat=%s reason=%s: no more posts there",
                            chat.key, failure.reason)
            raise failure from exc
        except errors.NETWORK_ERRORS as exc:
            raise errors.network_error(exc) from exc
        return str(response["ts"])

    # --- listeners -----------------------------------------------------------------------------

    def _register(self) -> None:
        self.app.command(COMMAND)(self.on_command)
        self.app.event("app_mention")(self.on_mention)
        self.app.event("message")(self.on_message)
        self.app.event("app_home_opened")(self.on_home_opened)
        self.app.action(SHARE_ACTION)(self.on_share)
        self.app.action(re.compile(f"^{FOLLOWUP_ACTION}_"))(self.on_followup)
        self.app.error(self.on_error)

    @contextlib.asynccontextmanager
    async def _answering(self, context: AsyncBoltContext, *, apologise: bool = True) -> AsyncIterator[None]:
        """One answer under way (drain() waits for it); if it fails, log it and apologise.

        Failures are caught here rather than left to bolt's error handler: after ack(), bolt's
        runner hands that handler an empty response and stores it as the ack, so a listener
        that fails within bolt's 10 ms poll loses its ack and the request fails after 3 s.
        """
        self._busy_count += 1
        self._idle.clear()
        try:
            yield
        except Exception as exc:
            if apologise:
                await self.on_error(exc, context)
            else:
                log_failure(exc)
        finally:
            self._busy_count -= 1
            if self._busy_count == 0:
                self._idle.set()

    def permission(self, user_id: str | None) -> Permission:
        """May this user change the chat's settings? Anyone, unless admins are configured."""
        async def may_manage() -> bool:
            return self.admins is None or (user_id is not None and user_id in self.admins)

        return may_manage

    async def answer(self, text: str, chat: ChatRef, user_id: str | None) -> Reply:
        reply = await self.service.answer(text, chat, may_manage=self.permission(user_id))
        return reply if reply is not None else apology()

    async def on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                         context: AsyncBoltContext) -> None:
        """`/briefing <text>`: acked at once, answered through the response URL, to the reader only."""
        async with self._answering(context):  # entered first, so that drain() waits for this answer too
            await ack()
            text = reader_text(str(command.get("text", "")), context.bot_user_id) or "start"
            chat = chat_ref(str(command["channel_id"]))
            reply = await self.answer(text, chat, command.get("user_id"))
            hint = self.usage if text == "start" or reply.tone == "notice" else None
            await self.respond(respond, render(reply, share=self._share(chat, reply, text), hint=hint))

    @staticmethod
    def _share(chat: ChatRef, reply: Reply, text: str) -> str | None:
        """The command the share button carries: cards in channels only, and only if it fits."""
        if reply.tone != "card" or chat.kind != "channel" or len(text) > BUTTON_VALUE_MAX:
            return None
        return text

    async def respond(self, respond: AsyncRespond, messages: Sequence[SlackMessage],
                      response_type: str = "ephemeral") -> None:
        for message in messages:
            result = await respond(text=message.text, blocks=list(message.blocks),
                                   response_type=response_type, replace_original=False)
            if result.status_code != 200:
                raise ReplyRefused(
                    f"response URL refused the reply: {result.status_code} {clip(result.body, 200)}")

    async def on_mention(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """`@briefing who is Fidan?` in a channel: answered in the channel (or its thread)."""
        if str(event.get("channel", "")).startswith("D"):
            return  # a mention in a DM also arrives as a message event, answered there
        await self._converse(event, context)

    async def on_message(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """A direct message to the app; other message events (edits, bots, channels) are ignored."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await self._converse(event, context)

    async def _converse(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        async with self._answering(context):
            chat = chat_ref(str(event["channel"]), event.get("thread_ts"))
            text = reader_text(str(event.get("text", "")), context.bot_user_id) or "start"
            await self.reply_to_reader(chat, await self.answer(text, chat, event.get("user")))

    async def reply_to_reader(self, chat: ChatRef, reply: Reply) -> None:
        """Post an answer; a destination that is gone is reported, not raised."""
        try:
            await self.send(chat, reply)
        except DestinationGone as gone:
            if self.events is not None:
                await self.events.chat_gone(chat, gone.reason)

    async def on_followup(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                          respond: AsyncRespond, context: AsyncBoltContext) -> None:
        """A follow-up button: its value is the command to run."""
        async with self._answering(context):
            await ack()
            user = str(body["user"]["id"])
            channel = (body.get("channel") or {}).get("id")
            command = str(action.get("value", ""))
            if channel is None or str(channel).startswith("D"):
                # App Home (no channel) or a DM: post in the app's DM with the reader.
                chat = chat_ref(str(channel or user))
                await self.reply_to_reader(chat, await self.answer(command, chat, user))
                return
            chat = chat_ref(str(channel))
            reply = await self.answer(command, chat, user)
            await self.respond(respond, render(reply, share=self._share(chat, reply, command)))

    async def on_share(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                       respond: AsyncRespond, context: AsyncBoltContext) -> None:
        """"Share in channel": the card again, for everyone, and the private copy removed."""
        async with self._answering(context):
            await ack()
            user = str(body["user"]["id"])
            chat = chat_ref(str(body["channel"]["id"]))
            reply = await self.answer(str(action.get("value", "")), chat, user)
            await self.respond(respond, render(reply), response_type="in_channel")
            await respond(delete_original=True)

    async def on_home_opened(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """The App Home tab: published afresh each time it is opened (the countdown moves)."""
        if event.get("tab") != "home":
            return
        async with self._answering(context, apologise=False):  # nothing was asked: no apology in the DM
            user = str(event["user"])
            chat = chat_ref(str(event.get("channel") or user))
            summary = await self.answer("summary", chat, user)
            view = home_view(summary, await self.subscriptions(), self.usage)
            await self.client.views_publish(user_id=user, view=view)

    async def subscriptions(self) -> list[SubscriptionSummary] | None:
        """This workspace's subscriptions; None when there is no chat service or it failed."""
        if self.service.chats is None:
            return None
        try:
            return await self.service.chats.subscriptions(self.platform)
        except Exception:
            log.exception("slack home: listing subscriptions failed")
            return None

    async def on_error(self, error: Exception, context: AsyncBoltContext) -> None:
        """A failed answer (also bolt's error handler): log it, tell the reader briefly, carry on."""
        log_failure(error)
        messages = render(apology())
        try:
            if context.respond is not None and context.response_url:
                await self.respond(context.respond, messages)
            elif where := context.channel_id or context.user_id:
                await self._post(chat_ref(where), messages[0])
        except Exception as exc:  # the apology is best effort: Slack may be what failed
            log.warning("slack apology not delivered: %s", type(exc).__name__)


def log_failure(error: Exception) -> None:
    log.error("slack listener failed: %s: %s", type(error).__name__, clip(str(error), 300), exc_info=error)


def _token_kind(setting: str) -> str:
    return "app-level token (xapp-…)" if setting == "SLACK_APP_TOKEN" else "bot token (xoxb-…)"


def _check_settings(bot_token: str, signing_secret: str, app_token: str | None) -> None:
    """Refuse settings that cannot work, naming the setting (and never showing a token)."""
    if not bot_token.startswith("xoxb-"):
        raise SlackStartError(
            f"SLACK_BOT_TOKEN must be the app's bot token (xoxb-…), got {errors.redact(bot_token)}")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SlackStartError(
            f"SLACK_APP_TOKEN must be an app-level token (xapp-…), got {errors.redact(app_token)}")
    if app_token is None and not signing_secret:
        raise SlackStartError("SLACK_SIGNING_SECRET is required in HTTP mode (without SLACK_APP_TOKEN)")
