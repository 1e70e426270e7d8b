"""The onboarding benchmark runs (on a small export here); its timings are printed, never asserted."""

from __future__ import annotations

import pytest

from placement.bench.onboarding import run

# Real processes or benchmark smoke runs: the everyday loop (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow


async def test_benchmark_runs_and_reports(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    figures = await run(200, server_url)
    report = capsys.readouterr().out
    assert "Onboarding import benchmark: 200 placements" in report
    assert "the same file again (nothing changes)" in report
    # Each placement brings its child, decision, appointment and two events; 300 staff besides.
    assert (figures["first_created"], figures["second_created"]) == (200 * 6 + 300, 0)
