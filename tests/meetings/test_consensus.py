"""The Konsensprinzip as a pure rule: examples named after the rules, and properties."""

from hypothesis import given
from hypothesis import strategies as st

from wingrant.meetings.consensus import (
    ALWAYS_OPEN,
    APPROVALS,
    Deliberation,
    Objection,
    Outcome,
    Reason,
    Recusal,
    Rules,
    Votes,
    assess,
    decide,
    standing_objections,
)

STRICT = Rules(allow_dissent_referral=False, vote_after_deferrals=None)
WITH_REFERRAL = Rules(allow_dissent_referral=True, vote_after_deferrals=None)
VOTE_AFTER_TWO = Rules(allow_dissent_referral=True, vote_after_deferrals=2)


def test_approval_without_objection_is_consensus():
    verdict = decide(Deliberation(rules=STRICT), Outcome.APPROVED)
    assert verdict.outcome == Outcome.APPROVED
    assert verdict.reason == Reason.CONSENSUS
    assert not verdict.by_vote


def test_objection_blocks_consensus():
    d = Deliberation(objections=(Objection("Frau Schulz"),), rules=STRICT)
    for outcome in APPROVALS:
        verdict = decide(d, outcome)
        assert verdict.outcome is None
        assert verdict.reason == Reason.BLOCKED


def test_group_objection_blocks_consensus():
    d = Deliberation(objections=(Objection("residents", is_group=True),), rules=STRICT)
    assert not decide(d, Outcome.APPROVED_WITH_CHANGES).allowed


def test_single_objection_among_many_withdrawn_still_blocks():
    objections = tuple(Objection(f"Person {i}", withdrawn=True) for i in range(5)) + (Objection("Person 9"),)
    assert not decide(Deliberation(objections=objections, rules=STRICT), Outcome.APPROVED).allowed


def test_withdrawn_objection_no_longer_blocks():
    d = Deliberation(objections=(Objection("Frau Schulz", withdrawn=True),), rules=STRICT)
    assert decide(d, Outcome.APPROVED).reason == Reason.CONSENSUS


def test_recused_objection_does_not_block():
    d = Deliberation(objections=(Objection("Jan Ohlrogge"),),
                     recusals=(Recusal("jan  OHLROGGE", "Fahrradwerkstatt Roter Sand gGmbH"),), rules=STRICT)
    assert decide(d, Outcome.APPROVED).allowed
    assert assess(d).discounted == (Objection("Jan Ohlrogge"),)
    assert assess(d).standing == ()


def test_objection_in_the_name_of_a_recused_organisation_does_not_block():
    d = Deliberation(objections=(Objection("Fahrradwerkstatt Roter Sand gGmbH"),),
                     recusals=(Recusal("Jan Ohlrogge", "Fahrradwerkstatt Roter Sand gGmbH"),), rules=STRICT)
    assert decide(d, Outcome.APPROVED).allowed


def test_recused_objection_does_not_count_as_dissent_for_referral():
    d = Deliberation(objections=(Objection("Jan Ohlrogge"),), recusals=(Recusal("Jan Ohlrogge"),),
                     rules=WITH_REFERRAL)
    assert decide(d, Outcome.REFERRED).reason == Reason.NO_DISSENT


def test_recusal_of_someone_else_does_not_lift_an_objection():
    d = Deliberation(objections=(Objection("Frau Schulz"),), recusals=(Recusal("Herr Schulz"),), rules=STRICT)
    assert not decide(d, Outcome.APPROVED).allowed


def test_group_objection_is_never_lifted_by_a_recusal():
    d = Deliberation(objections=(Objection("residents", is_group=True),), recusals=(Recusal("residents"),),
                     rules=STRICT)
    assert not decide(d, Outcome.APPROVED).allowed


def test_blocked_case_can_be_deferred_rejected_or_withdrawn():
    d = Deliberation(objections=(Objection("Frau Schulz"),), rules=STRICT)
    assert assess(d).permitted == ALWAYS_OPEN


