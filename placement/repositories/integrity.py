"""Screening runs, match review and the integrity flags (SV04–SV07), in the database: set-based SQL
selects the candidates and gathers their facts; the rules in suppliers/rules/ decide what a flag
is and its severity.

Everything here runs inside one municipality's transaction (row-level security); the register's
providers and officers are national data read alongside.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection
from placement.errors import NotFound
from suppliers.contracts import next_follow_up_due
from suppliers.records import Provider
from suppliers.rules import SV04, SV05, SV06, SV07, Flag
from suppliers.rules.SV04 import ContractFacts
from suppliers.rules.SV05 import PurchaseFacts
from suppliers.rules.SV06 import MatchFacts
from suppliers.rules.SV07 import StaffFacts
from suppliers.screening import Person, people_behind, screen_organisations, screen_people


async def policy_value(conn: Connection, municipality_id: uuid.UUID, key: str) -> Any:
    """The municipality's value for a policy key, or the documented default."""
    value = await conn.fetchval("SELECT policy_value($1, $2)", municipality_id, key)
    if value is None:
        raise KeyError(key)
    return value


# ---- screening -----------------------------------------------------------------------------------


class ScreeningSummary(BaseModel):
    staff: int
    relatives: int
    officers: int
    matches: int = Field(description="Matches found in this run.")
    open_matches: int = Field(
        description="Matches awaiting review after this run (new, reopened or not yet reviewed)."
    )


def _evidence(*parts: object) -> bytes:
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).digest()


