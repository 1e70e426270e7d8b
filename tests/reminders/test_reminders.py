"""Reminders by e-mail, sent to a real SMTP server on loopback: the weekly digest to social
workers, the escalation to unit leads, sent once, retried when the server refuses, and never a
child's name or personnummer in a mail."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from followup.reminder_service import REMINDER_ACTOR, Links, RemindersFailed, send_reminders
from followup.reminders import Frequency, period
from followup.store import scan
from placement import background, jobs
from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from placement.logs import find_personnummer
from placement.mail import Mailer
from placement.settings import Settings
from tests.conftest import SessionDatabase, demo_user
from tests.reminders.smtp import Smtp
from tests.web.conftest import sign_in_as

LINKS = Links("https://placering.kommun.invalid")


async def _scanned(database: Database, today: dt.date) -> None:
    async with database.pool.acquire() as conn:
        assert (await scan(conn, today)).scanned


def _counts(text: str) -> tuple[int, int]:
    overdue = re.search(r"(\d+) skyldighet(?:er)? har passerat", text)
    soon = re.search(r"(\d+) skyldighet(?:er)? förfaller snart", text)
    return (int(overdue[1]) if overdue else 0, int(soon[1]) if soon else 0)


async def test_a_social_worker_gets_one_weekly_mail_with_counts_and_a_working_link(
    demo: Any, database: Database, db: Database, smtp: Smtp, settings: Settings
) -> None:
    """Sami, responsible for demo children with obligations due, gets one mail this week; it says
    how many are overdue and due soon, as his watch list does, and its link, followed signed in
    as Sami, opens his worklist. Running the job again (a restart) sends nothing more."""
    today = today_in_sweden()
    await _scanned(database, today)
    mailer = Mailer(smtp.settings(settings))

    first = await send_reminders(database, mailer, LINKS, today)
    again = await send_reminders(database, mailer, LINKS, today)

    mails = smtp.inbox.to("sami@demo.invalid")
    assert len(mails) == 1
    assert first.sent >= 1
    assert again.sent == 0
    assert again.already_sent == first.sent
    text = smtp.inbox.text(mails[0])
    assert mails[0]["From"] == "paminnelser@kommun.invalid"
    assert "veckans påminnelse" in text
    overdue, soon = _counts(text)
    assert overdue + soon > 0
    link = re.search(r"Se vilka barn och skyldigheter det gäller: (\S+)", text)
    assert link is not None
    url = urlsplit(link[1])
    assert f"{url.scheme}://{url.netloc}" == LINKS.base
    await sign_in_as(demo, "sami@demo.invalid")
    page = await demo.get(url.path)
    assert page.status == 200
    assert ">Mina barn</h1>" in await page.text()
    watch = await demo.get("/api/v1/obligations?state=overdue&state=due_soon", headers=demo_user("sami"))
    items = (await watch.json())["items"]
    assert (
        sum(i["state"] == "overdue" for i in items),
        sum(i["state"] == "due_soon" for i in items),
    ) == (overdue, soon)
    async with db.transaction() as conn:
        sent = await conn.fetch(
            "SELECT kind, period FROM reminder_sent WHERE staff_id = "
            "(SELECT id FROM staff WHERE email = 'sami@demo.invalid')"
        )
        audited = await conn.fetchval("SELECT count(*) FROM audit_event WHERE actor = $1", REMINDER_ACTOR)
    assert [(r["kind"], r["period"]) for r in sent] == [("digest", period(Frequency.WEEKLY, today))]
    assert audited > 0  # the counts are reads of the children's obligations


async def test_no_mail_holds_a_personnummer_or_a_childs_name(
    demo: Any, database: Database, db: Database, smtp: Smtp, settings: Settings
) -> None:
    """Every mail sent to the demo municipality's staff is scanned for every child's name, every
    personnummer (and anything shaped like one) and the demo names' marker."""
    today = today_in_sweden()
    await _scanned(database, today)
    await send_reminders(database, Mailer(smtp.settings(settings)), LINKS, today)
    async with db.transaction() as conn:
        children = await conn.fetch("SELECT name, personnummer FROM child")
    assert children
    assert len(smtp.inbox.messages) >= 3  # the social workers and the unit lead
    for message in smtp.inbox.messages:
        raw = message.as_string()
        text = smtp.inbox.text(message)
        for child in children:
            for whole in (raw, text):
                assert child["name"] not in whole
                if child["personnummer"]:
                    assert child["personnummer"] not in whole
                    assert child["personnummer"][2:] not in whole
        assert find_personnummer(text) == []
        assert "(demo)" not in raw


async def test_the_unit_lead_gets_the_units_long_overdue_obligations(
    demo: Any, database: Database, db: Database, smtp: Smtp, settings: Settings
) -> None:
    """Tove, teamledare, is told of her unit's obligations overdue more than the policy's seven
    days, counted over the children of every social worker of the unit."""
    today = today_in_sweden()
    await _scanned(database, today)
    await send_reminders(database, Mailer(smtp.settings(settings)), LINKS, today)
    async with db.transaction() as conn:
        expected = await conn.fetchval(
            """SELECT count(*) FROM obligation_state o
                 JOIN placement p ON p.municipality_id = o.municipality_id AND p.id = o.placement_id
                 JOIN social_worker_assignment a ON a.municipality_id = p.municipality_id
                                                AND a.child_id = p.child_id AND a.assigned_to IS NULL
                 JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
                WHERE o.state = 'overdue' AND o.due_on < $1::date - 7
                  AND s.org_unit = (SELECT org_unit FROM staff WHERE email = 'tove@demo.invalid')""",
            today,
        )
    mails = smtp.inbox.to("tove@demo.invalid")
    assert expected > 0
    assert len(mails) == 1
    assert f"har {expected} skyldighet" in smtp.inbox.text(mails[0])
    assert "mer än 7 dagar" in smtp.inbox.text(mails[0])


