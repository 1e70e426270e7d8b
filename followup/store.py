"""Follow-up in the database: gather a municipality's facts set-based, compute every obligation
(followup/obligations.py), store the states; and the scan over every municipality, one scanner at
a time across instances (a PostgreSQL advisory lock, released if the scanner dies)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import sys
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import structlog

import followup.model
import followup.obligations as rules
from followup.obligations import (
    Assignment,
    DecisionFact,
    Event,
    EventKind,
    Obligation,
    PlacementFacts,
    Policy,
    State,
    next_review,
    obligations,
)
from placement.core import clock, statutory_time
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm
from placement.database.pool import Connection, scope_to

log = structlog.get_logger(__name__)

SCAN_LOCK = 7_330_003
SCAN_ACTOR = "system:obligation-scan"
# Municipalities worked at once, at most: most of a municipality's time is waiting for the
# database, so more workers than cores keep the cores busy (measured: 2 → 4 → 8 workers on two cores
# took a scan after a day's visits on 40,000 placements from 0.8 to 0.5 to 0.4 s).
SCAN_WORKERS = 8

# The rules' own fingerprint: a new version of them (each FU module, the model they share, the
# calendar and the statutory time they count with, the holiday calendar's version) makes the next
# scan recompute every placement.
_FINGERPRINTED = (
    rules,
    followup.model,
    *(sys.modules[f"followup.rules.{code}"] for code in sorted(rules.RULES)),
    clock,
    statutory_time,
)
RULES_FINGERPRINT = hashlib.sha256(
    b"".join(Path(module.__file__ or "").read_bytes() for module in _FINGERPRINTED)
    + importlib.metadata.version("holidays").encode()
).hexdigest()[:16]


def _policy(values: dict[str, Any]) -> Policy:
    return Policy(**{k: int(v) for k, v in values.items() if k in Policy.__dataclass_fields__})


# The municipality ($1) follow-up policy (its own value, or the documented default), and the basis
# a computation under it is remembered with: the rules' fingerprint ($2) and a digest of the
# policy. V018's followup_due computes the same basis across municipalities.
_POLICY_AND_BASIS = """
    SELECT value, $2 || ' ' || md5(value::text) AS basis
      FROM (SELECT policy_value($1, 'followup') AS value) policy"""


async def policy_and_basis(conn: Connection, municipality_id: uuid.UUID) -> tuple[Policy, str]:
    row = await conn.fetchrow(_POLICY_AND_BASIS, municipality_id, RULES_FINGERPRINT)
    assert row is not None  # a SELECT of one row
    return _policy(row["value"]), row["basis"]


def in_scope(municipality: str, today: str) -> str:
    """SQL for the ids of the placements the scan looks at (followup_in_scope, V018), given the
    placeholders of the municipality and of today."""
    return f"""SELECT s.id FROM placement s
                WHERE s.municipality_id = {municipality}
                  AND followup_in_scope(s.end_date, s.end_reason, {today}::date)"""


_IN_SCOPE = in_scope("$1", "$3")


@dataclass(frozen=True, slots=True)
class Loaded:
    facts: PlacementFacts
    version: int  # the placement's follow-up facts version (V017) when they were read
    waived: frozenset[tuple[str, str, dt.date]]  # (code, item, due date) of its recorded waivers


async def load_facts(
    conn: Connection, municipality_id: uuid.UUID, placement_ids: list[uuid.UUID] | None, today: dt.date
) -> dict[uuid.UUID, Loaded]:
    """The facts of the named placements, or of every placement in scope, in one query whatever
    their number: a row per placement, its decisions, social workers and events as JSON arrays
    (decoding those is cheaper than a row per event). A corrected event gives way to its correction;
    a retracted one to nothing."""
    rows = await conn.fetch(
        f"""
        SELECT p.id, p.followup_version, p.form, p.legal_basis, p.start_date, p.end_date, p.end_reason,
               c.birth_date, (p.home_kommunkod IS NOT NULL AND p.home_kommunkod <> m.kommunkod) AS elsewhere,
               (SELECT jsonb_agg(jsonb_build_array(d.kind, d.decided_on, d.valid_from, d.valid_to))
                  FROM decision d WHERE d.municipality_id = p.municipality_id AND d.placement_id = p.id)
                   AS decisions,
               (SELECT jsonb_agg(jsonb_build_array(a.assigned_from, a.assigned_to))
                  FROM social_worker_assignment a
                 WHERE a.municipality_id = p.municipality_id AND a.child_id = p.child_id) AS assignments,
               -- Only visits and complaints carry details the rules read.
               (SELECT jsonb_agg(jsonb_build_array(e.kind, e.occurred_on,
                           CASE WHEN e.kind IN ('visit', 'complaint_received', 'complaint_answered')
                                THEN e.details END))
                  FROM placement_event e
                 WHERE e.municipality_id = p.municipality_id AND e.placement_id = p.id
                   AND e.retraction_reason IS NULL  -- a retraction withdraws; it is no fact itself
                   AND NOT EXISTS (SELECT 1 FROM placement_event f
                                    WHERE f.municipality_id = e.municipality_id AND f.corrects = e.id))
                   AS events,
               (SELECT jsonb_agg(jsonb_build_array(w.code, w.item, w.due_on)) FROM obligation_waiver w
                 WHERE w.municipality_id = p.municipality_id AND w.placement_id = p.id) AS waivers,
               -- FU17: the check run for this child and home found a fourth child (PP21).
               (p.foster_home_id IS NOT NULL AND EXISTS (
                   SELECT 1 FROM placement_check k
                    WHERE k.municipality_id = p.municipality_id AND k.child_id = p.child_id
                      AND k.form = p.form AND k.foster_home_id = p.foster_home_id
                      AND k.findings @> '[{{"code": "PP21"}}]')) AS ivo_notice_required
          FROM placement p
          JOIN child c ON c.municipality_id = p.municipality_id AND c.id = p.child_id
          JOIN municipality m ON m.id = p.municipality_id
         WHERE p.municipality_id = $1 AND (p.id = ANY ($2) OR ($2::uuid[] IS NULL AND p.id IN ({_IN_SCOPE})))
        """,
        municipality_id,
        placement_ids,
        today,
    )
    day = dt.date.fromisoformat
    return {
        p["id"]: Loaded(
            PlacementFacts(
                form=PlacementForm(p["form"]),
                legal_basis=LegalBasis(p["legal_basis"]),
                start_date=p["start_date"],
                end_date=p["end_date"],
                end_reason=EndReason(p["end_reason"]) if p["end_reason"] else None,
                child_birth_date=p["birth_date"],
                decisions=tuple(
                    DecisionFact(DecisionKind(kind), day(decided), day(start), day(until) if until else None)
                    for kind, decided, start, until in p["decisions"] or ()
                ),
                assignments=tuple(
                    Assignment(day(start), day(until) if until else None)
                    for start, until in p["assignments"] or ()
                ),
                events=tuple(
                    Event(EventKind(kind), day(occurred), details or {})
                    for kind, occurred, details in p["events"] or ()
                ),
                other_municipality=p["elsewhere"],
                ivo_notice_required=p["ivo_notice_required"],
            ),
            p["followup_version"],
            frozenset((code, item, day(due)) for code, item, due in p["waivers"] or ()),
        )
        for p in rows
    }


@dataclass(frozen=True)
class Reviewed:
    """A placement's obligations now, and what the scan remembers about how they were found."""

    obligations: list[Obligation]
    review_on: dt.date | None  # the first day time alone may change them (followup.obligations.next_review)
    facts_version: int


