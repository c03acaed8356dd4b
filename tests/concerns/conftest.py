"""A forum with a held meeting (its "Wünsche und Anliegen" item) for the concerns tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.minutes import factories
from tests.public.conftest import (  # noqa: F401
    huchting,
    make_meeting,
    manager,
    programmes,
    publish,
    quick_protocol_pdf,
)
from wingrant.meetings.models import AgendaItem, AgendaItemKind

#: A resident's name that must never reach a public page, file or feed.
RESIDENT = "Gertrud Anliegenstellerin"
#: The QM's account name: staff wrote the steps, the public never learns who.
QM_NAME = "Quentin Quartiersmanager"


@dataclass
class Forum:
    built: factories.Built
    item: AgendaItem

    @property
    def meeting(self):
        return self.built.meeting


@pytest.fixture
def forum(db, huchting, make_meeting, manager) -> Forum:  # noqa: F811
    manager.name = QM_NAME
    db.session.commit()
    built = make_meeting(huchting, [], when=date.today() - timedelta(days=20))
    item = db.session.execute(sa.select(AgendaItem).filter_by(meeting_id=built.meeting.id,
                                                              kind=AgendaItemKind.RESIDENTS)).scalar_one()
    return Forum(built, item)


@pytest.fixture
def logged_in(db, auth, forum, manager):  # noqa: F811
    auth.login(manager.email)
    db.session.rollback()  # end the test's read snapshot, so that it can write after the login's writes
    return forum