async def run_screening(conn: Connection, municipality_id: uuid.UUID) -> ScreeningSummary:
    """Screen the municipality's staff and their declared relatives against every provider
    officer in the register, set-based, and record the matches for review."""
    staff_rows = await conn.fetch(
        "SELECT id, name, birth_date, personnummer FROM staff WHERE municipality_id = $1 AND active",
        municipality_id,
    )
    interests = await conn.fetch(
        """
        SELECT i.id, d.staff_id, i.kind, i.orgnr, i.organisation_name, i.person_name, i.person_birth_date,
               i.person_personnummer
          FROM declared_interest i
          JOIN declaration d ON d.municipality_id = i.municipality_id AND d.id = i.declaration_id
         WHERE i.municipality_id = $1
           AND d.declared_on = (SELECT max(d2.declared_on) FROM declaration d2
                                 WHERE d2.municipality_id = d.municipality_id AND d2.staff_id = d.staff_id)
        """,
        municipality_id,
    )
    providers = [
        Provider.model_validate(r["payload"])
        for r in await conn.fetch(
            "SELECT payload FROM register_entity WHERE kind = 'provider' AND valid_to_snapshot IS NULL"
        )
    ]

    people = [Person(f"self:{r['id']}", r["name"], r["birth_date"], r["personnummer"]) for r in staff_rows]
    staff_of: dict[str, uuid.UUID] = {f"self:{r['id']}": r["id"] for r in staff_rows}
    relatives = [i for i in interests if i["kind"] == "relative_engagement"]
    for r in relatives:
        key = f"relative:{r['id']}"
        people.append(Person(key, r["person_name"], r["person_birth_date"], r["person_personnummer"]))
        staff_of[key] = r["staff_id"]
    subject_names = {p.key: p.name for p in people}

    officers: list[Person] = []
    officer_info: dict[str, tuple[str | None, str, str, uuid.UUID | None]] = {}
    # The people among each provider's officers, and behind the legal persons among them (holding
    # companies) to the policy's depth; a company's name is never screened as a person's.
    depth = int(await policy_value(conn, municipality_id, "screening_ownership_depth"))
    for chained in people_behind({p.orgnr: p for p in providers}, depth):
        officer = chained.officer
        # An officer's identity across snapshots: the register has no id, so the best we have.
        identity = (
            officer.personnummer or (officer.birth_date and officer.birth_date.isoformat()) or officer.name
        )
        chain = "".join(f"|via:{orgnr}" for orgnr in chained.via)
        key = f"{chained.provider_orgnr}|{officer.role.value}{chain}|{identity}"
        role = officer.role.value + "".join(f" via {orgnr}" for orgnr in chained.via)
        officers.append(Person(key, officer.name, officer.birth_date, officer.personnummer))
        officer_info[key] = (chained.provider_orgnr, role, officer.name, None)
    # The municipality's own foster parents: a staff member linked to one must not handle that home.
    for parent in await conn.fetch(
        "SELECT foster_home_id, name, birth_date, personnummer FROM foster_parent WHERE municipality_id = $1",
        municipality_id,
    ):
        identity = (
            parent["personnummer"]
            or (parent["birth_date"] and parent["birth_date"].isoformat())
            or parent["name"]
        )
        key = f"foster:{parent['foster_home_id']}|{identity}"
        officers.append(Person(key, parent["name"], parent["birth_date"], parent["personnummer"]))
        officer_info[key] = (None, "foster_parent", parent["name"], parent["foster_home_id"])

    officers_by_key = {o.key: o for o in officers}
    found: list[tuple[Any, ...]] = []
    for match in screen_people(people, officers):
        orgnr, role, name, foster_home_id = officer_info[match.right]
        who = officers_by_key[match.right]
        subject = "self" if match.left.startswith("self:") else match.left
        found.append(
            (
                staff_of[match.left],
                subject,
                subject_names[match.left],
                orgnr,
                match.right,
                name,
                role,
                match.score,
                match.basis,
                # what the match rests on: when any of it changes, a reviewed pair is raised again
                _evidence(subject_names[match.left], who.name, who.birth_date, who.personnummer),
                foster_home_id,
            )
        )

    # The staff member's own declared engagements: by organisationsnummer, or by organisation name.
    by_orgnr = {p.orgnr: p for p in providers}
    named: list[tuple[str, str]] = []
    for i in interests:
        if i["kind"] == "relative_engagement":
            continue
        subject = f"interest:{i['id']}"
        if i["orgnr"] and i["orgnr"] in by_orgnr:
            found.append(
                (
                    i["staff_id"],
                    subject,
                    i["organisation_name"] or i["orgnr"],
                    i["orgnr"],
                    "organisation",
                    by_orgnr[i["orgnr"]].name,
                    "organisation",
                    100,
                    "orgnr",
                    _evidence(i["orgnr"], i["kind"]),
                    None,
                )
            )
        elif i["organisation_name"] and not i["orgnr"]:
            named.append((str(i["id"]), i["organisation_name"]))
    interest_staff = {str(i["id"]): i["staff_id"] for i in interests}
    for match in screen_organisations(named, [(p.orgnr, p.name) for p in providers]):
        provider = by_orgnr[match.right]
        found.append(
            (
                interest_staff[match.left],
                f"interest:{match.left}",
                dict(named)[match.left],
                provider.orgnr,
                "organisation",
                provider.name,
                "organisation",
                match.score,
                "name",
                _evidence(dict(named)[match.left], provider.name, match.score),
                None,
            )
        )

    changed = 0
    if found:
        changed = await conn.fetchval(
            """
            WITH incoming AS (
                SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                     $8::text[], $9::int[], $10::text[], $11::bytea[], $12::uuid[])
                    AS t(staff_id, subject, subject_name, provider_orgnr, officer_key, officer_name,
                         officer_role, score, basis, evidence_sha256, foster_home_id)
            ), upserted AS (
                INSERT INTO screening_match AS m
                    (municipality_id, staff_id, subject, subject_name, provider_orgnr, officer_key,
                     officer_name, officer_role, score, basis, evidence_sha256, foster_home_id)
                SELECT $1, * FROM incoming
                ON CONFLICT (municipality_id, staff_id, subject, (coalesce(provider_orgnr, '')),
                             (coalesce(foster_home_id::text, '')), officer_key) DO UPDATE
                   SET score = EXCLUDED.score, basis = EXCLUDED.basis, subject_name = EXCLUDED.subject_name,
                       officer_name = EXCLUDED.officer_name, evidence_sha256 = EXCLUDED.evidence_sha256,
                       -- a reviewed pair keeps its review until the data behind it changes
                       status = CASE WHEN m.evidence_sha256 = EXCLUDED.evidence_sha256
                                     THEN m.status ELSE 'open' END,
                       review_reason = CASE WHEN m.evidence_sha256 = EXCLUDED.evidence_sha256
                                            THEN m.review_reason END,
                       reviewed_by = CASE WHEN m.evidence_sha256 = EXCLUDED.evidence_sha256
                                          THEN m.reviewed_by END,
                       reviewed_at = CASE WHEN m.evidence_sha256 = EXCLUDED.evidence_sha256
                                          THEN m.reviewed_at END,
                       updated_at = now()
                RETURNING (xmax = 0) AS inserted, status, m.evidence_sha256
            )
            SELECT count(*) FILTER (WHERE inserted OR status = 'open') FROM upserted
            """,
            municipality_id,
            *[list(column) for column in zip(*found, strict=True)],
        )
    return ScreeningSummary(
        staff=len(staff_rows),
        relatives=len(relatives),
        officers=len(officers),
        matches=len(found),
        open_matches=changed or 0,
    )


