"""Sending e-mail over SMTP (aiosmtplib), as the settings say: host, port, TLS, sender, login."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from email.message import EmailMessage

import aiosmtplib

from placement.settings import Settings, SmtpTls


class MailNotConfigured(RuntimeError):
    """No mail server is configured (PLACEMENT_SMTP_HOST)."""


class Mailer:
    """Sends one message at a time; ``on_sent`` and ``on_failed`` count them (placement/metrics.py)."""

    def __init__(
        self,
        settings: Settings,
        *,
        on_sent: Callable[[], None] | None = None,
        on_failed: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_sent = on_sent
        self.on_failed = on_failed

    @property
    def configured(self) -> bool:
        return self.settings.smtp_host is not None

    def message(self, *, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.mail_sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = email.utils.formatdate(localtime=False)
        domain = self.settings.mail_sender.rpartition("@")[2] or "localhost"
        message["Message-ID"] = email.utils.make_msgid(domain=domain)
        message.set_content(body)
        return message

    async def send(self, *, to: str, subject: str, body: str) -> None:
        """Send one mail; raises on any failure (refused, unreachable, timed out)."""
        s = self.settings
        if s.smtp_host is None:
            raise MailNotConfigured
        try:
            await aiosmtplib.send(
                self.message(to=to, subject=subject, body=body),
                hostname=s.smtp_host,
                port=s.smtp_port,
                use_tls=s.smtp_tls is SmtpTls.TLS,
                start_tls=s.smtp_tls is SmtpTls.STARTTLS,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                timeout=s.smtp_timeout_s,
            )
        except Exception:
            if self.on_failed is not None:
                self.on_failed()
            raise
        if self.on_sent is not None:
            self.on_sent()
