"""Retention of personal data and export on request."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from wingrant.applications.models import Application
from wingrant.maintenance.privacy import ANONYMISED, anonymise_expired, export_person
from wingrant.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendeeGroup,
    Decision,
    DecisionAmount,
    Meeting,
    Objection,
    Recusal,
)
from wingrant.organisations.models import Organisation

TODAY = date(2026, 11, 21)


@pytest.fixture
def meeting_with_people(db, make_neighbourhood, make_programme):
    def make(on: date, name: str):
        nb = make_neighbourhood()
        programme = make_programme()
        org = Organisation(name=f"Träger {name}", contact_person=name, email=f"{name.lower()}@example.org")
        db.session.add(org)
        db.session.flush()
        app = Application(reference=f"R-{name}", neighbourhood_id=nb.id, organisation_id=org.id, year=on.year,
                          title="Projekt", contact_email=f"{name.lower()}@example.org")
        meeting = Meeting(neighbourhood_id=nb.id, date=on)
        db.session.add_all([app, meeting])
        db.session.flush()
        item = AgendaItem(meeting_id=meeting.id, position=0, kind=AgendaItemKind.APPLICATION, title="TOP",
                          application_id=app.id)
        db.session.add(item)
        db.session.flush()
        decision = Decision(agenda_item_id=item.id, application_id=app.id)
        db.session.add(decision)
        db.session.flush()
        db.session.add_all([
            Attendance(meeting_id=meeting.id, name=name, group=AttendeeGroup.RESIDENTS),
            Objection(decision_id=decision.id, person_name=name, reason="zu teuer", group=AttendeeGroup.RESIDENTS),
            Recusal(decision_id=decision.id, person_name=name, organisation="Verein"),
            DecisionAmount(decision_id=decision.id, programme_id=programme.id, amount_cents=4_800_00),
        ])
        db.session.commit()
        return meeting

    return make


def test_expired_personal_data_is_anonymised_and_decisions_stay(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=800), "Alt")
    meeting_with_people(TODAY - timedelta(days=30), "Neu")
    result = anonymise_expired(today=TODAY)
    assert (result.attendees, result.objections, result.recusals) == (1, 1, 1)
    names = set(db.session.execute(sa.select(Attendance.name)).scalars())
    assert names == {ANONYMISED, "Neu"}
    objection = db.session.execute(sa.select(Objection).filter_by(person_name=ANONYMISED)).scalar_one()
    assert objection.reason == "zu teuer" and objection.group == AttendeeGroup.RESIDENTS
    amounts = db.session.execute(sa.select(DecisionAmount.amount_cents)).scalars().all()
    assert amounts == [4_800_00, 4_800_00]


def test_anonymising_twice_changes_nothing_more(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=800), "Alt")
    anonymise_expired(today=TODAY)
    assert anonymise_expired(today=TODAY).total == 0


def test_dry_run_changes_nothing(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=800), "Alt")
    assert anonymise_expired(today=TODAY, dry_run=True).attendees == 1
    db.session.rollback()
    assert db.session.execute(sa.select(Attendance.name)).scalar_one() == "Alt"


def test_retention_period_is_configurable(app, db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=40), "Kurz")
    app.config["PERSONAL_DATA_RETENTION_DAYS"] = 30
    assert anonymise_expired(today=TODAY).attendees == 1


def test_person_export_finds_every_record_of_a_person(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=30), "Neu")
    data = export_person("neu")
    assert len(data["attendance"]) == len(data["objections"]) == len(data["recusals"]) == 1
    assert data["organisation_contacts"][0]["contact_person"] == "Neu"
    by_mail = export_person("NEU@example.org")
    assert by_mail["application_contacts"][0]["reference"] == "R-Neu"


def test_export_person_command_prints_json(app, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=30), "Neu")
    result = app.test_cli_runner().invoke(args=["export-person", "Neu"])
    assert json.loads(result.output)["attendance"][0]["name"] == "Neu"


def test_sent_mail_expires_with_the_other_personal_data_and_unsent_mail_stays(app, db):
    """The outbox names recipients and holds what was written to them: deleted after the retention period,
    except a mail still waiting, which is never lost unseen; and it is part of a person's export."""
    from datetime import date, datetime, timedelta

    import sqlalchemy as sa

    from tests.mail.conftest import LINK_CONTEXT
    from wingrant.database import unit_of_work
    from wingrant.mail import outbox
    from wingrant.mail.models import MailStatus, OutboxMail
    from wingrant.maintenance.privacy import anonymise_expired, export_person

    with unit_of_work():
        for status in (MailStatus.SENT, MailStatus.PENDING):
            mail = outbox.enqueue("applicant.link", to="Ayse@Example.org", template="applicant_link",
                                  context=LINK_CONTEXT | {"reference": f"HUC-{status.value}"})
            mail.status = status
            mail.created_at = datetime(2020, 1, 1)
    assert [m["kind"] for m in export_person("ayse@example.org")["mails"]] == ["applicant.link"] * 2

    result = anonymise_expired(today=date(2020, 1, 1) + timedelta(days=app.config["PERSONAL_DATA_RETENTION_DAYS"] + 1))
    assert result.mails == 1
    left = db.session.execute(sa.select(OutboxMail.status)).scalars().all()
    assert left == [MailStatus.PENDING]


