"""Company data from Bolagsverket's free API ("Värdefulla datamängder", OpenAPI 3.0.3, v1).

``POST /organisationer`` with ``{"identitetsbeteckning": orgnr}`` answers name, organisationsform,
SNI, address, deregistration and ongoing proceedings (konkurs, likvidation, rekonstruktion...).
It does not answer officers or F-skatt: those stay facts from a file (``import-companies``) until
the municipality has an agreement for Företagsinformation; :class:`CompanySource` is the seam
where such a source plugs in.

Reading an answer (:func:`interpret`, pure): HTTP 200 does not mean the data arrived. Every part
of an organisation may carry ``fel``; ``ORGANISATION_FINNS_EJ`` is "not found", while
``OTILLGANGLIG_UPPGIFTSKALLA`` or ``TIMEOUT`` in any part makes the answer **incomplete**: never
read as active, never as not found, retried, and shown as unknown. The proceedings field is
accepted in both spellings (``pagaende...``, the schema's, and ``pagande...``, Bolagsverket's own
example's).

The client (:class:`BolagsverketClient`): OAuth2 client credentials, the token cached until shortly
before it expires and fetched anew on a 401; tenacity retries on network errors, 5xx, 429 and
incomplete answers; requests spaced to the published limit (60 a minute).

:func:`reverify` asks about every provider in the register and feeds what changed into the
register as a new companies snapshot, so the existing change events (SV08) and the check runs'
facts follow, each answer with its source and time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import aiohttp
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from placement.core.supplier_vocabulary import CompanyStatus
from placement.database.pool import Connection
from placement.errors import PlacementError
from placement.repositories.providers import current_providers
from suppliers.fetch import Fetched
from suppliers.formats import Feed, ParsedFeed
from suppliers.importer import ImportResult, apply_feed
from suppliers.records import Provider

log = structlog.get_logger(__name__)

SOURCE = "bolagsverket:vardefulla-datamangder/v1"
NOT_FOUND = "ORGANISATION_FINNS_EJ"
UNAVAILABLE = frozenset({"OTILLGANGLIG_UPPGIFTSKALLA", "TIMEOUT"})
PROCEEDINGS_FIELDS = (
    "pagaendeAvvecklingsEllerOmstruktureringsforfarande",
    "pagandeAvvecklingsEllerOmstruktureringsforfarande",
)
# Proceedings codes (Bolagsverket's code list) that make a company no longer active here.
_STATUS_OF_PROCEEDING = {"KK": CompanyStatus.BANKRUPT, "LI": CompanyStatus.LIQUIDATION}


class Outcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Proceeding:
    code: str
    label: str
    since: dt.date | None


@dataclass(frozen=True)
class CompanyAnswer:
    """What Bolagsverket said about one organisation, when, and how sure it is."""

    orgnr: str
    outcome: Outcome
    answered_at: dt.datetime
    source: str = SOURCE
    name: str | None = None
    legal_form: str | None = None
    sni: tuple[str, ...] = ()
    deregistered_on: dt.date | None = None
    proceedings: tuple[Proceeding, ...] = ()
    errors: tuple[str, ...] = ()  # the fel.typ values seen

    @property
    def status(self) -> CompanyStatus | None:
        """The company's status; None when unknown (an incomplete answer, or not found)."""
        if self.outcome is not Outcome.FOUND:
            return None
        if self.deregistered_on is not None:
            return CompanyStatus.DEREGISTERED
        for proceeding in self.proceedings:
            if proceeding.code in _STATUS_OF_PROCEEDING:
                return _STATUS_OF_PROCEEDING[proceeding.code]
        return CompanyStatus.ACTIVE


