"""The OpenAPI 3.1 document, generated from the declared operations (``core.OPERATIONS``)."""

from __future__ import annotations

import re

from . import schema as s
from .core import OPERATIONS, Operation, ok, route

_PATH_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")

ERROR = s.component("Error", s.obj({
    "message": s.string(description="Was falsch ist, auf Deutsch (Englisch mit Accept-Language: en)"),
    "errors": {"type": "object", "additionalProperties": s.array(s.string()),
               "description": "Meldungen je Feld, z. B. \"costs[0].amount_cents\""},
}, ["message", "errors"]))

STATUS_TEXT = {200: "OK", 201: "Angelegt", 204: "Ohne Inhalt", 400: "Ungültige Anfrage", 401: "Nicht angemeldet",
               403: "Keine Berechtigung", 404: "Nicht gefunden", 405: "Methode nicht erlaubt",
               409: "Konflikt", 413: "Zu groß", 422: "Ungültige Angaben", 429: "Zu viele Fehlversuche"}


def openapi_path(rule: str) -> str:
    return _PATH_ARG.sub(r"{\2}", rule)


def _path_parameters(op: Operation) -> list[dict]:
    params = []
    for converter, name in _PATH_ARG.findall(op.path):
        schema = (s.integer(1) if converter == "int"
                  else {"type": "string", "pattern": "^[a-z0-9-]+$", "minLength": 1, "maxLength": 60})
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _page_of(item: dict) -> dict:
    return s.obj({"items": s.array(item, 100), "page": s.integer(1), "per_page": s.integer(1, 100),
                  "total": s.integer(0)}, ["items", "page", "per_page", "total"])


def _operation(op: Operation) -> dict:
    parameters = _path_parameters(op) + [
        {"name": p.name, "in": "query", "required": False, "schema": p.schema,
         **({"description": p.description} if p.description else {})} for p in op.all_query]
    responses: dict = {}
    if op.status == 204:
        responses["204"] = {"description": STATUS_TEXT[204]}
    elif op.media_type == "application/json":
        body = _page_of(op.response) if op.paginated else (op.response or {"type": "object"})
        responses[str(op.status)] = {"description": STATUS_TEXT[op.status],
                                     "content": {"application/json": {"schema": body}}}
    else:
        types = op.media_type if isinstance(op.media_type, tuple) else (op.media_type,)
        responses[str(op.status)] = {"description": STATUS_TEXT[op.status], "content": {
            media_type: {"schema": {"type": "string", "contentMediaType": media_type}} for media_type in types}}
    if op.paginated:
        responses["200"]["headers"] = {"Link": {"description": "RFC 8288: first, prev, next, last",
                                                "schema": {"type": "string"}}}
    for code in op.errors:
        responses[str(code)] = {"description": STATUS_TEXT[code], "content": {"application/json": {"schema": ERROR}}}
    result = {"operationId": op.endpoint, "summary": op.summary, "tags": [op.tag], "responses": responses,
              "security": [] if op.public else [{"bearerAuth": []}]}
    if op.description:
        result["description"] = op.description
    if parameters:
        result["parameters"] = parameters
    if op.body is not None:
        result["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
    elif op.upload is not None:
        result["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": op.upload}}}
    return result


def document() -> dict:
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "wingrant API",
            "version": "1.0.0",
            "description": "JSON-API für die Vergabe der WiN-Mittel: Quartiere, Förderprogramme, Budgets, Träger, "
                           "Anträge, Sitzungen, Beschlüsse, Protokolle und Buchungen. Beträge sind ganze Cent "
                           "(`amount_cents`), Datumsangaben ISO 8601. Anmeldung mit persönlichem API-Token "
                           "(`Authorization: Bearer wg_…`), anzulegen unter /konto/api-tokens.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(s.COMPONENTS.items())),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Persönlicher API-Token (wg_…)"}},
        },
    }


@route("GET", "/openapi.json", summary="Dieses OpenAPI-Dokument", tag="Meta", public=True,
       response={"type": "object"})
def openapi():
    return ok(document())

