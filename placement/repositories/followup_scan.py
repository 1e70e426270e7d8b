"""The SQL of the follow-up scan: the facts of placements, the obligation states and reviews the
scan stores, which municipalities and placements are due, the scan's lock and its outcome. Every
function runs inside the caller's transaction; the per-municipality ones under that municipality
(row-level security). The conditions they share are SQL functions (V018, V055): which placements
are in scope (followup_in_scope), the basis a computation is remembered with (followup_basis) and
which placements need recomputing (followup_stale)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from followup.obligations import Assignment, DecisionFact, Event, EventKind, PlacementFacts
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm
from placement.database.pool import Connection


@dataclass(frozen=True, slots=True)
class Loaded:
    facts: PlacementFacts
    version: int  # the placement's follow-up facts version (V017) when they were read
    waived: frozenset[tuple[str, str, dt.date]]  # (code, item, due date) of its recorded waivers


@dataclass(frozen=True, slots=True)
class PolicyAndBasis:
    """A municipality's follow-up policy (its own values or the documented defaults) and the basis
    a computation under it is remembered with."""

    policy: dict[str, Any]
    basis: str


@dataclass(frozen=True, slots=True)
class DueInMunicipality:
    """What a municipality's scan starts from: the policy and basis, the placements whose states
    were just forgotten (they left the scope) and the placements in scope that need recomputing."""

    policy: dict[str, Any]
    basis: str
    forgotten: frozenset[uuid.UUID]
    stale: list[uuid.UUID]


@dataclass(frozen=True, slots=True)
class MunicipalityDue:
    """Counts across municipalities, no child named: placements in scope and placements due."""

    municipality_id: uuid.UUID
    placements: int
    due: int


@dataclass(frozen=True, slots=True)
class OwedStates:
    """The owed obligation states of some placements, column by column (one list per column, a
    position per state): the scan stores hundreds of thousands at once, and columns go to the
    database as they are."""

    placement_ids: list[uuid.UUID]
    codes: list[str]
    items: list[str]
    titles: list[str]
    due_ons: list[dt.date]
    states: list[str]
    details: list[str]
    rolled_due_ons: list[dt.date | None]


@dataclass(frozen=True, slots=True)
class Reviews:
    """What each reviewed placement's computation is remembered with, column by column: the
    placement, its facts' version, and when to look again."""

    placement_ids: list[uuid.UUID]
    facts_versions: list[int]
    review_ons: list[dt.date | None]


async def policy_and_basis(conn: Connection, *, municipality_id: uuid.UUID, rules: str) -> PolicyAndBasis:
    row = await conn.fetchrow(
        "SELECT policy_value($1, 'followup') AS policy, followup_basis($1, $2) AS basis",
        municipality_id,
        rules,
    )
    assert row is not None  # a select without a table returns one row
    return PolicyAndBasis(row["policy"], row["basis"])


