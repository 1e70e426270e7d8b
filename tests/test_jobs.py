"""The job queue in PostgreSQL: each job to one worker, retried with backoff, failed ones kept for
the operator, and no job lost when the instance running it is killed."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import textwrap

import pytest

from placement import jobs
from placement.database.pool import Database
from tests.conftest import SessionDatabase


async def test_two_workers_never_claim_the_same_job(db: Database, database: Database) -> None:
    """Workers claiming at once each get a different job; with none left, nothing."""
    async with database.transaction() as conn:
        ids = [await jobs.enqueue(conn, "probe", {"n": n}) for n in range(5)]
    lease = dt.timedelta(minutes=1)

    async def claim_one(name: str) -> jobs.Job | None:
        async with database.transaction() as conn:
            return await jobs.claim(conn, worker=name, lease=lease)

    claimed = await asyncio.gather(*(claim_one(f"w{i}") for i in range(7)))
    got = sorted(j.id for j in claimed if j is not None)
    assert got == sorted(i for i in ids if i is not None)
    assert sum(j is None for j in claimed) == 2


async def test_the_same_work_is_queued_once_while_it_waits(db: Database, database: Database) -> None:
    async with database.transaction() as conn:
        first = await jobs.enqueue(conn, "probe", dedupe_key="k")
        second = await jobs.enqueue(conn, "probe", dedupe_key="k")
    assert first is not None
    assert second is None


def test_backoff_doubles_up_to_an_hour_with_a_little_jitter() -> None:
    rng = random.Random(1)
    waits = [jobs.backoff(n, rng=rng).total_seconds() for n in range(1, 10)]
    assert 30 <= waits[0] <= 33
    assert 60 <= waits[1] <= 66
    assert 240 <= waits[3] <= 264
    assert all(3600 <= w <= 3960 for w in waits[7:])


async def test_a_failing_job_is_retried_then_kept_as_failed_for_the_operator(
    db: Database, database: Database
) -> None:
    """Each failure queues the job again after the backoff; after the last attempt it stays failed
    with the error's type and place (not its message), until the operator retries it."""
    calls: list[int] = []

    async def fails(job: jobs.Job) -> None:
        calls.append(job.attempts)
        raise ValueError("Anna Andersson 201001019804")  # a message that must not be kept

    worker = jobs.Worker(database.pool, {"probe": fails}, name="w")
    async with database.transaction() as conn:
        job_id = await jobs.enqueue(conn, "probe", max_attempts=2)
    assert job_id is not None

    await worker.run_one()
    async with db.transaction() as conn:
        row = await conn.fetchrow("SELECT * FROM job WHERE id = $1", job_id)
        assert row["state"] == "queued"
        assert row["run_after"] > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=25)
        await conn.execute("UPDATE job SET run_after = now() WHERE id = $1", job_id)
    await worker.run_one()
    assert await worker.run_one() is None  # failed for good: not claimed again

    async with database.transaction() as conn:
        failed = await jobs.jobs(conn, state=jobs.JobState.FAILED)
    assert [j.id for j in failed] == [job_id]
    assert calls == [1, 2]
    assert failed[0].last_error is not None
    assert failed[0].last_error.startswith("ValueError at test_jobs.py:")
    assert "Anna" not in failed[0].last_error
    assert "201001019804" not in failed[0].last_error

    async with database.transaction() as conn:
        assert await jobs.retry(conn, job_id)
    worker.handlers["probe"] = lambda job: asyncio.sleep(0)
    assert (await worker.run_one()) is not None
    async with database.transaction() as conn:
        assert [j.state for j in await jobs.jobs(conn)] == [jobs.JobState.DONE]
        assert not await jobs.retry(conn, job_id)  # done: nothing to run again


CLAIM_AND_HANG = textwrap.dedent(
    """
    import asyncio, datetime as dt, sys
    import asyncpg
    from placement import jobs

    async def main():
        conn = await asyncpg.connect(sys.argv[1])
        job = await jobs.claim(conn, worker="doomed", lease=dt.timedelta(seconds=2))
        print(job.id if job else "none", flush=True)
        await asyncio.sleep(3600)  # killed while "working"

    asyncio.run(main())
    """
)


@pytest.mark.slow
async def test_a_job_whose_instance_is_killed_is_run_by_another(
    db: Database, database: Database, test_database: SessionDatabase
) -> None:
    """An instance claims a job and is killed (SIGKILL) while running it; when its lease runs out,
    another instance's worker takes the job and finishes it."""
    async with database.transaction() as conn:
        job_id = await jobs.enqueue(conn, "probe")
    process = subprocess.Popen(  # noqa: ASYNC220 - a real process to kill
        [sys.executable, "-c", CLAIM_AND_HANG, test_database.service],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert process.stdout is not None
        line = await asyncio.to_thread(process.stdout.readline)
        assert line.strip() == str(job_id)
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait)
        if process.stdout is not None:
            process.stdout.close()

    ran: list[int] = []

    async def work(job: jobs.Job) -> None:
        ran.append(job.id)

    other = jobs.Worker(database.pool, {"probe": work}, name="survivor")
    assert await other.run_one() is None  # the lease still holds
    await asyncio.sleep(2.5)
    claimed = await other.run_one()
    assert claimed is not None
    assert claimed.attempts == 2
    assert ran == [job_id]
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT state FROM job WHERE id = $1", job_id) == "done"


async def test_the_daily_screening_is_queued_once_a_day_by_any_number_of_instances(
    db: Database, database: Database
) -> None:
    """Every instance queues the periodic jobs each hour: the screening still runs once a day, and
    the mail jobs wait one of each kind."""
    from placement import background

    async def queue() -> list[int]:
        async with database.transaction() as conn:
            return await background.queue_periodic(conn)

    rounds = await asyncio.gather(*(queue() for _ in range(4)))
    assert sum(len(r) for r in rounds) == 3  # reminders, register alerts, screening
    worker = jobs.Worker(
        database.pool,
        {k: (lambda job: asyncio.sleep(0)) for k in ("reminders", "register_alerts", "screening")},
    )
    assert await jobs.drain(worker) == 3
    again = await queue()
    async with db.transaction() as conn:
        kinds = await conn.fetch("SELECT kind, state FROM job ORDER BY id")
    assert len(again) == 2  # the mail jobs anew; the day's screening is done
    assert [r["kind"] for r in kinds].count("screening") == 1


async def test_jobs_done_a_month_ago_are_forgotten_and_failed_ones_kept(
    db: Database, database: Database
) -> None:
    async with database.transaction() as conn:
        old_done = await jobs.enqueue(conn, "probe")
        old_failed = await jobs.enqueue(conn, "probe")
        recent = await jobs.enqueue(conn, "probe")
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE job SET state = 'done', finished_at = now() - interval '31 days' WHERE id = $1", old_done
        )
        await conn.execute(
            "UPDATE job SET state = 'failed', finished_at = now() - interval '31 days' WHERE id = $1",
            old_failed,
        )
        await conn.execute("UPDATE job SET state = 'done', finished_at = now() WHERE id = $1", recent)
    async with database.transaction() as conn:
        assert await jobs.purge(conn) == 1
        assert sorted(j.id for j in await jobs.jobs(conn)) == sorted([old_failed, recent])
