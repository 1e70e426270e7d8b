"""Arranging data for tests, through the same repositories the service uses."""

from __future__ import annotations

import datetime as dt

from followup.store import refresh
from placement.audit import Actor
from placement.core.vocabulary import DecisionKind, LegalBasis, PlacementForm, StaffRole
from placement.database.pool import Connection, Database
from placement.models import (
    Child,
    ChildIn,
    DecisionIn,
    Placement,
    PlacementIn,
    SocialWorkerAssignmentIn,
    StaffIn,
)
from placement.repositories.children import ChildRepository
from placement.repositories.contracts import ContractIn, ContractRepository
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import PlacementRepository, SocialWorkerRepository
from placement.repositories.staff import StaffRepository
from suppliers.contracts import ContractKind


async def placed_child(
    conn: Connection,
    actor: Actor,
    *,
    start_date: dt.date,
    name: str = "Barn",
    unit_code: str | None = None,
) -> tuple[Child, Placement]:
    """A child born 2012 placed in an HVB under SoL from ``start_date``, in ``actor``'s municipality."""
    child = await ChildRepository(conn, actor=actor).create(
        child=ChildIn(name=name, birth_date=dt.date(2012, 1, 1))
    )
    placement = await PlacementRepository(conn, actor=actor).create(
        placement=PlacementIn(
            child_id=child.id,
            form=PlacementForm.HVB,
            legal_basis=LegalBasis.SOL,
            home_name="HVB",
            unit_code=unit_code,
            start_date=start_date,
        )
    )
    return child, placement


async def municipality_a_data(db: Database) -> dict[str, str]:
    """Municipality A with one of everything; returns the ids by path parameter name."""
    async with db.transaction() as conn:
        a = await MunicipalityRepository(conn).create(kommunkod="0001", name="A")
        await MunicipalityRepository(conn).create(kommunkod="0002", name="B")
    actor = Actor(a.id, "arrange")
    async with db.transaction(a.id) as conn:
        staff = await StaffRepository(conn, municipality_id=a.id).create(
            staff=StaffIn(name="Sami", roles=[StaffRole.SOCIALSEKRETERARE])
        )
        child = await ChildRepository(conn, actor=actor).create(
            child=ChildIn(name="Barn A", birth_date=dt.date(2015, 1, 1))
        )
        await SocialWorkerRepository(conn, actor=actor).assign(
            child_id=child.id,
            assignment=SocialWorkerAssignmentIn(staff_id=staff.id, assigned_from=dt.date(2026, 1, 1)),
        )
        placements = PlacementRepository(conn, actor=actor)
        placement = await placements.create(
            placement=PlacementIn(
                child_id=child.id,
                form=PlacementForm.HVB,
                legal_basis=LegalBasis.SOL,
                home_name="HVB",
                start_date=dt.date(2026, 1, 1),
            )
        )
        await placements.add_decision(
            placement_id=placement.id,
            decision=DecisionIn(
                kind=DecisionKind.PLACEMENT_SOL,
                decided_on=dt.date(2026, 1, 1),
                decided_by=staff.id,
                valid_from=dt.date(2026, 1, 1),
                urgent=True,  # recorded before its check: EK01 until a check is run
                urgent_reason="Akut skyddsbehov",
            ),
        )
    async with db.transaction() as conn:  # a register finding about A's placement (as the import would)
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
    async with db.transaction(a.id) as conn:
        contract = await ContractRepository(conn, municipality_id=a.id).create(
            contract=ContractIn(
                provider_orgnr="5599000014", kind=ContractKind.RAMAVTAL, valid_from=dt.date(2026, 1, 1)
            )
        )
    async with db.transaction() as conn:
        match = await conn.fetchval(
            """INSERT INTO screening_match
                   (municipality_id, staff_id, subject, subject_name, provider_orgnr, officer_key,
                    officer_name, officer_role, score, basis, evidence_sha256)
               VALUES ($1, $2, 'self', 'Sami', '5599000014', 'k', 'Sami', 'owner', 95, 'name', '\\x00')
               RETURNING id""",
            a.id,
            staff.id,
        )
    async with db.transaction(a.id) as conn:  # an event, and the obligations a scan would store
        event = await conn.fetchval(
            """INSERT INTO placement_event
                   (municipality_id, placement_id, kind, occurred_on, details, recorded_by)
               VALUES ($1, $2, 'visit', '2026-02-01', '{"in_home": true, "private_talk": true}',
                       'arrange')
               RETURNING id""",
            a.id,
            placement.id,
        )
        await refresh(conn, a.id, placement.id, dt.date(2026, 11, 22))
    async with db.transaction() as conn:  # a foster home and a stored check run (as the service would)
        foster_home = await conn.fetchval(
            """INSERT INTO foster_home (municipality_id, name, kind) VALUES ($1, 'Familjen A', 'familjehem')
               RETURNING id""",
            a.id,
        )
        parent = await conn.fetchval(
            """INSERT INTO foster_parent (municipality_id, foster_home_id, name) VALUES ($1, $2, 'Förälder A')
               RETURNING id""",
            a.id,
            foster_home,
        )
        check = await conn.fetchval(
            """INSERT INTO placement_check
                   (municipality_id, child_id, form, unit_code, request, facts, findings, verdict, run_by)
               VALUES ($1, $2, 'hvb', 'U-A', '{"decision_kind": "placement_sol"}', '{}',
                       '[{"code": "PP14", "severity": "block", "title": "t", "detail": "d", "guidance": "",
                          "evidence": {}}]', 'block', 'arrange')
               RETURNING id""",
            a.id,
            child.id,
        )
    async with db.transaction() as conn:  # a report of concern about the child, with its skyddsbedömning
        concern = await conn.fetchval(
            """INSERT INTO concern_report (municipality_id, child_id, received_at, received_on, kind,
                                           reporter_kind, reason, registered_by)
               VALUES ($1, $2, '2026-03-02T09:00:00+01:00', '2026-03-02', 'report', 'school', 'Oro',
                       'arrange')
               RETURNING id""",
            a.id,
            child.id,
        )
    return {
        "concern_id": str(concern),
        "child_id": str(child.id),
        "placement_id": str(placement.id),
        "staff_id": str(staff.id),
        "contract_id": str(contract.id),
        "match_id": str(match),
        "foster_home_id": str(foster_home),
        "check_id": str(check),
        "event_id": str(event),
        "parent_id": str(parent),
    }


