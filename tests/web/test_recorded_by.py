"""The placement page names who recorded an event as a person reads it (name and role), not by
the sign-in's subject."""

from __future__ import annotations

from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from tests.web.conftest import Client, csrf_of, sign_in_as
from tests.web.test_pages import a_placement_of


async def test_the_events_table_names_the_person_who_recorded(demo_site: Client, db: Database) -> None:
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    recorded = await demo_site.post(
        f"/placeringar/{placement_id}/registrera/visit",
        data={
            "csrf": csrf_of(page),
            "occurred_on": today_in_sweden().isoformat(),
            "private_talk": "ja",
            "in_home": "ja",
        },
    )
    html = await recorded.text()
    assert recorded.status == 200, html
    events = html[html.index('id="handelser"') :].split("</table>")[0]
    assert "Sami Socialsekreterare (demo) (socialsekreterare)" in events
    assert "sami@demo.invalid" not in events
