"""The check-run benchmark runs (briefly here); it prints, never asserts, timings."""

from __future__ import annotations

import pytest

from placement.bench.checks import run

# Real processes or benchmark smoke runs: the everyday loop (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow


async def test_check_benchmark_runs_and_reports(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    figures = await run(server_url, seconds=0.5, clients=4)
    report = capsys.readouterr().out
    assert "check runs (POST)" in report
    assert "errors 0   (target p99 < 50 ms)" in report
    assert "throughput ratio" in report
    # The server ran in a process of its own, whose peak memory is read from /proc on Linux.
    assert "server peak resident memory" in report
    assert 20 < figures["server_peak_rss_mb"] < 1000