async def review(
    conn: Connection,
    municipality_id: uuid.UUID,
    today: dt.date,
    placement_ids: list[uuid.UUID] | None = None,
    policy: Policy | None = None,
) -> dict[uuid.UUID, Reviewed]:
    """Obligations per placement, with recorded waivers applied, and when to look again."""
    policy = policy or (await policy_and_basis(conn, municipality_id))[0]
    loaded = await load_facts(conn, municipality_id, placement_ids, today)
    result: dict[uuid.UUID, Reviewed] = {}
    for placement_id, one in loaded.items():
        found = obligations(one.facts, today, policy)
        result[placement_id] = Reviewed(
            [
                _waive(o) if (o.code, o.item, o.due_on) in one.waived and o.state is not State.MET else o
                for o in found
            ],
            _earliest(next_review(one.facts, today, policy, found), _leaves_scope(one.facts)),
            one.version,
        )
    return result


def _leaves_scope(facts: PlacementFacts) -> dt.date | None:
    """The day an ended placement leaves the scan's scope (followup_in_scope, V018: a year after
    its end, its reason recorded), when the scan forgets its states."""
    if facts.end_date is None or facts.end_reason is None:
        return None
    return clock.add_days(facts.end_date, 366)


def _earliest(*days: dt.date | None) -> dt.date | None:
    return min((d for d in days if d is not None), default=None)


