"""Issue #13: bad input is a documented 4xx with a Swedish problem+json, never a 500; the web
hardening (headers, limits, sign-in throttle, request ids) holds over the real HTTP server."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import uuid
from typing import Any

import pytest
import structlog
from aiohttp.test_utils import TestClient

from placement.api.app import create_app
from placement.api.limits import JSON_BODY_LIMIT, MAX_JSON_DEPTH, MAX_TEXT_LENGTH
from placement.api.middleware import new_request_id
from placement.api.server import ServiceRunner
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.logs import PERSONNUMMER_MASK, configure_logging, find_personnummer
from placement.settings import LogFormat, Settings
from tests.arrange import municipality_a_data
from tests.conftest import SessionDatabase, TestServer, api_token, bearer, configure_suite_logging

Client = TestClient[Any, Any]


async def problem(response: Any) -> tuple[int, dict[str, Any]]:
    assert response.content_type == "application/problem+json", await response.text()
    return response.status, await response.json()


def encoded(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# ---- Bad input: each class the probe found, now a 4xx ---------------------------------------------


async def test_nul_byte_in_a_text_field_or_filter_is_422(client: Client, as_officer: dict[str, str]) -> None:
    """A NUL cannot be stored by PostgreSQL: it is refused with the field named, not a 500."""
    status, body = await problem(
        await client.post(
            "/api/v1/children", json={"name": "A\x00B", "birth_date": "2015-01-01"}, headers=as_officer
        )
    )
    assert (status, body["errors"][0]["field"], body["errors"][0]["code"]) == (
        422,
        "body.name",
        "nul_character",
    )
    status, body = await problem(await client.get("/api/v1/placements?cursor=%00", headers=as_officer))
    assert (status, body["errors"][0]["field"]) == (422, "query.cursor")


async def test_lone_surrogate_in_event_details_is_422(client: Client, db: Database) -> None:
    ids = await municipality_a_data(db)
    token = bearer(await api_token(db, "0001", StaffRole.PLACERINGSSTOD))
    raw = '{"kind": "visit", "occurred_on": "2026-02-01", "details": {"note": "\\ud800"}}'
    status, body = await problem(
        await client.post(
            f"/api/v1/placements/{ids['placement_id']}/events",
            data=raw,
            headers={**token, "Content-Type": "application/json"},
        )
    )
    assert (status, body["errors"][0]["field"], body["errors"][0]["code"]) == (
        422,
        "body.details.note",
        "invalid_character",
    )


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
async def test_deeply_nested_json_is_422(client: Client, as_officer: dict[str, str], depth: int) -> None:
    raw = "[" * depth + "]" * depth
    status, body = await problem(
        await client.post(
            "/api/v1/children", data=raw, headers={**as_officer, "Content-Type": "application/json"}
        )
    )
    assert status == 422
    assert body["errors"][0]["code"] == "json_too_deep"
    assert "nästlat för djupt" in body["detail"]


async def test_overlong_text_is_422_with_the_limit(client: Client, as_officer: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/children",
        json={"name": "x" * (MAX_TEXT_LENGTH + 1), "birth_date": "2015-01-01"},
        headers=as_officer,
    )
    status, body = await problem(response)
    assert (status, body["errors"][0]["code"]) == (422, "text_too_long")
    assert f"högst {MAX_TEXT_LENGTH}" in body["errors"][0]["message"]


async def test_json_body_over_the_route_limit_is_413(client: Client, as_officer: dict[str, str]) -> None:
    """JSON routes take 256 KiB; a 20 MB body is refused before it is read."""
    big = json.dumps({"name": "A", "birth_date": "2015-01-01", "pad": "x" * (20 * 1024**2)}).encode()
    status, body = await problem(
        await client.post(
            "/api/v1/children",
            data=io.BytesIO(big),
            headers={**as_officer, "Content-Type": "application/json"},
        )
    )
    assert status == 413
    assert "256 KiB" in body["detail"]
    # Just over the limit, sent chunked (no Content-Length): refused as well.

    async def chunks() -> Any:
        yield b'{"name": "'
        yield b"x" * JSON_BODY_LIMIT
        yield b'"}'

    status, _ = await problem(
        await client.post(
            "/api/v1/children", data=chunks(), headers={**as_officer, "Content-Type": "application/json"}
        )
    )
    assert status == 413


@pytest.mark.parametrize(
    "cursor",
    [
        encoded(f"0001-01-01T00:00:00+14:00|{uuid.uuid4()}"),
        encoded(f"9999-12-31T23:59:59+00:00|{uuid.uuid4()}"),
        encoded(f"2026-01-01T00:00:00|{uuid.uuid4()}"),  # no offset: not one of ours
        encoded("1" * 40),
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/children",
        "/api/v1/placements",
        "/api/v1/staff",
        "/api/v1/contracts",
        "/api/v1/register-findings",
    ],
)
async def test_cursors_out_of_range_are_422(
    client: Client, db: Database, municipality: str, path: str, cursor: str
) -> None:
    headers = bearer(
        await api_token(
            db, municipality, StaffRole.PLACERINGSSTOD, StaffRole.UPPHANDLARE, StaffRole.ADMINISTRATOR
        )
    )
    response = await client.get(f"{path}?cursor={cursor}", headers=headers)
    status, body = await problem(response)
    assert (status, body["errors"][0]["field"]) == (422, "query.cursor")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/audit-events?until=9999-12-31", "query.until"),
        ("/api/v1/audit-events?since=0001-01-01", "query.since"),
        (f"/api/v1/audit-events?cursor={encoded('1' * 40)}", "query.cursor"),
        ("/api/v1/audit-events/sample?month=9999-12", "query.month"),
        ("/api/v1/units/U-1?on=9999-12-31", "query.on"),
        ("/api/v1/obligations/digest?since=0001-01-01T00:00:00%2B05:00", "query.since"),
    ],
)
async def test_dates_out_of_range_are_422(
    client: Client, db: Database, municipality: str, url: str, field: str
) -> None:
    headers = bearer(
        await api_token(db, municipality, StaffRole.GRANSKARE, StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE)
    )
    status, body = await problem(await client.get(url, headers=headers))
    assert (status, body["errors"][0]["field"]) == (422, field)


async def test_delegation_naming_another_municipalitys_staff_is_422(client: Client, db: Database) -> None:
    """Row-level security hides the other municipality's staff member: the reference is refused."""
    await municipality_a_data(db)
    async with db.transaction() as conn:
        foreign = await conn.fetchval(
            """SELECT s.id FROM staff s JOIN municipality m ON m.id = s.municipality_id
                WHERE m.kommunkod = '0001'"""
        )
    admin_b = bearer(await api_token(db, "0002", StaffRole.ADMINISTRATOR))
    status, body = await problem(
        await client.post(
            "/api/v1/delegation-rules",
            json={"decision_kind": "placement_sol", "staff_id": str(foreign)},
            headers=admin_b,
        )
    )
    assert status == 422
    assert body["errors"][0]["code"] == "refused_by_database"