def concern_step_bodies(staff_id: str) -> dict[str, dict[str, object]]:
    """A valid body for each step of a report of concern (received 2026-03-02), by step kind."""
    return {
        "protection": {
            "made_at": "2026-03-02T11:00:00+01:00",
            "made_by_name": "Eva Ek",
            "made_by_role": "socialsekreterare",
            "circumstances": "Skolan har sett blåmärken på armarna",
            "conclusion": "Inget behov av omedelbart skydd",
        },
        "preliminary": {
            "decided_on": "2026-03-10",
            "outcome": "open_investigation",
            "prior_knowledge": "Ingen tidigare kännedom",
            "child_view": "Barnet vill prata med någon",
            "decided_by": staff_id,
        },
        "preliminary_extension": {
            "decided_on": "2026-03-12",
            "until": "2026-03-30",
            "reason": "Vårdnadshavaren är inlagd på sjukhus",
            "decided_by": staff_id,
        },
        "investigation_start": {"started_on": "2026-03-10"},
        "investigation_progress": {"concerned_told_on": "2026-03-11"},
        "investigation_extension": {
            "decided_on": "2026-07-01",
            "until": "2026-08-10",
            "reason": "Väntar på BUP",
            "decided_by": staff_id,
        },
        "investigation_end": {
            "ended_on": "2026-06-20",
            "outcome": "intervention",
            "outcome_reason": "Familjen behöver stöd",
            "decided_by": staff_id,
        },
        "moved": {"moved_on": "2026-04-01", "to_kommunkod": "0180"},
        "transfer": {"requested_on": "2026-04-02", "to_kommunkod": "0180"},
        "feedback": {"given_on": "2026-03-12"},
        "risk_assessment": {"assessed_on": "2026-03-05", "summary": "Låg risk för ytterligare våld"},
        "police_report": {"decided_on": "2026-03-05", "reported": False, "reason": "Inget brott misstänks"},
    }


# What a step needs recorded before it: an investigation step needs the decision and the start.
CONCERN_STEP_NEEDS = {
    "feedback": ("preliminary",),
    "investigation_start": ("preliminary",),
    **{
        kind: ("preliminary", "investigation_start")
        for kind in (
            "investigation_progress",
            "investigation_extension",
            "investigation_end",
            "moved",
            "transfer",
        )
    },
}