async def compute(
    conn: Connection, municipality_id: uuid.UUID, today: dt.date, placement_ids: list[uuid.UUID] | None = None
) -> dict[uuid.UUID, list[Obligation]]:
    """Obligations per placement, with recorded waivers applied."""
    return {
        placement_id: reviewed.obligations
        for placement_id, reviewed in (await review(conn, municipality_id, today, placement_ids)).items()
    }


def _waive(obligation: Obligation) -> Obligation:
    return dataclasses.replace(obligation, state=State.WAIVED)


async def store(
    conn: Connection, municipality_id: uuid.UUID, reviewed: dict[uuid.UUID, Reviewed], basis: str
) -> frozenset[uuid.UUID]:
    """Replace the stored states of these placements, and remember what they were computed from
    and when to look again; returns the placements whose stored states changed. A state that did
    not change keeps the time it began and is not rewritten."""
    rows = [
        (placement_id, o.code, o.item, o.title, o.due_on, o.state.value, o.detail, o.rolled_due_on)
        for placement_id, one in reviewed.items()
        for o in one.obligations
        if o.state is not State.MET  # watch lists and digests show what is owed; met needs no row
    ]
    columns: list[list[Any]] = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(8)]
    placement_ids, codes, items, titles, dues, states, details, rolled_dues = columns
    # One statement: the states no longer owed go, the owed ones are written where they changed
    # (the two touch different rows), and what they were computed from is remembered.
    changed = await conn.fetch(
        """
        WITH owed AS (
                 SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::date[],
                                      $8::text[], $9::text[], $13::date[])
                                   AS t (placement_id, code, item, title, due_on, state, detail,
                                         rolled_due_on)),
             deleted AS (
                 DELETE FROM obligation_state o
                  WHERE o.municipality_id = $1 AND o.placement_id = ANY ($2::uuid[])
                    AND (o.placement_id, o.code, o.item) NOT IN (SELECT placement_id, code, item FROM owed)
                 RETURNING o.placement_id),
             written AS (
                 INSERT INTO obligation_state AS o
                     (municipality_id, placement_id, code, item, title, due_on, state, detail,
                      rolled_due_on)
                 SELECT $1, * FROM owed
                 ON CONFLICT (municipality_id, placement_id, code, item) DO UPDATE
                    SET title = EXCLUDED.title, detail = EXCLUDED.detail, computed_at = now(),
                        state_since = CASE WHEN o.state = EXCLUDED.state AND o.due_on = EXCLUDED.due_on
                                           THEN o.state_since ELSE now() END,
                        state = EXCLUDED.state, due_on = EXCLUDED.due_on,
                        rolled_due_on = EXCLUDED.rolled_due_on
                  WHERE (o.state, o.due_on, o.title, o.detail, o.rolled_due_on)
                        IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.due_on, EXCLUDED.title, EXCLUDED.detail,
                                          EXCLUDED.rolled_due_on)
                 RETURNING o.placement_id),
             remembered AS (
                 INSERT INTO followup_review AS r
                     (municipality_id, placement_id, facts_version, basis, review_on)
                 SELECT $1, * FROM unnest($2::uuid[], $10::bigint[], $11::text[], $12::date[])
                 ON CONFLICT (municipality_id, placement_id) DO UPDATE
                    SET facts_version = EXCLUDED.facts_version, basis = EXCLUDED.basis,
                        review_on = EXCLUDED.review_on, computed_at = now())
        SELECT placement_id FROM deleted UNION SELECT placement_id FROM written
        """,
        municipality_id,
        list(reviewed),
        placement_ids,
        codes,
        items,
        titles,
        dues,
        states,
        details,
        [one.facts_version for one in reviewed.values()],
        [basis] * len(reviewed),
        [one.review_on for one in reviewed.values()],
        rolled_dues,
    )
    return frozenset(r["placement_id"] for r in changed)


async def refresh(
    conn: Connection, municipality_id: uuid.UUID, placement_id: uuid.UUID, today: dt.date
) -> None:
    """Recompute one placement's obligations after something about it changed."""
    policy, basis = await policy_and_basis(conn, municipality_id)
    reviewed = await review(conn, municipality_id, today, [placement_id], policy)
    await store(conn, municipality_id, reviewed, basis)


