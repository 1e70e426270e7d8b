"""The job queue's SQL (V100's ``job`` table): enqueue, claim, finish, fail, retry, list, count,
purge. The worker that runs jobs, and why the queue is ours, are in placement/jobs.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import asyncpg

from placement.database.pool import Connection

BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    state: JobState
    attempts: int
    max_attempts: int
    run_after: dt.datetime
    locked_by: str | None
    last_error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Job:
        payload = row["payload"]
        return cls(
            id=row["id"],
            kind=row["kind"],
            payload=json.loads(payload) if isinstance(payload, str) else dict(payload),
            state=JobState(row["state"]),
            attempts=row["attempts"],
            max_attempts=row["max_attempts"],
            run_after=row["run_after"],
            locked_by=row["locked_by"],
            last_error=row["last_error"],
            created_at=row["created_at"],
            finished_at=row["finished_at"],
        )


_COLUMNS = (
    "id, kind, payload, state, attempts, max_attempts, run_after, locked_by, last_error, created_at, "
    "finished_at"
)


def backoff(attempt: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """How long to wait after the ``attempt``-th failure: 30 s doubled per attempt, at most an hour,
    plus up to a tenth more at random so that jobs failing together do not retry together."""
    base = min(BACKOFF_BASE_S * 2 ** max(attempt - 1, 0), BACKOFF_CAP_S)
    return dt.timedelta(seconds=base * (1 + (rng or random).random() / 10))


async def enqueue(
    conn: Connection,
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
    run_after: dt.datetime | None = None,
    max_attempts: int = 5,
    once: bool = False,
) -> int | None:
    """Queue a job; its id, or None when a job with the same ``dedupe_key`` waits or runs already
    (or, with ``once``, has ever been queued and not failed for good: a job per day, say)."""
    if once and dedupe_key is None:
        raise ValueError("once needs a dedupe_key")
    job_id: int | None = await conn.fetchval(
        """INSERT INTO job (kind, payload, dedupe_key, run_after, max_attempts)
           SELECT $1, $2::jsonb, $3, coalesce($4, now()), $5
            WHERE NOT ($6 AND EXISTS (SELECT 1 FROM job WHERE dedupe_key = $3 AND state <> 'failed'))
           ON CONFLICT (dedupe_key) WHERE state IN ('queued', 'running') DO NOTHING
           RETURNING id""",
        kind,
        json.dumps(dict(payload or {})),
        dedupe_key,
        run_after,
        max_attempts,
        once,
    )
    return job_id


async def purge(conn: Connection, *, older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Forget jobs done longer ago than ``older_than``; failed ones stay for the operator."""
    done = await conn.execute(
        "DELETE FROM job WHERE state = 'done' AND finished_at < now() - $1::interval", older_than
    )
    return int(done.split()[-1])


async def claim(conn: Connection, *, worker: str, lease: dt.timedelta) -> Job | None:
    """Take the oldest ready job: queued and due, or running under a lease that ran out (its worker
    died). Locked rows are skipped, so concurrent workers never take the same job."""
    row = await conn.fetchrow(
        f"""UPDATE job SET state = 'running', attempts = attempts + 1, locked_by = $1,
                          locked_until = now() + $2
             WHERE id = (SELECT id FROM job
                          WHERE (state = 'queued' AND run_after <= now())
                             OR (state = 'running' AND locked_until < now())
                          ORDER BY run_after, id
                          LIMIT 1
                          FOR UPDATE SKIP LOCKED)
         RETURNING {_COLUMNS}""",  # noqa: S608 - the module constant column list
        worker,
        lease,
    )
    return Job.from_row(row) if row is not None else None


async def finish(conn: Connection, job: Job, *, worker: str) -> None:
    await conn.execute(
        """UPDATE job SET state = 'done', finished_at = now(), locked_by = NULL, locked_until = NULL,
                          last_error = NULL
            WHERE id = $1 AND locked_by = $2""",
        job.id,
        worker,
    )


async def fail(
    conn: Connection, job: Job, *, worker: str, error: str, rng: random.Random | None = None
) -> JobState:
    """Record a failed attempt: queued again after the backoff, or failed for good after the last
    attempt. Returns the job's new state."""
    final = job.attempts >= job.max_attempts
    state = JobState.FAILED if final else JobState.QUEUED
    await conn.execute(
        """UPDATE job SET state = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
                          run_after = CASE WHEN $3 = 'queued' THEN now() + $5 ELSE run_after END,
                          finished_at = CASE WHEN $3 = 'failed' THEN now() END
            WHERE id = $1 AND locked_by = $2""",
        job.id,
        worker,
        state.value,
        error[:500],
        backoff(job.attempts, rng=rng),
    )
    return state


async def retry(conn: Connection, job_id: int) -> bool:
    """Run a job again now: a failed one with its attempts counted afresh, a queued one waiting out
    its backoff at once. False if there is no such failed or waiting job."""
    done = await conn.execute(
        """UPDATE job SET state = 'queued', run_after = now(), finished_at = NULL,
                          attempts = CASE WHEN state = 'failed' THEN 0 ELSE attempts END
            WHERE id = $1 AND state IN ('failed', 'queued')""",
        job_id,
    )
    return done == "UPDATE 1"


async def jobs(conn: Connection, *, state: JobState | None = None, limit: int = 100) -> list[Job]:
    """Jobs, newest first, of one state or all."""
    rows = await conn.fetch(
        f"""SELECT {_COLUMNS} FROM job WHERE $1::text IS NULL OR state = $1
             ORDER BY id DESC LIMIT $2""",  # noqa: S608 - the module constant column list
        state.value if state else None,
        limit,
    )
    return [Job.from_row(r) for r in rows]


async def counts(conn: Connection) -> dict[tuple[str, JobState], int]:
    """How many jobs of each kind are in each state (done ones of the last day only)."""
    rows = await conn.fetch(
        """SELECT kind, state, count(*) AS n FROM job
            WHERE state <> 'done' OR finished_at > now() - interval '1 day'
            GROUP BY kind, state"""
    )
    return {(r["kind"], JobState(r["state"])): r["n"] for r in rows}
