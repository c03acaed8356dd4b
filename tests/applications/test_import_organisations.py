"""A Träger the import would create that looks like one that exists: the preview says so, and the user
chooses. Found by trying the import as a new user: "GTP" became a second Träger beside
"Gesundheitstreffpunkt West" without a word."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.applications.models import Application
from wingrant.imports import files as import_files
from wingrant.imports import parsing as imports
from wingrant.imports import services as import_services
from wingrant.organisations.models import Organisation

from .conftest import count
from .test_import import upload, xlsx

ROWS = [(2024, "Gesund im Quartier", "GTP", "WIN", "1.000", "", "Eingereicht"),
        (2024, "Bewegung im Park", "GTP", "WIN", "800", "", "Eingereicht"),
        (2024, "Kochkurs", "Gesundheitstreffpunkt", "WIN", "500", "", "Eingereicht"),
        (2024, "Lesepaten", "Bücherei am Markt", "WIN", "300", "", "Eingereicht")]


def test_a_new_traeger_like_an_existing_one_gets_its_alternatives(db, huchting, win, make_organisation):
    west = make_organisation("Gesundheitstreffpunkt West e. V.")
    make_organisation("Sportverein Huchting")
    ctx = import_services.context(huchting.id)
    rows = imports.check_rows(import_files.read_table(xlsx(ROWS)).rows, ctx)
    new = {n.name: (n.lines, n.alternatives) for n in imports.new_organisations(rows, ctx)}
    assert new == {
        "GTP": ([2, 3], [(f"traeger-{west.id}", "Gesundheitstreffpunkt West e. V.")]),
        # Also like "GTP", new a line earlier: it may join it instead of becoming a third.
        "Gesundheitstreffpunkt": ([4], [(f"traeger-{west.id}", "Gesundheitstreffpunkt West e. V."),
                                        ("neu-gtp", "GTP")]),
        "Bücherei am Markt": ([5], []),
    }


def _confirm_with(client, preview_url, choices: dict[str, str]):
    page = client.get(preview_url).get_data(as_text=True)
    return client.post(preview_url, data={"csrf_token": csrf_token_from(page), **choices})


def test_the_preview_says_possibly_the_same_and_the_user_chooses_the_existing_one(
        as_manager, db, win, make_organisation):
    west = make_organisation("Gesundheitstreffpunkt West e. V.")
    preview_url = upload(as_manager, xlsx(ROWS)).headers["Location"]
    page = as_manager.get(preview_url).get_data(as_text=True)
    assert "Diese Träger gibt es vielleicht schon" in page
    assert "„GTP“ (Zeile 2, 3): Möglicherweise dasselbe wie „Gesundheitstreffpunkt West e. V.“." in page
    assert ("„Gesundheitstreffpunkt“ (Zeile 4): Möglicherweise dasselbe wie „Gesundheitstreffpunkt West e. V.“ "
            "oder „GTP“.") in page
    assert f'name="traeger:gtp" value="traeger-{west.id}"' in page
    assert 'name="traeger:gtp" value="neu" checked' in page  # creating stays the default
    response = _confirm_with(as_manager, preview_url, {"traeger:gtp": f"traeger-{west.id}",
                                                        "traeger:gesundheitstreffpunkt": "neu-gtp"})
    assert response.status_code == 302
    db.session.rollback()
    owners = dict(db.session.execute(sa.select(Application.title, Application.organisation_id)).all())
    assert owners["Gesund im Quartier"] == owners["Bewegung im Park"] == owners["Kochkurs"] == west.id
    assert sorted(db.session.execute(sa.select(Organisation.name)).scalars()) == [
        "Bücherei am Markt", "Gesundheitstreffpunkt West e. V."]


def test_confirming_without_a_choice_creates_the_new_traeger_as_before(as_manager, db, win, make_organisation):
    make_organisation("Gesundheitstreffpunkt West e. V.")
    preview_url = upload(as_manager, xlsx(ROWS)).headers["Location"]
    assert _confirm_with(as_manager, preview_url, {}).status_code == 302
    db.session.rollback()
    assert count(db, Organisation) == 4 and count(db, Application) == 4


def test_a_choice_that_was_not_offered_is_ignored(as_manager, db, win, make_organisation):
    make_organisation("Gesundheitstreffpunkt West e. V.")
    other = make_organisation("Sportverein Huchting")
    preview_url = upload(as_manager, xlsx(ROWS)).headers["Location"]
    _confirm_with(as_manager, preview_url, {"traeger:gtp": f"traeger-{other.id}",
                                            "traeger:buecherei markt": f"traeger-{other.id}"})
    db.session.rollback()
    assert db.session.execute(sa.select(Application.organisation_id).filter_by(title="Lesepaten")).scalar_one() \
        != other.id
    assert count(db, Organisation) == 5
