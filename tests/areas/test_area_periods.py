"""Förderzeiträume: recorded and ended by the administration with their history kept; money for a year
outside them is refused; the migration gives every existing neighbourhood an open period."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import csrf_token_from
from wingrant.audit.models import AuditEvent
from wingrant.errors import DomainError
from wingrant.ledger import services as ledger
from wingrant.neighbourhoods import services
from wingrant.neighbourhoods.models import AreaPeriod, Neighbourhood

PAGE = "/verwaltung/foerdergebiete/hohentor"


@pytest.fixture
def admin(make_user):
    return make_user("gf@example.org", is_admin=True)


@pytest.fixture
def hohentor(make_neighbourhood, admin):
    """A past area: WiN area from 1999 to the end of 2024."""
    nb = make_neighbourhood("Hohentor", slug="hohentor", code="HOH")
    services.add_period(nb.id, valid_from=date(1999, 1, 1), valid_until=date(2024, 12, 31), programme_id=None,
                        decision_reference="Senatsbeschluss vom 10.12.2024", user=admin)
    return nb


def _periods(db, nb) -> list[AreaPeriod]:
    db.session.rollback()
    return list(db.session.execute(sa.select(AreaPeriod).filter_by(neighbourhood_id=nb.id)
                                   .order_by(AreaPeriod.valid_from)).scalars())


def test_overlapping_periods_are_refused(db, hohentor, admin):
    with pytest.raises(DomainError, match="überschneidet sich mit dem vom 01.01.1999 bis 31.12.2024"):
        services.add_period(hohentor.id, valid_from=date(2024, 6, 1), valid_until=None, programme_id=None, user=admin)
    assert len(_periods(db, hohentor)) == 1


def test_a_period_of_another_programme_may_run_beside_the_whole_area(db, hohentor, admin, make_programme):
    llq = make_programme("LLQ", name="Lebendige Quartiere")
    services.add_period(hohentor.id, valid_from=date(2021, 1, 1), valid_until=None, programme_id=llq.id, user=admin)
    assert [p.programme_id for p in _periods(db, hohentor)] == [None, llq.id]


def test_period_ending_before_it_starts_is_refused(db, hohentor, admin):
    with pytest.raises(DomainError, match="nicht vor seinem Beginn"):
        services.add_period(hohentor.id, valid_from=date(2030, 1, 2), valid_until=date(2030, 1, 1),
                            programme_id=None, user=admin)
    open_one = services.add_period(hohentor.id, valid_from=date(2030, 1, 1), valid_until=None, programme_id=None,
                                   user=admin)
    with pytest.raises(DomainError, match="nicht vor seinem Beginn"):
        services.end_period(open_one.id, date(2029, 12, 31), user=admin)
    assert _periods(db, hohentor)[-1].valid_until is None


def test_correction_ends_a_period_and_starts_a_new_one_both_audited(db, make_neighbourhood, admin):
    nb = make_neighbourhood("Blockdiek")
    first = services.add_period(nb.id, valid_from=date(2010, 1, 1), valid_until=None, programme_id=None, user=admin)
    services.end_period(first.id, date(2019, 12, 31), user=admin)
    services.add_period(nb.id, valid_from=date(2020, 1, 1), valid_until=None, programme_id=None,
                        decision_reference="Senatsbeschluss vom 3.12.2019", user=admin)
    assert [(p.valid_from.year, p.valid_until) for p in _periods(db, nb)] == [(2010, date(2019, 12, 31)), (2020, None)]
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
                                .where(AuditEvent.neighbourhood_id == nb.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["area_period.add", "area_period.end", "area_period.add"]
    assert events[1].before["valid_until"] is None and events[1].after["valid_until"] == "2019-12-31"


def test_an_ended_period_is_not_changed_again(db, hohentor, admin):
    with pytest.raises(DomainError, match="bereits beendet"):
        services.end_period(_periods(db, hohentor)[0].id, date(2025, 12, 31), user=admin)


def test_periods_are_never_deleted(db, hohentor):
    with pytest.raises(sa.exc.DBAPIError, match="history"):
        db.session.execute(sa.delete(AreaPeriod).where(AreaPeriod.neighbourhood_id == hohentor.id))
        db.session.flush()
    db.session.rollback()
    assert len(_periods(db, hohentor)) == 1


def test_budget_refused_outside_period(db, hohentor, admin, make_programme):
    win = make_programme("WIN")
    with pytest.raises(DomainError, match="Hohentor ist 2025 kein Fördergebiet"):
        ledger.allocate_to(hohentor.id, win.id, 2025, 1_000_00, user=admin)
    entry = ledger.allocate_to(hohentor.id, win.id, 2024, 1_000_00, user=admin)  # inside the period
    assert entry.amount_cents == 1_000_00


def _admin_post(client, auth, url, data, page=PAGE):
    auth.login("gf@example.org")
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_administration_adds_a_period_and_shows_the_history(client, auth, db, hohentor, admin):
    response = _admin_post(client, auth, PAGE, {"programme_id": "", "valid_from": "01.01.2027",
                                                "decision_reference": "Senatsbeschluss vom 8.12.2026"})
    assert response.status_code == 302
    html = client.get(PAGE).get_data(as_text=True)
    assert "Senatsbeschluss vom 10.12.2024" in html and "Senatsbeschluss vom 8.12.2026" in html
    assert [p.valid_from.year for p in _periods(db, hohentor)] == [1999, 2027]


@pytest.mark.parametrize("data, message", [
    ({"valid_from": ""}, "Bitte angeben, ab wann"),
    ({"valid_from": "31.02.2027"}, "ist kein gültiges Datum"),
    ({"valid_from": "01.01.2027", "valid_until": "01.01.2026"}, "nicht vor seinem Beginn"),
    ({"valid_from": "01.01.2020"}, "überschneidet sich"),
])
def test_bad_period_input_gets_a_german_message_and_writes_nothing(client, auth, db, hohentor, admin, data,
                                                                    message):
    response = _admin_post(client, auth, PAGE, {"programme_id": "", **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(_periods(db, hohentor)) == 1


def test_administration_ends_an_open_period(client, auth, db, make_neighbourhood, admin):
    nb = make_neighbourhood("Grohn", slug="grohn")
    period = services.add_period(nb.id, valid_from=date(1999, 1, 1), valid_until=None, programme_id=None,
                                 user=admin)
    page = "/verwaltung/foerdergebiete/grohn"
    bad = _admin_post(client, auth, page + "/beenden", {"period_id": str(period.id), "valid_until": "1998-12-31"},
                      page=page)
    assert bad.status_code == 422 and "nicht vor seinem Beginn" in bad.get_data(as_text=True)
    ok = client.post(page + "/beenden", data={"csrf_token": csrf_token_from(client.get(page).get_data(as_text=True)),
                                              "period_id": str(period.id), "valid_until": "2025-06-30"})
    assert ok.status_code == 302
    assert _periods(db, nb)[0].valid_until == date(2025, 6, 30)


def test_a_period_of_another_area_cannot_be_ended_through_this_one(client, auth, db, hohentor, make_neighbourhood,
                                                                  admin):
    other = make_neighbourhood("Grohn", slug="grohn")
    period = services.add_period(other.id, valid_from=date(1999, 1, 1), valid_until=None, programme_id=None,
                                 user=admin)
    response = _admin_post(client, auth, PAGE + "/beenden", {"period_id": str(period.id), "valid_until": "2025-06-30"})
    assert response.status_code == 404
    assert _periods(db, other)[0].valid_until is None


def test_migration_gives_every_existing_neighbourhood_an_open_period(app, db):
    with app.app_context():
        db.session.remove()
        downgrade(revision="0019_programme_lines")
        try:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO city (slug, name, ags, position) "
                                     "SELECT 'bremen', 'Bremen', '04011000', 1 WHERE NOT EXISTS (SELECT 1 FROM city)")
                conn.execute(sa.text("INSERT INTO neighbourhood (city_id, slug, name, code, forum_name, forum_article, "
                                     "office_name, office_address, office_email, office_phone, social_index_percent, "
                                     "allow_dissent_referral, objection_period_days, active, created_at) VALUES "
                                     "((SELECT min(id) FROM city), 'alt', 'Altes Quartier', 'ALT', 'Forum', 'das', '', "
                                     "'', '', '', 100, true, 14, true, :at)"), {"at": datetime(2011, 5, 3, 23, 30)})
        finally:
            upgrade()  # whatever happened, the worker's database is at the head again
        nb = db.session.execute(sa.select(Neighbourhood).filter_by(slug="alt")).scalar_one()
        periods = _periods(db, nb)
    assert [(p.valid_from, p.valid_until, p.programme_id) for p in periods] == [(date(2011, 5, 3), None, None)]


def test_budget_page_refuses_a_year_outside_the_period_with_a_german_message(client, auth, db, hohentor, admin,
                                                                            make_programme):
    from wingrant.ledger.models import Budget

    win = make_programme("WIN")
    year = date.today().year
    page = f"/verwaltung/budgets/?jahr={year}"
    response = _admin_post(client, auth, page, {"neighbourhood": str(hohentor.id), "programme": str(win.id),
                                                "year": str(year), "amount": "1.000"}, page=page)
    assert response.status_code == 422
    assert f"Hohentor ist {year} kein Fördergebiet (Förderzeitraum: 1999–2024)" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Budget.id))).scalar_one() == 0
