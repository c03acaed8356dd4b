"""Where wingrant's files live beside the package: the checkout root with templates/ and migrations/.

The app factory, the migration tests and the benchmarks all need these paths; they live here, at the
bottom, so that nobody has to import the package root (the app factory) to learn them.
"""

from __future__ import annotations

from pathlib import Path

#: The checkout root, which holds templates/ and migrations/ beside the package.
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_FOLDER = ROOT / "templates"
MIGRATIONS_FOLDER = ROOT / "migrations"
