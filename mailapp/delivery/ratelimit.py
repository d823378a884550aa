"""At most N messages a second, shared by every sending thread.

The limit is a promise to the provider ("at most this many a second"), so
the default burst is a single message: in any one-second window at most
``rate + 1`` messages start. Each caller reserves the next free slot under
the lock and then sleeps outside it, so threads that wake up a little late
do not lose slots, and a stop request ends every wait at once.
"""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """Thread-safe rate limit; ``rate_per_second=0`` means no limit."""

    def __init__(self, rate_per_second: int, burst: int = 1) -> None:
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self._lock = threading.Lock()
        self._burst = burst
        self._interval = 0.0
        #: Time at which the next slot becomes free (monotonic clock).
        self._next_free = time.monotonic()
        self.set_rate(rate_per_second)

    @property
    def rate_per_second(self) -> int:
        return self._rate

    def set_rate(self, rate_per_second: int) -> None:
        """Change the limit for the following messages (the setting was edited)."""
        if rate_per_second < 0:
            raise ValueError("rate_per_second cannot be negative")
        with self._lock:
            self._rate = rate_per_second
            self._interval = 1.0 / rate_per_second if rate_per_second else 0.0
            # Start with the whole burst available.
            self._next_free = time.monotonic() - (self._burst - 1) * self._interval

    def acquire(self, stop_event: threading.Event | None = None) -> bool:
        """Wait for the right to send one message.

        True when the caller may send; False as soon as ``stop_event`` is set
        (also when it is set already), so a stopping mailing never waits for
        a slot it will not use.
        """
        if stop_event is not None and stop_event.is_set():
            return False
        with self._lock:
            if not self._interval:
                return True
            now = time.monotonic()
            earliest = now - (self._burst - 1) * self._interval
            slot = max(self._next_free, earliest)
            self._next_free = slot + self._interval
        delay = slot - now
        if delay <= 0:
            return True
        if stop_event is None:
            time.sleep(delay)
            return True
        return not stop_event.wait(delay)
