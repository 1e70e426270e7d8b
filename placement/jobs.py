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
import datetime as dt
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog

from placement.repositories.jobs import (
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    Job,
    JobState,
    backoff,
    claim,
    counts,
    enqueue,
    fail,
    finish,
    jobs,
    purge,
    retry,
)

__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_CAP_S",
    "Handler",
    "Job",
    "JobState",
    "Worker",
    "backoff",
    "claim",
    "counts",
    "drain",
    "enqueue",
    "error_name",
    "fail",
    "finish",
    "jobs",
    "purge",
    "retry",
    "running",
]

log = structlog.get_logger(__name__)

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
