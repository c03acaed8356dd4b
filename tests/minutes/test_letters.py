"""The Beschlussmitteilung: approving the minutes writes each Träger its decision letter and tells the
administration which grants to issue; the worker attaches the letter as PDF/A."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from wingrant.mail import worker
from wingrant.mail.models import OutboxMail
from wingrant.minutes import services

from .conftest import pdf_text
from .factories import CONTACT_EMAIL


def _approve(held, staff):
    services.approve(held.meeting.id, user=staff["manager"], no_objections=True,
                     today=held.meeting.date + timedelta(days=14))


def _mails(db, kind):
    db.session.rollback()
    return db.session.execute(sa.select(OutboxMail).where(OutboxMail.kind == kind)
                              .order_by(OutboxMail.id)).scalars().all()


def test_approving_the_minutes_writes_each_traeger_its_decision_letter(db, held, staff):
    assert _mails(db, "applicant.decision") == []  # nothing before the approval
    _approve(held, staff)
    letters = _mails(db, "applicant.decision")
    assert [m.recipient for m in letters] == [CONTACT_EMAIL] * 3
    subjects = [m.subject for m in letters]
    assert subjects[0].endswith(": beschlossen")
    assert subjects[1].endswith(": beschlossen mit Änderungen")
    assert subjects[2].endswith(": vertagt")
    changed = letters[1].body_text
    assert "WiN: beantragt 7.500,00\u00a0€, beschlossen 6.000,00\u00a0€" in changed
    assert "Soziale Stadt: beantragt 2.000,00\u00a0€, beschlossen 1.999,99\u00a0€" in changed
    assert "Auflagen: Aufführung im Bürgerhaus." in changed
    assert "Zuwendungsbescheid" in changed
    assert "Begründung: Offene Fragen zur Anleitung" in letters[2].body_text
    assert [a.filename for a in letters[0].attachments] == [f"Beschlussmitteilung-{held.applications[0].reference}.pdf"]


def test_administration_is_told_which_grants_to_issue(db, held, staff, make_user):
    make_user("gf@example.org", is_admin=True)
    _approve(held, staff)
    [notice] = _mails(db, "admin.grant_due")
    assert notice.recipient == "gf@example.org"
    assert notice.subject == "2 Bewilligungen auszustellen: Huchting"
    assert "Hochbeete für den Nachbarschaftsgarten" in notice.body_text
    assert "Offene Fahrradwerkstatt" not in notice.body_text  # deferred: nothing to grant


def test_refused_approval_writes_no_letter(db, held, staff):
    with pytest.raises(services.MinutesError):
        services.approve(held.meeting.id, user=staff["manager"], no_objections=True,
                         today=held.meeting.date + timedelta(days=1))
    assert _mails(db, "applicant.decision") == []


@pytest.mark.slow
def test_decision_letter_arrives_with_the_letter_as_pdf_a(db, held, staff, smtp_server):
    _approve(held, staff)
    worker.deliver_due()
    letters = [m for m in smtp_server.messages if m["Subject"].startswith("Beschlussmitteilung")]
    assert len(letters) == 3
    [pdf] = list(letters[1].iter_attachments())
    data = pdf.get_content()
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert 'pdfaid:part="3"' in root["/Metadata"].get_object().get_data().decode("utf-8")
    assert root["/Lang"] == "de"
    text = pdf_text(data)
    assert "Beschlussmitteilung zum Antrag" in text
    assert "Theaterprojekt mit Jugendlichen" in text and "6.000,00" in text and "Aufführung im Bürgerhaus." in text