async def test_a_person_chooses_daily_or_no_reminders(
    demo: Any, database: Database, smtp: Smtp, settings: Settings
) -> None:
    """Sofia turns reminders off and gets none; Sami chooses daily and gets today's, recorded for
    the day, so tomorrow brings another."""
    today = today_in_sweden()
    await _scanned(database, today)
    off = await demo.put("/api/v1/me/reminders", json={"frequency": "off"}, headers=demo_user("sofia"))
    daily = await demo.put("/api/v1/me/reminders", json={"frequency": "daily"}, headers=demo_user("sami"))
    assert (off.status, daily.status) == (200, 200)
    assert (await demo.get("/api/v1/me/reminders", headers=demo_user("sofia"))).status == 200
    assert (await (await demo.get("/api/v1/me/reminders", headers=demo_user("sami"))).json())[
        "frequency"
    ] == "daily"
    bad = await demo.put("/api/v1/me/reminders", json={"frequency": "hourly"}, headers=demo_user("sami"))
    assert bad.status == 422
    assert bad.content_type == "application/problem+json"

    mailer = Mailer(smtp.settings(settings))
    await send_reminders(database, mailer, LINKS, today)
    await send_reminders(database, mailer, LINKS, today + dt.timedelta(days=1))

    assert smtp.inbox.to("sofia@demo.invalid") == []
    sami = smtp.inbox.to("sami@demo.invalid")
    assert len(sami) == 2
    assert all("dagens påminnelse" in smtp.inbox.text(m) for m in sami)


async def test_two_instances_sending_at_once_send_each_mail_once(
    demo: Any, database: Database, test_database: SessionDatabase, smtp: Smtp, settings: Settings
) -> None:
    """Two instances, each with its own pool on the same database, run the reminders at the same
    moment: every person gets one mail."""
    today = today_in_sweden()
    await _scanned(database, today)
    other = await Database.connect(test_database.service, max_size=3)
    try:
        mailer = Mailer(smtp.settings(settings))
        one, two = await asyncio.gather(
            send_reminders(database, mailer, LINKS, today), send_reminders(other, mailer, LINKS, today)
        )
    finally:
        await other.close()
    recipients = [m["To"] for m in smtp.inbox.messages]
    assert recipients
    assert sorted(recipients) == sorted(set(recipients))
    assert one.sent + two.sent == len(recipients)


async def test_a_refused_send_is_retried_with_backoff_and_sent_once(
    demo: Any, database: Database, db: Database, smtp: Smtp, settings: Settings
) -> None:
    """The mail server refuses the first message: the job fails, is queued again after a backoff
    with the error's type recorded, and the retry sends only what was not sent."""
    today = today_in_sweden()
    await _scanned(database, today)
    smtp.inbox.refuse = 1
    sent: list[int] = []
    failed: list[int] = []
    mailer = Mailer(
        smtp.settings(settings), on_sent=lambda: sent.append(1), on_failed=lambda: failed.append(1)
    )
    worker = jobs.Worker(database.pool, background.handlers(database, mailer, smtp.settings(settings)))
    async with database.transaction() as conn:
        await background.queue_periodic(conn)

    await jobs.drain(worker)

    async with db.transaction() as conn:
        job = await conn.fetchrow("SELECT * FROM job WHERE kind = 'municipality_reminders'")
    assert job["state"] == "queued"
    assert job["attempts"] == 1
    assert job["last_error"].startswith("RemindersFailed")
    assert job["run_after"] > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=25)
    assert len(failed) == 1
    first_round = len(smtp.inbox.messages)
    assert first_round == len(sent) >= 2

    async with db.transaction() as conn:  # the backoff has passed
        await conn.execute("UPDATE job SET run_after = now() WHERE kind = 'municipality_reminders'")
    await jobs.drain(worker)

    async with db.transaction() as conn:
        state = await conn.fetchval("SELECT state FROM job WHERE kind = 'municipality_reminders'")
    assert state == "done"
    assert len(smtp.inbox.messages) == first_round + 1
    recipients = [m["To"] for m in smtp.inbox.messages]
    assert sorted(recipients) == sorted(set(recipients))


async def test_without_a_mail_server_nothing_is_recorded_as_sent(
    demo: Any, database: Database, db: Database, settings: Settings
) -> None:
    """An unreachable mail server: every send fails, none is recorded, the job will try again."""
    today = today_in_sweden()
    await _scanned(database, today)
    unreachable = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": 1, "smtp_timeout_s": 2.0}
    )
    with pytest.raises(RemindersFailed):
        await send_reminders(database, Mailer(unreachable), LINKS, today)
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM reminder_sent") == 0
