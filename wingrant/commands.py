"""wingrant's own ``flask``/``wingrant`` commands: accounts, demo data, backup and restore, privacy.

The app factory adds them to ``app.cli``; ``cli.py`` is the console script that builds the app.
Keeping the commands apart from that entry point means the factory never imports the module that
imports the factory.
"""

from __future__ import annotations

import secrets

import click
from flask.cli import with_appcontext

from .errors import DomainError


def register_commands(app) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(anonymise_command)
    app.cli.add_command(export_person_command)
    app.cli.add_command(worker_command)


@click.command("create-user")
@click.option("--email", required=True, help="E-Mail-Adresse (Anmeldename)")
@click.option("--name", required=True, help="Anzeigename")
@click.option("--admin", is_flag=True, help="WiN-Geschäftsführung (Administrator)")
@click.option("--role", "roles", multiple=True, metavar="QUARTIER:ROLLE",
              help="Rolle in einem Quartier, z. B. huchting:manager (manager, minutes, reader); mehrfach möglich")
@click.option("--password", help="Passwort; ohne Angabe wird eines erzeugt und einmal angezeigt")
@with_appcontext
def create_user_command(email, name, admin, roles, password):
    """Ein Benutzerkonto anlegen."""
    import sqlalchemy as sa

    from .auth.models import Role
    from .auth.services import create_user
    from .extensions import db
    from .neighbourhoods.models import Neighbourhood

    role_map = {}
    for spec in roles:
        slug, _, role_name = spec.partition(":")
        neighbourhood = db.session.execute(sa.select(Neighbourhood).filter_by(slug=slug)).scalar_one_or_none()
        if neighbourhood is None:
            raise click.UsageError(f"Unbekanntes Quartier „{slug}“.")
        try:
            role_map[neighbourhood] = Role(role_name)
        except ValueError:
            raise click.UsageError(f"Unbekannte Rolle „{role_name}“ (manager, minutes, reader).") from None
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email, name, password, is_admin=admin, roles=role_map)
    except DomainError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Konto angelegt: {user.email}")
    if generated:
        click.echo(f"Passwort (wird nur jetzt angezeigt): {password}")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Nur laden, wenn die Datenbank noch keine Quartiere enthält")
@with_appcontext
def demo_data_command(if_empty):
    """Realistische Beispieldaten laden (mehrfach ausführbar, legt nichts doppelt an)."""
    from .demo import database_is_empty, load_demo_data

    if if_empty and not database_is_empty():
        click.echo("Die Datenbank enthält bereits Daten – keine Beispieldaten geladen.")
        return
    report = load_demo_data()
    for line in report.lines:
        click.echo(line)
    if report.passwords:
        click.echo("")
        click.echo("Demo-Konten (Passwörter werden nur jetzt angezeigt):")
        for email, role, password in report.passwords:
            click.echo(f"  {email:<38} {role:<32} {password}")


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Datenbank und hochgeladene Dateien in ein Archiv sichern (im laufenden Betrieb möglich)."""
    from datetime import datetime
    from pathlib import Path

    from flask import current_app

    from .maintenance.backup import BackupError, create_backup

    if target is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(current_app.instance_path) / "backups" / f"wingrant-{stamp}.tar.gz"
    try:
        manifest = create_backup(Path(target))
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Sicherung geschrieben: {target} ({manifest['dialect']}, {len(manifest['files'])} Dateien)")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Vorhandene Daten überschreiben")
@with_appcontext
def restore_command(source, force):
    """Eine Sicherung zurückspielen (ersetzt Datenbank und Dateien)."""
    from pathlib import Path

    from .maintenance.backup import BackupError, restore_backup

    try:
        manifest = restore_backup(Path(source), force=force)
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Wiederhergestellt: Sicherung vom {manifest['created_at']} "
               f"(Schema {manifest['schema_revision']}, {len(manifest['files'])} Dateien)")


@click.command("anonymise-expired")
@click.option("--dry-run", is_flag=True, help="Nur zählen und Freitext-Fundstellen auflisten, nichts ändern")
@with_appcontext
def anonymise_command(dry_run):
    """Abgelaufene personenbezogene Daten anonymisieren (Beschlüsse und Beträge bleiben unberührt).

    Freitexte (Begründungen, Protokollnotizen, Kurzbeschreibungen), in denen Namen aus abgelaufenen
    Einträgen vorkommen, werden nur aufgelistet: Sie von Hand prüfen und wenn nötig berichtigen.
    """
    from .maintenance.privacy import anonymise_expired

    result = anonymise_expired(dry_run=dry_run)
    verb = "würden anonymisiert" if dry_run else "anonymisiert"
    click.echo(f"Stichtag {result.cutoff:%d.%m.%Y}: {result.total} Einträge {verb} "
               f"(Anwesende {result.attendees}, Einwände {result.objections}, Befangenheiten {result.recusals}, "
               f"Träger-Kontakte {result.organisations}, Antrags-Kontakte {result.applications}, "
               f"Kommentare {result.comments}, Einwände gegen Protokolle {result.minutes_objections}, "
               f"Verteiler unbestätigt {result.unconfirmed_subscribers} / abgemeldet "
               f"{result.unsubscribed_subscribers}, Mails {result.mails}).")
    if result.free_text_matches:
        click.echo(f"{len(result.free_text_matches)} Freitext-Fundstellen mit Namen aus abgelaufenen Einträgen "
                   "(nicht geändert, bitte von Hand prüfen):")
        for m in result.free_text_matches:
            click.echo(f"  {m.table}.{m.field} #{m.id} – {m.name}: {m.excerpt}")


@click.command("export-person")
@click.argument("who")
@with_appcontext
def export_person_command(who):
    """Alle gespeicherten Daten einer Person (Name oder E-Mail) als JSON ausgeben (Auskunft nach Art. 15 DSGVO)."""
    import json

    from .maintenance.privacy import export_person

    click.echo(json.dumps(export_person(who), indent=2, ensure_ascii=False, default=str))


@click.command("worker")
@click.option("--once", is_flag=True, help="Fällige Mails einmal zustellen und beenden")
@click.option("--poll", type=float, default=None, help="Sekunden zwischen zwei Blicken in den Postausgang")
@with_appcontext
def worker_command(once, poll):
    """Den Postausgang zustellen (läuft dauerhaft; mit --once nur einmal)."""
    from flask import current_app

    from .mail import transport, worker
    from .maintenance import scheduled

    sender = transport.from_config(current_app.config)
    if once:
        scheduled.run_due()
        click.echo(f"Postausgang ({sender.describe()}): {worker.deliver_due(sender=sender)}")
        return
    click.echo(f"Postausgang wird zugestellt ({sender.describe()}); beenden mit Strg+C.")
    try:
        worker.run_forever(poll_seconds=poll or current_app.config["MAIL_POLL_SECONDS"],
                           before=scheduled.run_due_every_few_minutes,
                           on_report=lambda report: click.echo(f"Postausgang: {report}"))
    except KeyboardInterrupt:
        pass
