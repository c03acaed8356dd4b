"""Importing a project list: the parsed upload kept on the server, the preview, the confirmed import.

Nothing reaches the database before the user confirms. The upload is parsed
once and its cells are kept under ``UPLOAD_FOLDER/imports/<random>.json``
(with the neighbourhood and the user it belongs to); the browser only ever
holds the random name. Confirming re-checks those cells against the database
as it is *then* and writes every valid row in one unit of work — or nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..applications.models import Application, ApplicationTransition, FinancingItem, FundingSource, ImportRecord
from ..applications.services import next_reference, require
from ..audit import services as audit
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger import services as ledger
from ..ledger.models import Budget
from ..neighbourhoods.models import Neighbourhood, Programme
from ..organisations.models import Organisation
from . import files, matching, parsing
from .programmes import Known, allowed, lookup

#: A pending import is forgotten after this long (the user started over or went home).
PENDING_MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class Pending:
    token: str
    neighbourhood_id: int
    user_id: int
    file_name: str
    sha256: str
    table: files.Table


# --- what the database knows -------------------------------------------------------------


def _programmes() -> dict[str, Known]:
    return lookup([Known(pid, code, name) for pid, code, name in db.session.execute(
        sa.select(Programme.id, Programme.code, Programme.name).order_by(Programme.position, Programme.code))])


def programme_list() -> str:
    """The programmes a list may name, as the upload page and the row messages show them."""
    return allowed(_programmes())


def context(neighbourhood_id: int) -> parsing.ImportContext:
    """Programmes, organisations, the neighbourhood's projects and budgets: five queries."""
    programmes = _programmes()
    organisations = {}
    for oid, name in db.session.execute(sa.select(Organisation.id, Organisation.name).order_by(Organisation.id)):
        organisations.setdefault(parsing.organisation_key(name), (oid, name))
    existing = {
        (year, parsing.title_key(title), parsing.organisation_key(org)): reference
        for year, title, org, reference in db.session.execute(
            sa.select(Application.year, Application.title, Organisation.name, Application.reference)
            .join(Organisation, Application.organisation_id == Organisation.id)
            .where(Application.neighbourhood_id == neighbourhood_id))
    }
    budgets = db.session.execute(sa.select(Budget).where(Budget.neighbourhood_id == neighbourhood_id)).scalars().all()
    balances = ledger_queries.balances([b.id for b in budgets]) if budgets else {}
    return parsing.ImportContext(
        programmes=programmes, organisations=organisations, existing=existing,
        budgets={(b.programme_id, b.year): parsing.BudgetInfo(
            b.id, b.closed, balances.get(b.id, ledger_queries.Balance(b.id)).available) for b in budgets},
    )


# --- the parsed upload, kept on the server -----------------------------------------------------


def _folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.json" if _TOKEN.match(token or "") else None


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()[:200] or "Projektliste"


def _forget_old() -> None:
    limit = time.time() - PENDING_MAX_AGE_SECONDS
    for path in _folder().glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another request was quicker
            pass


def upload(neighbourhood: Neighbourhood, data: bytes, file_name: str, *, user) -> Pending:
    """Parse an uploaded list and keep it for the preview; nothing is written to the database."""
    require(user, neighbourhood.id)
    table = files.read_table(data)
    _forget_old()
    token = secrets.token_urlsafe(24)
    pending = Pending(token, neighbourhood.id, user.id, _clean_name(file_name), hashlib.sha256(data).hexdigest(),
                      table)
    body = {"neighbourhood_id": pending.neighbourhood_id, "user_id": pending.user_id, "file_name": pending.file_name,
            "sha256": pending.sha256, "ignored": table.ignored,
            "rows": [{"line": r.line, "cells": r.cells} for r in table.rows]}
    path = _path(token)
    partial = path.with_suffix(".part")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
        json.dump(body, out, ensure_ascii=False)
    os.replace(partial, path)
    return pending


def load(token: str, neighbourhood: Neighbourhood, *, user) -> Pending | None:
    """The pending import, if it exists and belongs to this user and neighbourhood."""
    path = _path(token)
    if path is None or not path.is_file() or path.stat().st_mtime < time.time() - PENDING_MAX_AGE_SECONDS:
        return None
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if body.get("neighbourhood_id") != neighbourhood.id or body.get("user_id") != getattr(user, "id", None):
        return None
    rows = [files.RawRow(int(r["line"]), {k: str(v) for k, v in r["cells"].items() if k in files.COLUMNS})
            for r in body["rows"]]
    return Pending(token, body["neighbourhood_id"], body["user_id"], body["file_name"], body["sha256"],
                   files.Table(rows, [str(h) for h in body.get("ignored", [])]))


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


# --- preview and import ------------------------------------------------------------------


