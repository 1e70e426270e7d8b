"""A register change that raises a finding on a municipality's placements is mailed to placement
support and to the children's responsible social workers, once, without naming a child."""

from __future__ import annotations

import datetime as dt

from followup.reminder_service import Links, send_register_finding_alerts
from followup.reminders import Frequency
from placement.audit import Actor
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.mail import Mailer
from placement.models import SocialWorkerAssignmentIn, StaffIn
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import SocialWorkerRepository
from placement.repositories.reminders import ReminderRepository
from placement.repositories.staff import StaffRepository
from placement.settings import Settings
from tests.arrange import placed_child
from tests.reminders.smtp import Smtp

LINKS = Links("https://placering.kommun.invalid/")


async def test_a_register_finding_is_mailed_to_placement_support_and_the_responsible_worker(
    db: Database, database: Database, smtp: Smtp, settings: Settings
) -> None:
    today = today_in_sweden()
    async with db.transaction() as conn:
        a = await MunicipalityRepository(conn).create(kommunkod="0001", name="A")
    actor = Actor(a.id, "arrange")
    async with db.transaction(a.id) as conn:
        staff = StaffRepository(conn, municipality_id=a.id)
        petra = await staff.create(
            staff=StaffIn(name="Petra", email="petra@a.invalid", roles=[StaffRole.PLACERINGSSTOD])
        )
        sami = await staff.create(
            staff=StaffIn(name="Sami", email="sami@a.invalid", roles=[StaffRole.SOCIALSEKRETERARE])
        )
        await staff.create(  # another social worker, not responsible: not told
            staff=StaffIn(name="Sofia", email="sofia@a.invalid", roles=[StaffRole.SOCIALSEKRETERARE])
        )
        child, placement = await placed_child(
            conn, actor, start_date=today - dt.timedelta(days=30), name="Elsa Ekström"
        )
        await SocialWorkerRepository(conn, actor=actor).assign(
            child_id=child.id,
            assignment=SocialWorkerAssignmentIn(
                staff_id=sami.id, assigned_from=today - dt.timedelta(days=30)
            ),
        )
        # Reminders off is a choice about reminders; an alert about a placed child's home still comes.
        await ReminderRepository(conn, municipality_id=a.id).set_frequency(
            staff_id=petra.id, frequency=Frequency.OFF
        )
    async with db.transaction() as conn:
        snapshot = await conn.fetchval(
            """INSERT INTO register_snapshot (source, origin, content_sha256, record_count)
               VALUES ('ivo', 'test', '\\x00', 0) RETURNING id"""
        )
        change = await conn.fetchval(
            """INSERT INTO register_change (snapshot_id, kind, entity_kind, entity_key, summary)
               VALUES ($1, 'permit_revoked', 'unit', 'U-A', 'Tillståndet har återkallats') RETURNING id""",
            snapshot,
        )
        await conn.execute(
            """INSERT INTO register_finding (municipality_id, code, change_id, unit_code, placement_ids)
               VALUES ($1, 'SV01', $2, 'U-A', $3)""",
            a.id,
            change,
            [placement.id],
        )
    mailer = Mailer(smtp.settings(settings))
    now = dt.datetime.now(dt.UTC)

    first = await send_register_finding_alerts(database, mailer, LINKS, today, now)
    again = await send_register_finding_alerts(database, mailer, LINKS, today, now)

    assert sorted(m["To"] for m in smtp.inbox.messages) == ["petra@a.invalid", "sami@a.invalid"]
    assert (first.sent, again.sent, again.already_sent) == (2, 0, 2)
    for message in smtp.inbox.messages:
        text = smtp.inbox.text(message)
        assert "SV01" in text
        assert "rör 1 placering " in text
        assert "https://placering.kommun.invalid/api/v1/register-findings" in text
        assert "Elsa" not in message.as_string()
        assert "Ekström" not in message.as_string()