# ---- review ---------------------------------------------------------------------------------------


class ScreeningMatch(BaseModel):
    id: uuid.UUID
    staff_id: uuid.UUID
    subject: str
    subject_name: str
    provider_orgnr: str | None
    foster_home_id: uuid.UUID | None = None
    officer_name: str
    officer_role: str
    score: int
    basis: str
    status: str
    review_reason: str | None
    reviewed_at: dt.datetime | None


_MATCH = """id, staff_id, subject, subject_name, provider_orgnr, foster_home_id, officer_name, officer_role,
    score, basis, status, review_reason, reviewed_at"""


async def matches(conn: Connection, municipality_id: uuid.UUID, status: str | None) -> list[ScreeningMatch]:
    rows = await conn.fetch(
        f"""SELECT {_MATCH} FROM screening_match
             WHERE municipality_id = $1 AND ($2::text IS NULL OR status = $2)
             ORDER BY status = 'open' DESC, score DESC, created_at""",  # noqa: S608 - a module constant column list
        municipality_id,
        status,
    )
    return [ScreeningMatch.model_validate(dict(r)) for r in rows]


async def review(
    conn: Connection,
    municipality_id: uuid.UUID,
    match_id: uuid.UUID,
    *,
    confirm: bool,
    reason: str,
    reviewer: uuid.UUID | None,
) -> ScreeningMatch:
    row = await conn.fetchrow(
        f"""UPDATE screening_match SET status = $3, review_reason = $4, reviewed_by = $5, reviewed_at = now(),
                   updated_at = now()
             WHERE municipality_id = $1 AND id = $2 RETURNING {_MATCH}""",  # noqa: S608 - a module constant column list
        municipality_id,
        match_id,
        "confirmed" if confirm else "dismissed",
        reason,
        reviewer,
    )
    if row is None:
        raise NotFound("Träffen finns inte")
    return ScreeningMatch.model_validate(dict(row))


async def match_queue(
    conn: Connection, municipality_id: uuid.UUID, match_id: uuid.UUID | None = None
) -> list[Any]:
    """The screening matches as a person reads them (the web's Jäv): the staff member's name, the
    officer, the provider's or foster home's name; open first, highest score first."""
    return await conn.fetch(
        """
        SELECT m.id, m.score, m.basis, m.status, m.review_reason, m.subject, m.subject_name, m.officer_name,
               m.officer_role, s.name AS staff_name, s.org_unit,
               coalesce((SELECT pr.payload ->> 'name' FROM register_entity pr
                          WHERE pr.kind = 'provider' AND pr.valid_to_snapshot IS NULL
                            AND pr.key = m.provider_orgnr),
                        f.name, m.provider_orgnr) AS counterparty
          FROM screening_match m
          JOIN staff s ON s.municipality_id = m.municipality_id AND s.id = m.staff_id
          LEFT JOIN foster_home f ON f.municipality_id = m.municipality_id AND f.id = m.foster_home_id
         WHERE m.municipality_id = $1 AND ($2::uuid IS NULL OR m.id = $2)
         ORDER BY m.status = 'open' DESC, m.score DESC, m.created_at
        """,
        municipality_id,
        match_id,
    )


# ---- flags ----------------------------------------------------------------------------------------


