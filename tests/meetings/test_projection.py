"""The agenda's money is cumulative: each item starts from what the items before it would leave."""

from wingrant.meetings.projection import Step, available_after_agenda, totals_after_agenda

WIN, SOZ = ("WIN", 2026), ("SOZ", 2026)


def test_available_after_agenda_is_cumulative():
    steps = available_after_agenda({WIN: 139_200_00}, [{WIN: 5_000_00}, {WIN: 5_000_00}])
    assert steps == [{WIN: Step(139_200_00, 134_200_00)}, {WIN: Step(134_200_00, 129_200_00)}]


def test_each_programme_is_followed_on_its_own():
    steps = available_after_agenda({WIN: 10_000_00, SOZ: 3_000_00},
                                   [{WIN: 4_000_00, SOZ: 2_000_00}, {SOZ: 2_000_00}, {WIN: 1_000_00}])
    assert steps[1] == {SOZ: Step(1_000_00, -1_000_00)}
    assert steps[1][SOZ].overspend
    assert steps[2] == {WIN: Step(6_000_00, 5_000_00)}


def test_a_request_without_budget_has_no_step_and_moves_nothing():
    steps = available_after_agenda({WIN: 1_000_00}, [{SOZ: 500_00, WIN: 100_00}, {WIN: 100_00}])
    assert steps == [{WIN: Step(1_000_00, 900_00)}, {WIN: Step(900_00, 800_00)}]


def test_totals_after_agenda_show_now_and_after_everything():
    totals = totals_after_agenda({WIN: 10_000_00, SOZ: 3_000_00, ("LOS", 2026): 7_00},
                                 [{WIN: 4_000_00}, {WIN: 1_000_00, SOZ: 500_00}])
    assert totals == {WIN: Step(10_000_00, 5_000_00), SOZ: Step(3_000_00, 2_500_00)}  # LOS: nothing asked


def test_an_empty_agenda_changes_nothing():
    assert available_after_agenda({WIN: 1}, []) == []
    assert totals_after_agenda({WIN: 1}, []) == {}
