"""Onboarding import: a municipality's existing staff, children, placements, decisions, responsible
social workers and past events from its case system, in one run (issue #18).

The file is read and validated whole first (:mod:`placement.onboarding_format`): a file with a bad
row is refused with every problem named and nothing is written. A good file is applied in one
transaction under the municipality's tenant: each row upserted by the case system's id (a row
imported before and unchanged is left alone, so the same file twice changes nothing), every write
of a child's data audited, and the obligations of every placement in the file computed in the same
transaction. A dry run does all of it but the writing and says what would be created, changed and
left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from followup.store import policy_and_basis, review, store
from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.database.pool import Connection, scope_to
from placement.onboarding_format import SHEET_OF, Kind, Parsed, RawRow, Row, validate
from placement.repositories.onboarding import OnboardingRepository, Ref

Progress = Callable[[str], Awaitable[None]]


async def _quiet(stage: str) -> None:
    return None


@dataclass(frozen=True)
class Tally:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class OnboardingResult:
    dry_run: bool
    tallies: dict[Kind, Tally] = field(default_factory=dict)
    obligations_computed: int = 0  # placements whose obligations were computed in the run

    def lines(self) -> list[str]:
        head = "Provkörning; inget sparat. Så här skulle det bli:" if self.dry_run else "Inläst:"
        out = [head]
        for kind in Kind:
            t = self.tallies.get(kind, Tally())
            out.append(
                f"  {SHEET_OF[kind].name}: {t.created} nya, {t.changed} ändrade, {t.unchanged} oförändrade"
            )
        if not self.dry_run:
            out.append(f"  Skyldigheter beräknade för {self.obligations_computed} placeringar")
        return out


@dataclass
class _Plan:
    """Per kind: the object id of every row, and which rows are new or changed."""

    ids: dict[Kind, dict[str, uuid.UUID]] = field(default_factory=lambda: {k: {} for k in Kind})
    written: dict[Kind, list[Row]] = field(default_factory=lambda: {k: [] for k in Kind})
    new: dict[Kind, set[str]] = field(default_factory=lambda: {k: set() for k in Kind})
    tallies: dict[Kind, Tally] = field(default_factory=dict)


async def onboard(
    conn: Connection,
    municipality_id: uuid.UUID,
    raw_rows: Sequence[RawRow],
    *,
    actor: Actor,
    today: dt.date,
    dry_run: bool = False,
    progress: Progress = _quiet,
) -> OnboardingResult:
    """Validate the rows whole, then apply them in one transaction (or, in a dry run, only say
    what would change). Raises :class:`placement.onboarding_format.Rejected` for a bad file."""
    async with conn.transaction():
        await scope_to(conn, municipality_id)
        repo = OnboardingRepository(conn, municipality_id=municipality_id)
        refs = await repo.refs()
        known = {k: set(refs.get(k.value, {})) for k in Kind}
        parsed = validate(raw_rows, known, today)
        await progress("validated")
        plan = await _plan(repo, parsed, refs)
        result = OnboardingResult(dry_run, plan.tallies)
        if dry_run:
            return result
        await _write(repo, plan, actor)
        await progress("written")
        placement_ids = list(plan.ids[Kind.PLACEMENT].values())
        touched = {plan.ids[Kind.PLACEMENT][r.values["placement"]] for r in plan.written[Kind.DECISION]}
        touched |= {plan.ids[Kind.PLACEMENT][r.values["placement"]] for r in plan.written[Kind.EVENT]}
        placement_ids += sorted(touched - set(placement_ids))
        if placement_ids:
            policy, basis = await policy_and_basis(conn, municipality_id)
            reviewed = await review(conn, municipality_id, today, placement_ids, policy)
            changed = await store(conn, municipality_id, reviewed, basis)
            children = await repo.children_of_placements(placement_ids=list(changed))
            await audit.record(
                conn,
                actor,
                AuditAction.UPDATE,
                [Access("obligation_state", p, children[p]) for p in sorted(changed)],
            )
            result.obligations_computed = len(reviewed)
        await progress("done")
        return result


async def _plan(repo: OnboardingRepository, parsed: Parsed, refs: dict[str, dict[str, Ref]]) -> _Plan:
    """Which rows are new, changed or unchanged, and the object id of each. A child with no case
    id imported yet but a personnummer the service knows (typed in before) is that child; so is a
    staff member by e-mail."""
    plan = _Plan()
    adopt: dict[Kind, dict[str, uuid.UUID]] = {
        Kind.CHILD: await repo.children_by_personnummer(
            personnummer=[
                r.values["personnummer"]
                for r in parsed.rows[Kind.CHILD]
                if r.values.get("personnummer") and r.case_id not in refs.get("child", {})
            ]
        ),
        Kind.STAFF: await repo.staff_by_email(
            emails=[
                r.values["email"]
                for r in parsed.rows[Kind.STAFF]
                if r.values.get("email") and r.case_id not in refs.get("staff", {})
            ]
        ),
    }
    adopt_by = {Kind.CHILD: "personnummer", Kind.STAFF: "email"}
    for kind in Kind:
        before = refs.get(kind.value, {})
        created = changed = unchanged = 0
        for row in parsed.rows[kind]:
            ref = before.get(row.case_id)
            if ref is not None:
                plan.ids[kind][row.case_id] = ref.object_id
                if ref.fingerprint == row.fingerprint:
                    unchanged += 1
                    continue
                changed += 1
            elif kind in adopt and (found := adopt[kind].get(row.values.get(adopt_by[kind]) or "")):
                plan.ids[kind][row.case_id] = found
                changed += 1
            else:
                plan.ids[kind][row.case_id] = uuid.uuid4()
                plan.new[kind].add(row.case_id)
                created += 1
            plan.written[kind].append(row)
        # Rows of the file refer also to rows imported before and not in this file.
        for case_id, ref in before.items():
            plan.ids[kind].setdefault(case_id, ref.object_id)
        plan.tallies[kind] = Tally(created, changed, unchanged)
    return plan


def _ids_of(plan: _Plan, kind: Kind, case_id: str | None) -> uuid.UUID | None:
    return None if case_id is None else plan.ids[kind][case_id]


async def _write(repo: OnboardingRepository, plan: _Plan, actor: Actor) -> None:
    ids = plan.ids
    w = plan.written
    await repo.upsert_staff(
        rows=[
            (
                ids[Kind.STAFF][r.case_id],
                r.values["name"],
                r.values.get("email"),
                r.values.get("org_unit"),
                json.dumps([str(x) for x in r.values.get("roles", [])]),
                r.values["active"],
            )
            for r in w[Kind.STAFF]
        ]
    )
    await repo.upsert_children(
        rows=[
            (
                ids[Kind.CHILD][r.case_id],
                r.values.get("personnummer"),
                r.values["name"],
                r.values["birth_date"],
                r.values["sex"],
            )
            for r in w[Kind.CHILD]
        ]
    )
    await repo.upsert_placements(
        rows=[
            (
                ids[Kind.PLACEMENT][r.case_id],
                ids[Kind.CHILD][r.values["child"]],
                r.values["form"],
                r.values["legal_basis"],
                r.values["home_name"],
                r.values.get("home_kommunkod"),
                r.values.get("unit_code"),
                r.values["start_date"],
                r.values.get("planned_end_date"),
                r.values.get("end_date"),
                r.values.get("end_reason"),
                r.values.get("daily_cost"),
            )
            for r in w[Kind.PLACEMENT]
        ]
    )
    await repo.upsert_decisions(
        rows=[
            (
                ids[Kind.DECISION][r.case_id],
                ids[Kind.PLACEMENT][r.values["placement"]],
                r.values["kind"],
                r.values["decided_on"],
                ids[Kind.STAFF][r.values["decided_by"]],
                r.values["valid_from"],
                r.values.get("valid_to"),
                r.values["urgent"],
                r.values.get("urgent_reason"),
            )
            for r in w[Kind.DECISION]
        ]
    )
    await repo.upsert_assignments(
        rows=[
            (
                ids[Kind.ASSIGNMENT][r.case_id],
                ids[Kind.CHILD][r.values["child"]],
                ids[Kind.STAFF][r.values["staff"]],
                r.values["assigned_from"],
                r.values.get("assigned_to"),
            )
            for r in w[Kind.ASSIGNMENT]
        ]
    )
    # A changed event is a new event correcting the one imported before; the case id then names
    # the correction.
    corrected: dict[str, uuid.UUID] = {}
    for r in w[Kind.EVENT]:
        if r.case_id not in plan.new[Kind.EVENT]:
            corrected[r.case_id] = ids[Kind.EVENT][r.case_id]
            ids[Kind.EVENT][r.case_id] = uuid.uuid4()
    await repo.insert_events(
        rows=[
            (
                ids[Kind.EVENT][r.case_id],
                ids[Kind.PLACEMENT][r.values["placement"]],
                r.values["kind"],
                r.values["occurred_on"],
                _ids_of(plan, Kind.STAFF, r.values.get("staff")),
                json.dumps(_event_details(r.values)),
                corrected.get(r.case_id),
            )
            for r in w[Kind.EVENT]
        ],
        recorded_by=actor.name,
    )
    for kind in Kind:
        await repo.remember(
            kind=kind.value, refs=[(r.case_id, ids[kind][r.case_id], r.fingerprint) for r in w[kind]]
        )
    await _audit(repo, plan, actor)


def _event_details(values: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {"source": "onboarding"}
    for name in ("in_home", "private_talk"):
        if values.get(name) is not None:
            details[name] = values[name]
    if values.get("ref"):
        details["ref"] = values["ref"]
    return details


_OBJECT_TYPE = {
    Kind.CHILD: "child",
    Kind.PLACEMENT: "placement",
    Kind.DECISION: "decision",
    Kind.ASSIGNMENT: "social_worker_assignment",
    Kind.EVENT: "placement_event",
}


async def _audit(repo: OnboardingRepository, plan: _Plan, actor: Actor) -> None:
    """One audit row per child's object written: created, or updated (an event's correction is a
    new event, so it is created)."""
    ids = plan.ids
    placement_child: dict[str, uuid.UUID] = {}
    placement_rows = {r.case_id: r for r in plan.written[Kind.PLACEMENT]}
    needed = {
        r.values["placement"]
        for k in (Kind.DECISION, Kind.EVENT)
        for r in plan.written[k]
        if r.values["placement"] not in placement_rows
    }
    by_id = await repo.children_of_placements(placement_ids=[ids[Kind.PLACEMENT][c] for c in needed])
    for case_id in needed:
        placement_child[case_id] = by_id[ids[Kind.PLACEMENT][case_id]]
    for case_id, row in placement_rows.items():
        placement_child[case_id] = ids[Kind.CHILD][row.values["child"]]

    def child_of(kind: Kind, row: Row) -> uuid.UUID:
        if kind is Kind.CHILD:
            return ids[Kind.CHILD][row.case_id]
        if kind in (Kind.PLACEMENT, Kind.ASSIGNMENT):
            return ids[Kind.CHILD][row.values["child"]]
        return placement_child[row.values["placement"]]

    for action in (AuditAction.CREATE, AuditAction.UPDATE):
        accesses = [
            Access(_OBJECT_TYPE[kind], ids[kind][r.case_id], child_of(kind, r))
            for kind in _OBJECT_TYPE
            for r in plan.written[kind]
            if ((r.case_id in plan.new[kind]) or kind is Kind.EVENT) == (action is AuditAction.CREATE)
        ]
        await audit.record(repo.conn, actor, action, accesses)
