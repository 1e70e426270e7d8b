"""The obligation-scan benchmark runs (on a small dataset here); it prints, never asserts, timings."""

from __future__ import annotations

import pytest

from placement.bench.scan import run

# Real processes or benchmark smoke runs: the everyday loop (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow


async def test_scan_benchmark_runs_and_reports(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    await run(server_url, placements=300, municipalities=3)
    report = capsys.readouterr().out
    assert "Obligation scan benchmark: 300 placements in 3 municipalities" in report
    assert "first scan, every placement computed (300)" in report
    assert "periodic scan, nothing changed (0 recomputed)" in report
    assert "after 3 new visits (3 recomputed)" in report
