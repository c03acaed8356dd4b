"""The OpenAPI document matches the API exactly, and the live API keeps to it.

- every /api/v1 rule of the app, with each of its methods, is in the document, and every
  documented path and method is a rule of the app;
- every schema in the document is valid JSON Schema (2020-12, the OpenAPI 3.1 dialect);
- schemathesis, driving the live app over HTTP with a valid token, finds no 500 and no response
  that contradicts the document (bounded and derandomised, so it is quick and repeatable).
"""

from __future__ import annotations

import re
import warnings

import pytest

from tests.api.conftest import bearer
from tests.browser.conftest import LiveServer
from tests.conftest import demo_site_app
from wingrant.extensions import db as _db

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _documented(client) -> set[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").get_json()
    return {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}


def test_every_api_route_is_documented_and_every_documented_route_exists(app, client):
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods & METHODS}
    documented = _documented(client)
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations the app does not have"
    assert len(routes) > 40


def test_the_document_is_openapi_3_1_with_valid_json_schemas(client):
    from jsonschema import Draft202012Validator

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    schemas = list(document["components"]["schemas"].values())
    for ops in document["paths"].values():
        for op in ops.values():
            schemas += [p["schema"] for p in op.get("parameters", [])]
            schemas += [c["schema"] for c in op.get("requestBody", {}).get("content", {}).values()]
            schemas += [c["schema"] for r in op["responses"].values() for c in r.get("content", {}).values()]
            public = op["operationId"] in ("openapi", "unmet_demand")  # the figures are the portal's, open to all
            assert op["security"] == ([] if public else [{"bearerAuth": []}])
    for schema in schemas:
        Draft202012Validator.check_schema(schema)


@pytest.fixture(scope="module")
def live_api(test_world, demo_data, tmp_path_factory):
    """The app with the demo data on a free localhost port, and an administrator's token."""
    import sqlalchemy as sa

    from wingrant.api import tokens
    from wingrant.auth.models import User

    with demo_site_app(test_world, demo_data, tmp_path_factory.mktemp("api-live")) as app:
        with app.app_context():
            admin = _db.session.execute(
                sa.select(User).filter_by(email="geschaeftsfuehrung@wingrant.example")).scalar_one()
            _token, secret = tokens.create_token(admin, "schemathesis")
            _db.session.commit()
            _db.session.remove()
        server = LiveServer(app).start()
        yield server.url, secret
        server.stop()


def test_schemathesis_finds_no_server_error_and_no_response_contradicting_the_document(live_api):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # third-party imports only
        import schemathesis
        from hypothesis import HealthCheck, Phase, given, settings
        from schemathesis.checks import not_a_server_error
        from schemathesis.specs.openapi.checks import (
            content_type_conformance,
            response_schema_conformance,
            status_code_conformance,
        )
    import requests

    base_url, secret = live_api
    document = requests.get(f"{base_url}/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    failures, operations, calls = [], 0, []
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=4, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def run(case):
            calls.append(case.method)
            case.call_and_validate(base_url=base_url, session=session, headers=bearer(secret), checks=checks)

        try:
            run()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:800]}")
    assert operations > 40 and len(calls) >= 2 * operations
    assert failures == []


def test_attachments_payouts_live_pointer_and_corrections_are_documented(client):
    """Issue 19, item 10: the operations the pages had and the API lacked, each with its schemas."""
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    app = "/api/v1/neighbourhoods/{slug}/applications/{application_id}"
    meeting = "/api/v1/neighbourhoods/{slug}/meetings/{meeting_id}"
    expected = {
        f"{app}/attachments": {"get", "post"}, f"{app}/attachments/{{attachment_id}}": {"get"},
        f"{app}/grants": {"get"}, f"{app}/payouts": {"get", "post"},
        f"{meeting}/live": {"get", "put"}, f"{meeting}/live/move": {"post"},
        f"{meeting}/minutes/versions": {"get"}, f"{meeting}/minutes/corrections": {"post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
    upload = paths[f"{app}/attachments"]["post"]
    assert upload["requestBody"]["content"]["multipart/form-data"]["schema"]["required"] == ["file"]
    assert {"201", "403", "413", "422"} <= set(upload["responses"])
    download = paths[f"{app}/attachments/{{attachment_id}}"]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "image/png", "image/jpeg"} <= set(download)
    payout = paths[f"{app}/payouts"]["post"]
    body = payout["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PayoutInput"}
    assert {"201", "409", "422"} <= set(payout["responses"])
    assert {"409", "422"} <= set(paths[f"{meeting}/live"]["put"]["responses"])
    assert {"409", "422"} <= set(paths[f"{meeting}/minutes/corrections"]["post"]["responses"])
    for name in ("Attachment", "Grant", "Payout", "PayoutInput", "LivePointer", "LivePointerInput",
                 "LivePointerMove", "MinutesCorrection"):
        assert name in document["components"]["schemas"], name
