"""The details users expect on the pages (issue 8, part 5), server side: destructive actions
stay POST forms with a CSRF token and carry a question for forms.js, empty lists say what to
do next, the meeting and its minutes link to each other, and the demo agenda is numbered as a
real one."""

from __future__ import annotations

import re

import sqlalchemy as sa

from wingrant.auth.models import Role


def _meeting_ids():
    from wingrant.extensions import db
    from wingrant.meetings.models import Meeting, MeetingState
    from wingrant.neighbourhoods.models import Neighbourhood

    huchting = sa.select(Neighbourhood.id).filter_by(slug="huchting").scalar_subquery()  # not the past area's
    return [db.session.execute(sa.select(Meeting.id).filter_by(state=state, neighbourhood_id=huchting)).scalar_one()
            for state in (MeetingState.MINUTES_APPROVED, MeetingState.PLANNED)]


def _forms_with(html: str, marker: str) -> list[str]:
    return [form for form in re.findall(r"<form\b.*?</form>", html, flags=re.S) if marker in form]


def test_removing_an_agenda_item_asks_first_and_is_a_post_with_csrf_without_javascript(client, auth, demo):
    auth.login("qm.huchting@wingrant.example", demo["qm.huchting@wingrant.example"])
    _held, planned = _meeting_ids()
    html = client.get(f"/quartiere/huchting/sitzungen/{planned}").get_data(as_text=True)
    removals = _forms_with(html, "/entfernen")
    assert removals, "the planned meeting's agenda items can be removed"
    for form in removals:
        assert 'method="post"' in form and 'name="csrf_token"' in form
        assert re.search(r'data-confirm="TOP [\d.]+ „[^"]+“ von der Tagesordnung entfernen\?"', form), form


def test_meeting_and_minutes_link_to_each_other(client, auth, demo):
    auth.login("lesend.huchting@wingrant.example", demo["lesend.huchting@wingrant.example"])
    held, planned = _meeting_ids()
    meeting = client.get(f"/quartiere/huchting/sitzungen/{held}").get_data(as_text=True)
    bar = meeting[meeting.index('class="action-bar"'):]
    bar = bar[:bar.index("</nav>")]
    assert f'href="/quartiere/huchting/protokolle/{held}">Protokoll</a>' in bar
    minutes = client.get(f"/quartiere/huchting/protokolle/{held}").get_data(as_text=True)
    assert f'href="/quartiere/huchting/sitzungen/{held}">Zur Sitzung</a>' in minutes
    planned_page = client.get(f"/quartiere/huchting/sitzungen/{planned}").get_data(as_text=True)
    assert "/protokolle/" not in planned_page  # nothing to write before the meeting is held


def test_demo_meeting_numbers_its_applications_under_one_heading(client, auth, demo):
    auth.login("lesend.huchting@wingrant.example", demo["lesend.huchting@wingrant.example"])
    held, _planned = _meeting_ids()
    html = client.get(f"/quartiere/huchting/sitzungen/{held}").get_data(as_text=True)
    numbers = re.findall(r'<span class="agenda-number">TOP ([\d.]+)</span>', html)
    assert numbers == ["1", "2", "3", "4", "4.1", "4.2", "4.3", "5", "6"]


def test_empty_application_list_offers_the_first_application_to_whoever_may_create_it(
        client, auth, make_neighbourhood, make_user):
    nb = make_neighbourhood("Grohn")
    make_user("qm@example.org", roles={nb: Role.MANAGER})
    make_user("reader@example.org", roles={nb: Role.READER})

    auth.login("qm@example.org")
    html = client.get(f"/quartiere/{nb.slug}/antraege").get_data(as_text=True)
    assert "In diesem Quartier gibt es noch keine Anträge." in html
    assert f'href="/quartiere/{nb.slug}/antraege/neu">Ersten Antrag anlegen</a>' in html
    filtered = client.get(f"/quartiere/{nb.slug}/antraege?q=Fest").get_data(as_text=True)
    assert "Keine Anträge passen zu diesen Filtern." in filtered and "Alle Anträge anzeigen" in filtered

    auth.logout()
    auth.login("reader@example.org")
    html = client.get(f"/quartiere/{nb.slug}/antraege").get_data(as_text=True)
    assert "Ersten Antrag anlegen" not in html
    assert "Anträge erfasst das Quartiersmanagement" in html


def test_empty_meeting_list_says_who_plans_meetings(client, auth, make_neighbourhood, make_user):
    nb = make_neighbourhood("Grohn")
    make_user("qm@example.org", roles={nb: Role.MANAGER})
    make_user("reader@example.org", roles={nb: Role.READER})
    auth.login("qm@example.org")
    assert "Planen Sie die erste Sitzung" in client.get(f"/quartiere/{nb.slug}/sitzungen").get_data(as_text=True)
    auth.logout()
    auth.login("reader@example.org")
    html = client.get(f"/quartiere/{nb.slug}/sitzungen").get_data(as_text=True)
    assert "Das Quartiersmanagement plant die Sitzungen" in html and "Planen Sie" not in html
