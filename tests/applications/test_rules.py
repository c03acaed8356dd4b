"""The pure rules of an application: balance, caps, investive programmes, period, duplicates."""

from datetime import date

import pytest

from wingrant.applications.models import CostCategory as C
from wingrant.applications.models import FundingSource as F
from wingrant.applications.rules import (
    PLAN_FIELD,
    ApplicationInput,
    CostLine,
    FundingLine,
    ProgrammeRule,
    structural_problems,
    submission_problems,
)
from wingrant.organisations.rules import likely_duplicates, normalise_name

WIN = ProgrammeRule(1, "WIN", "WiN", max_share_percent=50)
SOZ = ProgrammeRule(2, "SOZ", "Soziale Stadt", max_share_percent=100, investive_only=True)
PROGRAMMES = {1: WIN, 2: SOZ}


def _input(costs=((C.MATERIAL, 1_000_00),), own=500_00, requests=None, start=date(2026, 3, 1),
           end=date(2026, 10, 31), year=2026):
    return ApplicationInput(
        organisation_id=1, title="Hochbeete", year=year, start_date=start, end_date=end,
        costs=[CostLine(cat, "x", cents, row=i) for i, (cat, cents) in enumerate(costs)],
        funding=[FundingLine(F.OWN_FUNDS, own, row=0)] if own else [],
        requests={1: 500_00} if requests is None else requests,
    )


def _fields(problems):
    return [p.field for p in problems]


def test_balanced_plan_within_cap_and_year_has_no_problems(app):
    with app.test_request_context():
        assert submission_problems(_input(), PROGRAMMES) == []


def test_unbalanced_plan_blocks_submission_and_names_the_gap(app):
    with app.test_request_context():
        problems = submission_problems(_input(own=300_00), PROGRAMMES)
    assert _fields(problems) == [PLAN_FIELD]
    assert "Es fehlen 200,00\u00a0€" in problems[0].message


def test_overfinanced_plan_blocks_submission(app):
    with app.test_request_context():
        problems = submission_problems(_input(own=600_00), PROGRAMMES)
    assert "übersteigt die Kosten um 100,00\u00a0€" in problems[0].message


def test_unbalanced_plan_is_no_structural_problem_so_a_draft_may_be_saved(app):
    with app.test_request_context():
        assert structural_problems(_input(own=0)) == []


def test_programme_may_not_pay_more_than_its_share_of_total_cost(app):
    data = _input(own=400_00, requests={1: 600_00})  # WiN 60 % > 50 %
    with app.test_request_context():
        problems = submission_problems(data, PROGRAMMES)
    assert _fields(problems) == ["request_1"]
    assert "höchstens 50 % der Gesamtkosten tragen, also höchstens 500,00\u00a0€" in problems[0].message


def test_cap_rounds_down_to_the_cent(app):
    data = _input(costs=((C.MATERIAL, 333),), own=166, requests={1: 167})  # 50 % of 3,33 € is 1,66 €
    with app.test_request_context():
        assert _fields(submission_problems(data, PROGRAMMES)) == ["request_1"]


def test_investive_programme_funds_only_investment_lines(app):
    data = _input(costs=((C.INVESTMENT, 600_00), (C.MATERIAL, 400_00)), own=0, requests={2: 1_000_00})
    with app.test_request_context():
        problems = submission_problems(data, PROGRAMMES)
    assert _fields(problems) == ["request_2"]
    assert "nur Investitionen: höchstens 600,00\u00a0€" in problems[0].message


def test_investive_programme_may_fund_all_investment_cost(app):
    data = _input(costs=((C.INVESTMENT, 600_00), (C.MATERIAL, 400_00)), own=400_00, requests={2: 600_00})
    with app.test_request_context():
        assert submission_problems(data, PROGRAMMES) == []


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2025, 12, 1), date(2026, 3, 1), "start_date"),
    (date(2026, 3, 1), date(2027, 1, 31), "end_date"),
    (None, date(2026, 3, 1), "start_date"),
    (date(2026, 3, 1), None, "end_date"),
])
def test_period_must_lie_within_the_budget_year(app, start, end, field):
    with app.test_request_context():
        assert _fields(submission_problems(_input(start=start, end=end), PROGRAMMES)) == [field]


def test_end_before_start_can_never_be_stored(app):
    with app.test_request_context():
        problems = structural_problems(_input(start=date(2026, 5, 1), end=date(2026, 4, 1)))
    assert _fields(problems) == ["end_date"]


def test_amounts_must_be_positive(app):
    data = _input(costs=((C.MATERIAL, 0),), own=-5, requests={1: 0})
    with app.test_request_context():
        assert _fields(structural_problems(data)) == ["costs-0-amount", "funding-0-amount", "request_1"]


def test_submission_needs_costs_and_a_request(app):
    with app.test_request_context():
        problems = submission_problems(_input(costs=(), own=0, requests={}), PROGRAMMES)
    assert "costs" in _fields(problems)
    assert any("wie viel aus welchem Förderprogramm" in p.message for p in problems)


def test_request_from_unknown_programme_is_refused(app):
    with app.test_request_context():
        problems = submission_problems(_input(own=500_00, requests={99: 500_00}), PROGRAMMES)
    assert "request_99" in _fields(problems)


@pytest.mark.parametrize(("a", "b"), [
    ("Nachbarschaftsgarten Huchting e. V.", "nachbarschaftsgarten huchting"),
    ("Nachbarschaftsgarten Huchting e.V.", "Nachbarschaftsgarten-Huchting EV"),
    ("Kulturwerkstatt Gröpelingen e. V.", "Kulturwerkstatt Groepelingen"),
    ("Fahrradwerkstatt Roter Sand gGmbH", "Fahrradwerkstatt Roter Sand"),
])
def test_names_differing_only_in_legal_form_case_or_punctuation_normalise_alike(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_likely_duplicates_finds_similar_names_and_leaves_different_ones():
    existing = [(1, "Nachbarschaftsgarten Huchting e. V."), (2, "Jugendtheater Sodenmatt e. V."),
                (3, "Kita Regenbogen Huchting")]
    assert likely_duplicates("Nachbarschaftsgarten Huchting", existing) == [(1, "Nachbarschaftsgarten Huchting e. V.")]
    assert likely_duplicates("Nachbarschafts-Garten Huchting eV", existing)[0][0] == 1
    assert likely_duplicates("Jugendtheater Sodenmat e.V.", existing) == [(2, "Jugendtheater Sodenmatt e. V.")]
    assert likely_duplicates("Sportverein Huchting", existing) == []
