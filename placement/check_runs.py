"""Check runs in the service: gather the facts a proposed placement is judged on (citing the
register snapshots), run every rule (checks/), store the run unchanged for ever with a fingerprint
of what it relied on, record acknowledgements and overrides, and verify, when a decision cites a
run, that the run still holds. The SQL is in placement/repositories/check_runs.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import asyncpg
from pydantic import BaseModel, Field, ValidationError

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
from checks.rules.PP16 import reserved_for_the_namnd
from placement import audit, foster_identity
from placement.audit import Access, AuditAction
from placement.core import vocabulary
from placement.core.clock import SWEDEN
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import Need
from placement.core.vocabulary import DecisionKind, LegalBasis, PlacementForm
from placement.database.pool import Connection
from placement.errors import Conflict, Forbidden, NotFound, ValidationFailed
from placement.models import Decision, DecisionIn, DoneDate, EndDate, Input, Placement, PlannableDate
from placement.principal import Principal, SignInMethod
from placement.reach import EVERY_CHILD, Reach
from placement.repositories import check_runs as sql
from placement.repositories.integrity import policy_value
from placement.repositories.placements import PlacementRepository
from suppliers.register import unit_view

NEEDS_CHECK = {
    DecisionKind.PLACEMENT_SOL,
    DecisionKind.PLACEMENT_LVU,
    DecisionKind.LSS_HOUSING,
    DecisionKind.PLACEMENT_FOSTER_HOME_PERMANENT,
}

# What a run's fingerprint covers, one hash per kind of fact, and how a person reads its name.
FACT_LABELS: dict[str, str] = {
    "child": "barnets uppgifter (födelsedatum, kön)",
    "unit": "enhetens uppgifter i IVO-registret (tillstånd, målgrupp, platser, föreståndare, ingripanden)",
    "provider": "utförarens uppgifter i bolagsregistret (status, F-skatt, ägare och styrelse)",
    "foster_home": "familjehemmets uppgifter (utredning, godkännande, registerutdrag, bolag)",
    "contracts": "kommunens avtal med utföraren",
    "conflicts": "jävsuppgifter för handläggaren eller beslutsfattaren (deklarationer, screeningträffar)",
    "delegation": "delegationsordningen för beslutsfattaren",
    "policy": "kommunens policyvärden för kontrollen",
    "declarations": "deklarationer av jäv och bisysslor för handläggaren eller beslutsfattaren",
}
# Counts that move with every other placement; a change in them matters only when it changes a
# finding, which re-running the rules shows (see verify_for_decision).
_COUNTS = {
    "unit": ("snapshot_id", "active_placements", "moves_12m", "unplanned_endings_12m", "endings_12m"),
    "foster_home": ("concurrent_placements", "placing_municipalities", "placed_children"),
}


def fingerprint(facts: Mapping[str, Any], beside: Mapping[str, Any] | None = None) -> dict[str, str]:
    """One SHA-256 per kind of fact a run relied on (``facts`` as stored, JSON; ``beside``: versions
    of what the rules read only through the facts, such as the officials' declarations). Equal
    hashes: the same register rows, home record, child, links, delegation, contracts and policy.
    Lists are hashed in a fixed order, snapshot ids and moving counts left out."""

    def without(section: str) -> Any:
        value = facts.get(section)
        if not isinstance(value, Mapping):
            return value
        return {k: v for k, v in value.items() if k not in _COUNTS.get(section, ())}

    def ordered(items: Any) -> list[str]:
        return sorted(_canonical(i) for i in items or ())

    unit = without("unit")
    if isinstance(unit, dict):
        unit["interventions"] = ordered(unit.get("interventions"))
    parts: dict[str, Any] = {
        "child": facts.get("child"),
        "unit": unit,
        "provider": facts.get("provider"),
        "foster_home": without("foster_home"),
        "contracts": ordered(facts.get("contracts")),
        "conflicts": ordered(facts.get("conflicts")),
        "delegation": facts.get("decision_maker_has_delegation"),
        "policy": facts.get("policy"),
        **(beside or {}),
    }
    return {name: hashlib.sha256(_canonical(value).encode()).hexdigest() for name, value in parts.items()}


async def versions_beside(conn: Connection, tenant: uuid.UUID, request: CheckRequest) -> dict[str, Any]:
    """Versions of what reaches the rules only through other facts: the two officials' declarations
    of interests (the screening reads them; a new one may carry a link the matches do not show yet)."""
    officials = [s for s in (request.handlaggare_id, request.decision_maker_id) if s is not None]
    return {"declarations": await sql.declaration_ids(conn, tenant, officials)}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class CheckRequest(Input):
    child_id: uuid.UUID
    form: PlacementForm
    legal_basis: LegalBasis
    start_date: PlannableDate = Field(description="At most a year ahead.")
    planned_end_date: EndDate = Field(
        default=None, description="Empty (or 9999-12-31): until further notice."
    )
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
    investigation_ended_on: DoneDate | None = None
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
    resolved_by_staff_id: uuid.UUID | None = Field(default=None, description="The person who resolved it.")
    concerns_staff_id: uuid.UUID | None = Field(
        default=None, description="The person the finding concerns (PP15: the one with the link)."
    )
    resolution_reason: str | None = None


class CheckRun(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    form: PlacementForm
    unit_code: str | None
    foster_home_id: uuid.UUID | None
    decision_kind: DecisionKind
    handlaggare_id: uuid.UUID | None
    decision_maker_id: uuid.UUID | None
    verdict: Verdict
    open_findings: int = Field(description="Blocks not overridden and warnings not acknowledged.")
    findings: list[StoredFinding]
    facts: dict[str, Any] = Field(description="What the rules were given, register snapshot ids included.")
    fingerprint: dict[str, str] = Field(
        description="Per kind of fact, a hash of what the run relied on; a decision citing the run is "
        "refused when any of them has changed since."
    )
    run_by: str
    run_at: dt.datetime


async def gather(
    conn: Connection,
    principal: Principal,
    request: CheckRequest,
    today: dt.date,
    *,
    identity_key: bytes | None,
    leaving_out: Placement | None = None,
) -> CheckFacts:
    """The facts the rules judge. ``leaving_out``: the placement a decision is being recorded for,
    not counted among the home's other placements (the run counted it as the proposed one)."""
    tenant = principal.municipality_id
    child = await sql.child_and_policy(conn, tenant, request.child_id, principal.actor.writes)
    if child is None:
        raise NotFound("Barnet finns inte")
    now = dt.datetime.now(SWEDEN)
    unit = provider = None
    contracts: list[ContractFact] = []
    if request.unit_code:
        view = await unit_view(conn, request.unit_code, now, today)
        found = view.unit
        active = view.active_placements
        if leaving_out is not None and _active_at(leaving_out, request.unit_code, today):
            active -= 1
        unit = UnitFacts(
            in_register=found is not None,
            unit=found.unit if found else None,
            snapshot_id=found.snapshot_id if found else None,
            manager_known_to_municipality=request.manager_known_to_municipality,
            active_placements=active,
            moves_12m=view.moves_12m,
            unplanned_endings_12m=view.unplanned_endings_12m,
            endings_12m=view.endings_12m,
            interventions=view.interventions,
        )
        if found and found.unit.provider_orgnr:
            provider = view.provider.provider if view.provider else None
    foster_home = None
    if request.foster_home_id:
        home = await sql.foster_home(conn, tenant, request.foster_home_id)
        if home is None:
            message = "Familjehemmet finns inte i kommunen"
            raise ValidationFailed.on("body.foster_home_id", message, "unknown")
        people = await sql.foster_people(conn, tenant, request.foster_home_id)
        placing, placed = await _across_municipalities(
            conn, identity_key, tenant, request.foster_home_id, today
        )
        foster_home = FosterHomeFacts(
            kommunkod=home["kommunkod"],
            # Each person's register extracts (SoF 3 kap. 3 §): PP13 reads them per person.
            people=tuple(FosterPersonFacts.model_validate(dict(p)) for p in people),
            placed_children=placed,
            investigated_on=home["investigated_on"],
            approved_on=home["approved_on"],
            belastningsregister_on=home["belastningsregister_on"],
            misstankeregister_on=home["misstankeregister_on"],
            socialregister_on=home["socialregister_on"],
            company_orgnr=home["company_orgnr"],
            concurrent_placements=await sql.concurrent_placements(
                conn,
                tenant,
                request.foster_home_id,
                today,
                leaving_out=None if leaving_out is None else leaving_out.id,
            ),
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
        dealt = await sql.dealings(conn, tenant, orgnr, list(roles_of))
        contracts = [ContractFact.model_validate(c) for c in dealt["contracts"] or ()]
        for m in dealt["matches"] or ():
            conflicts.extend(
                ConflictFact(
                    person=person,
                    detail=f"{m['officer_name']} ({m['officer_role']})",
                    confirmed=m["status"] == "confirmed",
                    score=m["score"],
                )
                for person in roles_of[uuid.UUID(m["staff_id"])]
            )
    if request.foster_home_id is not None and roles_of:
        # A link to one of the home's foster parents (the person, or a relative they declared).
        for m in await sql.foster_home_links(conn, tenant, request.foster_home_id, list(roles_of)):
            conflicts.extend(
                ConflictFact(
                    person=person,
                    detail=f"{m['officer_name']} (familjehemsförälder)",
                    confirmed=m["status"] == "confirmed",
                    score=m["score"],
                )
                for person in roles_of[m["staff_id"]]
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
        decision_kind=request.decision_kind,
        decided_by_namnd=request.decided_by_namnd,
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


def _active_at(placement: Placement, unit_code: str, today: dt.date) -> bool:
    return (
        placement.unit_code == unit_code
        and placement.start_date <= today
        and (placement.end_date is None or placement.end_date >= today)
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
    staff = await sql.delegation(conn, tenant, decision_maker, kind.value)
    if staff is None:
        return False, "Beslutsfattaren finns inte i kommunen"
    label = vocabulary.label(DecisionKind(kind))
    if not staff["active"]:
        return False, f"{staff['name']} är inte längre aktiv i kommunen"
    if staff["allowed"]:
        return True, f"{staff['name']} har delegation för beslut om {label}"
    return False, f"{staff['name']} saknar i delegationsordningen delegation för beslut om {label}"


async def judge_decision_maker(
    conn: Connection, tenant: uuid.UUID, placement: Placement, decision: DecisionIn
) -> None:
    """The delegation judgement every decision passes, whatever its kind, before it is stored:
    a kind the law reserves for the nämnd (PP16's list: övervägande, omprövning, care in a
    familjehem or jourhem, LVU care, medgivande) is recorded only as taken by the nämnd or its
    utskott; any other is taken by the nämnd or by an active official whom the delegation order
    gives that kind. Otherwise 422 on ``decided_by``. A check run is cited only by the kinds that
    need one (NEEDS_CHECK); another kind's ``check_id`` is refused rather than stored unverified."""
    if decision.check_id is not None and decision.kind not in NEEDS_CHECK:
        raise ValidationFailed.on(
            "body.check_id",
            f"Ett beslut om {vocabulary.label(decision.kind)} bygger inte på en kontroll före placering; "
            "ange ingen kontroll",
            "check_not_for_kind",
        )
    if decision.decided_by_namnd:
        return
    reserved = reserved_for_the_namnd(decision.kind, placement.form, placement.legal_basis)
    if reserved is not None:
        raise ValidationFailed.on(
            "body.decided_by",
            f"Beslut om {reserved} får inte delegeras till en tjänsteperson (SoL 30 kap. 6–7 §§); "
            "registrera det som nämndens eller utskottets beslut med sammanträdesdag och paragraf",
            "reserved_for_namnd",
        )
    delegated, basis = await delegation_for(conn, tenant, decision.decided_by, decision.kind)
    if delegated is not True:
        raise ValidationFailed.on("body.decided_by", basis, "no_delegation")


async def record_decision(
    conn: Connection,
    principal: Principal,
    placement: Placement,
    decision: DecisionIn,
    today: dt.date,
    *,
    identity_key: bytes | None,
) -> Decision:
    """The one way a decision is recorded, from the API and from the pages alike: a placement
    decision that is not urgent has its check run verified in this transaction
    (:func:`verify_for_decision`), every decision passes the delegation judgement
    (:func:`judge_decision_maker`), and then it is stored with who recorded it."""
    if decision.kind in NEEDS_CHECK and not decision.urgent:
        await verify_for_decision(conn, principal, placement, decision, today, identity_key=identity_key)
    # Also when the run's PP16 block was overridden: who may decide is not a finding to clear.
    await judge_decision_maker(conn, principal.municipality_id, placement, decision)
    return await PlacementRepository(conn, actor=principal.actor).add_decision(
        placement_id=placement.id, decision=decision, recorded_by_staff_id=principal.staff_id
    )


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


def _stored_findings(findings: list[Finding]) -> list[dict[str, Any]]:
    return [_stored(f) for f in findings]


async def store_run(
    conn: Connection,
    principal: Principal,
    request: CheckRequest,
    facts: CheckFacts,
    beside: Mapping[str, Any] | None = None,
) -> CheckRun:
    """Run the rules over the facts and store the run as it is, with the fingerprint of what it
    relied on; a new run has no resolutions."""
    verdict, findings = run(facts)
    dumped = facts.model_dump(mode="json")
    stored: dict[str, Any] = {
        "child_id": request.child_id,
        "form": request.form,
        "unit_code": request.unit_code,
        "foster_home_id": request.foster_home_id,
        "request": request.model_dump(mode="json"),
        "facts": dumped,
        "findings": _stored_findings(findings),
        "verdict": verdict.value,
        "run_by": principal.actor.name,
        "fingerprint": fingerprint(dumped, beside),
    }
    row = await sql.insert_run(conn, principal.municipality_id, stored)
    return _as_run({**stored, "id": row["id"], "run_at": row["run_at"]}, {})


async def read_run(
    conn: Connection,
    tenant: uuid.UUID,
    check_id: uuid.UUID,
    *,
    within: Reach = EVERY_CHILD,
) -> CheckRun:
    """A stored run with its resolutions; not found unless its child is ``within`` reach."""
    row = await sql.run_row(conn, tenant, check_id, within=within)
    if row is None:
        raise NotFound("Kontrollen finns inte")
    resolutions = {r["finding_index"]: r for r in await sql.resolutions(conn, tenant, check_id)}
    return _as_run(row, resolutions)


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
                resolved_by_staff_id=resolution["by_staff_id"] if resolution else None,
                concerns_staff_id=resolution["concerns_staff_id"] if resolution else None,
                resolution_reason=resolution["reason"] if resolution else None,
            )
        )
    open_count = sum(1 for f in findings if f.severity is not Severity.INFO and f.resolution is None)
    request = row["request"]
    return CheckRun(
        id=row["id"],
        child_id=row["child_id"],
        form=row["form"],
        unit_code=row["unit_code"],
        foster_home_id=row["foster_home_id"],
        decision_kind=request["decision_kind"],
        handlaggare_id=request.get("handlaggare_id"),
        decision_maker_id=request.get("decision_maker_id"),
        verdict=row["verdict"],
        open_findings=open_count,
        findings=findings,
        facts=row["facts"],
        # Runs stored before fingerprints were kept get theirs from the facts they stored.
        fingerprint=row["fingerprint"] or fingerprint(row["facts"]),
        run_by=row["run_by"],
        run_at=row["run_at"],
    )


def concerned_person(run_: CheckRun, finding: StoredFinding) -> uuid.UUID | None:
    """The staff member a finding is about: for PP15 the one with the link; otherwise none."""
    if finding.code != "PP15":
        return None
    person = finding.evidence.get("person")
    if person == "handlaggare":
        return run_.handlaggare_id
    if person == "decision_maker":
        return run_.decision_maker_id
    return None


async def resolve(
    conn: Connection,
    principal: Principal,
    found: CheckRun,
    finding_index: int,
    *,
    action: str,
    reason: str,
) -> None:
    """A warning acknowledged or a block overridden, with the reason and who; never changed after.

    Nobody resolves a finding about themselves (PP15's person can neither acknowledge nor override
    it). A block is overridden only by a person (not an integration's token) whom the delegation
    order lets take the run's decision and who is not themselves linked to the provider: neither
    named in the run's PP15 findings nor matched by the screening now."""
    tenant = principal.municipality_id
    if finding_index >= len(found.findings):
        raise ValidationFailed.on("body.finding_index", "Kontrollen har inget sådant fynd", "unknown")
    target = found.findings[finding_index]
    if target.resolution is not None:
        raise ValidationFailed.on("body.finding_index", "Fyndet är redan hanterat", "resolved")
    concerns = concerned_person(found, target)
    if concerns is not None and concerns == principal.staff_id:
        raise Forbidden("Den som jävet gäller får inte själv hantera fyndet; det görs av någon annan")
    if action == "acknowledge" and target.severity is Severity.BLOCK:
        message = "En spärr kan inte kvitteras; den ska åtgärdas och kontrollen köras om, eller åsidosättas"
        raise ValidationFailed.on("body.action", message, "block")
    if action == "override":
        if principal.method is SignInMethod.API_TOKEN or principal.staff_id is None:
            raise Forbidden(
                "En spärr åsidosätts bara av en person med delegation för beslutet, inte av en integration"
            )
        delegated, _ = await delegation_for(conn, tenant, principal.staff_id, found.decision_kind)
        if not delegated:
            raise Forbidden("Bara den som har delegation för beslutet får åsidosätta en spärr")
        if await _linked_to_provider(conn, tenant, principal.staff_id, found):
            raise Forbidden("Den som själv har en koppling till utföraren får inte åsidosätta en spärr")
        if concerns is None:  # the override is for the decision the run was made for
            concerns = found.decision_maker_id if found.decision_maker_id != principal.staff_id else None
    try:
        await sql.insert_resolution(
            conn,
            tenant,
            found.id,
            finding_index,
            action=action,
            reason=reason,
            by_name=principal.actor.name,
            by_role=principal.actor.role,
            by_staff_id=principal.staff_id,
            concerns_staff_id=concerns,
        )
    except asyncpg.UniqueViolationError as error:  # resolved by someone else a moment ago
        raise Conflict("Fyndet är redan hanterat") from error


async def _linked_to_provider(
    conn: Connection, tenant: uuid.UUID, staff_id: uuid.UUID, found: CheckRun
) -> bool:
    """Whether the person is named in one of the run's PP15 findings, or the screening links them
    (confirmed, or at or above the policy's score) to the run's provider now."""
    if any(concerned_person(found, f) == staff_id for f in found.findings):
        return True
    threshold = CheckPolicy.model_validate(found.facts.get("policy") or {}).conflict_score_threshold
    if found.foster_home_id is not None:
        links = await sql.foster_home_links(conn, tenant, found.foster_home_id, [staff_id])
        if any(m["status"] == "confirmed" or m["score"] >= threshold for m in links):
            return True
    unit = found.facts.get("unit") or {}
    orgnr = (unit.get("unit") or {}).get("provider_orgnr")
    if orgnr is None:
        return False
    dealt = await sql.dealings(conn, tenant, orgnr, [staff_id])
    return any(m["status"] == "confirmed" or m["score"] >= threshold for m in dealt["matches"] or ())


async def verify_for_decision(
    conn: Connection,
    principal: Principal,
    placement: Placement,
    decision: DecisionIn,
    today: dt.date,
    *,
    identity_key: bytes | None,
) -> CheckRun:
    """The run a placement decision cites, verified in the decision's own transaction: for this
    child, form and home; for this kind of decision and this decision-maker; made on or before
    the decision's date and within the policy's days before it; nothing left open; and still true:
    the facts gathered again now have the same fingerprint and give no finding the run did not
    have. Otherwise 409 naming what differs, and the officer runs the check again."""
    tenant = principal.municipality_id
    if decision.check_id is None:
        message = "Ange vilken kontroll före placering beslutet bygger på (check_id)"
        raise ValidationFailed.on("body.check_id", message, "missing_check")
    try:
        found = await read_run(conn, tenant, decision.check_id, within=principal.actor.writes)
    except NotFound as error:
        message = "Kontrollen finns inte i kommunen"
        raise ValidationFailed.on("body.check_id", message, "unknown_check") from error
    refused = {"check_id": str(found.id)}
    if (found.child_id, found.form, found.unit_code, found.foster_home_id) != (
        placement.child_id,
        placement.form,
        placement.unit_code,
        placement.foster_home_id,
    ):
        raise Conflict(
            "Kontrollen gäller inte det här barnet, den här placeringsformen och det här hemmet",
            extra={**refused, "reason": "other_placement", "open_findings": []},
        )
    if found.decision_kind != decision.kind:
        raise Conflict(
            f"Kontrollen gjordes för ett beslut om {vocabulary.label(found.decision_kind)}, inte om "
            f"{vocabulary.label(decision.kind)}; kör kontrollen igen för rätt slags beslut",
            extra={**refused, "reason": "other_decision_kind", "open_findings": []},
        )
    if found.decision_maker_id != decision.decided_by:
        raise Conflict(
            "Kontrollen gjordes för en annan beslutsfattare; delegation och jäv är prövade för den "
            "personen, så kör kontrollen igen med den som fattar beslutet",
            extra={**refused, "reason": "other_decision_maker", "open_findings": []},
        )
    run_on = found.run_at.astimezone(SWEDEN).date()
    if run_on > decision.decided_on:
        raise Conflict(
            f"Kontrollen gjordes {run_on.isoformat()}, efter beslutsdagen {decision.decided_on.isoformat()}; "
            "en kontroll måste föregå beslutet",
            extra={**refused, "reason": "after_decision", "open_findings": []},
        )
    valid_days = int((await policy_value(conn, tenant, "checks")).get("check_valid_days", 30))
    if run_on < decision.decided_on - dt.timedelta(days=valid_days):
        raise Conflict(
            f"Kontrollen gjordes {run_on.isoformat()}, mer än {valid_days} dagar före beslutsdagen "
            f"{decision.decided_on.isoformat()}; kör kontrollen igen",
            extra={**refused, "reason": "too_old", "open_findings": []},
        )
    still_open = [f for f in found.findings if f.severity is not Severity.INFO and f.resolution is None]
    if still_open:
        await _shown(conn, principal, found, placement)
        raise Conflict(
            f"Kontrollen har {len(still_open)} fynd som inte är hanterade",
            extra={
                **refused,
                "reason": "open_findings",
                "open_findings": [f.model_dump(mode="json") for f in still_open],
            },
        )
    try:
        request = CheckRequest.model_validate(await _stored_request(conn, tenant, found.id))
    except ValidationError as error:  # a run stored under older rules for its request
        raise Conflict(
            "Kontrollen kan inte prövas på nytt med dagens regler; kör kontrollen igen",
            extra={**refused, "reason": "facts_changed", "changed": ["request"], "open_findings": []},
        ) from error
    if request.decided_by_namnd != decision.decided_by_namnd:
        raise Conflict(
            "Kontrollen gjordes för ett beslut av "
            + ("nämnden" if request.decided_by_namnd else "en tjänsteperson")
            + ", men beslutet registreras som "
            + ("nämndens" if decision.decided_by_namnd else "en tjänstepersons")
            + "; kör kontrollen igen för den som fattar beslutet",
            extra={**refused, "reason": "other_decision_maker", "open_findings": []},
        )
    await sql.hold_register_still(conn)
    await sql.hold_records_still(conn, tenant, request.child_id, request.foster_home_id)
    facts = await gather(conn, principal, request, today, identity_key=identity_key, leaving_out=placement)
    now = fingerprint(facts.model_dump(mode="json"), await versions_beside(conn, tenant, request))
    changed = [name for name, digest in found.fingerprint.items() if now.get(name) != digest]
    if changed:
        what = "; ".join(FACT_LABELS.get(name, name) for name in changed)
        raise Conflict(
            f"Det som kontrollen byggde på har ändrats sedan den gjordes: {what}. Kör kontrollen igen",
            extra={**refused, "reason": "facts_changed", "changed": changed, "open_findings": []},
        )
    _, findings = run(facts)
    had = {_finding_key(f.code, f.severity.value, f.evidence) for f in found.findings}
    new = [
        f
        for f in findings
        if f.severity is not Severity.INFO and _finding_key(f.code, f.severity.value, f.evidence) not in had
    ]
    if new:
        codes = ", ".join(sorted({f.code for f in new}))
        await _shown(conn, principal, found, placement)
        raise Conflict(
            f"Kontrollen ger i dag fynd som inte fanns när den gjordes ({codes}); kör kontrollen igen",
            extra={**refused, "reason": "new_findings", "open_findings": _stored_findings(new)},
        )
    return found


async def _shown(conn: Connection, principal: Principal, found: CheckRun, placement: Placement) -> None:
    """A refusal that shows the check's findings about the child is a read of the child's data:
    logged, although the request then fails (the API writes a refused request's reads again)."""
    await audit.record(
        conn, principal.actor, AuditAction.READ, [Access("check_run", found.id, placement.child_id)]
    )


def _finding_key(code: str, severity: str, evidence: Mapping[str, Any]) -> tuple[str, str, str | None]:
    person = evidence.get("person")
    return code, severity, str(person) if person is not None else None


async def _stored_request(conn: Connection, tenant: uuid.UUID, check_id: uuid.UUID) -> dict[str, Any]:
    row = await sql.run_row(conn, tenant, check_id)
    assert row is not None  # read a moment ago, in the same transaction
    return dict(row["request"])


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
    rows = await sql.urgent_decisions_without_check(
        conn, principal.municipality_id, [k.value for k in NEEDS_CHECK], principal.actor.reads
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