def _errors(value: Any) -> Iterable[str]:
    """Every fel.typ anywhere in a part of the answer."""
    if isinstance(value, dict):
        fel = value.get("fel")
        if isinstance(fel, dict) and isinstance(fel.get("typ"), str):
            yield fel["typ"]
        for key, inner in value.items():
            if key != "fel":
                yield from _errors(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _errors(inner)


def _day(value: Any) -> dt.date | None:
    """A date as the API writes it: ``2001-03-15`` or ``2023-05-05T00:00:00.000+00:00``."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _proceedings(organisation: dict[str, Any]) -> tuple[Proceeding, ...]:
    found: list[Proceeding] = []
    for name in PROCEEDINGS_FIELDS:
        part = organisation.get(name)
        if not isinstance(part, dict):
            continue
        for list_name in (f"{n}Lista" for n in PROCEEDINGS_FIELDS):
            for item in part.get(list_name) or ():
                if isinstance(item, dict) and item.get("kod"):
                    found.append(
                        Proceeding(
                            str(item["kod"]), str(item.get("klartext") or ""), _day(item.get("fromDatum"))
                        )
                    )
    return tuple(found)


def _name(organisation: dict[str, Any]) -> str | None:
    names = (organisation.get("organisationsnamn") or {}).get("organisationsnamnLista") or []
    preferred = [n for n in names if (n.get("organisationsnamntyp") or {}).get("kod") == "FORETAGSNAMN"]
    for entry in preferred or names:
        if isinstance(entry.get("namn"), str) and entry["namn"].strip():
            return str(entry["namn"]).strip()
    return None


def interpret(orgnr: str, body: Any, answered_at: dt.datetime) -> CompanyAnswer:
    """Read an HTTP 200 answer of ``POST /organisationer`` (pure)."""
    organisations = body.get("organisationer") if isinstance(body, dict) else None
    organisations = [o for o in organisations or () if isinstance(o, dict)]
    errors = tuple(_errors(organisations))
    if UNAVAILABLE & set(errors):
        return CompanyAnswer(orgnr, Outcome.INCOMPLETE, answered_at, errors=errors)
    if not organisations or NOT_FOUND in errors:
        return CompanyAnswer(orgnr, Outcome.NOT_FOUND, answered_at, errors=errors)
    first = organisations[0]
    deregistered = first.get("avregistreradOrganisation") or {}
    sni = (first.get("naringsgrenOrganisation") or {}).get("sni") or []
    return CompanyAnswer(
        orgnr,
        Outcome.FOUND,
        answered_at,
        name=_name(first),
        legal_form=(first.get("organisationsform") or {}).get("kod"),
        sni=tuple(str(s["kod"]) for s in sni if isinstance(s, dict) and s.get("kod")),
        deregistered_on=_day(deregistered.get("avregistreringsdatum")),
        proceedings=_proceedings(first),
        errors=errors,
    )


class CompanySource(Protocol):
    """Where company facts come from: Bolagsverket's free API today; Företagsinformation (with
    officers) when the municipality has an agreement for it."""

    async def lookup(self, orgnr: str) -> CompanyAnswer: ...


class CompanyLookupFailed(PlacementError):
    status = 502
    type = "/problems/company-lookup-failed"
    title = "Bolagsverket kunde inte tillfrågas"


class _Retry(Exception):
    """A transient failure worth another attempt."""


class _Incomplete(Exception):
    """An answer with a part from an unavailable source: worth another attempt."""

    def __init__(self, answer: CompanyAnswer) -> None:
        super().__init__(answer.orgnr)
        self.answer = answer


_TRANSIENT = (_Retry, _Incomplete, aiohttp.ClientError, asyncio.TimeoutError)


@dataclass
class _Token:
    value: str
    expires: float  # time.monotonic() when it is no longer to be used


@dataclass
class BolagsverketClient:
    """The free API, with a cached client-credentials token, retries and the rate limit."""

    session: aiohttp.ClientSession
    base_url: str  # e.g. https://gw.api.bolagsverket.se/vardefulla-datamangder/v1
    token_url: str  # e.g. https://portal.api.bolagsverket.se/oauth2/token
    client_id: str
    client_secret: str
    requests_per_minute: float = 60
    attempts: int = 4
    wait_s: float = 1.0  # the first wait between attempts; doubling
    _token: _Token | None = field(default=None, repr=False)
    _token_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    _pace_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    _next_slot: float = 0.0

    async def _bearer(self, *, renew: bool = False) -> str:
        async with self._token_lock:
            if renew or self._token is None or time.monotonic() >= self._token.expires:
                form = {
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "scope": "vardefulla-datamangder:read vardefulla-datamangder:ping",
                }
                async with self.session.post(self.token_url, data=form) as response:
                    if response.status >= 500:
                        raise _Retry(f"token {response.status}")
                    if response.status != 200:
                        raise CompanyLookupFailed(
                            f"Bolagsverket nekade inloggningen (HTTP {response.status}); "
                            "kontrollera klient-id och hemlighet"
                        )
                    granted = await response.json()
                lifetime = float(granted.get("expires_in") or 300)
                self._token = _Token(str(granted["access_token"]), time.monotonic() + max(lifetime - 30, 1))
            return self._token.value

    async def _pace(self) -> None:
        """At most ``requests_per_minute`` requests start in any minute."""
        async with self._pace_lock:
            now = time.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + 60 / self.requests_per_minute
        if wait > 0:
            await asyncio.sleep(wait)

    async def _once(self, orgnr: str) -> CompanyAnswer:
        for renewed in (False, True):
            token = await self._bearer(renew=renewed)
            await self._pace()
            async with self.session.post(
                f"{self.base_url}/organisationer",
                json={"identitetsbeteckning": orgnr},
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                if response.status == 401 and not renewed:
                    continue  # the token expired early: fetch a new one, once
                if response.status == 429 or response.status >= 500:
                    raise _Retry(f"HTTP {response.status}")
                if response.status == 400:
                    return CompanyAnswer(orgnr, Outcome.NOT_FOUND, _now(), errors=("OGILTIG_BEGARAN",))
                if response.status != 200:
                    raise CompanyLookupFailed(f"Bolagsverket svarade HTTP {response.status}")
                answer = interpret(orgnr, await response.json(), _now())
            if answer.outcome is Outcome.INCOMPLETE:
                raise _Incomplete(answer)
            return answer
        raise CompanyLookupFailed("Bolagsverket godtog inte en ny inloggning (HTTP 401)")

    async def lookup(self, orgnr: str) -> CompanyAnswer:
        """One organisation; an answer still incomplete after the retries is returned as such."""
        last: CompanyAnswer | None = None
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(
                    (_Retry, _Incomplete, aiohttp.ClientError, asyncio.TimeoutError)
                ),
                stop=stop_after_attempt(self.attempts),
                wait=wait_exponential(multiplier=self.wait_s, max=30),
                reraise=True,
            ):
                with attempt:
                    try:
                        return await self._once(orgnr)
                    except _Incomplete as incomplete:
                        last = incomplete.answer
                        raise
        except _Incomplete:
            assert last is not None
            return last
        except (TimeoutError, _Retry, aiohttp.ClientError) as error:
            raise CompanyLookupFailed(f"Bolagsverket kunde inte nås: {error}") from error
        raise AssertionError("unreachable")  # pragma: no cover


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Reverified:
    answers: list[CompanyAnswer]
    result: ImportResult | None  # the register import, when anything changed

    @property
    def unknown(self) -> list[str]:
        return [a.orgnr for a in self.answers if a.status is None]


async def reverify(
    conn: Connection, source: CompanySource, *, today: dt.date, orgnrs: Sequence[str] | None = None
) -> Reverified:
    """Ask about every provider in the register (or those named) and apply what changed as a new
    companies snapshot: a changed status becomes the register's change event (SV08 to the
    municipalities using the provider). An incomplete or not-found answer changes nothing: the
    provider's status stays as it was and the answer is reported as unknown."""
    providers = {p.orgnr: p for p in await current_providers(conn)}
    asked = [o for o in (orgnrs or sorted(providers)) if o in providers]
    answers = [await source.lookup(orgnr) for orgnr in asked]
    updated = dict(providers)
    for answer in answers:
        status = answer.status
        if status is None:
            log.warning("company_status_unknown", orgnr=answer.orgnr, outcome=answer.outcome.value)
            continue
        before = providers[answer.orgnr]
        updated[answer.orgnr] = before.model_copy(
            update={"status": status, "name": answer.name or before.name}
        )
    if all(updated[o] == providers[o] for o in providers):
        return Reverified(answers, None)
    parsed = ParsedFeed(Feed.COMPANIES, providers=[updated[o] for o in sorted(updated)])
    content = json.dumps(
        {
            "source": SOURCE,
            "answers": [
                {"orgnr": a.orgnr, "outcome": a.outcome.value, "answered_at": a.answered_at.isoformat()}
                for a in answers
            ],
            "providers": [p.model_dump(mode="json") for p in parsed.providers],
        },
        sort_keys=True,
    ).encode()
    result = await apply_feed(conn, parsed, Fetched(SOURCE, content), today=today)
    return Reverified(answers, result)


__all__ = [
    "BolagsverketClient",
    "CompanyAnswer",
    "CompanyLookupFailed",
    "CompanySource",
    "Outcome",
    "Provider",
    "Reverified",
    "interpret",
    "reverify",
]
