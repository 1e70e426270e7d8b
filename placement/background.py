"""The service's background work as jobs (placement/jobs.py): what each kind of job does, and the
schedule that queues the periodic ones. Every instance runs workers; the queue makes sure each
job runs once at a time, and the reminder jobs record each mail before sending it."""

from __future__ import annotations

import datetime as dt
import uuid

from followup.reminder_service import Links, send_register_finding_alerts, send_reminders
from placement import jobs
from placement.core.clock import today_in_sweden
from placement.database.pool import Connection, Database
from placement.mail import Mailer
from placement.repositories.integrity import run_screening
from placement.repositories.municipalities import MunicipalityRepository
from placement.settings import Settings

REMINDERS = "reminders"
"""Queues one MUNICIPALITY_REMINDERS job per municipality, so that the workers of every instance
share the mail of a national installation."""
MUNICIPALITY_REMINDERS = "municipality_reminders"
"""One municipality's digests to social workers and escalations to unit leads owed today."""
REGISTER_ALERTS = "register_alerts"
"""Mail about register findings (SV01–SV09) on the municipalities' placements."""
SCREENING = "screening"
"""The nightly conflict-of-interest screening of every municipality's staff against the register
(as ``placement screen``): a new officer in the register is found the next day at the latest."""


def handlers(database: Database, mailer: Mailer, settings: Settings) -> dict[str, jobs.Handler]:
    links = Links(settings.link_base)

    async def reminders(job: jobs.Job) -> None:
        async with database.transaction() as conn:
            for municipality in await MunicipalityRepository(conn).all():
                await jobs.enqueue(
                    conn,
                    MUNICIPALITY_REMINDERS,
                    {"municipality_id": str(municipality.id)},
                    dedupe_key=f"{MUNICIPALITY_REMINDERS}:{municipality.id}",
                    max_attempts=8,
                )

    async def municipality_reminders(job: jobs.Job) -> None:
        municipality_id = uuid.UUID(job.payload["municipality_id"])
        await send_reminders(database, mailer, links, today_in_sweden(), [municipality_id])

    async def register_alerts(job: jobs.Job) -> None:
        await send_register_finding_alerts(
            database, mailer, links, today_in_sweden(), dt.datetime.now(dt.UTC)
        )

    async def screening(job: jobs.Job) -> None:
        async with database.transaction() as conn:
            municipalities = await MunicipalityRepository(conn).all()
        for municipality in municipalities:
            async with database.transaction(municipality.id) as conn:
                await run_screening(conn, municipality.id)

    return {
        REMINDERS: reminders,
        MUNICIPALITY_REMINDERS: municipality_reminders,
        REGISTER_ALERTS: register_alerts,
        SCREENING: screening,
    }


async def queue_periodic(conn: Connection, *, mail: bool = True) -> list[int]:
    """Queue the periodic jobs, unless one of each already waits or runs (from any instance): the
    mail jobs (with ``mail``) each time, the screening once a day (Swedish date); and forget jobs
    done a month ago."""
    queued = []
    if mail:
        for kind in (REMINDERS, REGISTER_ALERTS):
            queued.append(await jobs.enqueue(conn, kind, dedupe_key=kind, max_attempts=8))
    day = today_in_sweden().isoformat()
    queued.append(await jobs.enqueue(conn, SCREENING, dedupe_key=f"{SCREENING}:{day}", once=True))
    await jobs.purge(conn)
    return [q for q in queued if q is not None]
