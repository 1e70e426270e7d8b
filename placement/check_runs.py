"""Check runs in the service: gather the facts a proposed placement is judged on (citing the
register snapshots), run every rule (checks/), store the run unchanged for ever, and record
acknowledgements and overrides. A placement decision needs a recent run with nothing open."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from checks.egenkontroll import EK01, DecisionCheckFacts, ek01_decision_without_check
from checks.facts import (
    CheckFacts,
    CheckPolicy,
    ChildFacts,
    ConflictFact,
    ContractFact,
    FosterHomeFacts,
    FosterPersonFacts,
    ProposedPlacement,
    UnitFacts,
)
from checks.registry import Finding, Verdict, run
from placement import foster_identity
from placement.audit import Actor
from placement.core.clock import SWEDEN
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import Need
from placement.core.vocabulary import DecisionKind, LegalBasis, PlacementForm
from placement.database.pool import Connection
from placement.errors import NotFound, ValidationFailed
from placement.models import Input
from placement.principal import Principal
from placement.reach import EVERY_CHILD, Reach
from placement.repositories.integrity import policy_value
from suppliers.register import unit_view

NEEDS_CHECK = {
    DecisionKind.PLACEMENT_SOL,
    DecisionKind.PLACEMENT_LVU,
    DecisionKind.LSS_HOUSING,
    DecisionKind.PLACEMENT_FOSTER_HOME_PERMANENT,
}


class CheckRequest(Input):
    child_id: uuid.UUID
    form: PlacementForm
    legal_basis: LegalBasis
    start_date: dt.date
    planned_end_date: dt.date | None = None
    unit_code: str | None = Field(default=None, description="For HVB, stödboende, LSS home, SiS.")
    foster_home_id: uuid.UUID | None = Field(default=None, description="For familjehem and jourhem.")
    primary_need: Need | None = None
    other_needs: list[Need] = Field(default_factory=list)
    close_supervision_needed: bool = False
    needs_assessment_documented: bool = False
    handlaggare_id: uuid.UUID | None = None
    decision_maker_id: uuid.UUID | None = None
    decision_kind: DecisionKind = DecisionKind.PLACEMENT_SOL
    decided_by_namnd: bool = Field(
        default=False,
        description="The nämnd or its utskott takes the decision (required for familjehem, jourhem, LVU "
        "care, övervägande: SoL 30 kap. 6–7 §§), not an official.",
    )
    manager_known_to_municipality: str | None = None
    investigation_ended_on: dt.date | None = None
    jourhem_special_reasons: str | None = None
    foster_agreement_on: dt.date | None = Field(
        default=None, description="When the agreement with the foster parents was made (SoL 22 kap. 3 §)."
    )
    host_municipality_consulted_on: dt.date | None = Field(
        default=None,
        description="When the municipality the home lies in was informed and consulted (SoL 22 kap. 6 §).",
    )
    other_placing_municipalities_consulted_on: dt.date | None = Field(
        default=None,
        description="When the other municipalities with a child in the home were informed and consulted.",
    )


class Consequence(BaseModel):
    """A finding that follows from the one it is shown under (PP04's age range under PP03)."""

    code: str
    severity: Severity
    title: str
    detail: str
    guidance: str
    evidence: dict[str, Any]
    consequences: list[Consequence] = Field(default_factory=list)


class StoredFinding(BaseModel):
    index: int
    code: str
    severity: Severity
    title: str
    detail: str
    guidance: str
    evidence: dict[str, Any]
    consequences: list[Consequence] = Field(
        default_factory=list, description="Findings that follow from this one, shown under it."
    )
    resolution: str | None = Field(default=None, description="acknowledge or override, once recorded.")
    resolved_by: str | None = None
    resolution_reason: str | None = None


class CheckRun(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    form: PlacementForm
    unit_code: str | None
    foster_home_id: uuid.UUID | None
    decision_kind: DecisionKind
    verdict: Verdict
    open_findings: int = Field(description="Blocks not overridden and warnings not acknowledged.")
    findings: list[StoredFinding]
    facts: dict[str, Any] = Field(description="What the rules were given, register snapshot ids included.")
    run_by: str
    run_at: dt.datetime


async def gather(
    conn: Connection,
    principal: Principal,
    request: CheckRequest,
    today: dt.date,
    *,
    identity_key: bytes | None,
) -> CheckFacts:
    tenant = principal.municipality_id
    child = await conn.fetchrow(  # and the municipality's policy for checks, in the same query
        """SELECT c.birth_date, c.sex, policy_value($1, 'checks') AS policy,
                  (SELECT m.kommunkod FROM municipality m WHERE m.id = $1) AS kommunkod
             FROM child c
            WHERE c.municipality_id = $1 AND c.id = $2 AND child_in_reach($1, c.id, $3, $4, $5)""",
        tenant,
        request.child_id,
        *principal.actor.writes.sql_args(),
    )
    if child is None:
        raise NotFound("Barnet finns inte")
    now = dt.datetime.now(SWEDEN)
    unit = provider = None
    contracts: list[ContractFact] = []
    if request.unit_code:
        view = await unit_view(conn, request.unit_code, now, today)
        found = view.unit
        unit = UnitFacts(
            in_register=found is not None,
            unit=found.unit if found else None,
            snapshot_id=found.snapshot_id if found else None,
            manager_known_to_municipality=request.manager_known_to_municipality,
            active_placements=view.active_placements,
            moves_12m=view.moves_12m,
            unplanned_endings_12m=view.unplanned_endings_12m,
            endings_12m=view.endings_12m,
            interventions=view.interventions,
        )
        if found and found.unit.provider_orgnr:
            provider = view.provider.provider if view.provider else None
    foster_home = None
    if request.foster_home_id:
        home = await conn.fetchrow(
            "SELECT * FROM foster_home WHERE municipality_id = $1 AND id = $2", tenant, request.foster_home_id
        )
        if home is None:
            message = "Familjehemmet finns inte i kommunen"
            raise ValidationFailed.on("body.foster_home_id", message, "unknown")
        concurrent = await conn.fetchval(
            """SELECT count(*) FROM placement WHERE municipality_id = $1 AND foster_home_id = $2
                 AND start_date <= $3 AND (end_date IS NULL OR end_date >= $3)""",
            tenant,
            request.foster_home_id,
            today,
        )
        people = await conn.fetch(
            """SELECT name, belastningsregister_on, misstankeregister_on FROM foster_parent
                WHERE municipality_id = $1 AND foster_home_id = $2 ORDER BY name""",
            tenant,
            request.foster_home_id,
        )
        placing, placed = await _across_municipalities(
            conn, identity_key, tenant, request.foster_home_id, today
        )
        foster_home = FosterHomeFacts(
            kommunkod=home["kommunkod"],
            people=tuple(FosterPersonFacts.model_validate(dict(p)) for p in people),
            placed_children=placed,
            investigated_on=home["investigated_on"],
            approved_on=home["approved_on"],
            belastningsregister_on=home["belastningsregister_on"],
            misstankeregister_on=home["misstankeregister_on"],
            socialregister_on=home["socialregister_on"],
            company_orgnr=home["company_orgnr"],
            concurrent_placements=concurrent,
            # Known only through the keyed hashes shared across municipalities (no key: unknown).
            placing_municipalities=placing,
        )
    conflicts: list[ConflictFact] = []
    orgnr = unit.unit.provider_orgnr if unit and unit.unit else None
    roles_of: dict[uuid.UUID, list[str]] = defaultdict(list)
    for person, staff_id in (
        ("handlaggare", request.handlaggare_id),
        ("decision_maker", request.decision_maker_id),
    ):
        if staff_id is not None:
            roles_of[staff_id].append(person)
    if orgnr is not None:
        # The municipality's contracts with the provider, and the screening's links between the
        # two people and the provider's officers (dismissed ones left out), in one query.
        dealings = await conn.fetchrow(
            """SELECT (SELECT jsonb_agg(jsonb_build_object('kind', kind, 'valid_from', valid_from,
                                                           'valid_to', valid_to,
                                                           'provider_orgnr', provider_orgnr))
                         FROM contract WHERE municipality_id = $1 AND provider_orgnr = $2) AS contracts,
                      (SELECT jsonb_agg(jsonb_build_object('staff_id', staff_id, 'officer_name', officer_name,
                                                           'officer_role', officer_role, 'score', score,
                                                           'status', status))
                         FROM screening_match
                        WHERE municipality_id = $1 AND staff_id = ANY ($3::uuid[]) AND provider_orgnr = $2
                          AND status <> 'dismissed') AS matches""",
            tenant,
            orgnr,
            list(roles_of),
        )
        assert dealings is not None  # a SELECT of subqueries gives one row
        contracts = [ContractFact.model_validate(c) for c in dealings["contracts"] or ()]
        for m in dealings["matches"] or ():
            conflicts.extend(
                ConflictFact(
                    person=person,
                    detail=f"{m['officer_name']} ({m['officer_role']})",
                    confirmed=m["status"] == "confirmed",
                    score=m["score"],
                )
                for person in roles_of[uuid.UUID(m["staff_id"])]
            )
    delegated, basis = await delegation_for(conn, tenant, request.decision_maker_id, request.decision_kind)
    policy = CheckPolicy.model_validate(child["policy"])
    return CheckFacts(
        today=today,
        child=ChildFacts(
            birth_date=child["birth_date"],
            sex=child["sex"],
            primary_need=request.primary_need,
            other_needs=tuple(request.other_needs),
        ),
        proposed=ProposedPlacement(
            form=request.form,
            legal_basis=request.legal_basis,
            start_date=request.start_date,
            planned_end_date=request.planned_end_date,
            close_supervision_needed=request.close_supervision_needed,
        ),
        unit=unit,
        foster_home=foster_home,
        provider=provider,
        contracts=tuple(contracts),
        conflicts=tuple(conflicts),
        decision_kind=request.decision_kind,
        decided_by_namnd=request.decided_by_namnd,
        decision_maker_has_delegation=delegated,
        delegation_basis=basis,
        needs_assessment_documented=request.needs_assessment_documented,
        investigation_ended_on=request.investigation_ended_on,
        jourhem_special_reasons=request.jourhem_special_reasons,
        municipality_kommunkod=child["kommunkod"],
        foster_agreement_on=request.foster_agreement_on,
        host_municipality_consulted_on=request.host_municipality_consulted_on,
        other_placing_municipalities_consulted_on=request.other_placing_municipalities_consulted_on,
        policy=policy,
    )


async def _across_municipalities(
    conn: Connection, key: bytes | None, tenant: uuid.UUID, foster_home_id: uuid.UUID, today: dt.date
) -> tuple[int | None, int | None]:
    """The municipalities placing children with the home's parents, and the children placed there,
    counted across municipalities by keyed hash (no key: unknown)."""
    if key is None:
        return None, None
    await foster_identity.publish(conn, key, tenant, foster_home_id, today)
    return (
        await foster_identity.placing_municipalities(conn, key, tenant, foster_home_id),
        await foster_identity.placed_children(conn, key, tenant, foster_home_id),
    )


async def delegation_for(
    conn: Connection, tenant: uuid.UUID, decision_maker: uuid.UUID | None, kind: DecisionKind
) -> tuple[bool | None, str]:
    if decision_maker is None:
        return None, "Ingen beslutsfattare angiven"
    staff = await conn.fetchrow(
        """SELECT s.name, EXISTS (
                   SELECT 1 FROM delegation_rule d
                    WHERE d.municipality_id = s.municipality_id AND d.decision_kind = $3
                      AND (d.staff_id = s.id OR d.role = ANY (s.roles))
                      AND (d.org_unit IS NULL OR d.org_unit = s.org_unit)) AS allowed
             FROM staff s WHERE s.municipality_id = $1 AND s.id = $2""",
        tenant,
        decision_maker,
        kind.value,
    )
    if staff is None:
        return False, "Beslutsfattaren finns inte i kommunen"
    if staff["allowed"]:
        return True, f"{staff['name']} har delegation för {kind.value}"
    return False, f"{staff['name']} saknar delegation för {kind.value} enligt delegationsordningen"


def _stored(f: Finding) -> dict[str, Any]:
    """A finding as stored, with the findings that follow from it under it."""
    return {
        "code": f.code,
        "severity": f.severity.value,
        "title": f.title,
        "detail": f.detail,
        "guidance": f.guidance,
        "evidence": json.loads(json.dumps(f.evidence, default=str)),
        "consequences": [_stored(c) for c in f.consequences],
    }


async def store_run(
    conn: Connection, principal: Principal, request: CheckRequest, facts: CheckFacts
) -> CheckRun:
    """Run the rules over the facts and store the run as it is; a new run has no resolutions."""
    verdict, findings = run(facts)
    stored: dict[str, Any] = {
        "child_id": request.child_id,
        "form": request.form,
        "unit_code": request.unit_code,
        "foster_home_id": request.foster_home_id,
        "request": request.model_dump(mode="json"),
        "facts": facts.model_dump(mode="json"),
        "findings": [_stored(f) for f in findings],
        "verdict": verdict.value,
        "run_by": principal.actor.name,
    }
    row = await conn.fetchrow(
        """INSERT INTO placement_check
               (municipality_id, child_id, form, unit_code, foster_home_id, request, facts, findings, verdict,
                run_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, run_at""",
        principal.municipality_id,
        *stored.values(),
    )
    assert row is not None  # INSERT ... RETURNING gives the row
    return _as_run({**stored, "id": row["id"], "run_at": row["run_at"]}, {})


async def read_run(
    conn: Connection, tenant: uuid.UUID, check_id: uuid.UUID, *, within: Reach = EVERY_CHILD
) -> CheckRun:
    """A stored run with its resolutions; not found unless its child is ``within`` reach."""
    row = await conn.fetchrow(
        """SELECT * FROM placement_check
            WHERE municipality_id = $1 AND id = $2 AND child_in_reach($1, child_id, $3, $4, $5)""",
        tenant,
        check_id,
        *within.sql_args(),
    )
    if row is None:
        raise NotFound("Kontrollen finns inte")
    resolutions = {
        r["finding_index"]: r
        for r in await conn.fetch(
            "SELECT * FROM check_resolution WHERE municipality_id = $1 AND check_id = $2", tenant, check_id
        )
    }
    return _as_run(row, resolutions)


async def add_resolution(
    conn: Connection,
    tenant: uuid.UUID,
    check_id: uuid.UUID,
    finding_index: int,
    *,
    action: str,
    reason: str,
    by: Actor,
) -> None:
    """A warning acknowledged or a block overridden, with the reason and who; never changed after."""
    await conn.execute(
        """INSERT INTO check_resolution
               (municipality_id, check_id, finding_index, action, reason, by_name, by_role)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        tenant,
        check_id,
        finding_index,
        action,
        reason,
        by.name,
        by.role,
    )


def _as_run(row: Mapping[str, Any] | asyncpg.Record, resolutions: Mapping[int, asyncpg.Record]) -> CheckRun:
    findings = []
    for index, f in enumerate(row["findings"]):
        resolution = resolutions.get(index)
        findings.append(
            StoredFinding(
                index=index,
                **f,
                resolution=resolution["action"] if resolution else None,
                resolved_by=resolution["by_name"] if resolution else None,
                resolution_reason=resolution["reason"] if resolution else None,
            )
        )
    open_count = sum(1 for f in findings if f.severity is not Severity.INFO and f.resolution is None)
    return CheckRun(
        id=row["id"],
        child_id=row["child_id"],
        form=row["form"],
        unit_code=row["unit_code"],
        foster_home_id=row["foster_home_id"],
        decision_kind=row["request"]["decision_kind"],
        verdict=row["verdict"],
        open_findings=open_count,
        findings=findings,
        facts=row["facts"],
        run_by=row["run_by"],
        run_at=row["run_at"],
    )


async def open_findings_for_decision(
    conn: Connection,
    tenant: uuid.UUID,
    child_id: uuid.UUID,
    form: str,
    unit_code: str | None,
    foster_home_id: uuid.UUID | None,
    today: dt.date,
) -> tuple[CheckRun | None, list[StoredFinding]]:
    """The latest check run for this child, form and home within the policy's days, and what is open in it."""
    valid_days = int((await policy_value(conn, tenant, "checks")).get("check_valid_days", 30))
    check_id = await conn.fetchval(
        """SELECT id FROM placement_check
            WHERE municipality_id = $1 AND child_id = $2 AND form = $3
              AND unit_code IS NOT DISTINCT FROM $4 AND foster_home_id IS NOT DISTINCT FROM $5
              AND run_at >= $6
            ORDER BY run_at DESC LIMIT 1""",
        tenant,
        child_id,
        form,
        unit_code,
        foster_home_id,
        dt.datetime.combine(today - dt.timedelta(days=valid_days), dt.time(), SWEDEN),
    )
    if check_id is None:
        return None, []
    found = await read_run(conn, tenant, check_id)
    return found, [f for f in found.findings if f.severity is not Severity.INFO and f.resolution is None]


class MissingCheck(BaseModel):
    """EK01: an urgent placement decision whose check has not been run since."""

    decision_id: uuid.UUID
    placement_id: uuid.UUID
    child_id: uuid.UUID
    decided_on: dt.date
    urgent_reason: str | None
    code: str = EK01.code
    title: str = EK01.title


async def missing_checks(conn: Connection, principal: Principal) -> list[MissingCheck]:
    rows = await conn.fetch(
        """
        SELECT d.id AS decision_id, p.id AS placement_id, p.child_id, d.decided_on, d.urgent_reason,
               before.id IS NOT NULL AS checked_before,
               coalesce(before.unresolved_blocks, 0) AS unresolved_blocks_before
          FROM decision d
          JOIN placement p ON p.municipality_id = d.municipality_id AND p.id = d.placement_id
          -- the latest check run before the decision for this child, form and home, and its blocks
          -- left without an override
          LEFT JOIN LATERAL (
                SELECT c.id,
                       (SELECT count(*) FROM jsonb_array_elements(c.findings) WITH ORDINALITY f(finding, n)
                         WHERE f.finding ->> 'severity' = 'block'
                           AND NOT EXISTS (SELECT 1 FROM check_resolution r
                                            WHERE r.municipality_id = c.municipality_id AND r.check_id = c.id
                                              AND r.finding_index = f.n - 1 AND r.action = 'override'))
                           AS unresolved_blocks
                  FROM placement_check c
                 WHERE c.municipality_id = p.municipality_id AND c.child_id = p.child_id AND c.form = p.form
                   AND c.unit_code IS NOT DISTINCT FROM p.unit_code
                   AND c.foster_home_id IS NOT DISTINCT FROM p.foster_home_id
                   AND c.run_at < d.created_at
                 ORDER BY c.run_at DESC LIMIT 1) before ON true
         WHERE d.municipality_id = $1 AND d.urgent AND d.kind = ANY ($2::text[])
           AND child_in_reach(p.municipality_id, p.child_id, $3, $4, $5)
           AND NOT EXISTS (
                SELECT 1 FROM placement_check c
                 WHERE c.municipality_id = p.municipality_id AND c.child_id = p.child_id AND c.form = p.form
                   AND c.unit_code IS NOT DISTINCT FROM p.unit_code
                   AND c.foster_home_id IS NOT DISTINCT FROM p.foster_home_id
                   AND c.run_at >= d.created_at)
         ORDER BY d.decided_on
        """,
        principal.municipality_id,
        [k.value for k in NEEDS_CHECK],
        *principal.actor.reads.sql_args(),
    )
    # The candidates are urgent decisions with no check run since; whether each is a finding is EK01's.
    keys = MissingCheck.model_fields.keys() - {"code", "title"}
    return [
        MissingCheck.model_validate({k: r[k] for k in keys})
        for r in rows
        if ek01_decision_without_check(
            DecisionCheckFacts(
                decided_on=r["decided_on"],
                urgent=True,
                urgent_reason=r["urgent_reason"],
                checked_before=r["checked_before"],
                unresolved_blocks_before=r["unresolved_blocks_before"],
            )
        )
    ]