async def conflict_flags(conn: Connection, municipality_id: uuid.UUID) -> list[Flag]:
    """SV06: confirmed links and high-scoring open matches; raised to block when the person decided,
    handled or followed up something involving that provider."""
    threshold = int(await policy_value(conn, municipality_id, "screening_flag_score"))
    rows = await conn.fetch(
        """
        WITH provider_units AS (
            SELECT key AS unit_code, payload ->> 'provider_orgnr' AS orgnr FROM register_entity
             WHERE kind = 'unit' AND valid_to_snapshot IS NULL
        )
        SELECT m.staff_id, m.provider_orgnr, m.foster_home_id, m.subject_name, m.officer_name, m.officer_role,
               m.score, m.status,
               (SELECT h.name FROM foster_home h
                 WHERE h.municipality_id = m.municipality_id AND h.id = m.foster_home_id) AS foster_home,
               ARRAY(
                   SELECT DISTINCT 'beslut om placering på ' || p.unit_code FROM decision d
                     JOIN placement p ON p.municipality_id = d.municipality_id AND p.id = d.placement_id
                     JOIN provider_units u ON u.unit_code = p.unit_code
                    WHERE d.municipality_id = m.municipality_id AND d.decided_by = m.staff_id
                      AND u.orgnr = m.provider_orgnr
                   UNION
                   SELECT DISTINCT 'ansvarig socialsekreterare för barn placerat på ' || p.unit_code
                     FROM social_worker_assignment a
                     JOIN placement p ON p.municipality_id = a.municipality_id AND p.child_id = a.child_id
                     JOIN provider_units u ON u.unit_code = p.unit_code
                    WHERE a.municipality_id = m.municipality_id AND a.staff_id = m.staff_id
                      AND u.orgnr = m.provider_orgnr
                   UNION
                   SELECT DISTINCT 'följde upp avtal med utföraren' FROM contract_follow_up f
                     JOIN contract c ON c.municipality_id = f.municipality_id AND c.id = f.contract_id
                    WHERE f.municipality_id = m.municipality_id AND f.by_staff = m.staff_id
                      AND c.provider_orgnr = m.provider_orgnr
                   UNION
                   SELECT DISTINCT 'beslut om placering i familjehemmet' FROM decision d
                     JOIN placement p ON p.municipality_id = d.municipality_id AND p.id = d.placement_id
                    WHERE d.municipality_id = m.municipality_id AND d.decided_by = m.staff_id
                      AND p.foster_home_id = m.foster_home_id
                   UNION
                   SELECT DISTINCT 'ansvarig socialsekreterare för barn i familjehemmet'
                     FROM social_worker_assignment a
                     JOIN placement p ON p.municipality_id = a.municipality_id AND p.child_id = a.child_id
                    WHERE a.municipality_id = m.municipality_id AND a.staff_id = m.staff_id
                      AND p.foster_home_id = m.foster_home_id
               ) AS involvement
          FROM screening_match m
         WHERE m.municipality_id = $1 AND (m.status = 'confirmed' OR (m.status = 'open' AND m.score >= $2))
         ORDER BY m.score DESC
        """,
        municipality_id,
        threshold,
    )
    flags = [
        SV06.sv06_conflict_of_interest(
            MatchFacts(
                staff_id=r["staff_id"],
                provider_orgnr=r["provider_orgnr"],
                foster_home_id=r["foster_home_id"],
                foster_home_name=r["foster_home"],
                subject_name=r["subject_name"],
                officer_name=r["officer_name"],
                officer_role=r["officer_role"],
                score=r["score"],
                status=r["status"],
                involvement=list(r["involvement"]),
            ),
            threshold,
        )
        for r in rows
    ]
    return [flag for flag in flags if flag is not None]


async def declaration_flags(conn: Connection, municipality_id: uuid.UUID, today: dt.date) -> list[Flag]:
    """SV07: staff in placement, decision or procurement roles without a recent declaration."""
    months = int(await policy_value(conn, municipality_id, "declaration_max_age_months"))
    rows = await conn.fetch(
        """SELECT s.id, s.name, s.roles,
                  (SELECT max(d.declared_on) FROM declaration d
                    WHERE d.municipality_id = s.municipality_id AND d.staff_id = s.id) AS latest
             FROM staff s WHERE s.municipality_id = $1 AND s.active ORDER BY s.name""",
        municipality_id,
    )
    flags = [
        SV07.sv07_declaration_missing(
            StaffFacts(
                staff_id=r["id"],
                name=r["name"],
                roles=frozenset(StaffRole(x) for x in r["roles"]),
                latest_declaration=r["latest"],
            ),
            today,
            months,
        )
        for r in rows
    ]
    return [flag for flag in flags if flag is not None]