def test_referral_only_where_the_rules_allow_dissent_procedure():
    blocked = (Objection("Frau Schulz"),)
    assert decide(Deliberation(objections=blocked, rules=WITH_REFERRAL), Outcome.REFERRED).allowed
    refused = decide(Deliberation(objections=blocked, rules=STRICT), Outcome.REFERRED)
    assert refused.reason == Reason.REFERRAL_NOT_ALLOWED


def test_referral_needs_dissent():
    assert decide(Deliberation(rules=WITH_REFERRAL), Outcome.REFERRED).reason == Reason.NO_DISSENT


def test_vote_is_not_allowed_before_the_deferrals_the_rules_require():
    d = Deliberation(objections=(Objection("A"),), votes=Votes(10, 1), previous_deferrals=1, rules=VOTE_AFTER_TWO)
    verdict = decide(d, Outcome.APPROVED)
    assert verdict.reason == Reason.VOTE_NOT_ALLOWED
    assert assess(d).permitted == frozenset()  # a vote that may not be held permits nothing


def test_vote_is_never_allowed_where_the_rules_have_no_vote():
    d = Deliberation(objections=(Objection("A"),), votes=Votes(10, 1), previous_deferrals=50, rules=WITH_REFERRAL)
    assert decide(d, Outcome.APPROVED).reason == Reason.VOTE_NOT_ALLOWED


def test_blocked_case_after_enough_deferrals_asks_for_a_vote():
    d = Deliberation(objections=(Objection("A"),), previous_deferrals=2, rules=VOTE_AFTER_TWO)
    assert decide(d, Outcome.APPROVED).reason == Reason.VOTE_REQUIRED
    assert assess(d).vote_open


def test_majority_vote_after_deferrals_can_approve_despite_objection():
    d = Deliberation(objections=(Objection("A"),), votes=Votes(yes=12, no=3, abstain=4), previous_deferrals=2,
                     rules=VOTE_AFTER_TWO)
    verdict = decide(d, Outcome.APPROVED_WITH_CHANGES)
    assert verdict.outcome == Outcome.APPROVED_WITH_CHANGES
    assert verdict.reason == Reason.MAJORITY and verdict.by_vote


def test_tied_vote_is_no_majority():
    d = Deliberation(objections=(Objection("A"),), votes=Votes(yes=5, no=5, abstain=10), previous_deferrals=3,
                     rules=VOTE_AFTER_TWO)
    assert decide(d, Outcome.APPROVED).reason == Reason.NO_MAJORITY
    assert Outcome.DEFERRED in assess(d).permitted


def test_more_votes_than_entitled_people_are_refused():
    d = Deliberation(objections=(Objection("A"),), votes=Votes(yes=12, no=3), previous_deferrals=2,
                     rules=VOTE_AFTER_TWO, entitled_present=14)
    assert decide(d, Outcome.APPROVED).reason == Reason.INVALID_VOTES


def test_negative_votes_are_refused():
    d = Deliberation(votes=Votes(yes=3, no=-1), previous_deferrals=2, rules=VOTE_AFTER_TWO)
    assert decide(d, Outcome.DEFERRED).reason == Reason.INVALID_VOTES


# --- properties ------------------------------------------------------------------

NAMES = st.sampled_from(["Anna", "Berkan", "Chiara", "Dirk", "Elif", "Frieda", "Verein e. V.", "Kita Sonne"])
objections = st.builds(
    Objection, who=st.one_of(NAMES, st.sampled_from(["residents", "institutions"])),
    withdrawn=st.booleans(), is_group=st.booleans(),
)
recusals = st.builds(Recusal, person=NAMES, organisation=st.one_of(st.just(""), NAMES))
rules = st.builds(Rules, allow_dissent_referral=st.booleans(),
                  vote_after_deferrals=st.one_of(st.none(), st.integers(1, 4)))
