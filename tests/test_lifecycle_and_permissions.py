"""The application state machine and the role rules, as pure logic."""

import pytest

from wingrant.applications.lifecycle import WITHDRAWABLE, allowed_targets, can_transition
from wingrant.applications.models import ApplicationState as S
from wingrant.auth.models import Membership, Role, User
from wingrant.auth.permissions import Action, can


def test_application_moves_only_along_the_life_cycle():
    assert can_transition(S.DRAFT, S.SUBMITTED)
    assert not can_transition(S.DRAFT, S.READY)
    assert not can_transition(S.SUBMITTED, S.APPROVED)
    assert not can_transition(S.CLOSED, S.RUNNING)


def test_withdrawal_is_possible_until_the_grant_and_not_after():
    for state in WITHDRAWABLE:
        assert S.WITHDRAWN in allowed_targets(state)
    for state in (S.GRANTED, S.RUNNING, S.REPORT_SUBMITTED, S.CLOSED, S.REJECTED, S.WITHDRAWN):
        assert S.WITHDRAWN not in allowed_targets(state)


def test_forum_outcome_changes_only_as_a_correction():
    assert not can_transition(S.APPROVED, S.DEFERRED)
    assert can_transition(S.APPROVED, S.DEFERRED, correction=True)


def test_every_state_has_a_rule():
    assert set(S) == set(allowed_targets.__globals__["TRANSITIONS"])


def _user(role=None, nb_id=1, admin=False):
    user = User(id=7, email="x@example.org", name="X", password_hash="-", is_admin=admin, active=True)
    if role:
        user.memberships = [Membership(neighbourhood_id=nb_id, role=role)]
    return user


@pytest.mark.parametrize(("role", "action", "allowed"), [
    (Role.MANAGER, Action.MANAGE_APPLICATIONS, True),
    (Role.MANAGER, Action.APPROVE_MINUTES, True),
    (Role.MANAGER, Action.ADMINISTER, False),
    (Role.MINUTES, Action.RECORD_MEETING, True),
    (Role.MINUTES, Action.MANAGE_APPLICATIONS, False),
    (Role.MINUTES, Action.APPROVE_MINUTES, False),
    (Role.READER, Action.READ, True),
    (Role.READER, Action.EDIT_MINUTES, False),
])
def test_role_grants_exactly_its_actions(app, role, action, allowed):
    with app.app_context():
        assert can(_user(role), 1, action) is allowed


def test_role_in_one_neighbourhood_gives_nothing_in_another(app):
    with app.app_context():
        manager = _user(Role.MANAGER, nb_id=1)
        assert not any(can(manager, 2, action) for action in Action)


def test_administrator_may_act_everywhere(app):
    with app.app_context():
        assert all(can(_user(admin=True), 99, action) for action in Action)