async def contract_flags(conn: Connection, municipality_id: uuid.UUID, today: dt.date) -> list[Flag]:
    """SV04: contracts in use (children placed at their units now) whose follow-up is late."""
    rows = await conn.fetch(
        """
        SELECT c.id, c.provider_orgnr, c.reference, c.valid_from, c.follow_up_interval_months,
               (SELECT max(f.followed_up_on) FROM contract_follow_up f
                 WHERE f.municipality_id = c.municipality_id AND f.contract_id = c.id) AS last_follow_up,
               EXISTS (SELECT 1 FROM placement p
                        WHERE p.municipality_id = c.municipality_id AND p.unit_code = ANY (c.unit_codes)
                          AND p.start_date <= $2 AND (p.end_date IS NULL OR p.end_date >= $2)) AS in_use
          FROM contract c
         WHERE c.municipality_id = $1 AND c.valid_from <= $2 AND (c.valid_to IS NULL OR c.valid_to >= $2)
        """,
        municipality_id,
        today,
    )
    flags = [
        SV04.sv04_follow_up_overdue(
            ContractFacts(
                contract_id=r["id"],
                provider_orgnr=r["provider_orgnr"],
                reference=r["reference"],
                valid_from=r["valid_from"],
                last_follow_up=r["last_follow_up"],
                follow_up_interval_months=r["follow_up_interval_months"],
                in_use=r["in_use"],
            ),
            today,
        )
        for r in rows
    ]
    return [flag for flag in flags if flag is not None]


async def purchases_without_contract(
    conn: Connection, municipality_id: uuid.UUID, year: int, today: dt.date
) -> dict[str, tuple[int, float]]:
    """Per provider: placement days in ``year`` (up to today) not covered by a valid contract with
    it, and their cost (days times the placement's daily cost)."""
    rows = await conn.fetch(
        """
        WITH provider_units AS (
            SELECT key AS unit_code, payload ->> 'provider_orgnr' AS orgnr FROM register_entity
             WHERE kind = 'unit' AND valid_to_snapshot IS NULL AND payload ->> 'provider_orgnr' IS NOT NULL
        ), days AS (
            SELECT u.orgnr, p.daily_cost, d::date AS day
              FROM placement p
              JOIN provider_units u ON u.unit_code = p.unit_code
              CROSS JOIN LATERAL generate_series(
                  greatest(p.start_date, make_date($2, 1, 1)),
                  least(coalesce(p.end_date, $3), make_date($2, 12, 31), $3),
                  interval '1 day') AS d
             WHERE p.municipality_id = $1
        )
        SELECT orgnr, count(*) AS days, coalesce(sum(daily_cost), 0) AS cost
          FROM days
         WHERE NOT EXISTS (SELECT 1 FROM contract c
                            WHERE c.municipality_id = $1 AND c.provider_orgnr = days.orgnr
                              AND c.valid_from <= days.day AND (c.valid_to IS NULL OR c.valid_to >= days.day))
         GROUP BY orgnr
        """,
        municipality_id,
        year,
        today,
    )
    return {r["orgnr"]: (r["days"], float(r["cost"])) for r in rows}


async def purchase_flags(conn: Connection, municipality_id: uuid.UUID, today: dt.date) -> list[Flag]:
    """SV05: purchases without a valid contract above the year's direct-award limit."""
    limits = await policy_value(conn, municipality_id, "direct_award_limit_sek")
    limit = limits.get(str(today.year))
    purchases = await purchases_without_contract(conn, municipality_id, today.year, today)
    flags = [
        SV05.sv05_purchases_without_contract(
            PurchaseFacts(
                provider_orgnr=orgnr,
                year=today.year,
                days_without_contract=days,
                cost_without_contract=cost,
                direct_award_limit=None if limit is None else float(limit),
            )
        )
        for orgnr, (days, cost) in purchases.items()
    ]
    return [flag for flag in flags if flag is not None]


