"""The outbox: written with its event, delivered by the worker through a real SMTP server, never lost,
never sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from wingrant.database import unit_of_work, utcnow
from wingrant.extensions import db as _db
from wingrant.mail import outbox, worker
from wingrant.mail.models import MailStatus, OutboxMail
from wingrant.mail.transport import FileTransport, SmtpTransport

from .conftest import LINK_CONTEXT


def _mail(mail_id: int) -> OutboxMail:
    _db.session.rollback()
    return _db.session.get(OutboxMail, mail_id, populate_existing=True)


def _make_due(mail_id: int) -> None:
    with unit_of_work():
        _db.session.execute(sa.update(OutboxMail).where(OutboxMail.id == mail_id)
                            .values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def test_mail_is_written_with_its_event(app, db, write_mail):
    mail = _mail(write_mail())
    assert mail.status == MailStatus.PENDING
    assert mail.subject == "Ihr Link zum Antrag HUC-2026-001"
    assert "http://localhost/antrag/geheim" in mail.body_text
    assert "Warum Sie diese Mail erhalten: Sie haben einen neuen Link angefordert." in mail.body_text
    assert "Quartiersmanagement Huchting · qm@example.org" in mail.body_text
    assert '<a href="http://localhost/antrag/geheim"' in mail.body_html


def test_rolled_back_event_leaves_no_mail(app, db):
    with pytest.raises(RuntimeError), unit_of_work():
        outbox.enqueue("applicant.link", to="a@example.org", template="applicant_link",
                       context=LINK_CONTEXT | {"reference": "X"})
        raise RuntimeError("the event failed")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_mail_outside_a_unit_of_work_is_refused(app, db):
    with pytest.raises(outbox.NotInUnitOfWork):
        outbox.enqueue("applicant.link", to="a@example.org", template="applicant_link",
                       context=LINK_CONTEXT | {"reference": "X"})


def test_mail_without_an_address_is_not_written(app, db):
    with unit_of_work():
        assert outbox.enqueue("applicant.link", to="", template="applicant_link",
                              context=LINK_CONTEXT | {"reference": "X"}) is None


def test_mail_follows_the_recipients_language(app, db, write_mail):
    mail = _mail(write_mail(language="en"))
    assert mail.subject == "Your link to application HUC-2026-001"
    assert mail.language == "en"


def test_worker_delivers_through_smtp_with_headers_text_html_and_attachment(app, db, smtp_server, write_mail):
    mail_id = write_mail(attachments=[outbox.Attachment("beschluss.pdf", "application/pdf", b"%PDF-1.7 test")],
                         headers={"List-Id": "<huchting.example>"})
    message_id = _mail(mail_id).message_id

    report = worker.deliver_due()

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [(mail_from, rcpt, msg)] = smtp_server.handler.received
    assert rcpt == ["traeger@example.org"]
    assert msg["Message-ID"] == message_id
    assert msg["Subject"] == "Ihr Link zum Antrag HUC-2026-001"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["List-Id"] == "<huchting.example>"
    assert msg.get_body(("plain",)).get_content().startswith("Guten Tag,")
    assert "Antrag öffnen" in msg.get_body(("html",)).get_content()
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "beschluss.pdf"
    assert attachment.get_content() == b"%PDF-1.7 test"
    mail = _mail(mail_id)
    assert (mail.status, mail.attempts, mail.claimed_by) == (MailStatus.SENT, 1, None)


def test_smtp_outage_loses_nothing_and_delivers_afterwards(app, db, smtp_down, write_mail):
    mail_id = write_mail()

    report = worker.deliver_due()

    assert (report.sent, report.retried) == (0, 1)
    mail = _mail(mail_id)
    assert mail.status == MailStatus.PENDING and mail.attempts == 1
    assert mail.next_attempt_at > utcnow() and mail.last_error
    assert worker.deliver_due().sent == 0  # not due yet: back-off

    smtp_down.start()
    _make_due(mail_id)
    assert worker.deliver_due().sent == 1
    assert len(smtp_down.messages) == 1
    assert _mail(mail_id).status == MailStatus.SENT


def test_server_that_refuses_first_and_accepts_later_gets_the_mail_once(app, db, smtp_server, write_mail):
    smtp_server.handler.refuse = 2
    mail_id = write_mail()
    for _ in range(2):
        assert worker.deliver_due().retried == 1
        assert "451" in _mail(mail_id).last_error
        _make_due(mail_id)
    assert worker.deliver_due().sent == 1
    assert len(smtp_server.messages) == 1
    mail = _mail(mail_id)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT, 3, "")


def test_back_off_grows_and_is_capped():
    assert [worker.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert worker.backoff(50) == timedelta(hours=6)


def test_refused_recipient_fails_for_good_and_an_administrator_can_send_again(app, db, smtp_server, write_mail,
                                                                            make_user):
    from wingrant.mail import services

    smtp_server.handler.refuse_recipients = {"weg@example.org"}
    mail_id = write_mail(to="weg@example.org")
    assert worker.deliver_due().failed == 1
    mail = _mail(mail_id)
    assert mail.status == MailStatus.FAILED and mail.last_error.startswith("550")

    smtp_server.handler.refuse_recipients = set()
    services.retry(mail_id, user=make_user(is_admin=True))
    assert worker.deliver_due().sent == 1


def test_worker_gives_up_after_the_configured_attempts(app, db, smtp_down, write_mail):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    mail_id = write_mail()
    worker.deliver_due()
    _make_due(mail_id)
    assert worker.deliver_due().failed == 1
    assert _mail(mail_id).status == MailStatus.FAILED


def test_credentials_are_never_sent_without_starttls(app, db, smtp_server, write_mail):
    app.config["MAIL_URL"] = f"smtp://qm:geheim@127.0.0.1:{smtp_server.port}"
    mail_id = write_mail()
    assert worker.deliver_due().retried == 1
    assert "STARTTLS" in _mail(mail_id).last_error
    assert smtp_server.messages == []


def test_mail_url_is_parsed_with_defaults_and_escaped_credentials():
    t = SmtpTransport("smtps://qm%40huchting:p%3Ass@mail.example.org")
    assert (t.implicit_tls, t.host, t.port, t.user, t.password) == (True, "mail.example.org", 465, "qm@huchting",
                                                                    "p:ss")
    assert SmtpTransport("smtp://mail.example.org").port == 25
    with pytest.raises(ValueError):
        SmtpTransport("http://mail.example.org")


def test_embedded_default_writes_each_mail_as_an_eml_file(app, db, write_mail, tmp_path):
    app.config["MAIL_URL"] = None
    mail_id = write_mail()
    assert worker.deliver_due().sent == 1
    [path] = list((tmp_path / "mail").glob("*.eml"))
    text = path.read_text()
    assert f"Message-ID: {_mail(mail_id).message_id}" in text
    assert "Subject: Ihr Link zum Antrag HUC-2026-001" in text


def test_two_workers_never_send_one_mail_twice(app, db, smtp_server, write_mail):
    with unit_of_work():
        for i in range(30):
            outbox.enqueue("applicant.link", to=f"t{i}@example.org", template="applicant_link",
                           context=LINK_CONTEXT | {"reference": f"R-{i}"})
    barrier = threading.Barrier(3)
    errors = []

    def run(name):
        with app.app_context():
            try:
                barrier.wait()
                worker.deliver_due(name=name)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMail.status == MailStatus.SENT)) == 30


def test_a_claim_of_a_dead_worker_expires_and_the_mail_goes_out(app, db, smtp_server, write_mail):
    mail_id = write_mail()
    assert worker.claim("dead-worker") == [mail_id]
    assert worker.deliver_due().sent == 0  # still claimed
    with unit_of_work():
        _db.session.execute(sa.update(OutboxMail).values(claimed_until=utcnow() - timedelta(seconds=1)))
    assert worker.deliver_due().sent == 1


def test_file_transport_never_leaves_half_a_file(tmp_path):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg.set_content("x")
    FileTransport(tmp_path).send(msg, "00000001")
    assert [p.name for p in tmp_path.iterdir()] == ["00000001.eml"]
