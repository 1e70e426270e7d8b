"""The register benchmark runs (on a small register here); its timings are printed, never asserted."""

from __future__ import annotations

import pytest

from placement.bench.register_import import run

# Real processes or benchmark smoke runs: the everyday loop (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow


async def test_benchmark_runs_and_reports(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    await run(200, server_url)
    report = capsys.readouterr().out
    assert "Register import benchmark: 200 units" in report
    assert "second import: parse, diff, merge, findings" in report
    assert "findings to municipalities" in report


def test_screening_benchmark_runs_and_reports() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "placement.bench.screening",
            "--staff",
            "400",
            "--officers",
            "400",
            "--sample",
            "40",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Screening benchmark: 400 staff against 400 officers" in result.stdout
    assert "ratio" in result.stdout
