"""The web page benchmark runs (on a hundredth of the national dataset here); it prints, never
asserts, timings."""

from __future__ import annotations

import pytest

from placement.bench import national_dataset
from placement.bench.web import run

# A benchmark smoke run: the everyday loop (-m "not slow") leaves it out.
pytestmark = pytest.mark.slow


async def test_web_benchmark_runs_and_reports(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    results = await run(server_url, national_dataset.NATIONAL.scaled(0.01), children=40, requests=5)
    report = capsys.readouterr().out
    assert results["children_in_unit"] == 40
    assert "a unit of 40 placed children, 5 requests each" in report
    for page in ("worklist_unit", "placement_page", "check_result", "check_run_form", "trivial_page"):
        assert results[page]["n"] == 5
        assert f"{page}" in report
