"""The Bolagsverket adapter against a real HTTP server on loopback that answers as the published
specification ("Värdefulla datamängder" v1): the token, its expiry, the error parts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from placement.core.supplier_vocabulary import CompanyStatus
from placement.database.pool import Database
from suppliers.bolagsverket import BolagsverketClient, Outcome, interpret, reverify
from suppliers.fetch import Fetched
from suppliers.formats import Feed, parse_feed
from suppliers.importer import apply_feed

ACTIVE = "5569000010"
BANKRUPT = "5569000028"
UNAVAILABLE = "5569000036"
MISSING = "5569000044"
FLAKY = "5569000051"
TODAY = dt.date(2026, 11, 20)


def organisation(orgnr: str, name: str, **more: Any) -> dict[str, Any]:
    """An organisation as the specification's aktiebolag example shapes it."""
    return {
        "organisationsidentitet": {
            "identitetsbeteckning": orgnr,
            "typ": {"kod": "ORGNR", "klartext": "Organisationsnummer"},
        },
        "namnskyddslopnummer": None,
        "organisationsnamn": {
            "dataproducent": "Bolagsverket",
            "organisationsnamnLista": [
                {
                    "namn": name,
                    "organisationsnamntyp": {"kod": "FORETAGSNAMN", "klartext": "Företagsnamn"},
                    "registreringsdatum": "2016-11-15",
                }
            ],
        },
        "organisationsform": {"dataproducent": "Bolagsverket", "kod": "AB", "klartext": "Aktiebolag"},
        "avregistreradOrganisation": {"dataproducent": "Bolagsverket", "avregistreringsdatum": None},
        "naringsgrenOrganisation": {
            "dataproducent": "SCB",
            "sni": [{"kod": "87901", "klartext": "Hem för vård eller boende"}],
        },
        "verksamOrganisation": {"dataproducent": "SCB", "kod": "JA"},
        **more,
    }


def unavailable(orgnr: str) -> dict[str, Any]:
    """Bolagsverket's own example: every Bolagsverket part empty, with fel."""
    fel = {
        "typ": "OTILLGANGLIG_UPPGIFTSKALLA",
        "felBeskrivning": "Uppkoppling mot Bolagsverket misslyckades.",
    }
    return {
        "organisationsidentitet": {"identitetsbeteckning": orgnr},
        "organisationsnamn": {"dataproducent": "Bolagsverket", "fel": fel},
        "avregistreradOrganisation": {"dataproducent": "Bolagsverket", "fel": fel},
        "verksamOrganisation": {"dataproducent": "SCB", "kod": "JA"},
    }


ANSWERS: dict[str, dict[str, Any]] = {
    # The schema's spelling of the proceedings field, an empty list.
    ACTIVE: {
        "organisationer": [
            organisation(
                ACTIVE,
                "Omsorg i Väst AB",
                pagaendeAvvecklingsEllerOmstruktureringsforfarande={
                    "dataproducent": "Bolagsverket",
                    "pagaendeAvvecklingsEllerOmstruktureringsforfarandeLista": [],
                },
            )
        ]
    },
    # The example's misspelling, with konkurs and likvidation both open.
    BANKRUPT: {
        "organisationer": [
            organisation(
                BANKRUPT,
                "Kustvård AB",
                pagandeAvvecklingsEllerOmstruktureringsforfarande={
                    "dataproducent": "Bolagsverket",
                    "pagandeAvvecklingsEllerOmstruktureringsforfarandeLista": [
                        {"kod": "KK", "klartext": "Konkurs", "fromDatum": "2026-10-26"},
                        {"kod": "LI", "klartext": "Likvidation", "fromDatum": "2026-05-26"},
                    ],
                },
            )
        ]
    },
    UNAVAILABLE: {"organisationer": [unavailable(UNAVAILABLE)]},
    MISSING: {
        "organisationer": [
            {
                "organisationsidentitet": {"identitetsbeteckning": MISSING},
                "fel": {
                    "typ": "ORGANISATION_FINNS_EJ",
                    "felBeskrivning": "Begärd organisation finns inte registrerad.",
                },
            }
        ]
    },
    FLAKY: {"organisationer": [organisation(FLAKY, "Ostadig AB")]},
}


@dataclass
class Bolagsverket:
    """The fake service's state: tokens issued, which are still honoured, what was asked."""

    url: str = ""
    issued: list[str] = field(default_factory=list)
    honoured: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def expire_tokens(self) -> None:
        self.honoured.clear()


@pytest.fixture
async def bolagsverket() -> AsyncIterator[Bolagsverket]:
    state = Bolagsverket(failures={FLAKY: 1})

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
            "client_credentials",
            "klient",
            "hemlighet",
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        assert "vardefulla-datamangder:read" in str(form.get("scope"))
        value = f"token-{len(state.issued) + 1}"
        state.issued.append(value)
        state.honoured.add(value)
        return web.json_response({"access_token": value, "token_type": "Bearer", "expires_in": 3600})

    async def organisationer(request: web.Request) -> web.Response:
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer not in state.honoured:
            return web.json_response(
                {
                    "type": "urn:bolagsverket:error:auth",
                    "instance": "auth.error",
                    "status": 401,
                    "title": "Unauthorized",
                    "detail": "Anroparen saknar giltiga autentiseringsuppgifter.",
                },
                status=401,
                content_type="application/problem+json",
            )
        orgnr = (await request.json())["identitetsbeteckning"]
        state.asked.append(orgnr)
        if state.failures.get(orgnr):
            state.failures[orgnr] -= 1
            return web.json_response(
                {
                    "status": 500,
                    "title": "Internal",
                    "type": "about:blank",
                    "instance": "server.error",
                    "detail": "Ett ohanterat fel har uppstått.",
                },
                status=500,
            )
        return web.json_response(ANSWERS[orgnr])

    app = web.Application()
    app.router.add_post("/oauth2/token", token)
    app.router.add_post("/vardefulla-datamangder/v1/organisationer", organisationer)
    async with TestServer(app, host="127.0.0.1") as server:
        state.url = str(server.make_url(""))
        yield state