async def all_flags(conn: Connection, municipality_id: uuid.UUID, today: dt.date) -> list[Flag]:
    grouped: dict[str, list[Flag]] = defaultdict(list)
    for flag in (
        *await contract_flags(conn, municipality_id, today),
        *await purchase_flags(conn, municipality_id, today),
        *await conflict_flags(conn, municipality_id),
        *await declaration_flags(conn, municipality_id, today),
    ):
        grouped[flag.code].append(flag)
    return [flag for code in sorted(grouped) for flag in grouped[code]]


class ProviderOverview(BaseModel):
    provider_orgnr: str
    provider_name: str | None
    active_contracts: int
    next_follow_up_due: dt.date | None
    days_without_contract_this_year: int
    cost_without_contract_this_year: float
    current_placements: int = Field(description="A count; no child data.")
    open_flags: int


async def provider_overview(conn: Connection, tenant: uuid.UUID, today: dt.date) -> list[ProviderOverview]:
    """Per provider the municipality has contracts with or places at: contracts in force, the next
    follow-up, purchases without contract this year, current placements (a count) and open flags."""
    rows = await conn.fetch(
        """
        WITH provider_units AS (
            SELECT key AS unit_code, payload ->> 'provider_orgnr' AS orgnr FROM register_entity
             WHERE kind = 'unit' AND valid_to_snapshot IS NULL AND payload ->> 'provider_orgnr' IS NOT NULL
        ), providers AS (
            SELECT provider_orgnr AS orgnr FROM contract WHERE municipality_id = $1
            UNION
            SELECT u.orgnr FROM placement p JOIN provider_units u ON u.unit_code = p.unit_code
             WHERE p.municipality_id = $1
        )
        SELECT pr.orgnr,
               (SELECT payload ->> 'name' FROM register_entity
                 WHERE kind = 'provider' AND key = pr.orgnr AND valid_to_snapshot IS NULL) AS name,
               (SELECT count(*) FROM contract c WHERE c.municipality_id = $1 AND c.provider_orgnr = pr.orgnr
                   AND c.valid_from <= $2 AND (c.valid_to IS NULL OR c.valid_to >= $2)) AS active_contracts,
               (SELECT count(*) FROM placement p JOIN provider_units u ON u.unit_code = p.unit_code
                 WHERE p.municipality_id = $1 AND u.orgnr = pr.orgnr
                   AND p.start_date <= $2 AND (p.end_date IS NULL OR p.end_date >= $2)) AS current_placements
          FROM providers pr ORDER BY pr.orgnr
        """,
        tenant,
        today,
    )
    purchases = await purchases_without_contract(conn, tenant, today.year, today)
    flags = await all_flags(conn, tenant, today)
    contracts = await conn.fetch(
        """SELECT c.provider_orgnr, c.valid_from, c.follow_up_interval_months,
                  (SELECT max(f.followed_up_on) FROM contract_follow_up f
                    WHERE f.municipality_id = c.municipality_id AND f.contract_id = c.id) AS last
             FROM contract c WHERE c.municipality_id = $1 AND (c.valid_to IS NULL OR c.valid_to >= $2)""",
        tenant,
        today,
    )
    due: dict[str, dt.date] = {}
    for c in contracts:
        when = next_follow_up_due(c["valid_from"], c["last"], c["follow_up_interval_months"])
        due[c["provider_orgnr"]] = min(when, due.get(c["provider_orgnr"], when))
    items = [
        ProviderOverview(
            provider_orgnr=r["orgnr"],
            provider_name=r["name"],
            active_contracts=r["active_contracts"],
            next_follow_up_due=due.get(r["orgnr"]),
            days_without_contract_this_year=purchases.get(r["orgnr"], (0, 0.0))[0],
            cost_without_contract_this_year=purchases.get(r["orgnr"], (0, 0.0))[1],
            current_placements=r["current_placements"],
            open_flags=sum(1 for f in flags if f.provider_orgnr == r["orgnr"]),
        )
        for r in rows
    ]
    return items
