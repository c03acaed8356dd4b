"""Validation against the OParl 1.1 JSON schemas in ``../shared/oparl-1.1-schema`` (beside the checkout).

The schema files embed objects with a custom key (``"schema": "File.json"``) instead of
``$ref`` and use ``"format": "url"``: both are turned into what ``jsonschema`` checks —
``$ref`` resolved through a ``referencing`` registry of all files, and format checkers
for ``url``, ``date`` and ``date-time`` that really check (the stock date-time checker
needs an optional package and would pass anything without it).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "oparl-1.1-schema"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("url", raises=ValueError)
def _url(value) -> bool:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an absolute http(s) URL: {value!r}")
    return True


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not _DATE_TIME.match(value):
        raise ValueError(f"not an RFC 3339 date-time with offset: {value!r}")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@FORMATS.checks("date", raises=ValueError)
def _date(value) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"not a date: {value!r}")
    date.fromisoformat(value)
    return True


def _with_refs(node):
    """``{"type": "object", "schema": "X.json"}`` → ``$ref`` to that file (also inside ``items``)."""
    if isinstance(node, dict):
        node = {key: _with_refs(value) for key, value in node.items()}
        target = node.get("schema")
        if isinstance(target, str) and target.endswith(".json") and node.get("type") == "object":
            node["$ref"] = target
        return node
    if isinstance(node, list):
        return [_with_refs(value) for value in node]
    return node


@cache
def _schemas() -> tuple[dict[str, dict], Registry]:
    assert SCHEMA_DIR.is_dir(), (
        f"The OParl 1.1 schemas are missing: expected them in {SCHEMA_DIR.resolve()} "
        "(the repository ../shared/oparl-1.1-schema beside the checkout). The OParl tests cannot run without them."
    )
    schemas = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = _with_refs(json.loads(path.read_text(encoding="utf-8")))
        schema["$id"] = path.name
        schemas[path.stem] = schema
    assert {"System", "Body", "Organization", "Meeting", "AgendaItem", "Paper", "Consultation", "File",
            "Location"} <= set(schemas), f"incomplete OParl schemas in {SCHEMA_DIR}"
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in ((f"{stem}.json", s) for stem, s in schemas.items())
    )
    return schemas, registry


def schema_properties(type_name: str) -> set[str]:
    return set(_schemas()[0][type_name]["properties"])


def validate(obj: dict, type_name: str | None = None) -> str:
    """Validate one OParl object against its type's schema; returns the type name."""
    schemas, registry = _schemas()
    type_name = type_name or obj.get("type", "").removeprefix(TYPE_PREFIX)
    assert type_name in schemas, f"unknown OParl type {obj.get('type')!r} in {obj.get('id')}"
    validator = jsonschema.Draft202012Validator(schemas[type_name], registry=registry, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
    assert not errors, f"{obj.get('id')} is no valid {type_name}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)
    return type_name


def list_schema(type_name: str) -> dict:
    """An external object list page (spec 2.5): data, pagination, links with URLs."""
    url = {"type": "string", "format": "url"}
    return {
        "type": "object",
        "required": ["data", "pagination", "links"],
        "properties": {
            "data": {"type": "array", "items": {"$ref": f"{type_name}.json"}},
            "pagination": {"type": "object", "properties": {
                name: {"type": "integer", "minimum": 0}
                for name in ("totalElements", "elementsPerPage", "currentPage", "totalPages")}},
            "links": {"type": "object",
                      "properties": dict.fromkeys(("first", "prev", "self", "next", "last", "web"), url),
                "additionalProperties": False},
        },
    }


def validate_list(page: dict, type_name: str) -> None:
    _schemas_, registry = _schemas()
    validator = jsonschema.Draft202012Validator(list_schema(type_name), registry=registry, format_checker=FORMATS)
    errors = list(validator.iter_errors(page))
    assert not errors, f"list of {type_name} invalid: " + "; ".join(e.message for e in errors)
    for obj in page["data"]:
        validate(obj, type_name)

