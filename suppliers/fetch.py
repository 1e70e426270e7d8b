"""Getting a register file: from disk, or over HTTP with retries and conditional requests.

Over HTTP: exponential backoff with jitter on 5xx, 429, broken connections, truncated bodies and
timeouts, within a cap on the total time; other 4xx answers fail at once. The validators of the
previous snapshot from the same URL are sent as If-None-Match / If-Modified-Since, and a 304 means
nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aiohttp
import structlog
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_delay,
    wait_random_exponential,
)

from placement.errors import PlacementError

log = structlog.get_logger(__name__)


class FetchFailed(PlacementError):
    status = 502
    type = "/problems/register-fetch-failed"
    title = "Registret kunde inte hämtas"


class _Retryable(Exception):
    """A transient failure worth another attempt."""


@dataclass(frozen=True)
class Fetched:
    origin: str
    content: bytes | None  # None: not modified since the previous snapshot
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: str | None


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_file(source: str) -> Fetched:
    path = Path(source)
    try:
        return Fetched(origin=str(path.resolve()), content=path.read_bytes())
    except OSError as error:
        raise FetchFailed(f"Filen {source} kan inte läsas: {error.strerror}") from error


async def fetch_url(
    url: str,
    *,
    previous: Validators | None,
    session: aiohttp.ClientSession,
    attempt_timeout_s: float = 30.0,
    total_timeout_s: float = 120.0,
) -> Fetched:
    headers = {}
    if previous is not None and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous is not None and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            wait=wait_random_exponential(multiplier=0.2, max=5.0),
            stop=stop_after_delay(total_timeout_s),
        ):
            with attempt:
                return await _get(
                    url, headers, session, attempt_timeout_s, attempt.retry_state.attempt_number
                )
    except RetryError as error:
        cause = error.last_attempt.exception()
        raise FetchFailed(f"Registret på {url} svarade inte som det ska: {cause}") from cause
    raise AssertionError("unreachable: AsyncRetrying either returns or raises")


async def _get(
    url: str, headers: dict[str, str], session: aiohttp.ClientSession, timeout_s: float, attempt: int
) -> Fetched:
    try:
        async with session.get(
            url, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout_s)
        ) as response:
            if response.status == 304:
                return Fetched(origin=url, content=None)
            if response.status >= 500 or response.status == 429:
                log.warning("register_fetch_retry", url=url, status=response.status, attempt=attempt)
                raise _Retryable(f"HTTP {response.status}")
            if response.status != 200:
                raise FetchFailed(f"Registret på {url} svarade HTTP {response.status}")
            content = await response.read()
            return Fetched(
                origin=url,
                content=content,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("register_fetch_retry", url=url, error=type(error).__name__, attempt=attempt)
        raise _Retryable(f"{type(error).__name__}: {error}") from error
