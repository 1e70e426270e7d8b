"""A real SMTP server on loopback (aiosmtpd) for the reminder tests: it keeps what it accepts, and
can be told to refuse the next messages as a server that is temporarily unable would."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from placement.settings import Settings, SmtpTls


class Inbox:
    """aiosmtpd's handler: every accepted message, parsed; ``refuse`` messages answered 451."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Tillfälligt fel, försök senare"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def text(self, message: EmailMessage) -> str:
        body = message.get_body(("plain",))
        assert body is not None
        return f"{message['Subject']}\n{body.get_content()}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serving(inbox: Inbox) -> Iterator[int]:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


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


def smtp_server() -> Iterator[Smtp]:
    """A real SMTP server on loopback, empty (the body of the ``smtp`` fixtures)."""
    inbox = Inbox()
    for port in serving(inbox):
        yield Smtp(inbox, port)
