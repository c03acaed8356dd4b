"""The pure rules of Förderzeiträume (wingrant.neighbourhoods.periods)."""

from datetime import date

from wingrant.neighbourhoods.periods import (
    Range,
    Span,
    covers_year,
    first_overlap,
    in_order,
    is_current,
    last_end,
    overlaps,
    ranges,
)

WIN, LLQ = 1, 5


def test_overlapping_periods_of_the_same_programme_overlap():
    open_since_1999 = Span(date(1999, 1, 1))
    assert overlaps(open_since_1999, Span(date(2024, 1, 1), date(2024, 12, 31)))
    assert overlaps(Span(date(2020, 1, 1), date(2022, 6, 30)), Span(date(2022, 6, 30), None))  # one shared day


def test_periods_that_follow_each_other_do_not_overlap():
    assert not overlaps(Span(date(2020, 1, 1), date(2022, 6, 30)), Span(date(2022, 7, 1), None))


def test_periods_of_different_programmes_never_overlap():
    assert not overlaps(Span(date(1999, 1, 1), None, None), Span(date(2020, 1, 1), None, LLQ))
    assert first_overlap([Span(date(1999, 1, 1)), Span(date(2020, 1, 1), None, WIN)],
                         Span(date(2021, 1, 1), None, LLQ)) is None


def test_period_must_not_end_before_it_starts():
    assert in_order(date(2024, 1, 1), date(2024, 1, 1))
    assert in_order(date(2024, 1, 1), None)
    assert not in_order(date(2024, 1, 2), date(2024, 1, 1))


def test_area_is_current_on_the_days_a_period_covers():
    periods = [Span(date(1999, 1, 1), date(2024, 12, 31))]
    assert is_current(periods, date(2024, 12, 31))  # the last day is still funded
    assert not is_current(periods, date(2025, 1, 1))
    assert not is_current(periods, date(1998, 12, 31))


def test_area_without_recorded_periods_counts_as_current():
    assert is_current([], date(2026, 1, 1))
    assert covers_year([], 2040)


def test_year_is_funded_when_a_period_shares_a_day_with_it():
    periods = [Span(date(1999, 7, 1), date(2024, 1, 31))]
    assert covers_year(periods, 1999) and covers_year(periods, 2024)
    assert not covers_year(periods, 2025) and not covers_year(periods, 1998)


def test_programme_period_funds_only_its_programme_and_whole_area_period_every_programme():
    periods = [Span(date(1999, 1, 1), date(2020, 12, 31)), Span(date(2021, 1, 1), None, LLQ)]
    assert covers_year(periods, 2022, LLQ)
    assert not covers_year(periods, 2022, WIN)
    assert covers_year(periods, 2010, LLQ) and covers_year(periods, 2010, WIN)


def test_corrections_that_touch_read_as_one_stretch():
    corrected = [Span(date(1999, 1, 1), date(2010, 6, 30)), Span(date(2010, 7, 1), date(2024, 12, 31)),
                 Span(date(2026, 1, 1))]
    assert ranges(corrected) == [Range(1999, 2024), Range(2026, None)]


def test_programme_periods_show_only_where_the_area_has_no_whole_area_period():
    assert ranges([Span(date(1999, 1, 1)), Span(date(2021, 1, 1), None, LLQ)]) == [Range(1999, None)]
    assert ranges([Span(date(2021, 1, 1), date(2023, 12, 31), LLQ)]) == [Range(2021, 2023)]


def test_past_area_has_a_last_day_and_a_running_one_has_none():
    assert last_end([Span(date(1999, 1, 1), date(2010, 12, 31)), Span(date(2015, 1, 1), date(2024, 12, 31))]) \
        == date(2024, 12, 31)
    assert last_end([Span(date(1999, 1, 1), date(2010, 12, 31)), Span(date(2015, 1, 1))]) is None
    assert last_end([]) is None
