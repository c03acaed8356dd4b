"""The private link as self-service: status and history for the Träger only, answering a Rückfrage,
and the Verwendungsnachweis sent as a draft that changes nothing until the QM takes it over."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.applications import tokens
from wingrant.applications.models import ApplicationState as S
from wingrant.applications.models import ApplicationTransition, Attachment
from wingrant.errors import DomainError, NotAllowed
from wingrant.funding import drafts
from wingrant.funding.models import DraftState, UseOfFundsDraft, UseOfFundsDraftFile, UseOfFundsReport
from wingrant.ledger.models import LedgerEntry
from wingrant.mail.models import OutboxMail

from .conftest import count, detail_url, login, post_step, reload
from .test_after_grant import make_granted  # noqa: F401

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def applicant(app, client):
    """A second browser without a login: the Träger's."""
    return app.test_client()


def _with_link(db, app):
    """The application's private link as the public form issues it (derived, so mails repeat it)."""
    token = tokens.issue(app)
    app.contact_email = "traeger@example.org"
    db.session.commit()
    return token


def _link_from_last_mail(db) -> str:
    """The link in the last mail: the token the Träger holds."""
    db.session.rollback()
    mail = db.session.execute(sa.select(OutboxMail).order_by(OutboxMail.id.desc()).limit(1)).scalar_one()
    return re.search(r"/antrag/([A-Za-z0-9_-]+)", mail.body_text).group(1)


