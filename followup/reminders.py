"""What a reminder says and when one is owed (pure: no database, no mail server).

A reminder leaves the municipality's systems by e-mail, so it carries counts and a link, never a
child's name, personnummer or anything else about a child: the person follows the link and signs
in to see which children. Each reminder has a period (the ISO week for a weekly one, the day for
a daily one, the finding for a register change); one is sent per person, kind and period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Frequency(StrEnum):
    """How often a person wants their reminder: every week, every day, or never."""

    WEEKLY = "weekly"
    DAILY = "daily"
    OFF = "off"


class ReminderKind(StrEnum):
    DIGEST = "digest"
    """A social worker's own children's obligations, due soon and overdue."""
    ESCALATION = "escalation"
    """A unit lead's: the unit's obligations overdue longer than the policy's escalation days."""
    REGISTER_FINDING = "register_finding"
    """A register change raised a finding (SV01–SV09) on placements of the municipality."""


def period(frequency: Frequency, today: dt.date) -> str | None:
    """The period a reminder sent today belongs to, or None for no reminder: the ISO week
    (``2026-W48``) for weekly ones, so a weekly mail goes out once in a week whenever the job first
    runs in it; the day for daily ones."""
    if frequency is Frequency.OFF:
        return None
    if frequency is Frequency.DAILY:
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Mail:
    subject: str
    body: str


def _skyldigheter(n: int) -> str:
    return f"{n} skyldighet" if n == 1 else f"{n} skyldigheter"


def _placeringar(n: int) -> str:
    return f"{n} placering" if n == 1 else f"{n} placeringar"


_FOOTER = (
    "\n\nLänken kräver inloggning. Av hänsyn till barnens integritet står inga namn eller "
    "personnummer i e-post.\nDu väljer själv om du vill ha påminnelser varje vecka, varje dag "
    "eller inte alls: {settings}\n\nPlaceringskontroll"
)


def digest_mail(*, overdue: int, due_soon: int, frequency: Frequency, link: str, settings_link: str) -> Mail:
    """A social worker's reminder of the obligations towards the children they are responsible for."""
    when = "veckans" if frequency is Frequency.WEEKLY else "dagens"
    lines = []
    if overdue:
        lines.append(f"- {_skyldigheter(overdue)} har passerat sitt datum.")
    if due_soon:
        lines.append(f"- {_skyldigheter(due_soon)} förfaller snart.")
    body = (
        f"Hej!\n\nDetta är {when} påminnelse om uppföljningen av barn som du är ansvarig "
        "socialsekreterare för:\n\n"
        + "\n".join(lines)
        + f"\n\nSe vilka barn och skyldigheter det gäller: {link}"
    )
    subject = f"Påminnelse: {_skyldigheter(overdue)} försenade, {due_soon} förfaller snart"
    return Mail(subject, body + _FOOTER.format(settings=settings_link))


def escalation_mail(
    *, overdue: int, placements: int, escalation_days: int, unit: str | None, link: str, settings_link: str
) -> Mail:
    """A unit lead's reminder of the unit's obligations overdue longer than the policy allows."""
    where = f"enheten {unit}" if unit else "din enhet"
    body = (
        f"Hej!\n\nI {where} har {_skyldigheter(overdue)} för {_placeringar(placements)} varit "
        f"försenade i mer än {escalation_days} dagar.\n\nSe vilka det gäller: {link}"
    )
    subject = f"Försenad uppföljning i {where}: {_skyldigheter(overdue)}"
    return Mail(subject, body + _FOOTER.format(settings=settings_link))


def register_finding_mail(*, code: str, placements: int, link: str, settings_link: str) -> Mail:
    """To placement support and the responsible social workers: a change in the provider register
    concerns placements of the municipality."""
    body = (
        f"Hej!\n\nEn ändring i leverantörsregistret (avvikelse {code}) rör {_placeringar(placements)} "
        f"i kommunen som du arbetar med.\n\nSe ändringen och vilka placeringar den gäller: {link}"
    )
    subject = f"Ändring i registret rör {_placeringar(placements)} ({code})"
    return Mail(subject, body + _FOOTER.format(settings=settings_link))
