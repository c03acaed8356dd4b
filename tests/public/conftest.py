"""Factories for the public portal tests: a neighbourhood with budgets and published minutes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.minutes import factories
from wingrant.auth.models import Role
from wingrant.minutes import services


@pytest.fixture(autouse=True)
def quick_protocol_pdf(request, monkeypatch):
    """Publishing stores the public record's HTML as the "PDF": the stored bytes, their size,
    checksums and the pages around them are what most of these tests look at, and WeasyPrint would
    make each test take a second or more. Tests marked ``real_pdf`` read the PDF's text and get the
    real one (tests/minutes prove the PDF itself)."""
    if request.node.get_closest_marker("real_pdf"):
        return
    from wingrant.minutes import pdf

    def render(record, *, version=None, reason=""):
        return b"%PDF-1.7\n" + pdf.render_html(record, version=version, reason=reason).encode("utf-8")

    monkeypatch.setattr(services, "render_pdf", render)


@pytest.fixture
def programmes(make_programme):
    return {
        "WIN": make_programme("WIN", name="WiN", position=1),
        "SOZ": make_programme("SOZ", name="Soziale Stadt", position=2),
    }


@pytest.fixture
def huchting(make_neighbourhood, make_budget, programmes):
    nb = make_neighbourhood("Huchting", code="HUC", forum_name="Stadtteilgruppe Huchting",
                            office_name="Quartiersmanagement Huchting")
    year = (date.today() - timedelta(days=30)).year
    make_budget(150_000_00, neighbourhood=nb, programme=programmes["WIN"], year=year)
    make_budget(50_000_00, neighbourhood=nb, programme=programmes["SOZ"], year=year)
    return nb


@pytest.fixture
def manager(make_user, huchting):
    return make_user("qm@example.org", roles={huchting: Role.MANAGER})


@pytest.fixture
def make_meeting(db, programmes):
    def make(neighbourhood, specs=None, **kwargs) -> factories.Built:
        return factories.meeting(neighbourhood, programmes, factories.standard_specs() if specs is None else specs,
                                 **kwargs)

    return make


def publish(built: factories.Built, user, *, approve_only: bool = False) -> None:
    """Approve after the objection period (as the QM) and publish."""
    services.approve(built.meeting.id, user=user, no_objections=True, today=date.today() + timedelta(days=60))
    if not approve_only:
        services.publish(built.meeting.id, user=user)


@pytest.fixture
def published(huchting, make_meeting, manager) -> factories.Built:
    built = make_meeting(huchting)
    publish(built, manager)
    return built
