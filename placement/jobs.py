"""A job queue in PostgreSQL (V100's ``job`` table): enqueue, claim, finish, retry with backoff.

Why not procrastinate: it speaks psycopg 3, so the service would carry a second driver and a
second pool beside asyncpg, and it installs and migrates its own schema with its own tool, outside
our ``VNNN`` migrations and the roles they grant. The semantics are the usual ones (as in
procrastinate, graphile-worker, Oban): a worker claims the oldest ready job with
``FOR UPDATE SKIP LOCKED``, so two workers never take the same job; the claim is a lease
(``locked_until``), so a job whose worker died is claimed again when the lease runs out and no job
is lost; a failed job is queued again after an exponential backoff with jitter until its
``max_attempts``, then it stays ``failed`` for the operator (``placement jobs list --failed``,
``placement jobs retry ID``). A job must be safe to run twice (a lease can run out under a slow
worker): the reminder jobs record each mail before sending it (followup/reminder_service.py).

A job carries no personal data: its payload names at most a municipality's id, and a failure is
recorded by the error's type and where it was raised, never by its message.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import random
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Any

import asyncpg
import structlog

from placement.database.pool import Connection

log = structlog.get_logger(__name__)

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
         RETURNING {_COLUMNS}""",  # noqa: S608 - a module constant, never input
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
             ORDER BY id DESC LIMIT $2""",  # noqa: S608 - a module constant, never input
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


Handler = Callable[[Job], Awaitable[None]]


def error_name(error: BaseException) -> str:
    """An error as a job records it: its type and where it was raised, never its message (which
    could carry personal data)."""
    frames = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}")
        tb = tb.tb_next
    return f"{type(error).__name__} at {frames[-1]}" if frames else type(error).__name__


def worker_name() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims and runs jobs until stopped. Each claim, and each job's outcome, is a transaction of
    its own; the handler does its work in transactions of its own."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        handlers: Mapping[str, Handler],
        *,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        poll_s: float = 5.0,
        name: str | None = None,
        on_outcome: Callable[[Job, JobState], None] | None = None,
    ) -> None:
        self.pool = pool
        self.handlers = dict(handlers)
        self.lease = lease
        self.poll_s = poll_s
        self.name = name or worker_name()
        self.on_outcome = on_outcome

    async def run_one(self) -> Job | None:
        """Claim one job and run it; the job as claimed, or None when none was ready."""
        async with self.pool.acquire() as conn:
            job = await claim(conn, worker=self.name, lease=self.lease)
        if job is None:
            return None
        bound = structlog.contextvars.bound_contextvars(job_id=job.id, job_kind=job.kind)
        with bound:
            handler = self.handlers.get(job.kind)
            try:
                if handler is None:
                    raise LookupError(job.kind)
                await handler(job)
            except Exception as error:  # any failure: recorded on the job, retried with backoff
                async with self.pool.acquire() as conn:
                    state = await fail(conn, job, worker=self.name, error=error_name(error))
                log.warning("job_failed", attempt=job.attempts, state=state.value, error=type(error).__name__)
            else:
                async with self.pool.acquire() as conn:
                    await finish(conn, job, worker=self.name)
                state = JobState.DONE
        if self.on_outcome is not None:
            self.on_outcome(job, state)
        return job

    async def run(self) -> None:
        """Run jobs until cancelled; wait ``poll_s`` when there is none. A database that is away is
        waited out."""
        while True:
            try:
                ran = await self.run_one()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("job_worker_waiting", error=type(error).__name__)
                ran = None
            if ran is None:
                await asyncio.sleep(self.poll_s)


async def drain(worker: Worker, *, limit: int = 1000) -> int:
    """Run ready jobs until none is left (or ``limit``); how many ran. For the CLI and tests."""
    ran = 0
    while ran < limit and await worker.run_one() is not None:
        ran += 1
    return ran


@contextlib.asynccontextmanager
async def running(workers: list[Worker]) -> Any:
    tasks = [asyncio.create_task(w.run(), name=f"job-worker-{i}") for i, w in enumerate(workers)]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
