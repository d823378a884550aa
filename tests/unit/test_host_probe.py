"""The benchmark's host probe: what it charges to the host, and what not.

``bench.gui`` takes from each gap of the window's event loop the time in
which a real-time probe on the GUI thread's core woke late. That is fair
only if no task of this machine's can make the probe late.
"""

from __future__ import annotations

import os

import pytest

from bench.host_probe import HostProbe


def _probe_with(late: dict[int, list[tuple[float, float]]]) -> HostProbe:
    probe = HostProbe()
    probe.late = late
    probe.stop()  # no process started: only indexes what it holds
    return probe


def test_a_gap_is_charged_with_the_time_every_core_it_ran_on_was_taken() -> None:
    probe = _probe_with({0: [(1.0, 1.010), (1.020, 1.030)], 1: [(1.005, 1.025)]})

    assert probe.taken_ms({0}, 1.0, 1.1) == pytest.approx(20.0)
    assert probe.taken_ms({0}, 1.005, 1.025) == pytest.approx(10.0)  # clipped to the gap
    # On two cores, only the time both were taken (the thread may have moved).
    assert probe.taken_ms({0, 1}, 1.0, 1.1) == pytest.approx(10.0)
    assert probe.taken_ms({0}, 1.1, 1.2) == 0.0


def test_without_a_probe_nothing_is_charged() -> None:
    probe = _probe_with({0: [(1.0, 1.010)]})

    assert probe.taken_ms({-1}, 1.0, 1.1) == 0.0  # the core was not known
    assert probe.taken_ms({1}, 1.0, 1.1) == 0.0  # no probe on that core
    assert _probe_with({}).taken_ms({0}, 1.0, 1.1) == 0.0


def test_each_probe_runs_pinned_to_its_core_above_every_ordinary_task() -> None:
    """At an ordinary priority a probe would wait behind this machine's own
    busy tasks (measured: 19 % of a second late beside eight of them), and
    their time would be charged to the host."""
    probe = HostProbe()
    if not probe.start():
        pytest.skip("real-time priority is not granted here")
    try:
        probes = probe.processes
        assert set(probes) == os.sched_getaffinity(0)
        for core, pid in probes.items():
            assert os.sched_getaffinity(pid) == {core}
            assert os.sched_getscheduler(pid) == os.SCHED_FIFO
    finally:
        probe.stop()
