"""A Träger the import would create that may already exist: the hint and the user's choice.

Pure. A row's Träger that matches no organisation by its normalised name is
created by the import. If its name is similar to an existing Träger ("GTP" and
"Gesundheitstreffpunkt West", see ``organisations.rules``) or to another new
Träger earlier in the same list, the preview says "Möglicherweise dasselbe wie …"
and offers to use that one instead. The default stays "neu anlegen".

A choice is a form value: ``traeger-<id>`` for an existing Träger, ``neu-<key>``
for another new Träger of the list (only an earlier one, so choices never go
round in a circle). Confirming computes the alternatives again and ignores a
value that is not among them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..organisations.rules import likely_duplicates, similarity_reason

# ``parsing`` calls this module, so its ImportRow and ImportContext are not imported here (no
# cycle): a row needs ok, line, organisation_id and organisation_name; the context organisations.
ImportRow = Any
ImportContext = Any

NEW = "neu"
#: The form field of one new Träger's choice is FIELD_PREFIX + its key.
FIELD_PREFIX = "traeger:"


@dataclass
class NewOrganisation:
    key: str
    name: str
    lines: list[int] = field(default_factory=list)
    #: (form value, name) the user may use instead of creating this one, the likeliest first.
    alternatives: list[tuple[str, str]] = field(default_factory=list)

    @property
    def field_name(self) -> str:
        return FIELD_PREFIX + self.key


def new_organisations(rows: list[ImportRow], context: ImportContext, key) -> list[NewOrganisation]:
    """The Träger the valid rows would create, in the order of the list, each with its alternatives."""
    found: dict[str, NewOrganisation] = {}
    for row in rows:
        if row.ok and row.organisation_id is None:
            k = key(row.organisation_name)
            found.setdefault(k, NewOrganisation(k, row.organisation_name)).lines.append(row.line)
    existing = sorted(dict(context.organisations.values()).items())
    earlier: list[NewOrganisation] = []
    for new in found.values():
        new.alternatives = [(f"traeger-{oid}", name) for oid, name in likely_duplicates(new.name, existing)]
        new.alternatives += [(f"{NEW}-{other.key}", other.name) for other in earlier
                             if similarity_reason(new.name, other.name) is not None]
        earlier.append(new)
    return list(found.values())


def apply_choices(rows: list[ImportRow], context: ImportContext, choices: dict[str, str], key) -> None:
    """Point the rows of each new Träger the user matched to the Träger chosen instead."""
    names = dict(context.organisations.values())
    resolved: dict[str, tuple[int | None, str]] = {}
    for new in new_organisations(rows, context, key):  # in list order: an earlier one is resolved first
        value = choices.get(new.field_name, NEW)
        kind, _dash, target = value.partition("-")
        if value not in dict(new.alternatives):
            resolved[new.key] = (None, new.name)
        elif kind == NEW:
            resolved[new.key] = resolved[target]
        else:
            resolved[new.key] = (int(target), names[int(target)])
    for row in rows:
        if row.ok and row.organisation_id is None:
            row.organisation_id, row.organisation_name = resolved[key(row.organisation_name)]
