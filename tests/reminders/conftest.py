from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reminders.smtp import Smtp, smtp_server


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    """A real SMTP server on loopback, empty."""
    yield from smtp_server()
