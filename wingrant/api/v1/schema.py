"""JSON Schema building blocks, and the structural check of request bodies and query strings.

The schemas written with these helpers are the single source of truth: the
OpenAPI document shows them as they are, and ``problems`` checks requests
against them with the ``jsonschema`` library (JSON Schema 2020-12, the OpenAPI
3.1 dialect). Messages are German through Babel and name the offending field,
so a client gets ``{"errors": {"costs[0].amount_cents": ["…"]}}``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator, FormatChecker, validators

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


# --- checking requests against the schemas ---------------------------------------------
#
# The ``jsonschema`` library checks a request against the very schema the OpenAPI document
# publishes for it (components and all). This is the structural check only — types, required and
# unknown fields, the published limits; the field and business rules are the UI forms' (see
# ``forms_input``). What the library adds here is the German message per field path.


def _text(_checker, value) -> bool:
    """A string PostgreSQL can store: no NUL character, no lone surrogate (a JSON escape allows both)."""
    return isinstance(value, str) and "\x00" not in value and _encodable(value)


def _whole_number(_checker, value) -> bool:
    """JSON Schema calls 1.0 an integer; the forms and the database do not."""
    return isinstance(value, int) and not isinstance(value, bool)


_DATE = FormatChecker(formats=("date",))
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date")
def _date(value) -> bool:
    # "" is the empty date field (no date), as the forms take it: whether one is needed is their rule.
    return value == "" or _DATE.conforms(value, "date")
_Validator = validators.extend(Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
    {"string": _text, "integer": _whole_number}))
_VALIDATORS: dict[int, tuple[dict, Draft202012Validator]] = {}

_TYPE_NAMES = {"string": _l("Text"), "integer": _l("ganze Zahl"), "boolean": _l("true oder false"),
               "array": _l("Liste"), "object": _l("Objekt"), "null": "null"}


def _validator(schema: dict):
    """The compiled validator of a declared schema; ``#/components/schemas/…`` resolves as in the document."""
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, _Validator({**schema, "components": {"schemas": COMPONENTS}}, format_checker=_FORMATS))
        _VALIDATORS[id(schema)] = cached
    return cached[1]


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def problems(value, schema: dict, path: str = "") -> dict[str, list[str]]:
    """What is wrong with ``value`` against ``schema``, in German by field path; empty when it fits."""
    found: dict[str, dict[str, list[str]]] = {}  # field → keyword → messages
    for error in _validator(schema).iter_errors(value):
        field = path
        for key in error.absolute_path:
            field = _join(field, key)
        for name, message in _messages(error):
            where = _join(field, name) if name is not None else (field or "body")
            messages = found.setdefault(where, {}).setdefault(error.validator, [])
            if message not in messages:
                messages.append(message)
    # A value of the wrong type gets that one message, not also the enum it is not in.
    return {field: kinds["type"] if "type" in kinds else [m for ms in kinds.values() for m in ms]
            for field, kinds in found.items()}


def _messages(error) -> list[tuple[str | None, str]]:
    """(field name below the error's path or None, German message) of one ``jsonschema`` error."""
    keyword, expected, value, schema = error.validator, error.validator_value, error.instance, error.schema
    if keyword == "required":
        # One error per missing name, none saying which: each names them all, ``problems`` drops repeats.
        return [(name, _("Dieses Feld fehlt.")) for name in expected if name not in value]
    if keyword == "additionalProperties":
        known = schema.get("properties", {})
        return [(name, _("Dieses Feld gibt es nicht.")) for name in value if name not in known]
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else expected
        if isinstance(value, str) and "string" in kinds:  # a string, but not one the database can store
            return [(None, _("Der Text enthält unzulässige Zeichen."))]
        return [(None, _("Erwartet: %(type)s.", type=" / ".join(str(_TYPE_NAMES[k]) for k in kinds)))]
    message = {
        "enum": lambda: _("Erlaubt sind: %(values)s.", values=", ".join(str(v) for v in expected if v is not None)),
        "maxLength": lambda: _("Höchstens %(max)s Zeichen.", max=expected),
        "minLength": lambda: _("Bitte ausfüllen."),
        "format": lambda: _("Kein gültiges Datum; erwartet wird JJJJ-MM-TT, z. B. 2026-05-31."),
        "pattern": lambda: _("Erwartet: %(type)s.", type=schema.get("description") or expected),
        "minimum": lambda: _("Mindestens %(min)s.", min=expected),
        "maximum": lambda: _("Höchstens %(max)s.", max=expected),
        "maxItems": lambda: _("Höchstens %(max)s Einträge.", max=expected),
    }.get(keyword)
    return [(None, message() if message else error.message)]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from JSON escapes
        return False
    return True
