"""Prometheus metrics of the process, on a registry of its own (tests get a fresh one each).

Counters are fed by observers the runtime hooks in: `BriefingService.observers` for commands,
the delivery layer's observers for pushed posts (its doubts' for posts whose send timed out).
Gauges that need the store or the scheduler are read when /metrics is scraped, through the
sources the runtime binds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from content.library import DIGEST_SHOWN, Reloaded
from handlers.context import ChatRef
from handlers.registry import REGISTRY

log = logging.getLogger("briefing.metrics")

CONTENT_TYPE = CONTENT_TYPE_LATEST
OTHER_COMMAND = "other"  # anything a reader typed that is not a command: keeps label values bounded
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_SOURCE_TIMEOUT = 2.0

NextRun = Callable[[], dt.datetime | None]
Count = Callable[[], Awaitable[int]]
Readiness = Callable[[], Mapping[str, bool]]


def command_label(command: str) -> str:
    return command if command in REGISTRY else OTHER_COMMAND


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.commands = Counter("briefing_commands", "Commands answered, by platform, command and outcome",
                                ["platform", "command", "outcome"], registry=r)
        self.questions = Counter("briefing_questions",
                                 "Questions in plain words (and commands not answered), by platform and "
                                 "whether the article answered them",
                                 ["platform", "answered"], registry=r)
        self.command_seconds = Histogram("briefing_command_duration_seconds", "Time to answer a command",
                                         ["platform"], buckets=_LATENCY_BUCKETS, registry=r)
        self.deliveries = Counter("briefing_deliveries", "Scheduled posts, by platform and outcome",
                                  ["platform", "outcome"], registry=r)
        self.uncertain = Counter("briefing_delivery_uncertain",
                                 "Scheduled posts whose send timed out, by how the doubt was resolved: "
                                 "arrived (the platform showed it), resent (sent again), unknown (given up)",
                                 ["platform", "resolution"], registry=r)
        self.send_seconds = Histogram("briefing_send_duration_seconds", "Time to send one scheduled post",
                                      ["platform"], buckets=_LATENCY_BUCKETS, registry=r)
        self.next_post = Gauge("briefing_next_post_timestamp_seconds",
                               "When the next scheduled post is due (Unix time; 0 when none is planned)",
                               registry=r)
        self.active_subscriptions = Gauge("briefing_active_subscriptions", "Subscriptions that receive posts",
                                          registry=r)
        self.adapter_ready = Gauge("briefing_adapter_ready", "1 when the platform is connected",
                                   ["platform"], registry=r)
        self.decks_served = Gauge("briefing_decks_served", "Decks that passed the check and are served",
                                  registry=r)
        self.decks_refused = Gauge("briefing_decks_refused",
                                   "Deck files refused by the check at the last load (the log says why)",
                                   registry=r)
        self.decks_generation = Gauge("briefing_decks_generation",
                                      "The reload generation (briefing-bot reload) this process has loaded",
                                      registry=r)
        self.decks = Info("briefing_decks", "Digest of the served decks: replicas showing the same one serve "
                          "the same decks", registry=r)
        self._count: Count | None = None
        self._readiness: Readiness | None = None

    # Observers (synchronous: they run inside the answering and sending code paths).

    def observe_command(self, chat: ChatRef, command: str, outcome: str, seconds: float) -> None:
        self.commands.labels(chat.platform, command_label(command), outcome).inc()
        self.command_seconds.labels(chat.platform).observe(seconds)

    def observe_question(self, chat: ChatRef, answered: bool) -> None:
        self.questions.labels(chat.platform, "yes" if answered else "no").inc()

    def observe_delivery(self, chat: ChatRef, outcome: str, seconds: float) -> None:
        self.deliveries.labels(chat.platform, outcome).inc()
        self.send_seconds.labels(chat.platform).observe(seconds)

    def observe_doubt(self, platform: str, resolution: str) -> None:
        self.uncertain.labels(platform, resolution).inc()

    def observe_decks(self, loaded: Reloaded, generation: int) -> None:
        self.decks_served.set(len(loaded.stories))
        self.decks_refused.set(len(loaded.refused))
        self.decks_generation.set(generation)
        self.decks.info({"digest": loaded.stories.digest[:DIGEST_SHOWN]})

    # Sources read at scrape time.

    def bind(self, *, next_run: NextRun | None = None, active_subscriptions: Count | None = None,
             readiness: Readiness | None = None) -> None:
        if next_run is not None:
            self.next_post.set_function(lambda: _timestamp(next_run()))
        self._count = active_subscriptions or self._count
        self._readiness = readiness or self._readiness

    async def refresh(self) -> None:
        """Read the gauges that need I/O; a slow or failing store leaves the last value."""
        if self._count is not None:
            try:
                self.active_subscriptions.set(await asyncio.wait_for(self._count(), _SOURCE_TIMEOUT))
            except Exception as exc:  # a scrape must still answer; the failure is logged
                log.warning("metrics: active subscriptions unavailable error=%s", type(exc).__name__)
        if self._readiness is not None:
            for platform, ready in self._readiness().items():
                self.adapter_ready.labels(platform).set(1 if ready else 0)

    async def render(self) -> bytes:
        await self.refresh()
        return generate_latest(self.registry)


def _timestamp(moment: dt.datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0
