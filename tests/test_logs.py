"""No personnummer ever reaches a log line, whichever field carries it."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from placement.logs import PERSONNUMMER_MASK, configure_logging, find_personnummer, mask_personnummer
from placement.settings import LogFormat
from tests.conftest import SUITE_LOG, configure_suite_logging


@pytest.mark.parametrize(
    "value", ["201503129809", "20150312-9809", "150312-9809", "150312+9809", "barn 150312-9809 placerat"]
)
def test_personnummer_shapes_are_masked(value: str) -> None:
    masked = mask_personnummer(None, "info", {"event": "x", "detail": value})
    assert "9809" not in masked["detail"]
    assert PERSONNUMMER_MASK in masked["detail"]


def test_nested_values_and_other_numbers() -> None:
    event = {
        "event": "x",
        "ids": ["201503129809"],
        "extra": {"pnr": "150312-9809"},
        "count": 12,
        "year": "2026",
    }
    masked = mask_personnummer(None, "info", event)
    assert masked == {
        "event": "x",
        "ids": [PERSONNUMMER_MASK],
        "extra": {"pnr": PERSONNUMMER_MASK},
        "count": 12,
        "year": "2026",
    }


def test_json_logs_carry_context_and_mask(capsys: pytest.CaptureFixture[str]) -> None:
    """A JSON log line has the bound request id and no personnummer, from structlog and stdlib alike."""
    configure_logging(LogFormat.JSON, "info")  # to stderr only, for capsys
    try:
        with structlog.contextvars.bound_contextvars(request_id="abc12345"):
            structlog.get_logger("test").info("child_seen", note="20150312-9809")
            logging.getLogger("aiohttp.access").info("GET /x?pnr=201503129809")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        configure_suite_logging()
    assert [line["request_id"] for line in lines] == ["abc12345", "abc12345"]
    assert lines[0]["note"] == PERSONNUMMER_MASK
    assert lines[1]["event"] == f"GET /x?pnr={PERSONNUMMER_MASK}"


def test_the_suite_log_is_being_checked() -> None:
    """The suite's own log output is collected (and checked for personnummer at the end)."""
    structlog.get_logger("test").info("suite_log_probe", note="20150312-9809")
    written = SUITE_LOG.getvalue()
    assert '"event": "suite_log_probe"' in written
    assert find_personnummer(written) == []


def test_find_personnummer_finds_them() -> None:
    assert find_personnummer('{"path": "/x/201503129809", "q": "150312-9809"}') == [
        "201503129809",
        "150312-9809",
    ]
    assert find_personnummer('{"id": "3e2d0122-8df0-4427-8d85-a434d796a363", "at": "2026-11-22T13:03"}') == []
