"""'Zu erledigen': the start page lists the open work of the QM, the minute-taker and the administration,
counted, linked and scoped to the neighbourhoods they work in — in a fixed number of queries."""

import re
from datetime import date, timedelta

import pytest

from wingrant.applications.models import ApplicationState as S
from wingrant.applications.models import ApplicationTransition
from wingrant.applications.rules import report_due_on, report_overdue_before
from wingrant.auth.models import Role
from wingrant.meetings.models import AgendaItem, AgendaItemKind, Meeting, MeetingState
from wingrant.minutes.models import Minutes, MinutesState

TODAY = date.today()


def _entries(page: str) -> dict[str, tuple[str, str]]:
    """kind → (link, label) of the to-do list."""
    return {kind: (href.replace("&amp;", "&"), label) for kind, href, label in
            re.findall(r'<li class="todo-([a-z_]+)"><a href="([^"]+)">([^<]+)</a></li>', page)}


def _groups(page: str) -> list[str]:
    return re.findall(r'<h3 id="todo-[^"]+">([^<]+)</h3>', page)


def _meeting(db, neighbourhood, days: int, state: MeetingState, minutes: MinutesState | None = None) -> Meeting:
    db.session.rollback()
    meeting = Meeting(neighbourhood_id=neighbourhood.id, date=TODAY + timedelta(days=days), state=state)
    db.session.add(meeting)
    db.session.flush()
    if minutes is not None:
        db.session.add(Minutes(meeting_id=meeting.id, state=minutes))
    db.session.commit()
    return meeting


def _answered(db, make_application, **kwargs):
    """In review again after the applicant answered the Rückfrage."""
    app = make_application(state=S.IN_REVIEW, **kwargs)
    db.session.add(ApplicationTransition(application_id=app.id, from_state=S.QUERY, to_state=S.IN_REVIEW))
    db.session.commit()
    return app


def _page_of(client, auth, db, email) -> str:
    auth.login(email)
    db.session.rollback()
    return client.get("/").get_data(as_text=True)


@pytest.fixture
def busy_huchting(db, huchting, make_application):
    """Huchting with some of every kind of open work."""
    make_application(state=S.SUBMITTED)
    make_application(state=S.SUBMITTED)
    _answered(db, make_application)
    make_application(state=S.IN_REVIEW)  # in review, but not because of an answer
    make_application(state=S.READY)
    on_agenda = make_application(state=S.READY)
    make_application(state=S.REFERRED)
    make_application(state=S.APPROVED_WITH_CHANGES)
    make_application(state=S.GRANTED, year=TODAY.year, start_date=date(TODAY.year, 1, 1), end_date=TODAY)
    make_application(state=S.RUNNING, year=TODAY.year - 2, start_date=date(TODAY.year - 2, 3, 1),
                     end_date=date(TODAY.year - 2, 10, 31))  # its proof of use is long overdue
    upcoming = _meeting(db, huchting, 14, MeetingState.PLANNED)
    db.session.add(AgendaItem(meeting_id=upcoming.id, kind=AgendaItemKind.APPLICATION, title="x",
                              application_id=on_agenda.id))
    db.session.commit()
    _meeting(db, huchting, 30, MeetingState.INVITED)  # invited already: nothing to do yet
    _meeting(db, huchting, -3, MeetingState.INVITED)  # took place, not marked as held
    _meeting(db, huchting, -40, MeetingState.HELD)  # no minutes yet
    _meeting(db, huchting, -70, MeetingState.HELD, MinutesState.DRAFT)
    _meeting(db, huchting, -120, MeetingState.MINUTES_APPROVED, MinutesState.APPROVED)
    _meeting(db, huchting, -200, MeetingState.MINUTES_APPROVED, MinutesState.PUBLISHED)  # done
    return huchting


def test_managers_start_page_counts_and_links_their_open_work(client, auth, db, make_user, busy_huchting):
    make_user("qm@example.org", roles={busy_huchting: Role.MANAGER})
    page = _page_of(client, auth, db, "qm@example.org")
    entries = _entries(page)
    assert [label for _link, label in entries.values()] == [
        "2 neue Anträge", "1 Antwort auf eine Rückfrage", "1 Antrag bereit für die Tagesordnung",
        "1 Sitzung einzuladen", "1 vergangene Sitzung nicht als durchgeführt markiert", "1 Protokoll zu schreiben",
        "1 Protokollentwurf zu genehmigen", "1 genehmigtes Protokoll zu veröffentlichen",
        "1 bewilligtes Projekt ohne Auszahlung", "1 Verwendungsnachweis überfällig",
    ]
    assert entries["new"][0] == "/quartiere/huchting/antraege?state=submitted"
    assert entries["answered"][0] == "/quartiere/huchting/antraege?offen=antworten"
    assert entries["agenda"][0] == "/quartiere/huchting/sitzungen"
    assert re.fullmatch(r"/quartiere/huchting/sitzungen/\d+", entries["invite"][0])  # the one meeting itself
    assert re.fullmatch(r"/quartiere/huchting/protokolle/\d+", entries["minutes_write"][0])
    assert entries["report_overdue"][0] == "/quartiere/huchting/antraege?offen=nachweis"
    assert "Bewilligung" not in page and "Dissens" not in page  # the administration's work
    assert "Budget Ihres Quartiers" in page  # the budgets stay


