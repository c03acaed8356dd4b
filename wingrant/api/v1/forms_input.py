"""JSON bodies into the UI's own forms: the one validation path of the API's input.

A request body is checked in two steps, both driven by what the operation declares once:

1. its structure, against the schema the OpenAPI document publishes for it (``core.parse_body``
   with ``schema.problems``, i.e. the ``jsonschema`` library): types, required and unknown fields,
   the published limits;
2. its content, by the very Flask-WTF form the UI validates (``run_form``), so the field and
   business rules exist once. The operation's ``FormInput`` says which form field each JSON field
   is: it turns the JSON into the form data a browser would post, and turns the form's field names
   in error messages back into JSON paths (``costs[0].amount_cents``).

The forms run with CSRF protection switched off for the form (``meta={"csrf": False}``) rather
than fed a token made up on the spot: the API authenticates by bearer token only and never reads
the session cookie (``core.ApiSessionInterface``), so a forged cross-site request carries nothing
the API would accept. That is also why the blueprint is exempt from CSRFProtect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from ...money import format_plain
from .core import ApiError

#: The form's own CSRF check is off for the API: bearer token, never the cookie (see above).
NO_CSRF = {"csrf": False}


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Field:
    """A JSON value that is one form field; ``many``: a list of them, a multiple choice."""

    name: str
    convert: Callable[[object], str] = _text
    many: bool = False


def money(name: str) -> Field:
    """Cents in JSON, a German amount in the form's money field."""
    return Field(name, format_plain)


def many(name: str) -> Field:
    """A list of ids in JSON, a multiple choice in the form."""
    return Field(name, many=True)


@dataclass(frozen=True)
class Rows:
    """A list of objects in JSON, a FieldList of sub-forms in the form (``costs-0-kind``)."""

    name: str
    fields: Mapping[str, str | Field]


@dataclass(frozen=True)
class Keyed:
    """A list of objects in JSON, one form field per key in the form: ``{"programme_id": 3,
    "amount_cents": 100}`` is the field ``request_3`` (``Keyed("programme_id", "amount_cents",
    "request_", money)``). The first object with a key counts, as the first of repeated form values."""

    key: str
    value: str
    prefix: str
    convert: Callable[[object], str] = _text


def _field(spec: str | Field) -> Field:
    return Field(spec) if isinstance(spec, str) else spec


def _posted(value, spec: Field) -> list[str]:
    """What a browser posts for a field: text (empty when null or left out), a checkbox only when
    ticked, a multiple choice once per value chosen."""
    if spec.many:
        return [spec.convert(v) for v in value or [] if v is not None]
    if value is None:
        return [""]
    if isinstance(value, bool):
        return ["y"] if value else []
    return [spec.convert(value)]


@dataclass(frozen=True)
class FormInput:
    """How one operation's JSON body maps onto a UI form, declared once and used both ways.

    ``fields``: JSON name → form field (a name, ``Field``, ``Rows`` or ``Keyed``); ``prefix``: the
    form's prefix, where the UI's form builder sets one; ``problem_fields``: names a service uses
    for problems that are no form field (``plan`` → ``costs``)."""

    fields: Mapping[str, str | Field | Rows | Keyed]
    prefix: str = ""
    problem_fields: Mapping[str, str] = field(default_factory=dict)

    def formdata(self, data: Mapping, extra: Mapping[str, str] | None = None) -> MultiDict:
        """The form data a browser would post for the JSON ``data``; ``extra``: form fields the JSON
        does not carry (e.g. the neighbourhood of the URL)."""
        dash = f"{self.prefix}-" if self.prefix else ""
        formdata: MultiDict = MultiDict()
        for json_name, spec in self.fields.items():
            value = data.get(json_name)
            if isinstance(spec, Rows):
                for i, row in enumerate(value or []):
                    for sub_name, sub_spec in spec.fields.items():
                        sub = _field(sub_spec)
                        for item in _posted(row.get(sub_name), sub):
                            formdata.add(f"{dash}{spec.name}-{i}-{sub.name}", item)
            elif isinstance(spec, Keyed):
                for row in value or []:
                    for item in _posted(row.get(spec.value), Field(spec.value, spec.convert)):
                        formdata.add(f"{dash}{spec.prefix}{row[spec.key]}", item)
            else:
                spec = _field(spec)
                for item in _posted(value, spec):
                    formdata.add(dash + spec.name, item)
        for name, value in (extra or {}).items():
            formdata.add(dash + name, value)
        return formdata

    def with_defaults(self, data: Mapping, defaults: Mapping) -> dict:
        """``data`` with ``defaults`` where it leaves a field out; a ``Keyed`` list keeps the default
        objects whose key it does not name (after its own, so its indices stay)."""
        merged = dict(data)
        for name, value in defaults.items():
            spec = self.fields.get(name)
            if isinstance(spec, Keyed) and merged.get(name) is not None:
                named = {row[spec.key] for row in merged[name]}
                merged[name] = [*merged[name], *(row for row in value if row[spec.key] not in named)]
            else:
                merged.setdefault(name, value)
        return merged

    def json_name(self, name: str, data: Mapping) -> str:
        """The JSON path of a form field (``costs-0-amount`` → ``costs[0].amount_cents``) in ``data``."""
        for json_name, spec in self.fields.items():
            if isinstance(spec, Rows):
                if match := re.fullmatch(rf"{re.escape(spec.name)}-(\d+)-(\w+)", name):
                    index, sub = match.groups()
                    subs = {_field(s).name: n for n, s in spec.fields.items()}
                    return f"{json_name}[{index}].{subs.get(sub, sub)}"
            elif isinstance(spec, Keyed):
                if name.startswith(spec.prefix) and name[len(spec.prefix):].isdigit():
                    key = name[len(spec.prefix):]
                    rows = data.get(json_name) or []
                    index = next((i for i, row in enumerate(rows) if str(row.get(spec.key)) == key), None)
                    return f"{json_name}[{index}].{spec.value}" if index is not None else json_name
            elif _field(spec).name == name:
                return json_name
        return self.problem_fields.get(name, name)


def run_form(build: Callable[..., object], data, *, defaults: Mapping | None = None,
             extra: Mapping[str, str] | None = None):
    """The UI form ``build(formdata=…, meta=…)`` makes, validated on the JSON body ``data`` (a
    ``core.LazyBody``: reading it checks its structure first) as its operation's ``FormInput``
    maps it; 422 with the form's messages per JSON field otherwise. ``defaults`` (JSON names) stand
    in for fields the body leaves out."""
    form_input: FormInput = data.form_input
    body = form_input.with_defaults(data, defaults or {})
    form = build(formdata=form_input.formdata(body, extra), meta=NO_CSRF)
    if not form.validate():
        raise ApiError(422, None, form_errors(form, form_input, body))
    return form


def form_errors(form, form_input: FormInput, data: Mapping) -> dict[str, list[str]]:
    dash = f"{form_input.prefix}-" if form_input.prefix else ""
    errors: dict[str, list[str]] = {}

    def walk(f):
        if hasattr(f, "entries"):  # FieldList
            for entry in f.entries:
                walk(entry)
        elif f.type == "FormField":
            for sub in f.form:
                walk(sub)
        elif f.errors:
            name = form_input.json_name(f.name.removeprefix(dash), data)
            messages = f.errors if isinstance(f.errors, list | tuple) else [str(f.errors)]
            errors.setdefault(name, []).extend(str(m) for m in messages)

    for f in form:
        walk(f)
    if not errors and getattr(form, "form_errors", None):
        errors["body"] = [str(m) for m in form.form_errors]
    return errors
