"""Telling "the database is unreachable right now" from "this query is wrong".

An outage (the server down or restarting, the network cut, the pool exhausted, the disk full or
read-only) is worth degrading for: answer from the deck, say settings are unavailable for a
moment. Any other error is a bug and gets the usual apology and traceback. The database
libraries are imported only when there is an error to judge, so code that never fails pays
nothing for them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

# PostgreSQL's SQLSTATE classes of a server that cannot serve now: connection exceptions,
# insufficient resources (too many clients, disk full), operator intervention (shutting down).
_OUTAGE_STATES = ("08", "53", "57P")
REST = 5.0  # seconds after a failure during which callers that can do without the part skip it
QUIET = 60.0  # seconds without a failure after which an outage is over


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached or used right now."""
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.DBAPIError):
        state = str(getattr(exc.orig, "sqlstate", None) or "")
        return (exc.connection_invalidated or isinstance(exc, sa.OperationalError | sa.InterfaceError)
                or state.startswith(_OUTAGE_STATES))
    if isinstance(exc, sa.TimeoutError | sa.DisconnectionError):
        return True
    return isinstance(exc, OSError | TimeoutError) or _asyncpg_connection_error(exc)


def _asyncpg_connection_error(exc: BaseException) -> bool:
    try:
        from asyncpg import exceptions as pg
    except ImportError:
        return False
    return isinstance(exc, pg.PostgresConnectionError | pg.CannotConnectNowError)


class Outage:
    """One part's outages as the log tells them: when it became unavailable and when it came back.

    Every failure is reported with `failed()`, but only the first of an outage is logged. An
    outage ends with `succeeded()`, called after an operation that certainly reached the part, or
    after `quiet` seconds without a failure. Shortly after a failure the part is `resting()`:
    callers that can do without it (a chat's zone) do not wait on it again yet.
    """

    def __init__(self, what: str, log: logging.Logger, *, rest: float = REST, quiet: float = QUIET,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self.log = log
        self.rest, self.quiet, self.clock = rest, quiet, clock
        self.failures = 0  # during the current outage
        self._last_failure: float | None = None

    @property
    def down(self) -> bool:
        return self._last_failure is not None and self.clock() - self._last_failure < self.quiet

    def resting(self) -> bool:
        return self._last_failure is not None and self.clock() - self._last_failure < self.rest

    def failed(self, exc: BaseException, consequence: str) -> None:
        if not self.down:
            self.failures = 0
            self.log.warning("%s unavailable error=%s: %s", self.what, type(exc).__name__, consequence)
        self.failures += 1
        self._last_failure = self.clock()

    def succeeded(self) -> None:
        if self.down:
            self.log.info("%s available again failures=%d", self.what, self.failures)
        self._last_failure, self.failures = None, 0
