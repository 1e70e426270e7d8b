"""The OpenAPI 3.1 document, generated from the endpoint registry and its pydantic models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from placement.api.routing import Endpoint, EndpointRegistry
from placement.models import Problem

_REF = "#/components/schemas/{model}"
IDEMPOTENCY_DESCRIPTION = (
    "Send the same key to retry safely: within 24 hours the same key and body return the first "
    "response (with Idempotent-Replayed: true) without doing the work again; the same key with "
    "another body is a 422."
)
_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _PROBLEM}}}


def build_openapi(registry: EndpointRegistry, *, title: str, version: str) -> dict[str, Any]:
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (Problem, "serialization")
    ]
    for endpoint in registry.endpoints:
        if endpoint.body is not None:
            models.append((endpoint.body, "validation"))
        if endpoint.query is not None:
            models.append((endpoint.query, "validation"))
        if endpoint.response is not None:
            models.append((endpoint.response, "serialization"))
    unique = list(dict.fromkeys(models))
    refs, schema = models_json_schema(unique, ref_template=_REF)
    components = dict(schema.get("$defs", {}))

    paths: dict[str, dict[str, Any]] = {}
    for endpoint in registry.endpoints:
        operation = _operation(endpoint, refs, components)
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation

    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Placeringskontroll: kontroller före placering och uppföljning av placerade barn.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from the municipality's identity provider (JWT), or an API "
                    "token for an integration (pk_<kommunkod>_...).",
                },
                "demoUser": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Demo-User",
                    "description": "Demo mode only: the e-mail of a demo staff member to act as.",
                },
            },
        },
    }


def _operation(endpoint: Endpoint, refs: dict[Any, Any], components: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    parameters: list[dict[str, Any]] = [
        {
            "name": p,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"}
            if p.endswith("_id")
            else {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,60}$"},
        }
        for p in endpoint.path_params
    ]
    if endpoint.query is not None:
        query_schema = components[refs[(endpoint.query, "validation")]["$ref"].rsplit("/", 1)[-1]]
        required = set(query_schema.get("required", []))
        for name, prop in query_schema.get("properties", {}).items():
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "description": prop.get("description", ""),
                    "schema": {k: v for k, v in prop.items() if k != "description"},
                }
            )
    if endpoint.tenant and endpoint.method == "POST":
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": IDEMPOTENCY_DESCRIPTION,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            }
        )
    if endpoint.method == "PATCH":
        parameters.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": True,
                "description": "The ETag the record was read with (428 without it, 412 if changed since).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            }
        )
    if parameters:
        operation["parameters"] = parameters
    if endpoint.raw_body:
        operation["requestBody"] = {
            "required": True,
            "content": {media: {"schema": {"type": "string"}} for media in endpoint.raw_body},
        }
        responses_extra = {
            "401": _problem("Operatörstoken krävs"),
            "403": _problem("Token saknar behörighet"),
            "413": _problem("Filen är för stor"),
            "415": _problem("Fel innehållstyp"),
            "422": _problem("Filen avvisades; errors namnger raderna"),
        }
        operation["security"] = [{"bearer": []}]
    else:
        responses_extra = {}
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(endpoint.body, "validation")]}},
        }

    responses: dict[str, Any] = {}
    if endpoint.response is not None:
        responses[str(endpoint.status)] = {
            "description": endpoint.summary,
            "content": {
                "application/json": {"schema": refs[(endpoint.response, "serialization")]},
                **{media: {"schema": {"type": "string"}} for media in endpoint.also_answers},
            },
        }
    else:
        responses[str(endpoint.status)] = {"description": endpoint.summary}
    responses["400"] = _problem("Begäran kan inte läsas (för långa rader eller huvuden, ogiltig JSON)")
    if endpoint.body is not None:
        responses["413"] = _problem("Innehållet är för stort")
        responses["415"] = _problem("Innehållet är inte JSON")
    if endpoint.method != "GET" and (endpoint.tenant or endpoint.operator_scope):
        # A change can collide with what is already there (a duplicate, a refused decision, an
        # import already running); every changing operation may answer 409.
        responses["409"] = _problem("Konflikt med befintliga uppgifter")
    if endpoint.method == "PATCH":  # a correction (placement/corrections.py)
        responses["412"] = _problem("Posten har ändrats sedan den hämtades; hämta den igen")
        responses["428"] = _problem("If-Match saknas; skicka postens ETag")
    if endpoint.tenant or endpoint.operator_scope:
        responses["429"] = _problem("För många misslyckade inloggningar; se Retry-After")
    if endpoint.tenant or endpoint.operator_scope or endpoint.path == "/ready":
        responses["503"] = _problem("Databasen kan inte nås just nu; se Retry-After")
    if endpoint.tenant:
        responses["401"] = _problem("Inloggning krävs")
        responses["403"] = _problem("Rollen ger inte åtkomst")
        operation["security"] = [{"bearer": []}, {"demoUser": []}]
        operation["x-roles"] = sorted(role.value for role in endpoint.roles)
        roles = ", ".join(sorted(role.value for role in endpoint.roles))
        operation["description"] = (operation.get("description", "") + f"\n\nRoller: {roles}.").strip()
    if endpoint.path_params:
        responses["404"] = _problem("Hittades inte")
    if (
        endpoint.body is not None
        or endpoint.query is not None
        or (endpoint.tenant and endpoint.method == "POST")
    ):
        responses["422"] = _problem("Ogiltiga uppgifter; errors namnger varje fält")
    responses.update(responses_extra)
    operation["responses"] = responses
    return operation