@pytest.fixture
async def client(bolagsverket: Bolagsverket) -> AsyncIterator[BolagsverketClient]:
    async with aiohttp.ClientSession() as session:
        yield BolagsverketClient(
            session=session,
            base_url=f"{bolagsverket.url}/vardefulla-datamangder/v1",
            token_url=f"{bolagsverket.url}/oauth2/token",
            client_id="klient",
            client_secret="hemlighet",
            requests_per_minute=6000,
            wait_s=0.01,
        )


async def test_answers_are_read_as_found_not_found_or_incomplete(
    client: BolagsverketClient, bolagsverket: Bolagsverket
) -> None:
    """Active, bankrupt (the misspelled proceedings field), not found, and an answer with an
    unavailable source: incomplete after its retries, never active and never not found."""
    active = await client.lookup(ACTIVE)
    bankrupt = await client.lookup(BANKRUPT)
    missing = await client.lookup(MISSING)
    incomplete = await client.lookup(UNAVAILABLE)
    assert (active.outcome, active.status, active.name, active.sni) == (
        Outcome.FOUND,
        CompanyStatus.ACTIVE,
        "Omsorg i Väst AB",
        ("87901",),
    )
    assert (bankrupt.status, [p.code for p in bankrupt.proceedings]) == (CompanyStatus.BANKRUPT, ["KK", "LI"])
    assert (missing.outcome, missing.status) == (Outcome.NOT_FOUND, None)
    assert (incomplete.outcome, incomplete.status) == (Outcome.INCOMPLETE, None)
    assert bolagsverket.asked.count(UNAVAILABLE) == client.attempts  # retried, then reported
    assert bolagsverket.issued == ["token-1"]  # one token, cached


async def test_an_expired_token_is_fetched_anew_on_401(
    client: BolagsverketClient, bolagsverket: Bolagsverket
) -> None:
    await client.lookup(ACTIVE)
    bolagsverket.expire_tokens()
    again = await client.lookup(ACTIVE)
    assert again.status is CompanyStatus.ACTIVE
    assert bolagsverket.issued == ["token-1", "token-2"]


async def test_a_server_error_is_retried(client: BolagsverketClient, bolagsverket: Bolagsverket) -> None:
    answer = await client.lookup(FLAKY)
    assert answer.status is CompanyStatus.ACTIVE
    assert bolagsverket.asked.count(FLAKY) == 2


def test_every_part_is_searched_for_errors() -> None:
    """A fel deep in one part makes the whole answer incomplete."""
    body = {
        "organisationer": [
            organisation(
                ACTIVE, "X AB", naringsgrenOrganisation={"dataproducent": "SCB", "fel": {"typ": "TIMEOUT"}}
            )
        ]
    }
    assert interpret(ACTIVE, body, dt.datetime.now(dt.UTC)).outcome is Outcome.INCOMPLETE


async def test_reverification_feeds_the_register_change_events(
    db: Database, client: BolagsverketClient
) -> None:
    """The bankrupt provider's new status becomes a register change (the SV08 event); the
    provider whose answer was incomplete keeps its status and is reported as unknown."""
    providers = {
        "providers": [
            {
                "orgnr": o,
                "name": n,
                "officers": [{"role": "owner", "name": f"Ägare {n}", "birth_date": "1970-01-01"}],
            }
            for o, n in ((ACTIVE, "Omsorg i Väst AB"), (BANKRUPT, "Kustvård AB"), (UNAVAILABLE, "Okänd AB"))
        ]
    }
    data = json.dumps(providers).encode()
    async with db.pool.acquire() as conn:
        await apply_feed(
            conn, parse_feed(Feed.COMPANIES, data, name="c.json"), Fetched("test", data), today=TODAY
        )
        done = await reverify(conn, client, today=TODAY)
        statuses = dict(
            await conn.fetch(
                "SELECT key, payload ->> 'status' FROM register_entity "
                "WHERE kind = 'provider' AND valid_to_snapshot IS NULL"
            )
        )
        officers = await conn.fetchval(
            "SELECT payload -> 'officers' -> 0 ->> 'name' FROM register_entity "
            "WHERE kind = 'provider' AND key = $1 AND valid_to_snapshot IS NULL",
            BANKRUPT,
        )
    assert done.result is not None
    assert [(c.key, c.kind.value) for c in done.result.changes] == [(BANKRUPT, "company_status_changed")]
    assert statuses == {ACTIVE: "active", BANKRUPT: "bankrupt", UNAVAILABLE: "active"}
    assert officers == "Ägare Kustvård AB"  # the API says nothing of officers: they are kept
    assert done.unknown == [UNAVAILABLE]
