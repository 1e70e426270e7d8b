"""One register import from source to snapshot: fetch, validate whole, apply."""

from __future__ import annotations

import datetime as dt

import aiohttp

from placement.core.clock import today_in_sweden
from placement.database.pool import Connection
from placement.repositories import register as repository
from suppliers.fetch import Fetched, Validators, fetch_url, is_url, read_file
from suppliers.formats import Feed, parse_feed
from suppliers.importer import ImportResult, Progress, apply_feed, no_progress


async def previous_validators(conn: Connection, feed: Feed, origin: str) -> Validators | None:
    found = await repository.last_validators(conn, source=feed.value, origin=origin)
    return None if found is None else Validators(found.etag, found.last_modified)


async def run_import(
    conn: Connection,
    feed: Feed,
    source: str,
    *,
    progress: Progress = no_progress,
    today: dt.date | None = None,
    attempt_timeout_s: float = 30.0,
    total_timeout_s: float = 120.0,
) -> ImportResult:
    """Import ``source`` (a path or an http(s) URL). A file with any bad row raises FileRejected
    and changes nothing; a 304 changes nothing."""
    if is_url(source):
        previous = await previous_validators(conn, feed, source)
        async with aiohttp.ClientSession() as session:
            fetched: Fetched = await fetch_url(
                source,
                previous=previous,
                session=session,
                attempt_timeout_s=attempt_timeout_s,
                total_timeout_s=total_timeout_s,
            )
        if fetched.content is None:
            return ImportResult(feed, None, True, 0, not_modified=True)
    else:
        fetched = read_file(source)
    await progress("fetched")
    parsed = parse_feed(feed, fetched.content or b"", name=source)
    await progress("validated")
    return await apply_feed(conn, parsed, fetched, today=today or today_in_sweden(), progress=progress)
