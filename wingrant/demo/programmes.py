"""Demo data for departments, programme lines and a programme owner (issue 21): every programme
gets its department (Ressort), and the LLQ Innovationstopf at the Senatskanzlei has two lines
with budgets in two neighbourhoods and an owner. Idempotent like the rest of the demo data."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from ..auth.models import ProgrammeOwner, User
from ..auth.services import create_user
from ..database import unit_of_work
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.models import EntryKind, LedgerEntry
from ..neighbourhoods.models import Department, Programme, ProgrammeLine

#: (short name, name, programme codes)
DEPARTMENTS = [
    ("SJIS", "Senatorin für Soziales, Jugend, Integration und Sport", ("WIN", "LOS")),
    ("SBMS", "Senatorin für Bau, Mobilität und Stadtentwicklung", ("SOZ", "BIWAQ", "LLQ")),
    ("SK", "Senatskanzlei", ("INNO",)),
]
INNOVATION = ("INNO", "Innovationstopf (Lebendige Quartiere)")
#: (code, name, {neighbourhood slug: euros})
INNOVATION_LINES = [
    ("KLEIN", "Kleinprojekte", {"groepelingen": 15_000, "tenever": 10_000}),
    ("BETEIL", "Beteiligung", {"groepelingen": 8_000, "tenever": 6_000}),
]
OWNER = ("innovationstopf@wingrant.example", "Jana Petersen (Senatskanzlei, Innovationstopf)")


def _get_or_add(model, lookup: dict, **values):
    obj = db.session.execute(sa.select(model).filter_by(**lookup)).scalar_one_or_none()
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def load(neighbourhoods: dict, admin: User, year: int, passwords: list) -> str:
    """Departments, the Innovationstopf with its lines, their budgets and owner; a line for the report."""
    with unit_of_work():
        position = db.session.execute(sa.select(sa.func.max(Programme.position))).scalar_one() or 0
        inno = _get_or_add(Programme, {"code": INNOVATION[0]}, name=INNOVATION[1], max_share_percent=100,
                           investive_only=False, position=position + 1)
        for short, name, codes in DEPARTMENTS:
            department = _get_or_add(Department, {"name": name}, short_name=short)
            for programme in db.session.execute(sa.select(Programme).where(Programme.code.in_(codes))).scalars():
                programme.department_id = department.id
        lines = [(_get_or_add(ProgrammeLine, {"programme_id": inno.id, "code": code}, name=name, position=i), amounts)
                 for i, (code, name, amounts) in enumerate(INNOVATION_LINES)]
    allocated = 0
    for line, amounts in lines:
        for slug, euros in amounts.items():
            budget = ledger.get_or_create_budget(neighbourhoods[slug], inno, year, user=admin, line_id=line.id)
            if not db.session.execute(sa.select(LedgerEntry.id).filter_by(
                    budget_id=budget.id, kind=EntryKind.ALLOCATION)).first():
                ledger.allocate(budget.id, euros * 100, user=admin, memo=f"Innovationstopf {year}: {line.name}")
                allocated += 1
    with unit_of_work():
        owner = db.session.execute(sa.select(User).filter_by(email=OWNER[0])).scalar_one_or_none()
        if owner is None:
            password = secrets.token_urlsafe(12)
            owner = create_user(OWNER[0], OWNER[1], password)
            passwords.append((OWNER[0], "Programmverantwortliche Innovationstopf", password))
        _get_or_add(ProgrammeOwner, {"user_id": owner.id, "programme_id": inno.id})
    return f"{len(DEPARTMENTS)} Ressorts, Innovationstopf mit {len(lines)} Förderschienen ({allocated} Zuweisungen)"
