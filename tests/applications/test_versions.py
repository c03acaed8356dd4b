"""Versions: what the forum saw is kept when a deferred application changes."""

import sqlalchemy as sa

from wingrant.applications import versions
from wingrant.applications.lifecycle import transition
from wingrant.applications.models import ApplicationState as S
from wingrant.applications.models import ApplicationVersion
from wingrant.database import unit_of_work

from .conftest import application_form_data, count, detail_url, post_step, reload


def _edit(forms, app, **changes):
    data = application_form_data(app.organisation, **changes)
    response = forms.post(f"{detail_url(app)}/bearbeiten", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _deferred(make_application, win):
    return make_application("Offene Fahrradwerkstatt", state=S.DEFERRED, own=500_00, requests={win: 500_00})


def _same_plan(win):
    return {"costs": [("material", "Material", "1.000")], "funding": [("own_funds", "", "500")],
            "requests": {win: "500"}}


def test_changing_a_deferred_application_keeps_the_version_the_forum_saw(as_manager, forms, make_application,
                                                                          win, db):
    app = _deferred(make_application, win)
    _edit(forms, app, title="Offene Fahrradwerkstatt mit Anleitung",
          costs=[("material", "Material", "1.000"), ("fees", "Anleitung", "600")],
          funding=[("own_funds", "", "800")], requests={win: "800"})
    app = reload(db, app)
    assert app.version == 2
    kept = db.session.execute(sa.select(ApplicationVersion)).scalar_one()
    assert kept.version == 1
    assert kept.snapshot["title"] == "Offene Fahrradwerkstatt"
    assert kept.snapshot["total_cost_cents"] == 1_000_00
    assert kept.snapshot["requested"] == {"WiN": 500_00}


def test_further_changes_before_the_forum_sees_it_again_stay_in_the_same_version(
        as_manager, forms, make_application, win, db):
    app = _deferred(make_application, win)
    _edit(forms, app, title="Erste Änderung", **_same_plan(win))
    _edit(forms, app, title="Zweite Änderung", **_same_plan(win))
    assert reload(db, app).version == 2
    assert count(db, ApplicationVersion) == 1


def test_after_another_deferral_the_next_change_is_a_new_version(as_manager, forms, make_application, win, db,
                                                                   manager, app):
    application = _deferred(make_application, win)
    _edit(forms, application, title="Erste Änderung", **_same_plan(win))
    with app.test_request_context():
        with unit_of_work():
            a = reload(db, application)
            transition(a, S.READY, user=None)
        with unit_of_work():
            a = reload(db, application)
            transition(a, S.DEFERRED, user=None, reason="Noch einmal vertagt")
    _edit(forms, application, title="Zweite Änderung", **_same_plan(win))
    assert reload(db, application).version == 3
    snapshots = db.session.execute(sa.select(ApplicationVersion).order_by(ApplicationVersion.version)).scalars()
    assert [(v.version, v.snapshot["title"]) for v in snapshots] == [(1, "Offene Fahrradwerkstatt"),
                                                                     (2, "Erste Änderung")]


def test_saving_without_changes_keeps_the_version(as_manager, forms, make_application, win, db):
    app = _deferred(make_application, win)
    _edit(forms, app, title="Offene Fahrradwerkstatt", **_same_plan(win))
    assert reload(db, app).version == 1
    assert count(db, ApplicationVersion) == 0


def test_changes_before_the_forum_saw_the_application_make_no_version(as_manager, forms, make_application, win, db):
    app = make_application(state=S.IN_REVIEW)
    _edit(forms, app, title="Neuer Titel", **_same_plan(win))
    assert reload(db, app).version == 1
    assert count(db, ApplicationVersion) == 0


def test_deferred_application_reworked_in_review_is_still_versioned(as_manager, forms, make_application, win, db):
    app = _deferred(make_application, win)
    post_step(as_manager, app, "pruefen", "Überarbeitung nach der Sitzung")
    _edit(forms, app, title="Überarbeitet", **_same_plan(win))
    assert reload(db, app).version == 2


def test_page_shows_what_changed_since_the_forum_last_saw_it(as_manager, forms, make_application, win, db):
    app = _deferred(make_application, win)
    _edit(forms, app, title="Offene Fahrradwerkstatt", summary="Jetzt mit fester Anleitung.",
          costs=[("material", "Material", "1.000"), ("fees", "Anleitung", "600")],
          funding=[("own_funds", "", "800")], requests={win: "800"})
    page = as_manager.get(detail_url(app)).get_data(as_text=True)
    changes = page[page.index("Geändert, seit das Forum"):page.index('aria-labelledby="project-title"')]
    assert "Version 1" in changes
    assert "Gesamtkosten" in changes and "1.000,00\u00a0€" in changes and "1.600,00\u00a0€" in changes
    assert "Beantragt aus WiN" in changes and "+300,00\u00a0€" in changes
    assert "Honorare: Anleitung" in changes
    assert "Kurzbeschreibung" in changes and "Jetzt mit fester Anleitung." in changes
    assert "Titel" not in changes


def test_diff_reports_added_removed_and_changed_amounts(app):
    old = {"version": 1, "title": "A", "total_cost_cents": 100, "requested": {"WiN": 50},
           "costs": [{"category": "material", "description": "Holz", "amount_cents": 100}],
           "funding": [{"source": "own_funds", "programme": None, "description": "", "amount_cents": 50}]}
    new = {"version": 2, "title": "B", "total_cost_cents": 100, "requested": {"WiN": 50, "Soziale Stadt": 50},
           "costs": [{"category": "investment", "description": "Holz", "amount_cents": 100}], "funding": []}
    with app.test_request_context():
        changes = versions.diff(old, new)
        labels = {(c.label, c.before, c.after) for c in changes.amounts}
    assert [(t.label, t.before, t.after) for t in changes.texts] == [("Titel", "A", "B")]
    assert ("Beantragt aus Soziale Stadt", None, 50) in labels
    assert ("Eigenmittel", 50, None) in labels
    assert ("Kostenplan – Sachkosten: Holz", 100, None) in labels
    assert ("Kostenplan – Investitionen: Holz", None, 100) in labels
    assert not any(label == "Gesamtkosten" for label, _b, _a in labels)
