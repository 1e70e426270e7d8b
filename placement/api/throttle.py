"""A limit on failed sign-ins per client: guessing tokens costs time.

Each client (its address) may fail ``limit`` times within a window; after that every sign-in it
attempts is refused with 429 and ``Retry-After`` until the window has passed, whether its
credential is good or not. Successful sign-ins are not counted. The count lives in the process
(several instances each keep their own), which is enough to turn hundreds of guesses a second
into a few dozen a minute.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from placement.errors import TooManyRequests

_MAX_CLIENTS = 100_000


class FailedSignIns:
    def __init__(self, *, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def check(self, client: str) -> None:
        """Refuse (429) a client that has failed ``limit`` times within the window."""
        failures = self._recent(client)
        if failures is not None and len(failures) >= self.limit:
            retry_after = max(1, math.ceil(failures[0] + self.window_s - self.clock()))
            raise TooManyRequests(
                "För många misslyckade inloggningar från denna klient; försök igen senare",
                retry_after_s=retry_after,
            )

    def failed(self, client: str) -> None:
        if len(self._failures) >= _MAX_CLIENTS:
            self._forget_quiet_clients()
        self._failures.setdefault(client, deque()).append(self.clock())

    def _recent(self, client: str) -> deque[float] | None:
        failures = self._failures.get(client)
        if failures is None:
            return None
        horizon = self.clock() - self.window_s
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[client]
            return None
        return failures

    def _forget_quiet_clients(self) -> None:
        for client in list(self._failures):
            self._recent(client)
