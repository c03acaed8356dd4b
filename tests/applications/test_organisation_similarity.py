"""Which Träger names may be the same organisation (``organisations.rules.similarity_reason``): the
rules the duplicate hint of the Träger form and of the import stand on."""

import pytest

from wingrant.organisations.rules import Reason, abbreviates, edit_distance, likely_duplicates, similarity_reason


@pytest.mark.parametrize(("a", "b", "reason"), [
    ("gesundheitstreffpunkt  west e.V.", "Gesundheitstreffpunkt West", Reason.SAME),
    ("West Gesundheitstreffpunkt", "Gesundheitstreffpunkt West", Reason.SAME),
    # abbreviations: the words' initials, one the name gives itself, letters inside a compound
    ("AWO", "Arbeiter Wohlfahrt Ortsverein", Reason.ABBREVIATION),
    ("BUND", "Bund für Umwelt und Naturschutz Deutschland", Reason.ABBREVIATION),
    ("GTP", "Gesundheitstreffpunkt West (GTP)", Reason.ABBREVIATION),
    ("gtp", "Gesundheitstreffpunkt West – GTP", Reason.ABBREVIATION),
    ("GTP", "Gesundheitstreffpunkt West", Reason.ABBREVIATION),
    ("AWO", "Arbeiterwohlfahrt", Reason.ABBREVIATION),
    ("Gesundheitstreffpunkt", "Gesundheitstreffpunkt West", Reason.CONTAINED),
    ("Kita Regenbogen", "Kita Regenbogen Huchting gGmbH", Reason.CONTAINED),
    ("Jugendtheater Sodenmat e.V.", "Jugendtheater Sodenmatt e. V.", Reason.TYPO),
    ("Nachbarschaftsgraten Huchting", "Nachbarschaftsgarten Huchting", Reason.TYPO),
])
def test_names_that_may_be_the_same_organisation_and_why(a, b, reason):
    assert similarity_reason(a, b) == reason
    assert similarity_reason(b, a) == reason


@pytest.mark.parametrize(("a", "b"), [
    ("GTP", "Gröpelinger Sportverein"),  # no P after the T
    ("GTP", "Kita Regenbogen"),  # another first letter
    ("gtp", "Gesundheitstreffpunkt West"),  # lower case is no abbreviation inside a compound
    ("Kita Huchting", "Kita Tenever"),
    ("Kulturverein Huchting", "Sportverein Huchting"),
    ("Quartiersmanagement Huchting", "Quartiersmanagement Tenever"),
    ("Mütterzentrum Osterholz", "Familienzentrum Osterholz"),  # renamed: not caught
    ("Kita", "Kita Regenbogen"),  # a 4-letter generic word is no name of its own
])
def test_different_organisations_are_not_flagged(a, b):
    assert similarity_reason(a, b) is None


def test_an_abbreviation_is_one_short_word():
    assert not abbreviates("Gesundheits Treff Punkt", "Gesundheitstreffpunkt West")
    assert not abbreviates("GESUNDHEITSTREFF", "Gesundheitstreffpunkt")


def test_edit_distance_stops_past_its_limit():
    assert edit_distance("sodenmat", "sodenmatt") == 1
    assert edit_distance("graten", "garten") == 2
    assert edit_distance("huchting", "tenever") == 3  # limit 2: "more than two"


def test_likely_duplicates_puts_the_same_name_before_an_abbreviation_or_a_longer_name():
    existing = [(1, "Gesundheitstreffpunkt West"), (2, "GTP"), (3, "Gesundheitstreffpunkt"), (4, "Sportverein")]
    assert likely_duplicates("Gesundheitstreffpunkt e. V.", existing) == [
        (3, "Gesundheitstreffpunkt"), (2, "GTP"), (1, "Gesundheitstreffpunkt West")]
