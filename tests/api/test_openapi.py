"""The API describes itself: a valid OpenAPI 3.1 document generated from the code, and a docs page."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from placement.api.app import api_registry


async def test_openapi_is_valid_3_1(client: TestClient[Any, Any]) -> None:
    response = await client.get("/openapi.json")
    assert response.status == 200
    spec = await response.json()
    assert spec["openapi"] == "3.1.0"
    validate(spec, cls=OpenAPIV31SpecValidator)  # raises on any violation of the 3.1 schema


async def test_every_declared_endpoint_is_documented(client: TestClient[Any, Any]) -> None:
    """No endpoint exists without its description: the document is made from the same registry."""
    spec = await (await client.get("/openapi.json")).json()
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    declared = {(e.path, e.method) for e in api_registry().endpoints}
    assert documented == declared
    operation_ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


async def test_every_routed_api_path_is_declared(client: TestClient[Any, Any]) -> None:
    """Nothing under /api is routed around the registry (and so around its validation)."""
    app = client.server.app  # type: ignore[attr-defined]
    routed = {
        (r.resource.canonical, r.method)
        for r in app.router.routes()
        if r.resource is not None and r.resource.canonical.startswith("/api/") and r.method != "HEAD"
    }
    declared = {(e.path, e.method) for e in api_registry().endpoints if e.path.startswith("/api/")}
    assert routed == declared


async def test_docs_page_renders_every_operation(client: TestClient[Any, Any]) -> None:
    response = await client.get("/docs")
    assert response.status == 200
    assert response.content_type == "text/html"
    page = await response.text()
    assert "<h1>API-dokumentation</h1>" in page
    for endpoint in api_registry().endpoints:
        assert f'id="op-{endpoint.name}"' in page
    assert 'id="schema-ChildIn"' in page


async def test_root_is_the_web_application(client: TestClient[Any, Any]) -> None:
    """/ opens the web application (its sign-in for someone not signed in); the API's
    documentation stays at /docs."""
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/logga-in"
    assert (await client.get("/docs")).status == 200
