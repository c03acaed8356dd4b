"""PDFs print emoji and symbols in titles with a font that has them, not as empty boxes."""

import re
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from tests.minutes.conftest import pdf_text
from tests.minutes.factories import AppSpec

from .conftest import publish

YEAR = (date.today() - timedelta(days=30)).year
SYMBOLS = "🎉 ★ ✓"


def _embedded_fonts(pdf: bytes) -> list[str]:
    """The base names of the fonts embedded in a PDF, as pdffonts lists them (subset prefix dropped)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return [re.sub(r"^[A-Z]{6}\+", "", name) for name in names]


def _font_file(family: str) -> Path:
    out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True).stdout
    return Path(out)


@pytest.mark.slow
def test_emoji_and_symbols_in_titles_are_printed_with_a_font_that_has_them(client, huchting, make_meeting, manager):
    built = make_meeting(huchting, [AppSpec(f"Sommerfest {SYMBOLS}", "Nachbarschaftsverein e. V.", {"WIN": 500_00})])
    publish(built, manager)
    pdf = client.get(f"/portal/huchting/jahresbericht/{YEAR}.pdf").data
    assert f"Sommerfest {SYMBOLS}" in pdf_text(pdf)
    fonts = _embedded_fonts(pdf)
    assert any(name.startswith("Symbola") for name in fonts), fonts
    # Every character of the title is in one of the embedded families (DejaVu for text, Symbola for the rest).
    cmaps = [TTFont(_font_file(family), fontNumber=0).getBestCmap() for family in ("DejaVu Sans", "Symbola")]
    for char in SYMBOLS.replace(" ", ""):
        assert any(ord(char) in cmap for cmap in cmaps), char