def _write_reason(db, text: str) -> Decision:
    decision = db.session.execute(sa.select(Decision)).scalars().first()
    decision.reason = text
    db.session.commit()
    return decision


def test_person_export_lists_free_text_that_names_the_person(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=30), "Yilmaz")
    decision = _write_reason(db, "Vertagt, weil Frau YILMAZ aus der Nachbarschaft noch Fragen zum Standort hatte.")
    matches = export_person("yilmaz")["free_text_matches"]
    assert matches == [{"table": "decision", "field": "reason", "id": decision.id, "name": "YILMAZ",
                        "excerpt": "Vertagt, weil Frau YILMAZ aus der Nachbarschaft noch Fragen zum S…"}]


def test_person_export_finds_free_text_by_the_name_behind_an_email_address(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=30), "Yilmaz")
    db.session.execute(sa.update(Attendance).values(email="ay@example.org"))
    _write_reason(db, "Herr Yilmaz bittet um Rückruf.")
    assert [m["name"] for m in export_person("ay@example.org")["free_text_matches"]] == ["Yilmaz"]


def test_free_text_search_matches_whole_names_only(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=30), "Ali")
    _write_reason(db, "Die Qualität des Konzepts überzeugt; Alina und Kalif sind Vereine.")
    assert export_person("Ali")["free_text_matches"] == []


def test_expired_names_in_free_text_are_listed_for_review_and_left_unchanged(db, meeting_with_people):
    meeting_with_people(TODAY - timedelta(days=800), "Alt")
    meeting_with_people(TODAY - timedelta(days=30), "Neu")
    text = "Einwand von Herrn Alt (Anwohner); Neu schließt sich an."
    decision = _write_reason(db, text)
    result = anonymise_expired(today=TODAY)
    assert [(m.table, m.field, m.id, m.name) for m in result.free_text_matches] == [
        ("decision", "reason", decision.id, "Alt")]
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).reason == text


def test_anonymise_dry_run_command_prints_the_free_text_to_review(app, db, meeting_with_people):
    meeting = meeting_with_people(date.today() - timedelta(days=app.config["PERSONAL_DATA_RETENTION_DAYS"] + 10),
                                  "Kowalczyk")
    db.session.execute(sa.update(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                       .values(notes="Frau Kowalczyk stellt das Projekt vor."))
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["anonymise-expired", "--dry-run"]).output
    assert "1 Freitext-Fundstellen" in output
    assert "agenda_item.notes" in output and "Frau Kowalczyk stellt das Projekt vor." in output
    assert db.session.execute(sa.select(Attendance.name)).scalar_one() == "Kowalczyk"
