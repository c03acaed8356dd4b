"""The concerns' pure rules: the order of follow-ups, what a step must say, the state on a day."""

from datetime import date

from wingrant.concerns import rules
from wingrant.concerns.models import ConcernStatus as S
from wingrant.concerns.rules import Step

RAISED = date(2026, 3, 4)
TODAY = date(2026, 6, 1)
HISTORY = [Step(RAISED, S.RECORDED), Step(date(2026, 3, 10), S.FORWARDED, "Ortsamt Huchting")]


def _fields(new, history=HISTORY):
    return [p.field for p in rules.follow_up_problems(new, history, raised_on=RAISED, today=TODAY)]


def test_follow_up_may_not_be_dated_before_the_previous_step():
    assert _fields(Step(date(2026, 3, 9), S.ANSWERED, note="Antwort")) == ["date"]
    assert _fields(Step(date(2026, 3, 10), S.ANSWERED, note="Antwort")) == []


def test_follow_up_may_not_be_dated_in_the_future_or_before_the_concern():
    assert _fields(Step(date(2026, 6, 2), S.DONE)) == ["date"]
    assert _fields(Step(date(2026, 3, 3), S.DONE), history=[]) == ["date"]


def test_forwarding_names_the_office_it_went_to():
    assert _fields(Step(date(2026, 3, 5), S.FORWARDED), history=HISTORY[:1]) == ["office"]
    assert _fields(Step(date(2026, 3, 5), S.FORWARDED, "ASV"), history=HISTORY[:1]) == []


def test_step_that_changes_nothing_is_refused():
    assert _fields(Step(date(2026, 4, 1), S.FORWARDED)) == ["note"]
    assert _fields(Step(date(2026, 4, 1), S.FORWARDED, "Ortsamt Huchting")) == ["note"]
    assert _fields(Step(date(2026, 4, 1), S.FORWARDED, note="Nachgefragt")) == []
    assert _fields(Step(date(2026, 4, 1), S.FORWARDED, "Polizei")) == []


def test_state_on_a_day_ignores_later_steps_and_keeps_the_last_office():
    history = [*HISTORY, Step(date(2026, 4, 2), S.ANSWERED, note="Leuchte wird ersetzt"),
               Step(date(2026, 5, 1), S.DONE)]
    assert rules.state_on(history, date(2026, 3, 3)) is None
    assert rules.state_on(history, RAISED).status == S.RECORDED
    on_april_2 = rules.state_on(history, date(2026, 4, 2))
    assert (on_april_2.status, on_april_2.office) == (S.ANSWERED, "Ortsamt Huchting")
    assert rules.state_on(history, TODAY).status == S.DONE


def test_office_suggestions_name_each_office_once_most_used_first():
    offices = ["ASV", "Ortsamt  Huchting", "ortsamt huchting", "", "Polizei", "Ortsamt Huchting"]
    assert rules.office_suggestions(offices) == ["Ortsamt Huchting", "ASV", "Polizei"]
