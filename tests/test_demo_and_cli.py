"""The `wingrant` command: demo data and user creation."""

import sqlalchemy as sa

from wingrant.applications.models import Application, ApplicationState
from wingrant.auth.models import User
from wingrant.ledger import queries
from wingrant.ledger.models import Budget, LedgerEntry
from wingrant.neighbourhoods.models import Neighbourhood, Programme


def _budget(db, slug, code, year):
    return db.session.execute(
        sa.select(Budget).join(Neighbourhood).join(Programme)
        .where(Neighbourhood.slug == slug, Programme.code == code, Budget.year == year)
    ).scalar_one()


def test_demo_data_follows_the_social_index(app, db):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    from datetime import date

    year = date.today().year
    expected = {"huchting": 150_000_00, "groepelingen": 225_000_00, "grohn": 75_000_00, "blockdiek": 37_500_00}
    for slug, cents in expected.items():
        assert queries.balance(_budget(db, slug, "WIN", year).id).allocated == cents
    assert queries.balance(_budget(db, "huchting", "SOZ", year).id).allocated == 120_000_00
    # the past meetings committed 4.800 € + 6.000 € and 2.400 € from Huchting's WiN budget
    assert queries.balance(_budget(db, "huchting", "WIN", year).id).committed == 10_800_00 + 2_400_00
    states = set(db.session.execute(sa.select(Application.state)).scalars())
    assert {ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.READY,
            ApplicationState.APPROVED, ApplicationState.DEFERRED} <= states


def test_demo_data_is_idempotent_and_shows_passwords_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    assert "Passwörter werden nur jetzt angezeigt" in first.output
    counts = [db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()
              for m in (Neighbourhood, Budget, LedgerEntry, Application, User)]
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    assert "Passwörter" not in second.output
    db.session.rollback()
    assert counts == [db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()
                      for m in (Neighbourhood, Budget, LedgerEntry, Application, User)]


def test_demo_data_if_empty_leaves_a_used_database_alone(app, db, make_neighbourhood):
    make_neighbourhood("Eigenes Quartier")
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert "keine Beispieldaten" in result.output
    assert db.session.execute(sa.select(sa.func.count(Programme.id))).scalar_one() == 0


def test_demo_has_a_past_meeting_whose_minutes_can_be_approved_today(db, demo):
    """The approve → publish path can be tried on the day the demo data is loaded."""
    from wingrant.meetings.models import Meeting, MeetingState
    from wingrant.minutes import services as minutes

    qm = db.session.execute(sa.select(User).filter_by(email="qm.huchting@wingrant.example")).scalar_one()
    waiting = db.session.execute(sa.select(Meeting).filter_by(state=MeetingState.HELD)).scalar_one()
    minutes.approve(waiting.id, user=qm, no_objections=True)  # today: the objection period is over
    db.session.expire_all()
    assert db.session.get(Meeting, waiting.id).state == MeetingState.MINUTES_APPROVED


def test_demo_invites_to_the_next_meeting_and_plans_the_one_after(client, db, demo):
    from datetime import date

    from wingrant.meetings.models import Meeting, MeetingState

    meetings = db.session.execute(sa.select(Meeting.id, Meeting.date, Meeting.state).where(
        Meeting.date > date.today()).order_by(Meeting.date)).all()
    assert [m.state for m in meetings] == [MeetingState.INVITED, MeetingState.PLANNED]
    page = client.get(f"/portal/huchting/sitzungen/{meetings[0].id}").get_data(as_text=True)
    assert "Kiezkino im Sommer" in page and "Nachbarschaftsflohmarkt" in page


def test_demo_users_can_log_in(app, auth):
    output = app.test_cli_runner().invoke(args=["demo-data"]).output
    line = next(line for line in output.splitlines() if "qm.huchting@" in line)
    password = line.split()[-1]
    page = auth.login("qm.huchting@wingrant.example", password, follow_redirects=True).get_data(as_text=True)
    assert "Willkommen, Maren Hollmann." in page


def test_create_user_command_with_role_and_generated_password(app, db, make_neighbourhood):
    make_neighbourhood("Huchting")
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Neu@Example.org", "--name", "Neue QM", "--role", "huchting:manager"])
    assert result.exit_code == 0, result.output
    assert "Passwort (wird nur jetzt angezeigt)" in result.output
    user = db.session.execute(sa.select(User).filter_by(email="neu@example.org")).scalar_one()
    assert [m.role.value for m in user.memberships] == ["manager"]


def test_create_user_command_refuses_short_password_in_german(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "a@example.org", "--name", "A", "--password", "kurz"])
    assert result.exit_code != 0
    assert "mindestens 12 Zeichen" in result.output
