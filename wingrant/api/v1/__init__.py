"""The JSON API, version 1: ``/api/v1/…`` with its OpenAPI 3.1 document at ``/api/v1/openapi.json``.

``init_app`` registers the blueprint with its resource modules, exempts it from
CSRFProtect (it accepts bearer tokens only, never the session cookie), keeps
the session cookie out of it and answers errors under /api/v1 as JSON.
"""

from __future__ import annotations

from .core import ApiSessionInterface, bp, install_error_handlers


def init_app(app) -> None:
    from ...extensions import csrf
    from . import (  # noqa: F401  (the resource modules declare the routes)
        applications,
        attachments,
        decisions,
        figures,
        funding,
        live,
        mail,
        meetings,
        minutes,
        neighbourhoods,
        openapi,
    )

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.session_interface = ApiSessionInterface(app.session_interface)
    install_error_handlers(app)