@dataclass
class Preview:
    rows: list[parsing.ImportRow]
    shortfalls: list[parsing.Shortfall]
    #: The Träger the import would create, each with the similar ones the user may use instead.
    new_organisations: list[matching.NewOrganisation]

    @property
    def valid(self) -> list[parsing.ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def invalid(self) -> list[parsing.ImportRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def bookable(self) -> list[parsing.ImportRow]:
        return [r for r in self.rows if r.bookable]

    @property
    def possible_duplicates(self) -> list[matching.NewOrganisation]:
        return [new for new in self.new_organisations if new.alternatives]


def preview(pending: Pending) -> Preview:
    ctx = context(pending.neighbourhood_id)
    rows = parsing.check_rows(pending.table.rows, ctx)
    return Preview(rows, parsing.shortfalls(rows, ctx), parsing.new_organisations(rows, ctx))


@dataclass(frozen=True)
class ImportResult:
    references: list[str]
    skipped: int
    new_organisations: int
    commitments: int


def confirm(neighbourhood: Neighbourhood, pending: Pending, *, user, book_commitments: bool,
            choices: dict[str, str] | None = None) -> ImportResult:
    """Write every row that is valid now, in one unit of work; then forget the upload.

    ``choices``: the existing (or earlier new) Träger the user chose for a new one that looked
    like it (``matching``); any other new Träger is created."""
    require(user, neighbourhood.id)
    with unit_of_work():
        ctx = context(neighbourhood.id)
        rows = parsing.check_rows(pending.table.rows, ctx, choices)
        valid = [r for r in rows if r.ok]
        if not valid:
            raise DomainError(_("Keine Zeile kann importiert werden; es wurde nichts gespeichert."))
        organisations: dict[str, int] = {}
        references, commitments = [], 0
        for row in valid:
            org_id = row.organisation_id or _organisation(row, organisations, user=user)
            app = _application(neighbourhood, row, org_id, pending, user=user)
            booked = book_commitments and row.bookable
            for line in row.bookable_lines if booked else []:
                # InsufficientFunds refuses the whole import: the user may untick the booking and try again.
                ledger.commit(line.budget_id, line.approved_cents, user=user, application_id=app.id,
                              memo=_("Import aus „%(file)s“, Zeile %(line)s", file=pending.file_name, line=row.line))
                commitments += 1
            db.session.add(ImportRecord(application_id=app.id, file_name=pending.file_name,
                                        file_sha256=pending.sha256, source_row=row.line,
                                        approved_cents=row.approved_cents, commitment_booked=booked,
                                        imported_by_id=user.id))
            references.append(app.reference)
        audit.record("application.import", user=user, neighbourhood_id=neighbourhood.id,
                     after={"file_name": pending.file_name, "sha256": pending.sha256, "imported": references,
                            "skipped_lines": [r.line for r in rows if not r.ok],
                            "new_organisations": sorted(organisations), "commitments": commitments})
    discard(pending.token)
    return ImportResult(references, len(rows) - len(valid), len(organisations), commitments)


def _organisation(row: parsing.ImportRow, created: dict[str, int], *, user) -> int:
    key = parsing.organisation_key(row.organisation_name)
    if key not in created:
        org = Organisation(name=row.organisation_name)
        db.session.add(org)
        db.session.flush()
        audit.record("organisation.create", user=user, obj=org, after={"name": org.name, "imported": True})
        created[key] = org.id
    return created[key]


def _application(neighbourhood: Neighbourhood, row: parsing.ImportRow, org_id: int, pending: Pending, *,
                 user) -> Application:
    app = Application(neighbourhood_id=neighbourhood.id, reference=next_reference(neighbourhood, row.year),
                      organisation_id=org_id, year=row.year, title=row.title, state=row.state, version=1,
                      created_by_id=user.id)
    app.financing_items = [FinancingItem(position=n, source=FundingSource.PROGRAMME, programme_id=line.programme_id,
                                         amount_cents=line.requested_cents) for n, line in enumerate(row.lines)]
    db.session.add(app)
    db.session.flush()
    db.session.add(ApplicationTransition(
        application_id=app.id, from_state=None, to_state=row.state, user_id=user.id,
        reason=_("Importiert aus der Projektliste „%(file)s“, Zeile %(line)s.", file=pending.file_name,
                 line=row.line)))
    audit.record("application.create", user=user, obj=app, neighbourhood_id=neighbourhood.id,
                 after={"reference": app.reference, "title": app.title, "state": row.state.value,
                        "requested_cents": row.requested_cents, "approved_cents": row.approved_cents,
                        "programmes": {line.code: {"requested_cents": line.requested_cents,
                                                   "approved_cents": line.approved_cents} for line in row.lines},
                        "imported_from": pending.file_name, "line": row.line})
    return app