async def placement_facts(
    conn: Connection, *, municipality_id: uuid.UUID, placement_ids: list[uuid.UUID] | None, today: dt.date
) -> dict[uuid.UUID, Loaded]:
    """The facts of the named placements, or of every placement in scope, in one query whatever
    their number: a row per placement, its decisions, social workers and events as JSON arrays
    (decoding those is cheaper than a row per event). A corrected event gives way to its correction;
    a retracted one to nothing."""
    rows = await conn.fetch(
        """
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
                      AND k.findings @> '[{"code": "PP21"}]')) AS ivo_notice_required
          FROM placement p
          JOIN child c ON c.municipality_id = p.municipality_id AND c.id = p.child_id
          JOIN municipality m ON m.id = p.municipality_id
         WHERE p.municipality_id = $1
           AND (p.id = ANY ($2) OR ($2::uuid[] IS NULL AND followup_in_scope(p.end_date, p.end_reason, $3)))
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


async def store_states(
    conn: Connection,
    *,
    municipality_id: uuid.UUID,
    owed: OwedStates,
    reviews: Reviews,
    basis: str,
) -> frozenset[uuid.UUID]:
    """Replace the stored states of the reviewed placements with the owed ones, and remember what
    they were computed from and when to look again; returns the placements whose stored states
    changed. A state that did not change keeps the time it began and is not rewritten."""
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
             -- When each owed state began (V121): by time alone, on its onset; through a change in
             -- the placement's facts since the last computation (same rules and policy, and time had
             -- already made it so then), now. A first computation, or new rules or policy, is no
             -- change in the child's situation, so its states begin on their onset.
             began AS (
                 SELECT w.*, CASE
                            WHEN onset IS NULL THEN now()
                            WHEN r.basis = $14 AND onset <= r.computed_at THEN now()
                            ELSE least(onset, now()) END AS state_since
                   FROM owed w
                   CROSS JOIN LATERAL (SELECT obligation_onset(
                       w.state, w.due_on, (policy_value($1, 'followup') ->> 'due_soon_days')::integer)
                       AS onset) AS t
                   LEFT JOIN followup_review r ON r.municipality_id = $1 AND r.placement_id = w.placement_id),
             written AS (
                 INSERT INTO obligation_state AS o
                     (municipality_id, placement_id, code, item, title, due_on, state, detail,
                      rolled_due_on, state_since)
                 SELECT $1, placement_id, code, item, title, due_on, state, detail, rolled_due_on, state_since
                   FROM began
                 ON CONFLICT (municipality_id, placement_id, code, item) DO UPDATE
                    SET title = EXCLUDED.title, detail = EXCLUDED.detail, computed_at = now(),
                        -- the same state: it began when it did (later, if its due date moved later)
                        state_since = CASE WHEN o.state <> EXCLUDED.state THEN EXCLUDED.state_since
                                           WHEN o.due_on = EXCLUDED.due_on THEN o.state_since
                                           ELSE greatest(o.state_since, least(now(), obligation_onset(
                                               EXCLUDED.state, EXCLUDED.due_on,
                                               (policy_value($1, 'followup') ->> 'due_soon_days')::integer)))
                                      END,
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
        reviews.placement_ids,
        owed.placement_ids,
        owed.codes,
        owed.items,
        owed.titles,
        owed.due_ons,
        owed.states,
        owed.details,
        reviews.facts_versions,
        [basis] * len(reviews.placement_ids),
        reviews.review_ons,
        owed.rolled_due_ons,
        basis,
    )
    return frozenset(r["placement_id"] for r in changed)


async def due_in_municipality(
    conn: Connection, *, municipality_id: uuid.UUID, rules: str, today: dt.date, full: bool
) -> DueInMunicipality:
    """One statement: the policy and basis, the states of placements that left the scope
    forgotten, and the placements in scope that need recomputing (followup_stale, the rule
    followup_due counts across municipalities; all of them if ``full``)."""
    row = await conn.fetchrow(
        """
        WITH basis AS (SELECT policy_value($1, 'followup') AS value, followup_basis($1, $2) AS basis),
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
               (SELECT coalesce(array_agg(DISTINCT placement_id), '{}') FROM forgotten) AS forgotten,
               coalesce(array_agg(p.id) FILTER (
                   WHERE $4 OR followup_stale(true, r.facts_version, r.basis, r.review_on,
                                              p.followup_version, (SELECT basis FROM basis), $3)),
                        '{}') AS stale
          FROM placement p
          LEFT JOIN followup_review r ON r.municipality_id = p.municipality_id AND r.placement_id = p.id
         WHERE p.municipality_id = $1 AND followup_in_scope(p.end_date, p.end_reason, $3)
        """,
        municipality_id,
        rules,
        today,
        full,
    )
    assert row is not None  # an aggregate without GROUP BY returns one row
    return DueInMunicipality(row["policy"], row["basis"], frozenset(row["forgotten"]), list(row["stale"]))


async def municipalities_due(conn: Connection, *, rules: str, today: dt.date) -> list[MunicipalityDue]:
    """Every municipality, in kommunkod order, with how many placements it has in scope and how
    many need recomputing (followup_due: counts across municipalities, no child named)."""
    rows = await conn.fetch(
        """SELECT m.id, coalesce(f.placements, 0) AS placements, coalesce(f.due, 0) AS due
             FROM municipality m LEFT JOIN followup_due($1, $2) f ON f.municipality_id = m.id
            ORDER BY m.kommunkod""",
        rules,
        today,
    )
    return [MunicipalityDue(r["id"], r["placements"], r["due"]) for r in rows]


async def audit_changed_states(
    conn: Connection, *, municipality_id: uuid.UUID, actor: str, placement_ids: Sequence[uuid.UUID]
) -> None:
    """One audit row per placement whose stored states changed, naming its child."""
    await conn.execute(
        """
        INSERT INTO audit_event (municipality_id, actor, action, object_type, object_id, child_id)
        SELECT $1, $2, 'update', 'obligation_state', p.id, p.child_id
          FROM placement p
         WHERE p.municipality_id = $1 AND p.id = ANY ($3::uuid[])
        """,
        municipality_id,
        actor,
        list(placement_ids),
    )


async def try_lock_scan(conn: Connection, *, lock: int) -> bool:
    """Take the scan's session lock if nobody holds it; a scanner that dies frees it."""
    taken: bool = await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock)
    return taken


async def unlock_scan(conn: Connection, *, lock: int) -> None:
    await conn.execute("SELECT pg_advisory_unlock($1)", lock)


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
