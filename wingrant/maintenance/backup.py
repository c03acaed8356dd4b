"""Backup and restore of a whole installation in one archive.

The archive (``.tar.gz``) holds ``manifest.json``, the database and the
uploaded files. Published minutes PDFs live in the database (their bytes are
stored once at publication), so they travel with it byte for byte.

- SQLite: a consistent online copy through SQLite's backup API, safe while the
  app is serving.
- PostgreSQL: ``pg_dump --format=custom``; restored with ``pg_restore``. The
  client tools must be installed (Debian: ``postgresql-client``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import make_url

from ..extensions import db

FORMAT_VERSION = 1


class BackupError(Exception):
    """Backup or restore refused; the message is German and says why."""


def _dialect() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def _libpq_url() -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    return Path(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database)


def _schema_revision() -> str | None:
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(target: Path) -> dict:
    """Write the archive to ``target``; returns its manifest."""
    dialect = _dialect()
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if dialect == "sqlite":
            dump = tmp / "database.sqlite"
            source = sqlite3.connect(_sqlite_path())
            try:
                destination = sqlite3.connect(dump)
                with destination:
                    source.backup(destination)
                destination.close()
            finally:
                source.close()
        elif dialect == "postgresql":
            dump = tmp / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), _libpq_url()])
        else:
            raise BackupError(f"Datenbank „{dialect}“ wird für Sicherungen nicht unterstützt.")

        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "dialect": dialect,
            "schema_revision": _schema_revision(),
            "database": {"name": dump.name, "sha256": _sha256(dump)},
            "files": {},
        }
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        # Owner only from the first byte: the archive holds every password hash and personal datum.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # O_CREAT keeps the mode of a leftover partial file
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            if uploads.is_dir():
                for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
                    name = path.relative_to(uploads).as_posix()
                    manifest["files"][name] = _sha256(path)
                    archive.add(path, arcname=f"files/{name}")
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        partial.replace(target)  # never leave a half-written archive under the real name
    return manifest


#: Tables that a freshly migrated, never used database already fills (the migration of the cities
#: makes the first one, Bremen; the public-data version is one row from the start).
BOOKKEEPING_TABLES = {"alembic_version", "city", "public_data_version"}


def data_in_the_way() -> list[str]:
    """What a restore would overwrite: the tables holding rows, and the upload folder if it holds files.

    Any row counts, not only bookings: a database with applications and decisions but no ledger
    entry yet is as much worth keeping as one with a budget.
    """
    found = []
    for name in sorted(set(sa.inspect(db.engine).get_table_names()) - BOOKKEEPING_TABLES):
        if db.session.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first() is not None:
            found.append(name)
    db.session.rollback()
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*")):
        found.append(str(uploads))
    return found


def restore_backup(source: Path, *, force: bool = False) -> dict:
    """Replace the database and uploaded files with the archive's content."""
    in_the_way = [] if force else data_in_the_way()
    if in_the_way:
        shown = ", ".join(in_the_way[:5]) + (f" und {len(in_the_way) - 5} weitere" if len(in_the_way) > 5 else "")
        raise BackupError(f"Die Installation enthält bereits Daten ({shown}). Wiederherstellen überschreibt "
                          "alles – bitte mit --force bestätigen.")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(tmp, filter="data")  # refuses absolute paths and "../" members
        manifest = json.loads((tmp / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError("Unbekanntes Sicherungsformat.")
        if manifest["dialect"] != _dialect():
            raise BackupError(f"Die Sicherung stammt aus {manifest['dialect']}, "
                              f"konfiguriert ist {_dialect()}.")
        dump = tmp / manifest["database"]["name"]
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError("Die Datenbank in der Sicherung ist beschädigt (Prüfsumme stimmt nicht).")
        for name, digest in manifest["files"].items():
            if _sha256(tmp / "files" / name) != digest:
                raise BackupError(f"Datei „{name}“ in der Sicherung ist beschädigt.")

        db.session.remove()
        db.engine.dispose()
        if manifest["dialect"] == "sqlite":
            target = _sqlite_path()
            for suffix in ("-wal", "-shm"):  # a stale WAL would be replayed onto the restored file
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(dump, target)
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            db.engine.dispose()
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq_url(), str(dump)])

        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        if uploads.exists():
            shutil.rmtree(uploads)
        if (tmp / "files").is_dir():
            shutil.copytree(tmp / "files", uploads)
        else:
            uploads.mkdir(parents=True, exist_ok=True)
    return manifest


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"„{command[0]}“ ist nicht installiert (Debian: postgresql-client).")
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
    if result.returncode != 0:
        raise BackupError(f"{command[0]} ist fehlgeschlagen: {result.stderr.strip()[:500]}")
