"""A person's calendar feed: a secret address showing their caseload's due dates, without a
child's name or personnummer, revocable, and read in the audit log."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import icalendar

from followup.store import scan
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.logs import find_personnummer
from tests.conftest import api_token, bearer, demo_user


async def test_the_feed_shows_the_caseloads_due_dates_and_stops_when_revoked(
    demo: Any, database: Database, db: Database
) -> None:
    today = today_in_sweden()
    async with database.pool.acquire() as conn:
        await scan(conn, today)
    created = await demo.post("/api/v1/me/calendar", headers=demo_user("sami"))
    assert created.status == 201
    url = urlsplit((await created.json())["url"])
    assert url.path.startswith("/calendar/kal_0000_")

    feed = await demo.get(url.path)  # no sign-in: the address is the secret
    assert feed.status == 200
    assert feed.content_type == "text/calendar"
    body = await feed.read()
    calendar = icalendar.Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))

    async with db.transaction() as conn:
        expected = await conn.fetch(
            """SELECT o.code, o.due_on FROM obligation_state o
                 JOIN placement p ON p.municipality_id = o.municipality_id AND p.id = o.placement_id
                 JOIN social_worker_assignment a ON a.municipality_id = p.municipality_id
                      AND a.child_id = p.child_id AND a.assigned_to IS NULL
                 JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
                WHERE s.email = 'sami@demo.invalid' AND o.state IN ('open', 'due_soon', 'overdue')"""
        )
        children = await conn.fetch("SELECT name, personnummer FROM child")
        audited = await conn.fetchval("SELECT count(*) FROM audit_event WHERE actor LIKE 'calendar:%'")
    assert expected
    assert sorted((str(e["summary"]).split()[0], e.decoded("dtstart")) for e in events) == sorted(
        (r["code"], r["due_on"]) for r in expected
    )
    text = body.decode()
    for child in children:
        assert child["name"] not in text
        if child["personnummer"]:
            assert child["personnummer"] not in text
    assert find_personnummer(text) == []
    assert audited > 0

    assert (await demo.delete("/api/v1/me/calendar", headers=demo_user("sami"))).status == 204
    gone = await demo.get(url.path)
    assert gone.status == 404
    assert gone.content_type == "application/problem+json"
    assert (await gone.json())["detail"].startswith("Kalendern finns inte")


async def test_a_new_address_replaces_the_old_and_guessing_finds_nothing(demo: Any) -> None:
    first = urlsplit(
        (await (await demo.post("/api/v1/me/calendar", headers=demo_user("sami"))).json())["url"]
    )
    second = urlsplit(
        (await (await demo.post("/api/v1/me/calendar", headers=demo_user("sami"))).json())["url"]
    )
    assert (await demo.get(first.path)).status == 404
    assert (await demo.get(second.path)).status == 200
    assert (await demo.get("/calendar/kal_0000_" + "A" * 43 + ".ics")).status == 404
    assert (await demo.get("/calendar/nonsense.ics")).status == 404
    assert (await demo.get("/calendar/kal_9999_" + "A" * 43 + ".ics")).status == 404


async def test_an_integration_token_has_no_reminders(client: Any, db: Database, municipality: str) -> None:
    """An API token is no person: no reminders, no calendar (403, in Swedish)."""
    headers = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE))
    refused = await client.get("/api/v1/me/reminders", headers=headers)
    assert refused.status == 403
    assert "medarbetare" in (await refused.json())["detail"]
    assert (await client.post("/api/v1/me/calendar", headers=headers)).status == 403
