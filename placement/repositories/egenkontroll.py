"""The facts the egenkontroll indicators count (EK02 onwards), gathered by set-based SQL: one query
per code for a whole period, whatever the number of placements. Whether each subject is counted
and meets the routine is the indicator's (checks/egenkontroll/); this module only reads.

Everything runs inside one municipality's transaction (row-level security); the groups come from
``egenkontroll_placements`` (V110) so every indicator breaks its figures down the same way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from checks.egenkontroll import (
    CaseFile,
    ComplaintFacts,
    DeclarationFacts,
    EndingFacts,
    EnforcementFacts,
    FileReviewFacts,
    InformationFacts,
    PurchaseFacts,
    ReviewFacts,
    SocialWorkerFacts,
    Subject,
    VisitFacts,
)
from placement.core.vocabulary import Sex
from placement.database.pool import Connection
from placement.reach import Reach
from suppliers.rules.SV07 import DECLARING_ROLES

Gathered = list[tuple[Subject, BaseModel]]


def _subject(row: Any, subject_id: uuid.UUID | None = None) -> Subject:
    return Subject(
        subject_id=subject_id or row["placement_id"],
        child_id=row["child_id"],
        sex=Sex(row["sex"]),
        unit=row["unit"],
        provider=row["provider"],
        handlaggare=row["handlaggare"],
    )


class EgenkontrollRepository:
    def __init__(self, conn: Connection, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def _policy(self, key: str) -> Any:
        return await self.conn.fetchval("SELECT policy_value($1, $2)", self.municipality_id, key)

    async def gather(self, code: str, start: dt.date, end: dt.date) -> Gathered:
        """Every subject of ``code`` in the period [start, end] with its facts."""
        gatherers: dict[str, Callable[[dt.date, dt.date], Awaitable[Gathered]]] = {
            "EK02": self.reviews,
            "EK03": self.visits,
            "EK04": self.social_workers,
            "EK05": self.information,
            "EK06": self.endings,
            "EK07": self.complaints,
            "EK09": self.purchases,
            "EK10": self.declarations,
            "EK11": self.enforcements,
            "EK12": self.file_reviews,
        }
        return await gatherers[code](start, end)

    async def reviews(self, start: dt.date, end: dt.date) -> Gathered:
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                   p.legal_basis, p.start_date, p.measured_on,
                   (SELECT max(e.occurred_on) FROM standing_events() e
                     WHERE e.placement_id = p.placement_id AND e.kind = 'overvagande'
                       AND e.occurred_on <= p.measured_on) AS last_overvagande,
                   (SELECT max(e.occurred_on) FROM standing_events() e
                     WHERE e.placement_id = p.placement_id AND e.kind = 'omprovning'
                       AND e.occurred_on <= p.measured_on) AS last_omprovning
              FROM egenkontroll_placements($1, $2) p
            """,
            start,
            end,
        )
        return [
            (
                _subject(r),
                ReviewFacts(
                    legal_basis=r["legal_basis"],
                    start_date=r["start_date"],
                    measured_on=r["measured_on"],
                    last_overvagande=r["last_overvagande"],
                    last_omprovning=r["last_omprovning"],
                ),
            )
            for r in rows
        ]

    async def visits(self, start: dt.date, end: dt.date) -> Gathered:
        policy = await self._policy("followup")
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                   p.start_date, p.measured_on,
                   coalesce(array_agg(e.occurred_on ORDER BY e.occurred_on)
                            FILTER (WHERE e.id IS NOT NULL), '{}') AS visits,
                   coalesce(array_agg(e.occurred_on ORDER BY e.occurred_on)
                            FILTER (WHERE e.details -> 'private_talk' = 'true'::jsonb), '{}') AS talks
              FROM egenkontroll_placements($1, $2) p
              LEFT JOIN standing_events() e
                ON e.placement_id = p.placement_id AND e.kind = 'visit'
               AND e.occurred_on <= p.measured_on
               AND e.occurred_on >= (p.measured_on - interval '12 months')::date
             GROUP BY p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                      p.start_date, p.measured_on
            """,
            start,
            end,
        )
        return [
            (
                _subject(r),
                VisitFacts(
                    start_date=r["start_date"],
                    measured_on=r["measured_on"],
                    visits=tuple(r["visits"]),
                    private_talks=tuple(r["talks"]),
                    visits_per_year=policy["visits_per_year"],
                    max_visit_gap_months=policy["max_visit_gap_months"],
                ),
            )
            for r in rows
        ]

    async def social_workers(self, start: dt.date, end: dt.date) -> Gathered:
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                   p.measured_on,
                   (SELECT count(DISTINCT a.staff_id) FROM social_worker_assignment a
                     WHERE a.child_id = p.child_id AND a.assigned_from <= p.measured_on
                       AND (a.assigned_to IS NULL
                            OR a.assigned_to >= (p.measured_on - interval '12 months')::date)) AS n
              FROM egenkontroll_placements($1, $2) p
            """,
            start,
            end,
        )
        return [
            (_subject(r), SocialWorkerFacts(measured_on=r["measured_on"], social_workers=r["n"]))
            for r in rows
        ]

    async def information(self, start: dt.date, end: dt.date) -> Gathered:
        policy = await self._policy("followup")
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                   p.start_date, p.measured_on,
                   (SELECT min(e.occurred_on) FROM standing_events() e
                     WHERE e.placement_id = p.placement_id AND e.kind = 'contact_details_given') AS contact,
                   (SELECT min(e.occurred_on) FROM standing_events() e
                     WHERE e.placement_id = p.placement_id AND e.kind = 'grounds_explained') AS grounds
              FROM egenkontroll_placements($1, $2) p
            """,
            start,
            end,
        )
        return [
            (
                _subject(r),
                InformationFacts(
                    start_date=r["start_date"],
                    measured_on=r["measured_on"],
                    contact_details_given=r["contact"],
                    grounds_explained=r["grounds"],
                    contact_details_days=policy["contact_details_days"],
                    grounds_days=policy["grounds_days"],
                ),
            )
            for r in rows
        ]

    async def endings(self, start: dt.date, end: dt.date) -> Gathered:
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                   p.end_date, p.end_reason, p.end_reason_note
              FROM egenkontroll_placements($1, $2) p
             WHERE p.end_date BETWEEN $1 AND $2
            """,
            start,
            end,
        )
        return [
            (
                _subject(r),
                EndingFacts(
                    end_date=r["end_date"], end_reason=r["end_reason"], end_reason_note=r["end_reason_note"]
                ),
            )
            for r in rows
        ]

    async def complaints(self, start: dt.date, end: dt.date) -> Gathered:
        policy = await self._policy("followup")
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                   p.measured_on, e.id AS complaint_id, e.occurred_on AS received_on,
                   (SELECT min(a.occurred_on) FROM standing_events() a
                     WHERE a.placement_id = p.placement_id AND a.kind = 'complaint_answered'
                       AND a.details ->> 'ref' = coalesce(e.details ->> 'ref', e.occurred_on::text))
                       AS answered_on
              FROM egenkontroll_placements($1, $2) p
              JOIN standing_events() e
                ON e.placement_id = p.placement_id AND e.kind = 'complaint_received'
               AND e.occurred_on BETWEEN $1 AND $2
            """,
            start,
            end,
        )
        return [
            (
                _subject(r, r["complaint_id"]),
                ComplaintFacts(
                    received_on=r["received_on"],
                    answered_on=r["answered_on"],
                    measured_on=end,
                    answer_days=policy["complaint_answer_days"],
                ),
            )
            for r in rows
        ]

    async def purchases(self, start: dt.date, end: dt.date) -> Gathered:
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.child_id, p.sex, p.unit, p.provider, p.handlaggare,
                   p.measured_on, k.valid_from, k.follow_up_interval_months, k.last_follow_up
              FROM egenkontroll_placements($1, $2) p
              LEFT JOIN LATERAL (
                  SELECT c.valid_from, c.follow_up_interval_months,
                         (SELECT max(f.followed_up_on) FROM contract_follow_up f
                           WHERE f.contract_id = c.id AND f.followed_up_on <= p.measured_on) AS last_follow_up
                    FROM contract c
                   WHERE (c.provider_orgnr = p.provider_orgnr OR p.unit_code = ANY (c.unit_codes))
                     AND c.valid_from <= p.measured_on AND (c.valid_to IS NULL OR c.valid_to >= p.measured_on)
                   ORDER BY last_follow_up DESC NULLS LAST, c.valid_from DESC LIMIT 1) k ON true
             WHERE p.provider_orgnr IS NOT NULL
            """,
            start,
            end,
        )
        return [
            (
                _subject(r),
                PurchaseFacts(
                    measured_on=r["measured_on"],
                    under_contract=r["valid_from"] is not None,
                    contract_valid_from=r["valid_from"],
                    last_follow_up=r["last_follow_up"],
                    follow_up_interval_months=r["follow_up_interval_months"] or 12,
                ),
            )
            for r in rows
        ]

    async def children_in_reach(self, child_ids: list[uuid.UUID], reach: Reach) -> dict[uuid.UUID, Any]:
        """The named children the person reaches (name, birth date), by id; the caller audits."""
        kind, staff_id, org_unit = reach.sql_args()
        rows = await self.conn.fetch(
            """SELECT c.id, c.name, c.birth_date FROM child c
                WHERE c.municipality_id = $1 AND c.id = ANY ($2::uuid[])
                  AND child_in_reach($1, c.id, $3, $4, $5)""",
            self.municipality_id,
            child_ids,
            kind,
            staff_id,
            org_unit,
        )
        return {r["id"]: r for r in rows}

    async def staff_names(self, staff_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = await self.conn.fetch(
            "SELECT id, name FROM staff WHERE municipality_id = $1 AND id = ANY ($2::uuid[])",
            self.municipality_id,
            staff_ids,
        )
        return {r["id"]: r["name"] for r in rows}

    async def unenforced_candidates(self, start: dt.date, end: dt.date) -> list[Any]:
        """Favourable decisions whose placement had not started before the period and whose three
        months ended by its last day: what IVO's quarterly report is drawn from."""
        return await self.conn.fetch(
            """
            SELECT d.id AS decision_id, d.kind, d.decided_on, d.note, p.id AS placement_id, p.child_id,
                   c.sex, c.birth_date, p.home_name AS unit, NULL::text AS provider,
                   CASE WHEN p.start_date <= $2 THEN p.start_date END AS enforced_on,
                   (SELECT s.name FROM social_worker_assignment a
                      JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
                     WHERE a.child_id = p.child_id AND a.assigned_from <= $2
                     ORDER BY a.assigned_from DESC, a.created_at DESC LIMIT 1) AS handlaggare
              FROM decision d
              JOIN placement p ON p.municipality_id = d.municipality_id AND p.id = d.placement_id
              JOIN child c ON c.municipality_id = p.municipality_id AND c.id = p.child_id
             WHERE d.kind IN ('placement_sol', 'lss_housing')
               AND (d.decided_on + interval '3 months')::date <= $2
               AND p.start_date >= $1
             ORDER BY d.decided_on, d.id
            """,
            start,
            end,
        )

    async def enforcements(self, start: dt.date, end: dt.date) -> Gathered:
        rows = await self.unenforced_candidates(start, end)
        return [
            (
                _subject(r, r["decision_id"]),
                EnforcementFacts(decided_on=r["decided_on"], measured_on=end, enforced_on=r["enforced_on"]),
            )
            for r in rows
        ]

    async def case_files(self, start: dt.date, end: dt.date) -> list[CaseFile]:
        """The files the aktgranskning draws from: placements in the period, by their handläggare's
        unit (the last assigned on the day it is measured)."""
        rows = await self.conn.fetch(
            """
            SELECT p.placement_id, p.sex, c.birth_date,
                   coalesce(w.name, 'Ingen handläggare') AS handlaggare,
                   coalesce(w.org_unit, 'Ingen enhet') AS unit
              FROM egenkontroll_placements($1, $2) p
              JOIN child c ON c.id = p.child_id
              LEFT JOIN LATERAL (
                  SELECT s.name, s.org_unit FROM social_worker_assignment a
                    JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
                   WHERE a.child_id = p.child_id AND a.assigned_from <= p.measured_on
                   ORDER BY a.assigned_from DESC, a.created_at DESC LIMIT 1) w ON true
            """,
            start,
            end,
        )
        return [
            CaseFile(r["placement_id"], r["unit"], r["handlaggare"], r["sex"], r["birth_date"]) for r in rows
        ]

    async def file_reviews(self, start: dt.date, end: dt.date) -> Gathered:
        """The reviewed and unreviewed files of the samples drawn for periods ending in [start, end]."""
        rows = await self.conn.fetch(
            """
            SELECT r.placement_id, p.child_id, c.sex, r.unit, NULL::text AS provider, r.handlaggare,
                   r.documentation, r.plans, r.visits, r.child_informed
              FROM file_review r
              JOIN file_review_sample s ON s.municipality_id = r.municipality_id AND s.id = r.sample_id
              JOIN placement p ON p.municipality_id = r.municipality_id AND p.id = r.placement_id
              JOIN child c ON c.municipality_id = p.municipality_id AND c.id = p.child_id
             WHERE s.period_end BETWEEN $1 AND $2
            """,
            start,
            end,
        )
        return [
            (
                _subject(r),
                FileReviewFacts(
                    documentation=r["documentation"],
                    plans=r["plans"],
                    visits=r["visits"],
                    child_informed=r["child_informed"],
                ),
            )
            for r in rows
        ]

    async def declarations(self, start: dt.date, end: dt.date) -> Gathered:
        max_age = await self._policy("declaration_max_age_months")
        rows = await self.conn.fetch(
            """
            SELECT s.id, s.org_unit,
                   (SELECT max(d.declared_on) FROM declaration d
                     WHERE d.staff_id = s.id AND d.declared_on <= $1) AS latest,
                   (SELECT count(*) FROM screening_match m
                     WHERE m.staff_id = s.id AND m.status = 'open') AS open_flags
              FROM staff s
             WHERE s.active AND s.roles && $2::text[]
            """,
            end,
            sorted(role.value for role in DECLARING_ROLES),
        )
        return [
            (
                Subject(subject_id=r["id"], unit=r["org_unit"]),
                DeclarationFacts(
                    measured_on=end,
                    latest_declaration=r["latest"],
                    open_flags=r["open_flags"],
                    max_age_months=int(max_age),
                ),
            )
            for r in rows
        ]
