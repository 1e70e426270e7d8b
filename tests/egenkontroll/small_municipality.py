"""A small municipality whose egenkontroll figures for 2026 can be counted by reading this file.

Staff: Anna, Bo and Cia (socialsekreterare, "Barn och unga"), Ulf (upphandlare, "Upphandling"),
Greta (granskare, who declares nothing). Register: unit U-1 "HVB Björken" of Vård AB
(5560000001, under a ramavtal followed up 2026-02-01) and U-2 "HVB Tallen" of Omsorg AB
(5560000002, no contract). The children, period 2026-01-01 to 2026-12-31:

| child | sex | home | basis | placed | ended | handläggare (12 months before it is measured) |
|---|---|---|---|---|---|---|
| Alva  | F | HVB Björken     | SoL   | 2025-06-01 | -                     | Anna to 2026-03-31, then Bo   |
| Bruno | M | HVB Björken     | SoL   | 2025-01-01 | 2026-06-30 unplanned  | Anna (2025), Bo (Jan–Feb), Cia |
| Cleo  | F | Familjen Ek     | LVU 3 | 2026-02-01 | -                     | Cia                            |
| Dino  | M | HVB Tallen      | SoL   | 2026-10-01 | -                     | Bo                             |
| Ella  | F | HVB Björken     | SoL   | 2024-01-01 | 2025-12-31 (outside)  | Anna                           |
| Frej  | M | Jourhemmet Ljus | SoL   | 2026-03-01 | 2026-05-31 planned    | Anna                           |

Events: Alva övervägande 2026-09-01, visits 02-01 (private talk), 05-01, 08-01, 11-01 (private
talk), contact details 2025-06-05, grounds 2025-06-10, complaint K1 received 03-01 answered 03-20.
Bruno övervägande 2025-11-15 and 2026-04-01 (retracted), a visit 03-01 (private talk), complaint K2
received 05-01, never answered. Cleo omprövning 07-20, visits 03-01, 05-01, 08-01, 10-01 (private
talk), contact details 02-05 (grounds never), complaint K3 received 12-20 (still within 30 days).
Dino contact details 10-02, grounds 10-03. Frej contact details and grounds 03-02.
Favourable decisions (placement under SoL): Alva 2025-05-25 (placed a week later), Frej
2026-02-20, Dino 2026-05-20 ("Väntan på plats i HVB"), and Gus (male, born 2008-06-01) 2026-09-01
("Inget lämpligt hem har hittats"), whose placement at HVB Tallen is to start 2027-02-01.
Declarations: Anna 2026-05-01; Bo 2025-10-01; Cia 2026-06-01 with an open screening match; Ulf none.
Another municipality has a child at HVB Björken too: never counted here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from placement.database.pool import Connection, Database

D = dt.date
START, END = D(2026, 1, 1), D(2026, 12, 31)


@dataclass
class Small:
    municipality_id: uuid.UUID
    other_id: uuid.UUID
    placements: dict[str, uuid.UUID]
    children: dict[str, uuid.UUID]
    staff: dict[str, uuid.UUID]


async def _register(conn: Connection) -> None:
    snapshot = await conn.fetchval(
        """INSERT INTO register_snapshot (source, origin, content_sha256, record_count)
           VALUES ('ivo', 'test', '\\x00', 4) RETURNING id"""
    )
    entities = [
        ("provider", "5560000001", {"orgnr": "5560000001", "name": "Vård AB"}),
        ("provider", "5560000002", {"orgnr": "5560000002", "name": "Omsorg AB"}),
        ("unit", "U-1", {"unit_code": "U-1", "name": "HVB Björken", "provider_orgnr": "5560000001"}),
        ("unit", "U-2", {"unit_code": "U-2", "name": "HVB Tallen", "provider_orgnr": "5560000002"}),
    ]
    for kind, key, payload in entities:
        await conn.execute(
            """INSERT INTO register_entity (kind, key, payload, content_sha256, valid_from_snapshot)
               VALUES ($1, $2, $3, '\\x00', $4)""",
            kind,
            key,
            payload,
            snapshot,
        )


async def _one(conn: Connection, sql: str, *args: Any) -> uuid.UUID:
    value = await conn.fetchval(sql, *args)
    assert isinstance(value, uuid.UUID)
    return value


async def arrange(db: Database, *, demo: bool = False) -> Small:
    """Write the municipality above (as the owner would import it) and return its ids; ``demo``
    makes it the demo municipality, so the web tests can sign in as its staff
    (``greta@lilla.invalid``)."""
    async with db.transaction() as conn:
        await _register(conn)
        new = "INSERT INTO municipality (kommunkod, name, is_demo) VALUES ($1, $2, $3) RETURNING id"
        mid = await _one(conn, new, "0101", "Lilla", demo)
        other = await _one(conn, new, "0102", "Andra", False)
        staff: dict[str, uuid.UUID] = {}
        for name, role, unit in [
            ("Anna", "socialsekreterare", "Barn och unga"),
            ("Bo", "socialsekreterare", "Barn och unga"),
            ("Cia", "socialsekreterare", "Barn och unga"),
            ("Ulf", "upphandlare", "Upphandling"),
            ("Greta", "granskare", "Revision"),
        ]:
            staff[name] = await _one(
                conn,
                """INSERT INTO staff (municipality_id, name, email, roles, org_unit)
                   VALUES ($1, $2, $3, $4, $5) RETURNING id""",
                mid,
                name,
                f"{name.lower()}@lilla.invalid",
                [role],
                unit,
            )
        children: dict[str, uuid.UUID] = {}
        placements: dict[str, uuid.UUID] = {}
        rows = [
            ("Alva", "female", "HVB Björken", "hvb", "U-1", "sol", D(2025, 6, 1), None, None, None),
            (
                "Bruno",
                "male",
                "HVB Björken",
                "hvb",
                "U-1",
                "sol",
                D(2025, 1, 1),
                D(2026, 6, 30),
                "unplanned",
                "Rymningar",
            ),
            ("Cleo", "female", "Familjen Ek", "familjehem", None, "lvu_3", D(2026, 2, 1), None, None, None),
            ("Dino", "male", "HVB Tallen", "hvb", "U-2", "sol", D(2026, 10, 1), None, None, None),
            (
                "Ella",
                "female",
                "HVB Björken",
                "hvb",
                "U-1",
                "sol",
                D(2024, 1, 1),
                D(2025, 12, 31),
                "planned",
                None,
            ),
            (
                "Frej",
                "male",
                "Jourhemmet Ljus",
                "jourhem",
                None,
                "sol",
                D(2026, 3, 1),
                D(2026, 5, 31),
                "planned",
                None,
            ),
        ]
        for name, sex, home, form, unit, basis, start, end, reason, note in rows:
            children[name] = await _one(
                conn,
                """INSERT INTO child (municipality_id, name, birth_date, sex)
                   VALUES ($1, $2, '2012-01-01', $3) RETURNING id""",
                mid,
                name,
                sex,
            )
            placements[name] = await _one(
                conn,
                """INSERT INTO placement (municipality_id, child_id, form, legal_basis, home_name, unit_code,
                                          start_date, end_date, end_reason, end_reason_note)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""",
                mid,
                children[name],
                form,
                basis,
                home,
                unit,
                start,
                end,
                reason,
                note,
            )
        for child, who, since, until in [
            ("Alva", "Anna", D(2025, 6, 1), D(2026, 3, 31)),
            ("Alva", "Bo", D(2026, 4, 1), None),
            ("Bruno", "Anna", D(2025, 1, 1), D(2025, 12, 31)),
            ("Bruno", "Bo", D(2026, 1, 1), D(2026, 2, 28)),
            ("Bruno", "Cia", D(2026, 3, 1), None),
            ("Cleo", "Cia", D(2026, 2, 1), None),
            ("Dino", "Bo", D(2026, 10, 1), None),
            ("Ella", "Anna", D(2024, 1, 1), None),
            ("Frej", "Anna", D(2026, 3, 1), D(2026, 5, 31)),
        ]:
            await conn.execute(
                """INSERT INTO social_worker_assignment (municipality_id, child_id, staff_id, assigned_from,
                                                         assigned_to) VALUES ($1, $2, $3, $4, $5)""",
                mid,
                children[child],
                staff[who],
                since,
                until,
            )
        talk = {"private_talk": True, "in_home": True}
        no_talk = {"private_talk": False, "in_home": True}
        events: list[tuple[str, str, dt.date, dict[str, Any]]] = [
            ("Alva", "overvagande", D(2026, 9, 1), {}),
            ("Alva", "visit", D(2026, 2, 1), talk),
            ("Alva", "visit", D(2026, 5, 1), no_talk),
            ("Alva", "visit", D(2026, 8, 1), no_talk),
            ("Alva", "visit", D(2026, 11, 1), talk),
            ("Alva", "contact_details_given", D(2025, 6, 5), {}),
            ("Alva", "grounds_explained", D(2025, 6, 10), {}),
            ("Alva", "complaint_received", D(2026, 3, 1), {"ref": "K1"}),
            ("Alva", "complaint_answered", D(2026, 3, 20), {"ref": "K1"}),
            ("Bruno", "overvagande", D(2025, 11, 15), {}),
            ("Bruno", "visit", D(2026, 3, 1), talk),
            ("Bruno", "complaint_received", D(2026, 5, 1), {"ref": "K2"}),
            ("Cleo", "omprovning", D(2026, 7, 20), {}),
            ("Cleo", "visit", D(2026, 3, 1), no_talk),
            ("Cleo", "visit", D(2026, 5, 1), no_talk),
            ("Cleo", "visit", D(2026, 8, 1), no_talk),
            ("Cleo", "visit", D(2026, 10, 1), talk),
            ("Cleo", "contact_details_given", D(2026, 2, 5), {}),
            ("Cleo", "complaint_received", D(2026, 12, 20), {"ref": "K3"}),
            ("Dino", "contact_details_given", D(2026, 10, 2), {}),
            ("Dino", "grounds_explained", D(2026, 10, 3), {}),
            ("Frej", "contact_details_given", D(2026, 3, 2), {}),
            ("Frej", "grounds_explained", D(2026, 3, 2), {}),
        ]
        insert_event = """INSERT INTO placement_event (municipality_id, placement_id, kind, occurred_on,
                                                       details, recorded_by, corrects, retraction_reason)
                          VALUES ($1, $2, $3, $4, $5, 'test', $6, $7) RETURNING id"""
        for child, kind, day, details in events:
            await conn.execute(insert_event, mid, placements[child], kind, day, details, None, None)
        withdrawn = await _one(
            conn, insert_event, mid, placements["Bruno"], "overvagande", D(2026, 4, 1), {}, None, None
        )
        await conn.execute(
            insert_event, mid, placements["Bruno"], "overvagande", D(2026, 4, 1), {}, withdrawn, "Fel barn"
        )
        # Favourable decisions (EK11): Frej's enforced in nine days, Dino's after four months, and
        # Gus (born 2008, so 18 at the decision) still waits for his placement, due 2027-02-01.
        gus = await _one(
            conn,
            """INSERT INTO child (municipality_id, name, birth_date, sex)
               VALUES ($1, 'Gus', '2008-06-01', 'male') RETURNING id""",
            mid,
        )
        children["Gus"] = gus
        placements["Gus"] = await _one(
            conn,
            """INSERT INTO placement (municipality_id, child_id, form, legal_basis, home_name, unit_code,
                                      start_date)
               VALUES ($1, $2, 'hvb', 'sol', 'HVB Tallen', 'U-2', '2027-02-01') RETURNING id""",
            mid,
            gus,
        )
        await conn.execute(
            """INSERT INTO social_worker_assignment (municipality_id, child_id, staff_id, assigned_from)
               VALUES ($1, $2, $3, '2026-08-15')""",
            mid,
            gus,
            staff["Bo"],
        )
        for child, decided, note in [
            ("Alva", D(2025, 5, 25), None),
            ("Frej", D(2026, 2, 20), None),
            ("Dino", D(2026, 5, 20), "Väntan på plats i HVB"),
            ("Gus", D(2026, 9, 1), "Inget lämpligt hem har hittats"),
        ]:
            await conn.execute(
                """INSERT INTO decision (municipality_id, placement_id, kind, decided_on, decided_by,
                                         valid_from, note)
                   VALUES ($1, $2, 'placement_sol', $3, $4, $3, $5)""",
                mid,
                placements[child],
                decided,
                staff["Cia"],
                note,
            )
        contract = await _one(
            conn,
            """INSERT INTO contract (municipality_id, provider_orgnr, unit_codes, kind, valid_from)
               VALUES ($1, '5560000001', '{U-1}', 'ramavtal', '2025-01-01') RETURNING id""",
            mid,
        )
        await conn.execute(
            """INSERT INTO contract_follow_up (municipality_id, contract_id, followed_up_on, by_staff, result)
               VALUES ($1, $2, '2026-02-01', $3, 'ok')""",
            mid,
            contract,
            staff["Ulf"],
        )
        for who, day in [("Anna", D(2026, 5, 1)), ("Bo", D(2025, 10, 1)), ("Cia", D(2026, 6, 1))]:
            await conn.execute(
                "INSERT INTO declaration (municipality_id, staff_id, declared_on) VALUES ($1, $2, $3)",
                mid,
                staff[who],
                day,
            )
        await conn.execute(
            """INSERT INTO screening_match (municipality_id, staff_id, subject, subject_name, provider_orgnr,
                   officer_key, officer_name, officer_role, score, basis, evidence_sha256)
               VALUES ($1, $2, 'self', 'Cia', '5560000001', 'k', 'Cia', 'board_member', 95, 'name',
                       '\\x00')""",
            mid,
            staff["Cia"],
        )
        # Another municipality's child at the same unit, with its own social worker.
        o_child = await _one(
            conn,
            """INSERT INTO child (municipality_id, name, birth_date, sex)
               VALUES ($1, 'Annan', '2012-01-01', 'male') RETURNING id""",
            other,
        )
        await conn.execute(
            """INSERT INTO placement (municipality_id, child_id, form, legal_basis, home_name, unit_code,
                                      start_date, end_date, end_reason)
               VALUES ($1, $2, 'hvb', 'sol', 'HVB Björken', 'U-1', '2025-01-01', '2026-02-01',
                       'unplanned')""",
            other,
            o_child,
        )
    return Small(mid, other, placements, children, staff)
