"""The print documents are accessible: one H1 and no heading inside another, every figure with an
alternative text, each attached file listed once (found by trying the minutes PDF as a new user)."""

import pytest

from tests.documents import associated_files, outline_problems, tagged_problems
from wingrant.minutes.export import FILENAME
from wingrant.minutes.letters import render_letter
from wingrant.minutes.pdf import render_html, render_pdf
from wingrant.minutes.record_loader import minutes_record


@pytest.mark.parametrize("public", [True, False])
def test_minutes_print_html_has_one_h1_headings_in_order_and_texts_for_every_figure(app, held, public):
    with app.test_request_context():
        html = render_html(minutes_record(held.meeting.id, public=public), version=1 if public else None)
    assert outline_problems(html) == []


def test_outline_check_finds_what_it_is_for():
    """The check itself: what the minutes' letterhead and title were before."""
    before = ('<header><svg role="img" aria-label="WiN"><circle r="1"/></svg></header>'
              '<h1>Ergebnisprotokoll<span class="subtitle">Sitzung</span></h1><h3>x</h3><img src="a.png">')
    assert outline_problems(before) == ["<svg> without <title> (the figure's alternative text)",
                                        "<h3> follows <h1>", "<img src='a.png'> without alt"]
    assert outline_problems("<h1>a<div><h1>b</h1></div></h1>") == ["<h1> inside <h1>", "2 <h1> instead of one"]


@pytest.mark.slow
def test_minutes_pdf_tags_one_h1_and_the_letterhead_logo_with_its_text(app, held):
    with app.test_request_context():
        pdf = render_pdf(minutes_record(held.meeting.id, public=True), version=1)
    assert tagged_problems(pdf) == []


@pytest.mark.slow
def test_minutes_pdf_lists_its_embedded_decisions_once(app, held):
    with app.test_request_context():
        pdf = render_pdf(minutes_record(held.meeting.id, public=True), version=1)
    assert associated_files(pdf) == ([FILENAME], [FILENAME])


@pytest.mark.slow
def test_decision_letter_pdf_has_one_h1_and_no_figure_without_text(app, db, held):
    with app.test_request_context():
        assert tagged_problems(render_letter(str(held.decisions[0].id))) == []
