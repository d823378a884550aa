"""The rate limit: spacing between messages, and prompt release on stop."""

from __future__ import annotations

import threading
import time

import pytest

from mailapp.delivery.ratelimit import RateLimiter


def test_zero_means_unlimited() -> None:
    limiter = RateLimiter(0)
    start = time.monotonic()
    assert all(limiter.acquire() for _ in range(10_000))
    assert time.monotonic() - start < 1.0


def test_tokens_beyond_the_burst_wait() -> None:
    limiter = RateLimiter(50)
    assert limiter.acquire()  # the burst (one message) goes at once
    start = time.monotonic()
    for _ in range(10):
        assert limiter.acquire()
    assert time.monotonic() - start >= 0.15  # 10 slots of 20 ms


def test_a_larger_burst_goes_at_once() -> None:
    limiter = RateLimiter(10, burst=5)
    start = time.monotonic()
    for _ in range(5):
        limiter.acquire()
    assert time.monotonic() - start < 0.09  # less than one slot of 100 ms


def test_threads_share_the_limit() -> None:
    limiter = RateLimiter(100)
    limiter.acquire()
    start = time.monotonic()

    def worker() -> None:
        for _ in range(5):
            limiter.acquire()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - start >= 0.18  # 20 slots of 10 ms


def test_stop_event_releases_a_waiting_thread_promptly() -> None:
    limiter = RateLimiter(1)
    stop = threading.Event()
    assert limiter.acquire(stop)
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(limiter.acquire(stop)))
    waiter.start()
    time.sleep(0.05)
    released = time.monotonic()
    stop.set()
    waiter.join(2)
    assert not waiter.is_alive()
    assert results == [False]
    assert time.monotonic() - released < 0.5  # the slot was ~1 s away


def test_a_set_stop_event_refuses_at_once() -> None:
    stop = threading.Event()
    stop.set()
    assert RateLimiter(0).acquire(stop) is False
    assert RateLimiter(10).acquire(stop) is False


def test_rate_can_change() -> None:
    limiter = RateLimiter(1)
    limiter.acquire()
    limiter.set_rate(0)
    assert limiter.rate_per_second == 0
    start = time.monotonic()
    assert limiter.acquire()
    assert time.monotonic() - start < 0.1


def test_invalid_values() -> None:
    with pytest.raises(ValueError):
        RateLimiter(-1)
    with pytest.raises(ValueError):
        RateLimiter(1, burst=0)