def test_open_work_links_lead_to_lists_of_exactly_the_counted_applications(client, auth, db, make_user, huchting,
                                                                          make_application):
    answered = _answered(db, make_application, title="Beantwortete Rückfrage")
    make_application(state=S.IN_REVIEW, title="Nur in Prüfung")
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    link = _entries(_page_of(client, auth, db, "qm@example.org"))["answered"][0]
    listing = client.get(link).get_data(as_text=True)
    assert answered.title in listing and "Nur in Prüfung" not in listing
    assert "Nur offene Arbeit: Anträge mit einer Antwort auf die Rückfrage." in listing


def test_a_manager_never_sees_another_neighbourhoods_work(client, auth, db, make_user, make_neighbourhood,
                                                          huchting, make_application):
    tenever = make_neighbourhood("Tenever", code="TEN")
    make_application(state=S.SUBMITTED, neighbourhood=tenever)
    _meeting(db, tenever, 7, MeetingState.PLANNED)
    _meeting(db, tenever, -30, MeetingState.HELD)
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    page = _page_of(client, auth, db, "qm@example.org")
    assert _entries(page) == {} and "Tenever" not in page
    assert "Nichts zu erledigen." in page


def test_minute_taker_sees_the_minutes_to_write(client, auth, db, make_user, busy_huchting):
    make_user("protokoll@example.org", roles={busy_huchting: Role.MINUTES})
    entries = _entries(_page_of(client, auth, db, "protokoll@example.org"))
    assert [label for _link, label in entries.values()] == [
        "1 Protokoll zu schreiben", "1 Protokollentwurf noch nicht genehmigt"]


def test_administration_sees_referred_cases_grants_payouts_and_overdue_reports_everywhere(
        client, auth, db, make_user, busy_huchting, groepelingen, make_application):
    make_application(state=S.REFERRED, neighbourhood=groepelingen)
    make_application(state=S.APPROVED, neighbourhood=groepelingen)
    make_application(state=S.APPROVED_WITH_CHANGES, neighbourhood=groepelingen)
    make_user("gf@example.org", is_admin=True)
    page = _page_of(client, auth, db, "gf@example.org")
    assert _groups(page) == ["Gröpelingen", "Huchting"]
    section = page[page.index('id="todo-groepelingen"'):page.index('id="todo-huchting"')]
    assert [label for _link, label in _entries(section).values()] == [
        "1 verwiesener Fall (Dissens-Verfahren)", "2 Bewilligungen zu erteilen"]
    assert _entries(section)["grant"][0] == "/quartiere/groepelingen/antraege?offen=bewilligen"
    huchting_labels = [label for _link, label in _entries(page[page.index('id="todo-huchting"'):]).values()]
    assert huchting_labels == ["1 verwiesener Fall (Dissens-Verfahren)", "1 Bewilligung zu erteilen",
                               "1 bewilligtes Projekt ohne Auszahlung", "1 Verwendungsnachweis überfällig"]
    assert "neue Anträge" not in page  # the QM's work
    assert "Budgets der Quartiere" in page  # the administration's overview stays


def test_readers_and_the_public_get_no_todo_list(client, auth, db, make_user, busy_huchting):
    assert "Zu erledigen" not in client.get("/").get_data(as_text=True)
    make_user("lesend@example.org", roles={busy_huchting: Role.READER})
    assert "Zu erledigen" not in _page_of(client, auth, db, "lesend@example.org")


def test_proof_of_use_is_due_six_months_after_the_project_ended():
    assert report_due_on(date(2026, 8, 31), 2026) == date(2027, 2, 28)
    assert report_due_on(None, 2026) == date(2027, 6, 30)  # no end given: the funding year's end
    assert report_overdue_before(date(2027, 3, 1)) == date(2026, 9, 1)  # ended 31 August: overdue on 1 March


def test_start_page_query_count_does_not_grow_with_applications_and_meetings(
        client, auth, db, make_user, huchting, make_application, count_queries):
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    make_user("gf@example.org", is_admin=True)

    def add_work():
        for state in (S.SUBMITTED, S.READY, S.REFERRED, S.APPROVED, S.GRANTED):
            make_application(state=state)
        _answered(db, make_application)
        for days, state, minutes in ((10, MeetingState.PLANNED, None), (-5, MeetingState.INVITED, None),
                                     (-20, MeetingState.HELD, None), (-30, MeetingState.HELD, MinutesState.DRAFT),
                                     (-60, MeetingState.MINUTES_APPROVED, MinutesState.APPROVED)):
            _meeting(db, huchting, days, state, minutes)

    counts = {}
    for email in ("qm@example.org", "gf@example.org"):
        add_work()
        auth.login(email)
        with count_queries() as few:
            client.get("/")
        for _ in range(5):
            add_work()
        with count_queries() as many:
            page = client.get("/").get_data(as_text=True)
        assert many.count == few.count, email
        assert "Zu erledigen" in page
        counts[email] = many.count
        auth.logout()
    # The user and roles, the budgets (two), the open work (two at most).
    assert counts["qm@example.org"] <= 6 and counts["gf@example.org"] <= 6, counts
