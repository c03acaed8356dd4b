"""Backup and restore: a restored instance shows the same balances and the same PDF bytes."""

import hashlib
import shutil
import tarfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, engine_of, make_test_app
from wingrant.extensions import db as _db
from wingrant.ledger import queries
from wingrant.ledger import services as ledger
from wingrant.maintenance.backup import BackupError, create_backup, restore_backup
from wingrant.meetings.models import Meeting
from wingrant.minutes.models import Minutes, MinutesVersion

PDF_BYTES = b"%PDF-1.7\n% wingrant test\n" + bytes(range(256)) * 40


@pytest.fixture
def populated(app, db, make_budget):
    if PG_URL and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    budget = make_budget(150_000_00)
    ledger.commit(budget.id, 4_800_00, user=None)
    ledger.commit(budget.id, 1_234_56, user=None)
    meeting = Meeting(neighbourhood_id=budget.neighbourhood_id, date=date(2026, 3, 4))
    db.session.add(meeting)
    db.session.flush()
    minutes = Minutes(meeting_id=meeting.id)
    db.session.add(minutes)
    db.session.flush()
    db.session.add(MinutesVersion(minutes_id=minutes.id, number=1, pdf=PDF_BYTES,
                                  sha256=hashlib.sha256(PDF_BYTES).hexdigest(), size_bytes=len(PDF_BYTES)))
    db.session.commit()
    uploads = Path(app.config["UPLOAD_FOLDER"]) / "attachments"
    uploads.mkdir(parents=True)
    (uploads / "a1b2c3.pdf").write_bytes(b"%PDF attachment")
    return budget.id


def _snapshot(budget_id):
    balance = queries.balance(budget_id)
    pdf = _db.session.execute(sa.select(MinutesVersion.pdf)).scalar_one()
    return balance, pdf


def test_restored_instance_shows_same_balances_and_pdf_bytes(app, db, populated, tmp_path, test_world):
    before = _snapshot(populated)
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    db.session.remove()

    # a new instance: an empty database and an upload folder of its own
    fresh = tmp_path / "restored"
    fresh.mkdir()
    target_app = make_test_app(test_world.site.url, fresh)
    test_world.site.reset(engine_of(target_app))

    with target_app.app_context():
        restore_backup(archive)
        after = _snapshot(populated)
        uploaded = Path(target_app.config["UPLOAD_FOLDER"]) / "attachments" / "a1b2c3.pdf"
        assert uploaded.read_bytes() == b"%PDF attachment"
        _db.session.remove()
    engine_of(target_app).dispose()
    assert after == before
    assert after[0].committed == 6_034_56


def test_restore_refuses_to_overwrite_data_without_force(app, db, populated, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    with pytest.raises(BackupError, match="--force"):
        restore_backup(archive)


def test_restore_refuses_a_database_with_data_even_without_bookings(app, db, test_world, tmp_path,
                                                                   make_neighbourhood):
    from wingrant.organisations.models import Organisation

    if PG_URL and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    make_neighbourhood("Huchting")
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    db.session.add(Organisation(name="Bürgerhaus Huchting e. V."))  # data of the day, no booking among it
    db.session.commit()
    with pytest.raises(BackupError, match=r"enthält bereits Daten \(neighbourhood, organisation\).*--force"):
        restore_backup(archive)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Organisation)).scalar_one() == 1


def test_restore_refuses_to_overwrite_uploaded_files_without_force(app, db, tmp_path):
    if PG_URL and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    uploads = Path(app.config["UPLOAD_FOLDER"]) / "attachments"
    uploads.mkdir(parents=True)
    (uploads / "f00.pdf").write_bytes(b"%PDF uploaded today")
    with pytest.raises(BackupError, match="--force"):
        restore_backup(archive)
    assert (uploads / "f00.pdf").exists()


def test_restore_into_a_freshly_migrated_database_needs_no_force(app, db, tmp_path, test_world, make_neighbourhood):
    if PG_URL and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    make_neighbourhood("Huchting")
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    db.session.remove()
    test_world.reset()
    restore_backup(archive)
    from wingrant.neighbourhoods.models import Neighbourhood

    assert _db.session.execute(sa.select(Neighbourhood.name)).scalar_one() == "Huchting"


def test_backup_archive_is_readable_by_its_owner_only(app, populated, tmp_path):
    import stat

    target = tmp_path / "backups" / "wingrant.tar.gz"
    create_backup(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_restore_refuses_a_damaged_archive(app, db, populated, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("files/"):
                data = b"tampered"
                member.size = len(data)
            import io
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="beschädigt"):
        restore_backup(damaged, force=True)


def test_backup_command_writes_an_archive(app, populated, tmp_path):
    target = tmp_path / "cli.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Sicherung geschrieben" in result.output
    with tarfile.open(target) as archive:
        names = archive.getnames()
    assert "manifest.json" in names and "files/attachments/a1b2c3.pdf" in names
