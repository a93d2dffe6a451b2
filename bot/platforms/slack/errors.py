"""Slack's refusals in the terms the rest of the process understands (bot.platforms.base' DeliveryError)."""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.platforms.base import DeliveryError, DestinationGone, Rejected, RetryLater, Unavailable

# The destination will not take messages any more: stop posting there.
GONE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "account_inactive"})
# Slack's own trouble, or ours with the token: it may pass, so try again later.
TRANSIENT = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout",
                       "invalid_auth", "not_authed", "token_revoked", "token_expired", "missing_scope"})
# The token itself was refused: at start-up this is a configuration error.
REFUSED_TOKEN = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired",
                           "account_inactive", "not_allowed_token_type"})
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)
DEFAULT_RETRY_AFTER = 30.0  # what Slack's Tier 1 asks for when a 429 names no delay


def error_code(exc: SlackApiError) -> str:
    """Slack's error code (`not_in_channel`), or `http_<status>` when the body named none."""
    response = exc.response
    code = response.get("error") if isinstance(response.data, dict) else None
    return str(code) if code else f"http_{response.status_code}"


def retry_after(exc: SlackApiError) -> float:
    value = exc.response.headers.get("Retry-After") if exc.response.headers else None
    try:
        return max(float(value), 0.0) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


def delivery_error(exc: SlackApiError) -> DeliveryError:
    """The DeliveryError for a refused Web API call (after the client's own retries)."""
    code = error_code(exc)
    status = exc.response.status_code
    if status == 429 or code in ("ratelimited", "rate_limited"):
        return RetryLater(code, retry_after(exc))
    if code in GONE:
        return DestinationGone(code)
    if status >= 500 or code in TRANSIENT:
        return Unavailable(code)
    return Rejected(code)  # the message itself (msg_too_long, invalid_blocks, …): resending won't help


# Failures that mean Slack never acted on the request: no connection was made, or a pooled
# connection turned out closed (Slack drops idle keep-alive connections) before it was used.
# Both are safe to retry; a timeout waiting for an answer is not: the post may be in the channel
# (the delivery then looks for it in the history: history.py).
UNSENT = (aiohttp.ClientConnectorError, aiohttp.ServerDisconnectedError)


def network_error(exc: BaseException) -> Unavailable:
    maybe_sent = not isinstance(exc, UNSENT)
    note = " (may have been delivered)" if maybe_sent else ""
    return Unavailable(f"slack unreachable: {type(exc).__name__}{note}", maybe_sent=maybe_sent)


def token_kind(token: str) -> str:
    """What kind of token this is, as a message may show it (`xoxb-…`): nothing of the secret."""
    kind, dash, _ = token.partition("-")
    return f"{kind}-…" if dash and kind.isalpha() and len(kind) <= 5 else "…"
