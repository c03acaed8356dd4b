"""Compiled message catalogues for the test run.

The .mo files are build products (``make translations``), not committed. So that a plain
``pytest`` on a fresh clone sees the same languages as ``make test``, the session compiles every
catalogue whose .mo is missing or older than its .po, into the source tree as make would.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "wingrant" / "translations"


def compile_stale_catalogues() -> list[Path]:
    """Compile each stale ``messages.po``; returns the .mo files written."""
    written = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        # Write beside the target and rename: another test run may be reading the old file.
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)  # fuzzy entries are left out, as pybabel compile does
        os.replace(tmp, mo)
        written.append(mo)
    return written
