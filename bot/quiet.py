"""Log lines a stranger can repeat at will (refused calls, closed connections): one a minute at most.

The first line is logged at once; those within the next `every` seconds are counted, and the
next line logged says how many were left out. The access log still has one line per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class Quiet:
    def __init__(self, log: logging.Logger, every: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.log = log
        self.every = every
        self.clock = clock
        self.left_out = 0
        self._said_at: float | None = None

    def warning(self, message: str, *args: object) -> None:
        now = self.clock()
        if self._said_at is not None and now - self._said_at < self.every:
            self.left_out += 1
            return
        suffix = f" (and {self.left_out} more like it since the last line)" if self.left_out else ""
        self.log.warning(message + suffix, *args)
        self._said_at, self.left_out = now, 0
