"""The reports-of-concern benchmark runs (on a small dataset here); it prints, never asserts, timings."""

from __future__ import annotations

import pytest

from placement.bench.concerns import run

pytestmark = pytest.mark.slow


async def test_concern_benchmark_runs_and_reports(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await run(server_url, reports=400, national=False, repeat=2)
    report = capsys.readouterr().out
    assert "Reports of concern benchmark: 400 reports a year in the seed municipality" in report
    assert "loaded 400 reports" in report
    for name in ("watch list, mottagning", "watch list, one utredning unit", "yearly indicators"):
        assert name in report
