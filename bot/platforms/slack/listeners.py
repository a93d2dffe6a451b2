"""What the Slack app does with each request bolt hands it: the `/briefing` slash command,
mentions, direct messages, button presses, the App Home tab, and failures.

Every answer comes from BriefingService. Answers posted into a conversation go out through
bot.platforms.answering (a channel that is gone is reported to ChatEvents); answers to a slash
command or a button go back through its response URL. Pushed posts go through SlackAdapter.send
instead, whose caller decides what a failure means.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.platforms.answering import ChatReports, answer_reader
from bot.platforms.base import ChatEvents, Sent
from bot.platforms.service import BriefingService, apology
from bot.platforms.slack.blocks import (
    BUTTON_VALUE_MAX,
    COMMAND,
    FOLLOWUP_ACTION,
    SHARE_ACTION,
    SlackMessage,
    render,
)
from bot.platforms.slack.home import home_view
from bot.platforms.slack.incoming import PLATFORM, chat_ref, delivery_key, reader_text
from bot.platforms.slack.locales import Locales
from handlers.context import ChatRef, Permission, SubscriptionSummary
from handlers.i18n import speaking_in
from handlers.registry import REGISTRY
from handlers.reply import Reply, clip

log = logging.getLogger("briefing.slack")

Send = Callable[[ChatRef, Reply], Awaitable[Sent]]
Body = dict[str, Any]  # a request as bolt parsed it
HOOK_TIMEOUT = 30.0  # seconds a post to a response URL may take (slack_sdk's default)


class ReplyRefused(RuntimeError):
    """A response URL did not take the reply (expired, malformed): logged, the reader gets an apology."""


def log_failure(error: Exception) -> None:
    log.error("slack listener failed: %s: %s", type(error).__name__, clip(str(error), 300), exc_info=error)


class Readers:
    """Answers readers' requests through the BriefingService (bolt's listeners)."""

    def __init__(self, service: BriefingService, client: AsyncWebClient, send: Send, *,
                 events: ChatEvents | None = None, admins: frozenset[str] | None = None) -> None:
        self.service = service
        self.client = client
        self.send = send
        self.reports = ChatReports(events, log)
        self.admins = admins
        self.locales = Locales(client)
        self._busy_count = 0
        self._hooks: aiohttp.ClientSession | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    def register(self, app: AsyncApp) -> None:
        app.command(COMMAND)(self.on_command)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)
        app.action(SHARE_ACTION)(self.on_share)
        app.action(re.compile(f"^{FOLLOWUP_ACTION}_"))(self.on_followup)
        app.error(self.on_error)

    def hook(self, respond: AsyncRespond) -> AsyncWebhookClient:
        """The request's response URL, reached over one kept-alive session: bolt's `respond` opens
        (and closes) a connection for every message, a TLS handshake each on Slack's servers."""
        if respond.response_url is None:
            raise ReplyRefused("this request has no response URL")
        if self._hooks is None or self._hooks.closed:
            self._hooks = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HOOK_TIMEOUT))
        return AsyncWebhookClient(url=respond.response_url, session=self._hooks)

    async def close(self) -> None:
        """Close the response URLs' session (after drain())."""
        if self._hooks is not None:
            await self._hooks.close()
            self._hooks = None

    async def drain(self, within: float) -> bool:
        """Wait until no listener is answering; False if some still were after `within` seconds."""
        try:
            async with asyncio.timeout(within):
                await self._idle.wait()
        except TimeoutError:
            log.warning("slack stopped with %d answer(s) still under way", self._busy_count)
            return False
        return True

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

    async def answer(self, text: str, chat: ChatRef, user_id: str | None, body: Body) -> Reply | None:
        """The reply to the reader, in their language; None when this request was answered already
        (a retry, a replay)."""
        return await self.service.answer(text, chat, may_manage=self.permission(user_id),
                                         delivery=delivery_key(body),
                                         reader_language=await self.locales.of(user_id))

    # --- requests ----------------------------------------------------------------------------

    async def on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                         context: AsyncBoltContext) -> None:
        """`/briefing <text>`: acked at once, answered through the response URL, to the reader only."""
        async with self._answering(context):  # entered first, so that drain() waits for this answer too
            # Slack always names the channel; without one, the reader's DM with the app stands in.
            where = command.get("channel_id") or command.get("user_id")
            if not where:
                with speaking_in(self.service.language):
                    await ack(text=usage())
                return
            await ack()
            text = reader_text(str(command.get("text", "")), context.bot_user_id) or "start"
            chat = chat_ref(str(where))
            reply = await self.answer(text, chat, command.get("user_id"), command)
            if reply is None:
                return
            hint = usage_in(reply) if text == "start" or reply.tone == "notice" else None
            await self.via_response_url(respond, render(reply, share=_share(chat, reply, text), hint=hint))

    async def on_mention(self, event: Body, body: Body, context: AsyncBoltContext) -> None:
        """`@briefing who is Fidan?` in a channel: answered in the channel (or its thread)."""
        if str(event.get("channel", "")).startswith("D"):
            return  # a mention in a DM also arrives as a message event, answered there
        await self._converse(event, body, context)

    async def on_message(self, event: Body, body: Body, context: AsyncBoltContext) -> None:
        """A direct message to the app; other message events (edits, bots, channels) are ignored."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await self._converse(event, body, context)

    async def _converse(self, event: Body, body: Body, context: AsyncBoltContext) -> None:
        if not event.get("channel"):
            return  # nowhere to answer
        async with self._answering(context):
            chat = chat_ref(str(event["channel"]), event.get("thread_ts"))
            text = reader_text(str(event.get("text", "")), context.bot_user_id) or "start"
            reply = await self.answer(text, chat, event.get("user"), body)
            if reply is not None:
                await self.respond(chat, reply)

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
                chat = chat_ref(str(channel or await self.dm_with(user)))
                reply = await self.answer(command, chat, user, body)
                if reply is not None:
                    await self.respond(chat, reply)
                return
            chat = chat_ref(str(channel))
            reply = await self.answer(command, chat, user, body)
            if reply is not None:
                await self.via_response_url(respond, render(reply, share=_share(chat, reply, command)))

    async def on_share(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                       respond: AsyncRespond, context: AsyncBoltContext) -> None:
        """"Share in channel": the card again, for everyone, and the private copy removed."""
        async with self._answering(context):
            await ack()
            user = str(body["user"]["id"])
            chat = chat_ref(str(body["channel"]["id"]))
            reply = await self.answer(str(action.get("value", "")), chat, user, body)
            if reply is None:
                return
            await self.via_response_url(respond, render(reply), response_type="in_channel")
            await self.hook(respond).send(delete_original=True)

    async def on_home_opened(self, event: Body, body: Body, context: AsyncBoltContext) -> None:
        """The App Home tab: published afresh each time it is opened (the countdown moves)."""
        if event.get("tab") != "home":
            return
        async with self._answering(context, apologise=False):  # nothing was asked: no apology in the DM
            user = str(event["user"])
            chat = chat_ref(str(event.get("channel") or user))
            summary = await self.answer("summary", chat, user, body)
            if summary is None:
                return
            stories = await self.service.listing(chat, await self.locales.of(user))
            with summary.in_its_language():
                subscriptions = await self.subscriptions()
            view = home_view(summary, subscriptions, usage_in(summary), stories)
            await self.client.views_publish(user_id=user, view=view)

    async def dm_with(self, user: str) -> str:
        """The id of the app's DM with `user` (App Home's buttons come without it): that chat's story
        and settings are the reader's own. The user id, which Slack also posts to, if it cannot be had."""
        try:
            opened = await self.client.conversations_open(users=user)
            return str(opened["channel"]["id"])
        except Exception as exc:  # the answer still reaches the reader
            log.warning("slack: no DM channel for an App Home button: %s", type(exc).__name__)
            return user

    async def subscriptions(self) -> list[SubscriptionSummary] | None:
        """This workspace's subscriptions; None when there is no chat service or it failed."""
        if self.service.chats is None:
            return None
        try:
            return await self.service.chats.subscriptions(PLATFORM)
        except Exception:
            log.exception("slack home: listing subscriptions failed")
            return None

    async def on_error(self, error: Exception, context: AsyncBoltContext) -> None:
        """A failed answer (also bolt's error handler): log it, tell the reader briefly, carry on."""
        log_failure(error)
        await self._apologise(context)

    # --- answering ---------------------------------------------------------------------------

    async def respond(self, chat: ChatRef, reply: Reply) -> None:
        """Post an answer in a conversation; a channel that is gone is reported, not raised."""
        await answer_reader(self.send, chat, reply, self.reports)

    async def via_response_url(self, respond: AsyncRespond, messages: Sequence[SlackMessage],
                               response_type: str = "ephemeral") -> None:
        hook = self.hook(respond)
        for message in messages:
            result = await hook.send(text=message.text, blocks=list(message.blocks),
                                     response_type=response_type, replace_original=False)
            if result.status_code != 200:
                raise ReplyRefused(
                    f"response URL refused the reply: {result.status_code} {clip(result.body, 200)}")

    async def _apologise(self, context: AsyncBoltContext) -> None:
        """A short apology where the reader asked, in their language; best effort, since Slack may
        be what failed."""
        try:
            with speaking_in(self.service.reader_language(await self.locales.of(context.user_id))):
                sorry = apology()
            if context.respond is not None and context.response_url:
                await self.via_response_url(context.respond, render(sorry))
            elif where := context.channel_id or context.user_id:
                await self.send(chat_ref(where), sorry)
        except Exception as exc:
            log.warning("slack apology not delivered: %s", type(exc).__name__)


def usage() -> str:
    """The usage hint ('/briefing who [name] | when | …'), its argument names in the current language."""
    return REGISTRY.usage_hint(COMMAND)


def usage_in(reply: Reply) -> str:
    """The usage hint in the language of `reply`, which it is shown under."""
    with reply.in_its_language():
        return usage()


def _share(chat: ChatRef, reply: Reply, text: str) -> str | None:
    """The command the share button carries: cards in channels only, and only if it fits."""
    if reply.tone != "card" or chat.kind != "channel" or len(text) > BUTTON_VALUE_MAX:
        return None
    return text
