"""TOP numbers: one rule for the meeting pages, the minutes and OParl (a pure function)."""

from types import SimpleNamespace

from wingrant.meetings.models import AgendaItemKind as K
from wingrant.meetings.queries import top_numbers


def _item(kind, application_id=None):
    return SimpleNamespace(kind=kind, application_id=application_id)


def test_applications_under_a_heading_are_numbered_beneath_it():
    items = [_item(K.WELCOME), _item(K.MINUTES_APPROVAL), _item(K.APPLICATION), _item(K.APPLICATION, 7),
             _item(K.APPLICATION, 8), _item(K.RESIDENTS), _item(K.OTHER)]
    assert top_numbers(items) == [("1", False), ("2", False), ("3", True), ("3.1", False), ("3.2", False),
                                  ("4", False), ("5", False)]


def test_application_items_without_a_heading_get_whole_numbers():
    assert top_numbers([_item(K.WELCOME), _item(K.APPLICATION, 1), _item(K.APPLICATION, 2)]) == [
        ("1", False), ("2", False), ("3", False)]


def test_a_block_ends_at_the_first_item_that_is_not_an_application():
    items = [_item(K.APPLICATION), _item(K.APPLICATION, 1), _item(K.REPORTS), _item(K.APPLICATION, 2),
             _item(K.APPLICATION), _item(K.APPLICATION, 3)]
    assert top_numbers(items) == [("1", True), ("1.1", False), ("2", False), ("3", False), ("4", True),
                                  ("4.1", False)]


def test_an_empty_agenda_has_no_numbers():
    assert top_numbers([]) == []
