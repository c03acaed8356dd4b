"""Factories for the minutes tests (see ``factories.py``)."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest

from wingrant.auth.models import Role

from . import factories


@pytest.fixture
def programmes(make_programme):
    return {
        "WIN": make_programme("WIN", name="WiN", position=1, max_share_percent=50),
        "SOZ": make_programme("SOZ", name="Soziale Stadt", position=2, investive_only=True),
    }


@pytest.fixture
def huchting(make_neighbourhood):
    return make_neighbourhood("Huchting", code="HUC", forum_name="Stadtteilgruppe Huchting",
                              office_name="Quartiersmanagement Huchting",
                              office_address="Amersfoorter Str. 8\n28259 Bremen", objection_period_days=14)


@pytest.fixture
def funded(huchting, programmes, make_budget):
    """Huchting with WiN 150 000 € and Soziale Stadt 50 000 € for the meeting year."""
    year = (date.today() - timedelta(days=30)).year
    make_budget(150_000_00, neighbourhood=huchting, programme=programmes["WIN"], year=year)
    make_budget(50_000_00, neighbourhood=huchting, programme=programmes["SOZ"], year=year)
    return huchting


@pytest.fixture
def make_meeting(db, programmes):
    def make(neighbourhood, specs=None, **kwargs) -> factories.Built:
        return factories.meeting(neighbourhood, programmes, factories.standard_specs() if specs is None else specs,
                                 **kwargs)

    return make


@pytest.fixture
def held(funded, make_meeting) -> factories.Built:
    """A held meeting 30 days ago with the standard three applications."""
    return make_meeting(funded)


@pytest.fixture
def staff(make_user, huchting):
    """manager, minutes writer and reader of Huchting."""
    return {
        "manager": make_user("qm@example.org", roles={huchting: Role.MANAGER}),
        "minutes": make_user("protokoll@example.org", roles={huchting: Role.MINUTES}),
        "reader": make_user("lesend@example.org", roles={huchting: Role.READER}),
    }


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext extracts it (layout off; hyphenation joined)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")
