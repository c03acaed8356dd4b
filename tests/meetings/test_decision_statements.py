"""A decision is a handful of statements, not dozens: what ``record_outcome`` needs is loaded up front."""

from tests.meetings.conftest import item_for
from wingrant.meetings import decisions, services
from wingrant.meetings.consensus import Outcome

#: Statements a two-programme approval sends on SQLite (BEGIN/SAVEPOINT not counted; 13 on
#: PostgreSQL, which batches the INSERTs); it sent 35 before the service loaded what it needs up front.
#: One of them is the public-data version (``core.public_version``), bumped in the same transaction.
CEILING = 19


def test_a_two_programme_approval_sends_at_most_a_fixed_number_of_statements(db, forum, make_application,
                                                                            count_queries):
    application = make_application(neighbourhood=forum.neighbourhood,
                                   requested={forum.win: 4_800_00, forum.soz: 3_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item_id = item_for(db, forum.meeting, application).id
    meeting, user = forum.meeting, forum.manager
    assert meeting.id and user.id  # loaded, as a request has them: what follows is the service's own work
    with count_queries() as sent:
        decisions.record_outcome(meeting, item_id, decisions.OutcomeData(Outcome.APPROVED), user=user)
    print("\n".join(" ".join(s.split())[:160] for s in sent.statements))
    assert sent.count <= CEILING, "\n".join(sent.statements)
