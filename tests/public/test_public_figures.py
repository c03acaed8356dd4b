"""The public figures agree with each other: every euro the portal shows as bound can be traced to
a published decision or to the meeting that bound it ("Protokoll folgt"); the yearly report counts
only what published minutes say."""

import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.minutes import factories
from tests.minutes.factories import AppSpec
from wingrant.extensions import db
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger import services as ledger
from wingrant.ledger.models import Budget
from wingrant.meetings.models import AttendeeGroup
from wingrant.minutes import published as published_model
from wingrant.neighbourhoods.models import Neighbourhood
from wingrant.public import queries
from wingrant.public.reports import report_json, year_report

from .conftest import publish

YEAR = (date.today() - timedelta(days=30)).year


def _committed(neighbourhood_id: int, year: int) -> int:
    """What the portal's budget table shows as "durch Beschlüsse gebunden", summed."""
    return sum(r.balance.net_committed for r in ledger_queries.budget_overview(year, [neighbourhood_id]))


def _published_sum(neighbourhood_id: int, year: int) -> int:
    """What the public decisions list of the year approves, summed."""
    return sum(d.approved_total for d in published_model.published_decisions(neighbourhood_id, year=year))


def assert_figures_add_up(neighbourhood_id: int, year: int) -> queries.BoundMoney:
    bound = queries.bound_money(neighbourhood_id, year)
    assert bound.published == _published_sum(neighbourhood_id, year)
    assert bound.published + bound.pending_total + bound.other - bound.released == _committed(neighbourhood_id, year)
    assert bound.total == _committed(neighbourhood_id, year)
    return bound


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps the no-break spaces


@pytest.fixture
def pending(huchting, published, make_meeting, manager) -> factories.Built:
    """A second meeting, held and approved but its minutes not yet published, binding 900 €."""
    built = make_meeting(huchting, [AppSpec("Geheimer Antrag ohne Protokoll", "Träger N", {"WIN": 900_00})],
                         when=date.today() - timedelta(days=10),
                         head_counts={AttendeeGroup.RESIDENTS: 40})
    publish(built, manager, approve_only=True)
    return built


def test_bound_money_is_published_decisions_plus_meetings_whose_minutes_follow(huchting, published, pending):
    bound = assert_figures_add_up(huchting.id, YEAR)
    assert bound.published == 4_800_00 + 6_000_00 + 1_999_99
    assert bound.pending == (queries.PendingMeeting(pending.meeting.id, pending.meeting.date, 900_00),)
    assert bound.released == 0 and bound.other == 0


def test_released_money_is_shown_so_the_sum_still_holds(huchting, published, pending):
    garden = published.applications[0]
    budget = db.session.execute(sa.select(Budget).filter_by(neighbourhood_id=huchting.id, year=YEAR)
                                .order_by(Budget.id)).scalars().first()
    ledger.release(budget.id, 300_00, user=None, application_id=garden.id, memo="intern: nicht gebraucht")
    bound = assert_figures_add_up(huchting.id, YEAR)
    assert bound.released == 300_00


def test_a_reversed_commitment_no_longer_counts_for_its_meeting(huchting, published, pending):
    from wingrant.ledger.models import EntryKind, LedgerEntry

    entry = db.session.execute(sa.select(LedgerEntry).where(
        LedgerEntry.decision_id == pending.decisions[0].id, LedgerEntry.kind == EntryKind.COMMITMENT)).scalar_one()
    ledger.reverse(entry.id, user=None, reason="Falsch gebucht")
    bound = assert_figures_add_up(huchting.id, YEAR)
    assert bound.pending == ()


def test_portal_labels_money_of_unpublished_minutes_with_its_meeting(client, huchting, published, pending):
    html = client.get(f"/portal/huchting?jahr={YEAR}").get_data(as_text=True)
    day = f"{pending.meeting.date:%d.%m.%Y}"
    link = f'<a href="/portal/huchting/sitzungen/{pending.meeting.id}">{day}</a>'
    assert f"aus der Sitzung vom {link}, Protokoll folgt" in html
    text = _text(html)
    assert "900,00\u00a0€" in text
    assert "12.799,99\u00a0€" in text  # the published decisions
    assert "13.699,99\u00a0€" in text  # together: what the budgets show as bound
    # The meeting the label links to is public (its agenda went out with the invitation).
    assert client.get(f"/portal/huchting/sitzungen/{pending.meeting.id}").status_code == 200
    # Nothing of the unpublished decision or of the people is shown: only date and sum.
    for secret in ("intern", factories.SECRET_OBJECTOR, factories.SECRET_RESIDENT, factories.SECRET_APOLOGY,
                   factories.SECRET_RECUSED, factories.CONTACT_EMAIL, "Geheimer Antrag ohne Protokoll",
                   f"Beschluss {pending.meeting.date:%d.%m.%Y}"):  # the ledger memo
        assert secret not in text


def test_portal_shows_no_breakdown_when_the_decisions_list_already_adds_up(client, published):
    html = client.get(f"/portal/huchting?jahr={YEAR}").get_data(as_text=True)
    assert "Protokoll folgt" not in html and "bound-breakdown" not in html


def test_year_report_counts_attendance_of_published_minutes_only(client, huchting, published, pending):
    report = year_report(huchting, YEAR)
    # The published meeting's 25 (14 + 9 + 2); the 40 of the meeting whose minutes follow are not public yet.
    assert report.participants == 25
    waiting = next(m for m in report.meetings if m.meeting_id == pending.meeting.id)
    assert waiting.participants is None and not waiting.published
    assert report.bound.total == _committed(huchting.id, YEAR)
    data = json.loads(report_json(report))
    assert [m["participants"] for m in data["meetings"] if not m["minutes_published"]] == [None]
    assert data["bound"]["minutes_pending"] == [{"meeting_date": pending.meeting.date.isoformat(),
                                                 "committed_cents": 900_00}]
    html = client.get(f"/portal/huchting/jahresbericht/{YEAR}").get_data(as_text=True)
    text = _text(html)
    assert "Teilnahmen zusammen (veröffentlichte Protokolle) 25" in text
    assert "Protokoll folgt" in text and "900,00\u00a0€" in text
    assert "Geheimer Antrag ohne Protokoll" not in text


def test_demo_figures_add_up_in_every_neighbourhood_and_year(client, demo):
    pending_seen = False
    for nb in db.session.execute(sa.select(Neighbourhood).where(Neighbourhood.active.is_(True))).scalars():
        for year in queries.budget_years(nb.id):
            bound = assert_figures_add_up(nb.id, year)
            pending_seen = pending_seen or bool(bound.pending)
    # The demo has a meeting whose minutes are not published yet (Huchting): the portal labels its money.
    huchting = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
    bound = queries.bound_money(huchting.id, date.today().year)
    assert pending_seen and bound.pending
    html = client.get("/portal/huchting").get_data(as_text=True)
    assert "Protokoll folgt" in html
    for entry in bound.pending:
        assert f"/portal/huchting/sitzungen/{entry.meeting_id}" in html
        assert client.get(f"/portal/huchting/sitzungen/{entry.meeting_id}").status_code == 200
