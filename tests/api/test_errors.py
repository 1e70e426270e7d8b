"""Every error is problem+json (RFC 9457) with a Swedish detail; bad input never becomes a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

PROBLEM = "application/problem+json"


async def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    assert response.content_type == PROBLEM
    body: dict[str, Any] = await response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


async def test_malformed_json_is_400(client: TestClient[Any, Any], as_officer: dict[str, str]) -> None:
    """A body that is not JSON is a 400 that says so, not a 500."""
    response = await client.post(
        "/api/v1/children",
        data=b'{"name": "Alva", ',
        headers={**as_officer, "Content-Type": "application/json"},
    )
    body = await problem(response, 400)
    assert "JSON" in body["detail"]


async def test_body_that_is_not_json_content_is_415(
    client: TestClient[Any, Any], as_officer: dict[str, str]
) -> None:
    response = await client.post("/api/v1/children", data="name=Alva", headers=as_officer)
    await problem(response, 415)


async def test_unknown_route_is_404(client: TestClient[Any, Any]) -> None:
    body = await problem(await client.get("/api/v1/nothing-here"), 404)
    assert body["instance"] == "/api/v1/nothing-here"


@pytest.mark.parametrize("child_id", [str(uuid.uuid4()), "not-a-uuid"])
async def test_unknown_or_malformed_id_is_404(
    client: TestClient[Any, Any], as_officer: dict[str, str], child_id: str
) -> None:
    """An id that names nothing, or cannot name anything, is a 404."""
    await problem(await client.get(f"/api/v1/children/{child_id}", headers=as_officer), 404)


async def test_wrong_method_is_405_with_allow(client: TestClient[Any, Any]) -> None:
    response = await client.delete("/health")
    await problem(response, 405)
    assert response.headers["Allow"] == "GET"


async def test_invalid_fields_are_422_naming_each(
    client: TestClient[Any, Any], as_officer: dict[str, str]
) -> None:
    """Each bad field is named with why, in Swedish; an invalid personnummer says so."""
    response = await client.post(
        "/api/v1/children",
        json={"personnummer": "20121212-1213", "name": "", "shoe_size": 38},
        headers=as_officer,
    )
    body = await problem(response, 422)
    by_field = {e["field"]: e for e in body["errors"]}
    assert set(by_field) == {"body.personnummer", "body.name", "body.shoe_size"}
    assert by_field["body.personnummer"]["message"] == "Ogiltigt personnummer: kontrollsiffran stämmer inte"
    assert by_field["body.personnummer"]["code"] == "personnummer"
    assert by_field["body.name"]["message"] == "Får inte vara tom"
    assert by_field["body.shoe_size"]["message"] == "Okänt fält"


async def test_invalid_query_is_422(client: TestClient[Any, Any], as_officer: dict[str, str]) -> None:
    body = await problem(await client.get("/api/v1/children?limit=0", headers=as_officer), 422)
    assert body["errors"] == [
        {"field": "query.limit", "message": "Ska vara minst 1", "code": "greater_than_equal"}
    ]


async def test_bad_cursor_is_422(client: TestClient[Any, Any], as_officer: dict[str, str]) -> None:
    body = await problem(await client.get("/api/v1/children?cursor=%%%", headers=as_officer), 422)
    assert body["errors"][0]["field"] == "query.cursor"


async def test_without_sign_in_is_401(client: TestClient[Any, Any], municipality: str) -> None:
    """Municipality data is never served to a caller who has not signed in."""
    body = await problem(await client.get("/api/v1/children"), 401)
    assert "Authorization: Bearer" in body["detail"]


async def test_pages_get_a_swedish_error_page(client: TestClient[Any, Any]) -> None:
    """A person's browser gets a page in Swedish, not JSON."""
    response = await client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status == 404
    assert response.content_type == "text/html"
    text = await response.text()
    assert '<html lang="sv">' in text
    assert "<h1>Sidan finns inte</h1>" in text
