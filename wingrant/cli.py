"""The ``wingrant`` command: Flask's CLI (``run``, ``db …``) plus wingrant's own commands.

The console script's entry point (``wingrant.cli:main``). It builds the app through the factory,
which adds the commands of ``commands.py`` to ``app.cli``.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """wingrant – Mittelvergabe der WiN-Foren in Bremen."""
