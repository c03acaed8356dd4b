"""JSON Schema building blocks and the validator of request bodies and query strings.

The schemas written with these helpers are the single source of truth: the
OpenAPI document shows them as they are, and ``validate`` checks requests
against them (a small subset of JSON Schema 2020-12: the keywords the helpers
emit). Messages are German through Babel and name the offending field, so a
client gets ``{"errors": {"costs[0].amount_cents": ["…"]}}``.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: The largest integer any field takes (ids, counts, cents): safe for BIGINT and SQLite.
INT_MAX = 2**31 - 1
CENTS_MAX = 10**11


def string(max_length: int = 10_000, *, min_length: int = 0, fmt: str | None = None, nullable=False,
           enum: list[str] | None = None, description: str | None = None) -> dict:
    s: dict = {"type": ["string", "null"] if nullable else "string"}
    if enum is not None:
        s["enum"] = list(enum) + ([None] if nullable else [])
    else:
        s["maxLength"] = max_length
        if min_length:
            s["minLength"] = min_length
    if fmt:
        s["format"] = fmt
    if description:
        s["description"] = description
    return s


def date_(nullable=False, description: str | None = None) -> dict:
    return string(10, fmt="date", nullable=nullable, description=description)


def datetime_(nullable=False) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "format": "date-time"}


def integer(minimum: int = 0, maximum: int = INT_MAX, *, nullable=False, description: str | None = None) -> dict:
    s: dict = {"type": ["integer", "null"] if nullable else "integer", "minimum": minimum, "maximum": maximum}
    if description:
        s["description"] = description
    return s


def cents(nullable=False, description: str | None = None) -> dict:
    return integer(0, CENTS_MAX, nullable=nullable, description=description or "Betrag in Cent")


def boolean() -> dict:
    return {"type": "boolean"}


def array(items: dict, max_items: int = 100) -> dict:
    return {"type": "array", "items": items, "maxItems": max_items}


def obj(properties: dict, required: list[str] | tuple = (), *, closed=True, description: str | None = None) -> dict:
    s: dict = {"type": "object", "properties": properties, "required": list(required)}
    if closed:
        s["additionalProperties"] = False
    if description:
        s["description"] = description
    return s


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


#: Named schemas (components); filled by the resource modules with ``component``.
COMPONENTS: dict[str, dict] = {}


def component(name: str, schema: dict) -> dict:
    COMPONENTS[name] = schema
    return ref(name)


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


# --- validation -----------------------------------------------------------------------

_TYPE_NAMES = {"string": _l("Text"), "integer": _l("ganze Zahl"), "boolean": _l("true oder false"),
               "array": _l("Liste"), "object": _l("Objekt"), "null": "null"}


def _type_ok(value, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return value is None


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def validate(value, schema: dict, path: str = "", errors: dict | None = None) -> dict[str, list[str]]:
    """Problems of ``value`` against ``schema`` by field path; empty when it fits."""
    errors = {} if errors is None else errors
    schema = resolve(schema)
    field = path or "body"

    def add(message: str) -> None:
        errors.setdefault(field, []).append(message)

    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else (kinds or [])
    if kinds and not any(_type_ok(value, k) for k in kinds):
        add(_("Erwartet: %(type)s.", type=" / ".join(str(_TYPE_NAMES[k]) for k in kinds)))
        return errors
    if value is None:
        return errors
    if "enum" in schema and value not in schema["enum"]:
        add(_("Erlaubt sind: %(values)s.", values=", ".join(str(v) for v in schema["enum"] if v is not None)))
        return errors
    if isinstance(value, str):
        if "\x00" in value or not _encodable(value):
            add(_("Der Text enthält unzulässige Zeichen."))
        elif len(value) > schema.get("maxLength", 10**9):
            add(_("Höchstens %(max)s Zeichen.", max=schema["maxLength"]))
        elif len(value) < schema.get("minLength", 0):
            add(_("Bitte ausfüllen."))
        elif schema.get("format") == "date" and value:
            try:
                date.fromisoformat(value)
                if len(value) != 10:
                    raise ValueError
            except ValueError:
                add(_("Kein gültiges Datum; erwartet wird JJJJ-MM-TT, z. B. 2026-05-31."))
    elif isinstance(value, int) and not isinstance(value, bool):
        if value < schema.get("minimum", -INT_MAX):
            add(_("Mindestens %(min)s.", min=schema.get("minimum", -INT_MAX)))
        elif value > schema.get("maximum", INT_MAX):
            add(_("Höchstens %(max)s.", max=schema.get("maximum", INT_MAX)))
    elif isinstance(value, list):
        if len(value) > schema.get("maxItems", 10**6):
            add(_("Höchstens %(max)s Einträge.", max=schema["maxItems"]))
        else:
            for i, item in enumerate(value):
                validate(item, schema.get("items", {}), _join(path, i), errors)
    elif isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.setdefault(_join(path, name), []).append(_("Dieses Feld fehlt."))
        for name, item in value.items():
            if name in properties:
                validate(item, properties[name], _join(path, name), errors)
            elif schema.get("additionalProperties") is False:
                errors.setdefault(_join(path, name), []).append(_("Dieses Feld gibt es nicht."))
    return errors


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from JSON escapes
        return False
    return True
