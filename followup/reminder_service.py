"""Sending reminders: each person's digest, each unit lead's escalation, and the alert when a
register change concerns a municipality's placements. Run as jobs (placement/jobs.py).

Sent once: a reminder is recorded (reminder_sent) in the transaction that sends it. A second
instance sending the same one waits on that row and then finds it recorded; a restart finds it
recorded; a send that fails rolls the record back, the job fails and is retried with backoff, and
the reminders already sent are not sent again. Each municipality's work is in transactions scoped
to it (row-level security); the counts a mail tells are reads of children's obligations, so each
sent mail writes the audit rows of the placements it counted, as ``system:reminders``.

A mail says counts and a link, never a child's name or personnummer (followup/reminders.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog

from followup.reminders import (
    Frequency,
    Mail,
    ReminderKind,
    digest_mail,
    escalation_mail,
    period,
    register_finding_mail,
)
from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.database.pool import Database
from placement.mail import Mailer
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.reminders import Counted, Recipient, ReminderRepository

log = structlog.get_logger(__name__)

REMINDER_ACTOR = "system:reminders"
# A register finding older than this when the job first sees it is not mailed (a new installation
# does not mail about old changes).
FINDING_WINDOW = dt.timedelta(days=7)


class RemindersFailed(RuntimeError):
    """Some reminders could not be sent; the job is retried and sends only those."""


@dataclass
class Outcome:
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Links:
    """Where a mail's links go: the service's public address (PLACEMENT_PUBLIC_URL)."""

    base: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    @property
    def caseload(self) -> str:
        return f"{self.base}/mina-barn"  # the web application's worklist (placement/web/pages.py)

    @property
    def unit_overdue(self) -> str:
        return f"{self.base}/enhetens-lage"

    @property
    def findings(self) -> str:
        return f"{self.base}/api/v1/register-findings"

    @property
    def settings(self) -> str:
        return f"{self.base}/mina-paminnelser"


CountFn = Callable[[ReminderRepository], Awaitable[Counted | None]]
ComposeFn = Callable[[Counted], Mail]


async def _deliver(
    database: Database,
    mailer: Mailer,
    municipality_id: uuid.UUID,
    recipient: Recipient,
    kind: ReminderKind,
    period_key: str,
    count: CountFn,
    compose: ComposeFn,
    outcome: Outcome,
) -> None:
    """One reminder to one person, once: counted, recorded, audited and sent in one transaction."""
    try:
        async with database.transaction(municipality_id) as conn:
            repo = ReminderRepository(conn, municipality_id=municipality_id)
            counted = await count(repo)
            if counted is None or not counted.placements:
                return  # nothing to tell: no mail
            if not await repo.claim(staff_id=recipient.staff_id, kind=kind, period=period_key):
                outcome.already_sent += 1
                return
            await audit.record(
                conn,
                Actor(municipality_id, REMINDER_ACTOR),
                AuditAction.READ,
                [Access("obligation_state", placement, child) for placement, child in counted.placements],
            )
            mail = compose(counted)
            await mailer.send(to=recipient.email, subject=mail.subject, body=mail.body)
    except Exception as error:  # any failure: this mail is not recorded; the others go on
        outcome.failed += 1
        log.warning(
            "reminder_send_failed",
            municipality_id=str(municipality_id),
            staff_id=str(recipient.staff_id),
            kind=kind.value,
            error=type(error).__name__,
        )
        return
    outcome.sent += 1
    outcome.by_kind[kind.value] = outcome.by_kind.get(kind.value, 0) + 1
    log.info(
        "reminder_sent",
        municipality_id=str(municipality_id),
        staff_id=str(recipient.staff_id),
        kind=kind.value,
    )


async def send_reminders(
    database: Database,
    mailer: Mailer,
    links: Links,
    today: dt.date,
    municipality_ids: list[uuid.UUID] | None = None,
) -> Outcome:
    """The digests and escalations owed today and not yet sent, of the municipalities named (by
    default all). Raises RemindersFailed after trying all when any failed."""
    outcome = Outcome()
    async with database.transaction() as conn:
        municipalities = await MunicipalityRepository(conn).all()
    for municipality in municipalities:
        if municipality_ids is not None and municipality.id not in municipality_ids:
            continue
        async with database.transaction(municipality.id) as conn:
            repo = ReminderRepository(conn, municipality_id=municipality.id)
            recipients = await repo.recipients()
            escalation_days = await repo.escalation_days()
            periods = [p for f in Frequency if (p := period(f, today)) is not None]
            sent = await repo.sent(periods=periods)
        for recipient in recipients:
            key = period(recipient.frequency, today)
            if key is None:
                continue
            if (recipient.staff_id, ReminderKind.DIGEST, key) in sent:
                outcome.already_sent += 1
            elif "socialsekreterare" in recipient.roles:
                await _deliver(
                    database,
                    mailer,
                    municipality.id,
                    recipient,
                    ReminderKind.DIGEST,
                    key,
                    _caseload(recipient.staff_id, today),
                    _digest(recipient.frequency, links),
                    outcome,
                )
            if (recipient.staff_id, ReminderKind.ESCALATION, key) in sent:
                outcome.already_sent += 1
            elif "teamledare" in recipient.roles:
                await _deliver(
                    database,
                    mailer,
                    municipality.id,
                    recipient,
                    ReminderKind.ESCALATION,
                    key,
                    _unit(recipient.org_unit, today, escalation_days),
                    _escalation(recipient.org_unit, escalation_days, links),
                    outcome,
                )
    if outcome.failed:
        raise RemindersFailed(f"{outcome.failed} reminders not sent")
    return outcome


def _caseload(staff_id: uuid.UUID, today: dt.date) -> CountFn:
    async def count(repo: ReminderRepository) -> Counted | None:
        return await repo.caseload_counts(staff_id=staff_id, today=today)

    return count


def _digest(frequency: Frequency, links: Links) -> ComposeFn:
    def compose(counted: Counted) -> Mail:
        return digest_mail(
            overdue=counted.overdue,
            due_soon=counted.due_soon,
            frequency=frequency,
            link=links.caseload,
            settings_link=links.settings,
        )

    return compose


def _unit(org_unit: str | None, today: dt.date, escalation_days: int) -> CountFn:
    async def count(repo: ReminderRepository) -> Counted | None:
        return await repo.unit_overdue_counts(org_unit=org_unit, today=today, escalation_days=escalation_days)

    return count


def _escalation(org_unit: str | None, escalation_days: int, links: Links) -> ComposeFn:
    def compose(counted: Counted) -> Mail:
        return escalation_mail(
            overdue=counted.overdue,
            placements=len(counted.placements),
            escalation_days=escalation_days,
            unit=org_unit,
            link=links.unit_overdue,
            settings_link=links.settings,
        )

    return compose


async def send_register_finding_alerts(
    database: Database, mailer: Mailer, links: Links, today: dt.date, now: dt.datetime
) -> Outcome:
    """For each register finding of the last week not yet told: a mail to the municipality's
    placement support and to the responsible social workers of the children it concerns. These
    alerts are sent whatever a person chose for their reminders: a permit revoked under a placed
    child is not a reminder one can turn off."""
    outcome = Outcome()
    async with database.transaction() as conn:
        municipalities = await MunicipalityRepository(conn).all()
    for municipality in municipalities:
        async with database.transaction(municipality.id) as conn:
            repo = ReminderRepository(conn, municipality_id=municipality.id)
            findings = await repo.recent_findings(since=now - FINDING_WINDOW, today=today)
            recipients = await repo.recipients() if findings else []
        for finding in findings:
            told = [r for r in recipients if "placeringsstod" in r.roles or r.staff_id in finding.responsible]
            counted = Counted(0, 0, finding.children)
            for recipient in told:
                await _deliver(
                    database,
                    mailer,
                    municipality.id,
                    recipient,
                    ReminderKind.REGISTER_FINDING,
                    str(finding.id),
                    _fixed(counted),
                    _finding(finding.code, links),
                    outcome,
                )
    if outcome.failed:
        raise RemindersFailed(f"{outcome.failed} alerts not sent")
    return outcome


def _fixed(counted: Counted) -> CountFn:
    async def count(repo: ReminderRepository) -> Counted | None:
        return counted

    return count


def _finding(code: str, links: Links) -> ComposeFn:
    def compose(counted: Counted) -> Mail:
        return register_finding_mail(
            code=code, placements=len(counted.placements), link=links.findings, settings_link=links.settings
        )

    return compose
