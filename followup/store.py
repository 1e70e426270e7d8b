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
    EventKind,
    Obligation,
    PlacementFacts,
    Policy,
    State,
    next_review,
    obligations,
)
from placement.core import clock, statutory_time
from placement.database.pool import Connection, scope_to
from placement.repositories import followup_scan as repository
from placement.repositories.followup_scan import Loaded
from placement.repositories.followup_scan import last_scan_success as last_scan_success

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


async def policy_and_basis(conn: Connection, municipality_id: uuid.UUID) -> tuple[Policy, str]:
    """The municipality's follow-up policy, and the basis a computation under it is remembered
    with (the rules' fingerprint and a digest of the policy: followup_basis, V055)."""
    found = await repository.policy_and_basis(conn, municipality_id=municipality_id, rules=RULES_FINGERPRINT)
    return _policy(found.policy), found.basis


async def load_facts(
    conn: Connection, municipality_id: uuid.UUID, placement_ids: list[uuid.UUID] | None, today: dt.date
) -> dict[uuid.UUID, Loaded]:
    """The facts of the named placements, or of every placement in scope (followup_in_scope)."""
    return await repository.placement_facts(
        conn, municipality_id=municipality_id, placement_ids=placement_ids, today=today
    )


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
    return await repository.store_states(
        conn,
        municipality_id=municipality_id,
        owed=repository.OwedStates(*columns),
        reviews=repository.Reviews(
            list(reviewed),
            [one.facts_version for one in reviewed.values()],
            [one.review_on for one in reviewed.values()],
        ),
        basis=basis,
    )


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


async def scan_municipality(
    conn: Connection, municipality_id: uuid.UUID, today: dt.date, *, full: bool = False
) -> tuple[int, int]:
    """One municipality's obligations, in one transaction under its tenant: recompute the
    placements that need it (all, if ``full``); forget the states of placements out of scope.
    Returns how many placements were recomputed and how many had their stored states changed."""
    async with conn.transaction():
        await scope_to(conn, municipality_id)
        due = await repository.due_in_municipality(
            conn, municipality_id=municipality_id, rules=RULES_FINGERPRINT, today=today, full=full
        )
        policy, basis = _policy(due.policy), due.basis
        changed = due.forgotten
        stale = due.stale
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
    await repository.audit_changed_states(
        conn, municipality_id=municipality_id, actor=SCAN_ACTOR, placement_ids=list(changed)
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
    if not await repository.try_lock_scan(conn, lock=SCAN_LOCK):
        log.info("scan_skipped_another_running")
        return ScanResult(scanned=False)
    try:
        # Which municipalities have anything to recompute (followup_due: counts across
        # municipalities, no child named); the others are not opened, unless ``full``.
        due = await repository.municipalities_due(conn, rules=RULES_FINGERPRINT, today=today)
        municipalities = [r.municipality_id for r in due if full or r.due > 0]
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
            sum(r.placements for r in due),
            sum(c[0] for c in counts),
            sum(c[1] for c in counts),
            len(outcomes) - len(counts),
        )
        await repository.record_scan_outcome(conn, failed=result.failed)
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
        await repository.unlock_scan(conn, lock=SCAN_LOCK)


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