def _page(client, token) -> str:
    response = client.get(f"/antrag/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- status and history ------------------------------------------------------------------------


def test_link_opens_only_its_own_application(client, db, make_application):
    mine, other = make_application("Mein Projekt", state=S.SUBMITTED), make_application("Fremdes Projekt")
    token = _with_link(db, mine)
    _with_link(db, other)
    html = _page(client, token)
    assert "Mein Projekt" in html and "Fremdes Projekt" not in html
    assert client.get("/antrag/geraten-aber-falsch").status_code == 404


def test_history_shows_steps_and_rueckfragen_but_not_the_offices_notes(applicant, db, as_manager,
                                                                        make_application):
    app = make_application("Lesepaten", state=S.SUBMITTED)
    _with_link(db, app)
    post_step(as_manager, app, "pruefen", "Intern: Träger hatte 2024 Ärger mit der Abrechnung")
    post_step(as_manager, app, "rueckfrage", "Wie viele Kinder nehmen teil?")
    html = _page(applicant, _link_from_last_mail(db))
    assert "Wie viele Kinder nehmen teil?" in html  # the question, with the form to answer it
    assert "Ihre Antwort" in html
    assert "Status: In Prüfung" in html and "Status: Rückfrage" in html
    assert "Intern: Träger hatte" not in html
    assert "Maren Hollmann" not in html  # staff names stay internal


def test_applicant_answers_the_rueckfrage_and_sees_it_in_the_history(applicant, db, as_manager,
                                                                       make_application):
    client = applicant
    app = make_application(state=S.SUBMITTED)
    token = _with_link(db, app)
    post_step(as_manager, app, "pruefen")
    post_step(as_manager, app, "rueckfrage", "Wo findet es statt?")
    token = _link_from_last_mail(db)
    page = _page(client, token)
    assert f'action="/antrag/{token}/antwort"' in page  # the form posts to the link it came from
    response = client.post(f"/antrag/{token}/antwort", data={"antwort-csrf_token": csrf_token_from(page),
                                                             "antwort-reason": "Im Bürgerhaus Huchting."})
    assert response.status_code == 302
    assert reload(db, app).state == S.IN_REVIEW
    html = _page(client, token)
    assert "Im Bürgerhaus Huchting." in html and "Antwort senden" not in html


def test_forum_outcome_is_withheld_until_a_decision_is_released(client, db, make_application):
    """A decision whose minutes are not approved may still change: the Träger sees "beraten" only."""
    app = make_application(state=S.APPROVED)
    db.session.add(ApplicationTransition(application_id=app.id, from_state=S.READY, to_state=S.APPROVED,
                                         reason="Einstimmig"))
    db.session.commit()
    html = _page(client, _with_link(db, app))
    assert "In der Sitzung beraten" in html
    assert "Beschlossen" not in html and "Einstimmig" not in html


def test_withdrawal_reason_is_shown_to_the_traeger(applicant, db, as_manager, make_application):
    app = make_application(state=S.SUBMITTED)
    token = _with_link(db, app)
    post_step(as_manager, app, "zurueckziehen", "Projekt findet nicht statt")
    assert "Projekt findet nicht statt" in _page(applicant, token)


# --- the Verwendungsnachweis as a draft --------------------------------------------------------


def _send_report(client, token, app, *, narrative="Zwölf Lesenachmittage mit 30 Kindern.", cost="1.000",
                 spent="900", files=()):
    page = _page(client, token)
    from wingrant.funding.queries import grant_rows

    [row] = grant_rows(app)
    data = {"nachweis-csrf_token": csrf_token_from(page), "nachweis-narrative": narrative,
            "nachweis-actual_cost": cost, f"nachweis-spent_{row.grant.id}": spent,
            "nachweis-files": [(io.BytesIO(content), name) for name, content in files] or
            [(io.BytesIO(b""), "")]}
    return client.post(f"/antrag/{token}/verwendungsnachweis", data=data, content_type="multipart/form-data")


def test_report_draft_arrives_for_the_qm_and_changes_nothing_by_itself(client, db, make_granted):
    app = make_granted()
    token = _with_link(db, app)
    entries_before = count(db, LedgerEntry)
    response = _send_report(client, token, app, files=[("Rechnungen.pdf", PDF)])
    assert response.status_code == 302
    [draft] = _drafts(db)
    assert draft.state == DraftState.SUBMITTED and draft.actual_cost_cents == 1_000_00
    assert [f.original_name for f in draft.files] == ["Rechnungen.pdf"]
    # No report, no step, no booking, no attachment of the application yet.
    assert reload(db, app).state == S.GRANTED
    assert count(db, UseOfFundsReport) == 0 and count(db, Attachment) == 0
    assert count(db, LedgerEntry) == entries_before
    html = _page(client, token)
    assert "liegt dem Quartiersmanagement vor" in html and "Verwendungsnachweis senden" not in html


def test_second_draft_waits_until_the_first_is_decided(db, make_granted):
    app = make_granted()
    drafts.submit_draft(app, narrative="Bericht", actual_cost_cents=100_00, spent={_grant_id(db, app): 50_00})
    with pytest.raises(DomainError, match="bereits vor"):
        drafts.submit_draft(app, narrative="Noch einer", actual_cost_cents=100_00,
                            spent={_grant_id(db, app): 50_00})


def _drafts(db) -> list[UseOfFundsDraft]:
    db.session.rollback()  # requests commit in their own sessions
    return list(db.session.execute(sa.select(UseOfFundsDraft)).scalars())


def _grant_id(db, app) -> int:
    from wingrant.funding.models import Grant

    return db.session.execute(sa.select(Grant.id).filter_by(application_id=app.id)).scalar_one()


def test_report_draft_follows_the_money_rules_of_the_staff_form(client, db, make_granted):
    app = make_granted()  # 1.000 € granted
    token = _with_link(db, app)
    response = _send_report(client, token, app, narrative="", cost="500", spent="1.200")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte beschreiben Sie im Sachbericht" in html
    assert "höchstens die bewilligten 1.000,00" in html
    assert count(db, UseOfFundsDraft) == 0


def test_report_files_follow_the_attachment_rules_and_nothing_is_kept_on_refusal(app, client, db, make_granted):
    application = make_granted()
    token = _with_link(db, application)
    response = _send_report(client, token, application,
                            files=[("ok.pdf", PDF), ("programm.exe", b"MZ\x90\x00 not allowed")])
    assert response.status_code == 422
    assert "Dieser Dateityp ist nicht erlaubt" in response.get_data(as_text=True)
    assert count(db, UseOfFundsDraft) == 0 and count(db, UseOfFundsDraftFile) == 0
    from pathlib import Path

    assert list((Path(app.config["UPLOAD_FOLDER"]) / "attachments").glob("*")) == []


def test_no_report_draft_before_the_grant(client, db, make_application):
    app = make_application(state=S.APPROVED)
    with pytest.raises(DomainError, match="erst nach der Bewilligung"):
        drafts.submit_draft(app, narrative="x", actual_cost_cents=1, spent={})
    assert "Verwendungsnachweis senden" not in _page(client, _with_link(db, app))


def test_qm_takes_the_draft_over_into_the_report_with_its_files(client, db, auth, manager, make_granted):
    app = make_granted()
    token = _with_link(db, app)
    _send_report(client, token, app, files=[("Belege.pdf", PDF)])
    [draft] = _drafts(db)
    login(db, auth, manager)
    page = client.get(f"{detail_url(app)}/abwicklung").get_data(as_text=True)
    assert "Zwölf Lesenachmittage" in page and "Als Verwendungsnachweis übernehmen" in page
    assert "Belege.pdf" in page
    response = client.post(f"{detail_url(app)}/abwicklung/entwurf/{draft.id}/uebernehmen",
                           data={"take-over-csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.rollback()
    report = db.session.execute(sa.select(UseOfFundsReport)).scalar_one()
    assert (report.actual_cost_cents, report.spent_cents) == (1_000_00, 900_00)
    assert report.notes == "Zwölf Lesenachmittage mit 30 Kindern."
    assert reload(db, app).state == S.REPORT_SUBMITTED
    assert reload(db, draft).state == DraftState.ACCEPTED
    [attachment] = db.session.execute(sa.select(Attachment)).scalars().all()
    assert attachment.original_name == "Belege.pdf" and attachment.uploaded_by_id is None
    assert "übernommen" in _page(client, token) or "eingegangen" in _page(client, token)


def test_qm_returns_the_draft_and_the_traeger_sees_why_and_may_send_again(client, db, manager, make_granted):
    app = make_granted()
    token = _with_link(db, app)
    _send_report(client, token, app)
    [draft] = _drafts(db)
    with pytest.raises(DomainError, match="Bitte angeben"):
        drafts.return_draft(app, draft.id, user=manager, reason=" ")
    drafts.return_draft(app, draft.id, user=manager, reason="Bitte die Rechnungen beilegen.")
    html = _page(client, token)
    assert "Bitte die Rechnungen beilegen." in html and "Verwendungsnachweis senden" in html
    assert reload(db, app).state == S.GRANTED and count(db, UseOfFundsReport) == 0


def test_another_neighbourhoods_qm_cannot_accept_the_draft(client, db, auth, other_manager, make_granted):
    app = make_granted()
    token = _with_link(db, app)
    _send_report(client, token, app)
    [draft] = _drafts(db)
    with pytest.raises(NotAllowed):
        drafts.take_over(app, draft.id, user=other_manager)
    login(db, auth, other_manager)
    token_page = client.get("/").get_data(as_text=True)
    response = client.post(f"{detail_url(app)}/abwicklung/entwurf/{draft.id}/uebernehmen",
                           data={"take-over-csrf_token": csrf_token_from(token_page)})
    assert response.status_code in (403, 404)
    assert client.get(f"{detail_url(app)}/abwicklung/entwurf-datei/1").status_code in (403, 404)
    assert reload(db, draft).state == DraftState.SUBMITTED and count(db, UseOfFundsReport) == 0


def test_a_draft_of_one_application_cannot_be_taken_over_through_another(db, manager, make_granted):
    first, second = make_granted(), make_granted()
    drafts.submit_draft(first, narrative="Bericht", actual_cost_cents=100_00, spent={_grant_id(db, first): 50_00})
    [draft] = _drafts(db)
    with pytest.raises(DomainError, match="gibt es zu diesem Antrag nicht"):
        drafts.take_over(second, draft.id, user=manager)


def test_a_draft_is_mailed_to_the_qm_and_a_returned_one_to_the_traeger(client, db, manager, make_granted):
    app = make_granted()
    app.contact_email = "traeger@example.org"
    db.session.commit()
    token = _with_link(db, app)
    _send_report(client, token, app)
    db.session.rollback()
    [notice] = db.session.execute(sa.select(OutboxMail).filter_by(kind="manager.report_draft")).scalars().all()
    assert notice.recipient == manager.email and app.reference in notice.subject
    [draft] = _drafts(db)
    drafts.return_draft(app, draft.id, user=manager, reason="Bitte die Rechnungen beilegen.")
    db.session.rollback()
    [returned] = db.session.execute(sa.select(OutboxMail).filter_by(kind="applicant.report_returned")).scalars().all()
    assert returned.recipient == "traeger@example.org"
    assert "Bitte die Rechnungen beilegen." in returned.body_text


def test_no_reminder_while_the_traegers_draft_waits_for_the_qm(app, client, db, make_granted):
    from datetime import date, timedelta

    from wingrant.applications import rules
    from wingrant.funding import notices

    application = make_granted()
    application.contact_email, application.end_date = "traeger@example.org", date(2026, 11, 30)
    db.session.commit()
    _send_report(client, _with_link(db, application), application)
    due = rules.report_due_on(date(2026, 11, 30), 2026)
    assert notices.remind_reports_due(today=due + timedelta(days=1)) == 0
