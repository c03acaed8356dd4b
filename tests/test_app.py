"""The app factory, its configuration and the health check."""

import os
import stat

from wingrant import create_app


def test_healthz_reports_ok_with_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_database_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/db.sqlite"},
                     instance_path=str(tmp_path / "instance"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_secret_key_is_generated_into_instance_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("WINGRANT_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(instance))
    key_file = instance / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 64
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(instance))
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "SQLALCHEMY_DATABASE_URI = 'sqlite:///from-instance.sqlite'\nSECRET_KEY = 'from-instance'\n")
    app = create_app(instance_path=str(instance))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-instance.sqlite"
    assert app.config["SECRET_KEY"] == "from-instance"

    monkeypatch.setenv("WINGRANT_DATABASE_URL", f"sqlite:///{tmp_path}/from-env.sqlite")
    monkeypatch.setenv("WINGRANT_SECRET_KEY", "from-env")
    app = create_app(instance_path=str(instance))
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("from-env.sqlite")
    assert app.config["SECRET_KEY"] == "from-env"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("WINGRANT_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    app = create_app({"SECRET_KEY": "x"}, instance_path=str(instance))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'wingrant.sqlite'}"
    assert os.path.isdir(instance)


def test_pages_speak_german_by_default(client):
    assert 'lang="de"' in client.get("/").get_data(as_text=True)


def test_page_language_follows_accept_language_only_with_a_catalogue(app, client):
    from wingrant.core.i18n import available_languages

    with app.test_request_context():
        has_english = "en" in available_languages()
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert ('<html lang="en">' in page) is has_english  # (the switch button has its own lang)
    assert ('<html lang="de">' in page) is not has_english


def test_unknown_page_gets_german_404(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


def test_unexpected_error_gets_german_500_page_and_writes_nothing(fresh_app):
    import sqlalchemy as sa

    from wingrant.extensions import db
    from wingrant.neighbourhoods.models import Programme

    def half_done():
        db.session.add(Programme(code="HALB", name="Halb geschrieben"))
        db.session.flush()
        raise RuntimeError("boom")

    app = fresh_app
    app.add_url_rule("/kaputt", "kaputt", half_done)
    client = app.test_client()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/kaputt")
    assert response.status_code == 500
    assert "Ihre Eingaben wurden nicht gespeichert" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme).filter_by(code="HALB")) == 0


def test_wrong_method_gets_german_405_page(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "Aktion nicht möglich" in response.get_data(as_text=True)