@dataclass(frozen=True)
class ScanResult:
    scanned: bool
    municipalities: int = 0
    placements: int = 0  # in scope: ongoing, or ended within the year or without a reason
    recomputed: int = 0  # whose facts, rules or policy changed, or whose review day came
    changed: int = 0  # whose stored states changed
    failed: int = 0  # municipalities whose scan raised (logged; their states left as they were)


def failure_site(error: BaseException) -> str:
    """Where an exception was raised, as ``module.py:line in function``: enough for an operator to
    find it, and unlike the exception's message it can never carry a child's name or personnummer."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "okänd"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno} in {last.name}"


async def _scan_one(
    conn: Connection, municipality_id: uuid.UUID, today: dt.date, *, full: bool
) -> tuple[int, int] | None:
    """One municipality's scan; any exception is logged (the municipality, the kind of error and
    where, never its message) and the others are still scanned. None when it failed."""
    try:
        return await scan_municipality(conn, municipality_id, today, full=full)
    except Exception as error:  # one municipality's failure must not end the scan
        log.error(
            "scan_municipality_failed",
            municipality_id=str(municipality_id),
            error=type(error).__name__,
            at=failure_site(error),
        )
        return None


async def record_scan_outcome(conn: Connection, *, failed: int) -> None:
    """When the scan last succeeded (every municipality scanned) or failed, for /ready."""
    await conn.execute(
        """INSERT INTO scan_status AS s (singleton, last_success_at, last_failure_at, failed_municipalities)
           VALUES (true, CASE WHEN $1 = 0 THEN now() END, CASE WHEN $1 > 0 THEN now() END, $1)
           ON CONFLICT (singleton) DO UPDATE
              SET last_success_at = coalesce(EXCLUDED.last_success_at, s.last_success_at),
                  last_failure_at = coalesce(EXCLUDED.last_failure_at, s.last_failure_at),
                  failed_municipalities = EXCLUDED.failed_municipalities""",
        failed,
    )


async def last_scan_success(conn: Connection) -> dt.datetime | None:
    """When a scan last went through every municipality without an error; None: never."""
    found: dt.datetime | None = await conn.fetchval("SELECT last_success_at FROM scan_status")
    return found


async def scan_municipality(
    conn: Connection, municipality_id: uuid.UUID, today: dt.date, *, full: bool = False
) -> tuple[int, int]:
    """One municipality's obligations, in one transaction under its tenant: recompute the
    placements that need it (all, if ``full``); forget the states of placements out of scope.
    Returns how many placements were recomputed and how many had their stored states changed."""
    async with conn.transaction():
        await scope_to(conn, municipality_id)
        # One statement: the policy and basis, the states of placements that left the scope
        # forgotten, and the placements in scope that need recomputing (the conditions V018's
        # followup_due counts across municipalities; change both together).
        [due] = await conn.fetch(
            f"""
            WITH basis AS ({_POLICY_AND_BASIS}),
                 forgotten AS (
                     DELETE FROM obligation_state o USING placement p
                      WHERE o.municipality_id = $1 AND p.municipality_id = $1 AND p.id = o.placement_id
                        AND NOT followup_in_scope(p.end_date, p.end_reason, $3)
                     RETURNING o.placement_id),
                 settled AS (  -- out of scope: nothing more to look at
                     UPDATE followup_review r SET review_on = NULL FROM placement p
                      WHERE r.municipality_id = $1 AND p.municipality_id = $1 AND p.id = r.placement_id
                        AND r.review_on <= $3 AND NOT followup_in_scope(p.end_date, p.end_reason, $3))
            SELECT (SELECT value FROM basis) AS policy, (SELECT basis FROM basis) AS basis,
                   (SELECT coalesce(array_agg(DISTINCT placement_id), '{{}}') FROM forgotten) AS forgotten,
                   coalesce(array_agg(p.id) FILTER (
                       WHERE $4 OR r.placement_id IS NULL OR r.facts_version <> p.followup_version
                          OR r.basis <> (SELECT basis FROM basis) OR r.review_on <= $3), '{{}}') AS stale
              FROM placement p
              LEFT JOIN followup_review r ON r.municipality_id = p.municipality_id AND r.placement_id = p.id
             WHERE p.municipality_id = $1 AND p.id IN ({_IN_SCOPE})
            """,
            municipality_id,
            RULES_FINGERPRINT,
            today,  # $3 in _IN_SCOPE
            full,
        )
        policy, basis = _policy(due["policy"]), due["basis"]
        changed: frozenset[uuid.UUID] = frozenset(due["forgotten"])
        stale = list(due["stale"])
        if stale:
            reviewed = await review(conn, municipality_id, today, stale, policy)
            changed |= await store(conn, municipality_id, reviewed, basis)
        await _audit_changes(conn, municipality_id, changed)
        return len(stale), len(changed)


async def _audit_changes(conn: Connection, municipality_id: uuid.UUID, changed: frozenset[uuid.UUID]) -> None:
    """The scan writes children's data: one audit row per placement whose stored states changed.
    Unchanged placements are neither rewritten nor logged, so a scan every few minutes logs only
    what moved (a state that became due soon or overdue, or one that was met or waived)."""
    if not changed:
        return
    await conn.execute(
        """
        INSERT INTO audit_event (municipality_id, actor, action, object_type, object_id, child_id)
        SELECT $1, $2, 'update', 'obligation_state', p.id, p.child_id
          FROM placement p
         WHERE p.municipality_id = $1 AND p.id = ANY ($3::uuid[])
        """,
        municipality_id,
        SCAN_ACTOR,
        list(changed),
    )


async def scan(
    conn: Connection,
    today: dt.date,
    *,
    pool: asyncpg.Pool | None = None,
    workers: int | None = None,
    full: bool = False,
) -> ScanResult:
    """Every municipality's obligations, each in its own transaction. Only placements whose facts,
    rules or policy changed, or whose review day has come, are recomputed; ``full`` recomputes
    all. Skips (scanned=False) when another scanner holds the lock; the lock is ``conn``'s
    session's, so a scanner that dies frees it. With a ``pool``, ``workers`` municipalities are
    worked at a time on its connections (by default half the pool, at most SCAN_WORKERS, so the
    service keeps connections for its requests), so the database and the rules overlap."""
    if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", SCAN_LOCK):
        log.info("scan_skipped_another_running")
        return ScanResult(scanned=False)
    try:
        # Which municipalities have anything to recompute (followup_due: counts across
        # municipalities, no child named); the others are not opened, unless ``full``.
        due = await conn.fetch(
            """SELECT m.id, coalesce(f.placements, 0) AS placements, coalesce(f.due, 0) AS due
                 FROM municipality m LEFT JOIN followup_due($1, $2) f ON f.municipality_id = m.id
                ORDER BY m.kommunkod""",
            RULES_FINGERPRINT,
            today,
        )
        municipalities = [r["id"] for r in due if full or r["due"] > 0]
        outcomes: list[tuple[int, int] | None]
        if pool is None:
            outcomes = [await _scan_one(conn, m, today, full=full) for m in municipalities]
        else:  # workers, each on one connection for all the municipalities it takes
            waiting = list(reversed(municipalities))
            outcomes = []
            workers = workers or max(1, min(SCAN_WORKERS, pool.get_max_size() // 2))

            async def worker() -> None:
                async with pool.acquire() as own:
                    while waiting:
                        outcomes.append(await _scan_one(own, waiting.pop(), today, full=full))

            await asyncio.gather(*(worker() for _ in range(workers)))
        counts = [c for c in outcomes if c is not None]
        result = ScanResult(
            True,
            len(due),
            sum(r["placements"] for r in due),
            sum(c[0] for c in counts),
            sum(c[1] for c in counts),
            len(outcomes) - len(counts),
        )
        await record_scan_outcome(conn, failed=result.failed)
        log.info(
            "scan_done",
            municipalities=result.municipalities,
            placements=result.placements,
            recomputed=result.recomputed,
            changed=result.changed,
            failed=result.failed,
        )
        return result
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", SCAN_LOCK)


def details_for(kind: EventKind, details: dict[str, Any]) -> dict[str, Any]:
    """The details an event of this kind must carry, checked; raises ValueError in Swedish."""
    if kind is EventKind.VISIT:
        for key in ("in_home", "private_talk"):
            if not isinstance(details.get(key), bool):
                raise ValueError(f"Ett besök ska ange {key} (true eller false)")
    if kind in (EventKind.COMPLAINT_RECEIVED, EventKind.COMPLAINT_ANSWERED) and not details.get("ref"):
        raise ValueError("Ett klagomål ska ha en referens (ref) så att svaret kan kopplas till det")
    return details


__all__ = [
    "ScanResult",
    "compute",
    "details_for",
    "failure_site",
    "last_scan_success",
    "load_facts",
    "refresh",
    "review",
    "scan",
    "store",
]
