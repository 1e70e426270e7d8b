from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from placement.settings import Settings, SmtpTls
from tests.reminders.smtp import Inbox, serving


@dataclass
class Smtp:
    inbox: Inbox
    port: int

    def settings(self, base: Settings) -> Settings:
        """``base`` sending its mail to this server."""
        return base.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": self.port,
                "smtp_tls": SmtpTls.NONE,
                "mail_sender": "paminnelser@kommun.invalid",
                "smtp_timeout_s": 5.0,
            }
        )


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    """A real SMTP server on loopback, empty."""
    inbox = Inbox()
    for port in serving(inbox):
        yield Smtp(inbox, port)
