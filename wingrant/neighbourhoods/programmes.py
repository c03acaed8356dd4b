"""Writes on the programmes' structure that the WiN-Geschäftsführung keeps: departments (Ressorts),
which department owns a programme, and the programmes' lines (Förderschienen). Each is audited."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from .models import Department, Programme, ProgrammeLine

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def create_department(name: str, short_name: str, *, user) -> Department:
    name, short_name = (name or "").strip(), (short_name or "").strip()
    if not name:
        raise DomainError(_("Bitte den Namen des Ressorts angeben."), field="name")
    if len(name) > 200 or len(short_name) > 30:
        raise DomainError(_("Der Name ist zu lang (höchstens 200 Zeichen, Kurzname höchstens 30)."), field="name")
    with unit_of_work():
        if db.session.execute(sa.select(Department.id).filter_by(name=name)).first():
            raise DomainError(_("Dieses Ressort gibt es schon."), field="name")
        department = Department(name=name, short_name=short_name)
        db.session.add(department)
        db.session.flush()
        audit.record("department.create", user=user, obj=department, after={"name": name, "short_name": short_name})
    return department


def assign_department(programme_id: int, department_id: int | None, *, user) -> Programme:
    """Which department owns a programme (``None``: none assigned)."""
    with unit_of_work():
        programme = db.session.get(Programme, programme_id)
        if programme is None:
            raise DomainError(_("Dieses Förderprogramm gibt es nicht."))
        if department_id is not None and db.session.get(Department, department_id) is None:
            raise DomainError(_("Dieses Ressort gibt es nicht."), field="department")
        if programme.department_id != department_id:
            audit.record("programme.department", user=user, obj=programme,
                         before={"department_id": programme.department_id}, after={"department_id": department_id})
            programme.department_id = department_id
    return programme


def add_line(programme_id: int, code: str, name: str, *, user) -> ProgrammeLine:
    """A new Förderschiene at the end of the programme's lines. From now on budgets of the programme are
    kept per line; budgets booked on the programme itself before stay readable as they are."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not _CODE.match(code):
        raise DomainError(_("Bitte ein Kürzel aus höchstens 20 Buchstaben, Ziffern, - oder _ angeben."), field="code")
    if not name or len(name) > 120:
        raise DomainError(_("Bitte einen Namen angeben (höchstens 120 Zeichen)."), field="name")
    with unit_of_work():
        programme = db.session.get(Programme, programme_id)
        if programme is None:
            raise DomainError(_("Dieses Förderprogramm gibt es nicht."))
        if any(line.code == code for line in programme.lines):
            raise DomainError(_("Dieses Kürzel hat %(programme)s schon.", programme=programme.name), field="code")
        line = ProgrammeLine(programme_id=programme.id, code=code, name=name,
                             position=max((line.position for line in programme.lines), default=0) + 1)
        db.session.add(line)
        db.session.flush()
        audit.record("programme_line.create", user=user, obj=line,
                     after={"programme": programme.code, "code": code, "name": name})
    return line


def set_line_active(line_id: int, active: bool, *, user) -> ProgrammeLine:
    """A line that ends takes no new budgets or requests; its past budgets stay."""
    with unit_of_work():
        line = db.session.get(ProgrammeLine, line_id)
        if line is None:
            raise DomainError(_("Diese Förderschiene gibt es nicht."))
        if line.active != active:
            audit.record("programme_line.active", user=user, obj=line, before={"active": line.active},
                         after={"active": active})
            line.active = active
    return line
