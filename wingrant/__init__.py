"""wingrant — grant decisions for Bremen's WiN neighbourhood forums."""

from __future__ import annotations

import os

from flask import Flask

from .config import load_config
from .core.i18n import select_locale
from .extensions import babel, csrf, db, login_manager, migrate
from .paths import MIGRATIONS_FOLDER, ROOT, TEMPLATE_FOLDER


def create_app(config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """The one app factory. ``config`` overrides every other setting (tests use it)."""
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("WINGRANT_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(TEMPLATE_FOLDER),
    )
    load_config(app, config)

    from . import models  # noqa: F401  (every model registered before the first query)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_FOLDER), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    with app.app_context():
        from .database import install_engine_hooks, install_safe_teardown

        install_engine_hooks(db.engine)
    install_safe_teardown(app)

    from .administration import owner_cases
    from .administration import programmes as programme_admin_views
    from .administration import views as administration_views
    from .auth import admin_views, two_factor_views
    from .auth import views as auth_views
    from .core import views as core_views
    from .home import views as home_views
    from .meetings import live_views
    from .meetings import views as meeting_views

    app.register_blueprint(core_views.bp)
    app.register_blueprint(home_views.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(two_factor_views.bp)
    app.register_blueprint(meeting_views.bp)
    app.register_blueprint(live_views.bp)
    from .meetings import projector_views, resolution_views

    app.register_blueprint(projector_views.bp)
    app.register_blueprint(resolution_views.bp)
    from .meetings import signal_views

    app.register_blueprint(signal_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(administration_views.bp)
    app.register_blueprint(programme_admin_views.bp)
    app.register_blueprint(owner_cases.bp)
    from .ledger import views as ledger_views

    app.register_blueprint(ledger_views.bp)
    from .applicant import views as applicant_views
    from .applications import easy_views
    from .applications import views as applications_views
    from .organisations import views as organisation_views

    app.register_blueprint(organisation_views.bp)
    app.register_blueprint(applications_views.bp)
    app.register_blueprint(easy_views.bp)
    app.register_blueprint(applicant_views.bp)
    from .funding import showcase_views
    from .funding import views as funding_views
    from .imports import views as import_views

    app.register_blueprint(funding_views.bp)
    app.register_blueprint(showcase_views.bp)
    app.register_blueprint(import_views.bp)
    from .concerns import views as concern_views

    app.register_blueprint(concern_views.bp)
    from .minutes import views as minutes_views

    app.register_blueprint(minutes_views.bp)
    from .public import city_views, opendata_views
    from .public import views as public_views

    app.register_blueprint(public_views.bp)
    app.register_blueprint(opendata_views.bp)
    app.register_blueprint(city_views.bp)
    from .api.oparl import views as oparl_views

    app.register_blueprint(oparl_views.bp)
    from .home import accessibility
    from .mail import views as mail_views
    from .subscriptions import views as subscription_views

    app.register_blueprint(mail_views.bp)
    app.register_blueprint(subscription_views.bp)
    from .minutes.letters import render_letter

    # Documents the mail worker renders at the first delivery (the features own them; mail sits below).
    app.extensions["wingrant.attachment_renderers"] = {"decision_letter": render_letter}
    from .applicant.decisions import SOURCE_KEY as APPLICANT_DECISIONS
    from .minutes.for_applicant import decision_state

    # The private page shows released decisions; minutes sit above the applicant feature.
    app.extensions[APPLICANT_DECISIONS] = decision_state

    app.register_blueprint(accessibility.bp)
    from .api import token_views as api_token_views
    from .api import v1 as api_v1

    app.register_blueprint(api_token_views.bp)
    api_v1.init_app(app)  # after the HTML error handlers: it answers JSON under /api/v1 only
    auth_views.init_login(app)

    from .core.security import init_security
    from .core.templating import init_templating

    init_security(app)
    init_templating(app)
    from .core.http_cache import init_http_cache, share_public_views

    init_http_cache(app)
    share_public_views(app)

    from .commands import register_commands

    register_commands(app)
    return app