async def test_overlong_url_and_header_are_problem_json(client: Client) -> None:
    """aiohttp's own parser errors come out as problem+json, with the security headers."""
    for response in (
        await client.get("/api/v1/children?x=" + "a" * 9000),
        await client.get("/health", headers={"X-Long": "a" * 9000}),
    ):
        status, body = await problem(response)
        assert status == 400
        assert "för lång" in body["detail"]
        assert response.headers["Server"] == "Placeringskontroll"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_header_read_timeout_closes_a_slow_connection(
    test_database: SessionDatabase, settings: Settings
) -> None:
    """A client that starts a request and never finishes its headers is cut off."""
    runner = ServiceRunner(create_app(settings, dsn=test_database.service), header_read_timeout_s=0.5)
    await runner.setup()
    from aiohttp import web

    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        await writer.drain()
        closed = await asyncio.wait_for(reader.read(), timeout=5)
        assert closed == b""  # the server closed the connection without an answer
        writer.close()
        # A complete request on a fresh connection is answered as usual.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), timeout=5)
        assert answer.startswith(b"HTTP/1.1 200")
        writer.close()
    finally:
        await runner.cleanup()


# ---- Headers --------------------------------------------------------------------------------------


async def test_security_headers_on_data_pages_and_errors(client: Client, as_officer: dict[str, str]) -> None:
    data = await client.get("/api/v1/children", headers=as_officer)
    docs = await client.get("/docs")
    missing = await client.get("/no-such-page")
    for response in (data, docs, missing):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Server"] == "Placeringskontroll"  # no versions
    for page in (docs, missing):
        assert page.content_type == "text/html"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


async def test_unknown_municipality_answers_like_a_bad_credential(client: Client, municipality: str) -> None:
    unknown = await client.get("/api/v1/children", headers=bearer("pk_9999_abcdefgh_" + "x" * 32))
    wrong = await client.get("/api/v1/children", headers=bearer(f"pk_{municipality}_abcdefgh_" + "x" * 32))
    assert (unknown.status, (await unknown.json())["detail"]) == (
        wrong.status,
        (await wrong.json())["detail"],
    )
    assert "9999" not in (await unknown.text())


async def test_failed_sign_ins_are_limited_per_client(
    db: Database, municipality: str, test_database: SessionDatabase, settings: Settings
) -> None:
    """After the limit even a good token is refused (429 with Retry-After) until the window passes."""
    limited = settings.model_copy(update={"signin_failure_limit": 3, "signin_failure_window_s": 60})
    good = bearer(await api_token(db, municipality, StaffRole.PLACERINGSSTOD))
    async with TestClient(TestServer(create_app(limited, dsn=test_database.service), host="127.0.0.1")) as c:
        assert (await c.get("/api/v1/children", headers=good)).status == 200
        for _ in range(3):
            assert (await c.get("/api/v1/children", headers=bearer("pk_1480_bad"))).status == 401
        refused = await c.get("/api/v1/children", headers=good)
        status, body = await problem(refused)
        assert status == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "För många" in body["detail"]


# ---- Request ids ----------------------------------------------------------------------------------


def test_made_request_ids_never_look_like_a_personnummer() -> None:
    """About 5 % of plain hex ids held a 10-digit run the mask rewrote; the new form cannot."""
    ids = [new_request_id() for _ in range(20_000)]
    assert [i for i in ids if find_personnummer(i)] == []
    assert len(set(ids)) == len(ids)


async def test_request_id_shaped_like_a_personnummer_is_replaced(client: Client) -> None:
    response = await client.get("/health", headers={"X-Request-Id": "req-201212121212"})
    assert response.headers["X-Request-Id"] != "req-201212121212"
    assert find_personnummer(response.headers["X-Request-Id"]) == []


def test_the_mask_still_masks_values() -> None:
    out = io.StringIO()
    configure_logging(LogFormat.JSON, "info", also_to=out)
    try:
        structlog.get_logger("t").info("probe", request_id=new_request_id(), value="barn 20121212-1212")
    finally:
        configure_suite_logging()
    line = json.loads(out.getvalue().strip().splitlines()[-1])
    assert line["value"] == f"barn {PERSONNUMMER_MASK}"
    assert PERSONNUMMER_MASK not in line["request_id"]