votes = st.one_of(st.none(), st.builds(Votes, yes=st.integers(-2, 30), no=st.integers(-2, 30),
                                       abstain=st.integers(-2, 30)))
deliberations = st.builds(
    Deliberation,
    objections=st.lists(objections, max_size=6).map(tuple),
    recusals=st.lists(recusals, max_size=3).map(tuple),
    votes=votes,
    previous_deferrals=st.integers(0, 5),
    rules=rules,
    entitled_present=st.one_of(st.none(), st.integers(0, 60)),
)


def _entitled_objection_stands(d: Deliberation) -> bool:
    """Written independently of the module: a non-withdrawn objection by someone not recused."""
    recused = {" ".join(n.split()).casefold() for r in d.recusals for n in (r.person, r.organisation) if n.strip()}
    return any(not o.withdrawn and (o.is_group or " ".join(o.who.split()).casefold() not in recused)
               for o in d.objections)


@given(deliberations, st.sampled_from(sorted(APPROVALS)))
def test_no_approval_while_an_entitled_objection_stands(d, proposed):
    verdict = decide(d, proposed)
    if _entitled_objection_stands(d) and verdict.allowed:
        # The only way past a standing objection: a valid majority vote the rules allow.
        assert verdict.by_vote
        assert d.rules.vote_after_deferrals is not None and d.previous_deferrals >= d.rules.vote_after_deferrals
        assert d.votes is not None and d.votes.yes > d.votes.no


@given(deliberations, st.sampled_from(sorted(APPROVALS)))
def test_under_strict_consensus_no_approval_while_an_entitled_objection_stands(d, proposed):
    strict = Deliberation(d.objections, d.recusals, None, d.previous_deferrals,
                          Rules(d.rules.allow_dissent_referral, None), d.entitled_present)
    assert decide(strict, proposed).allowed == (not _entitled_objection_stands(strict))


@given(deliberations, st.lists(NAMES, min_size=1, max_size=4), st.booleans())
def test_recused_people_never_count(d, names, withdrawn):
    """Adding objections by recused people changes nothing, whatever else was recorded."""
    with_recused = Deliberation(
        d.objections + tuple(Objection(n, withdrawn=withdrawn) for n in names),
        d.recusals + tuple(Recusal(n) for n in names),
        d.votes, d.previous_deferrals, d.rules, d.entitled_present,
    )
    without = Deliberation(d.objections, with_recused.recusals, d.votes, d.previous_deferrals, d.rules,
                           d.entitled_present)
    assert assess(with_recused).permitted == assess(without).permitted
    assert standing_objections(with_recused) == standing_objections(without)
    for outcome in Outcome:
        assert decide(with_recused, outcome) == decide(without, outcome)


@given(deliberations, st.lists(objections, max_size=3))
def test_withdrawn_objections_never_count(d, extra):
    withdrawn = tuple(Objection(o.who, withdrawn=True, is_group=o.is_group) for o in extra)
    more = Deliberation(d.objections + withdrawn, d.recusals, d.votes, d.previous_deferrals, d.rules,
                        d.entitled_present)
    assert assess(more).permitted == assess(d).permitted


@given(deliberations)
def test_deferral_rejection_and_withdrawal_are_always_possible_with_valid_input(d):
    valid_votes = d.votes is None or (
        d.rules.vote_after_deferrals is not None and d.previous_deferrals >= d.rules.vote_after_deferrals
        and min(d.votes.yes, d.votes.no, d.votes.abstain) >= 0
        and (d.entitled_present is None or d.votes.total <= d.entitled_present))
    permitted = assess(d).permitted
    assert (ALWAYS_OPEN <= permitted) == valid_votes
    if not valid_votes:
        assert permitted == frozenset()


@given(deliberations)
def test_referral_only_with_dissent_and_where_the_rules_allow_it(d):
    if Outcome.REFERRED in assess(d).permitted:
        assert d.rules.allow_dissent_referral
        assert _entitled_objection_stands(d) or (d.votes is not None and d.votes.no > 0)
