"""The API's notice choices (every account) and the outbox (administrators only)."""

from __future__ import annotations

from wingrant.auth.models import Role

from .conftest import bearer


def test_account_reads_and_sets_its_notices_through_the_api(client, db, make_user, make_neighbourhood, make_token):
    user = make_user("qm@example.org", roles={make_neighbourhood("Huchting"): Role.MANAGER})
    headers = bearer(make_token(user))
    got = client.get("/api/v1/me/notifications", headers=headers).get_json()
    assert got["language"] == "de"
    assert {k["kind"] for k in got["kinds"]} == {"manager.submission", "manager.answer", "manager.report_draft",
                                                 "manager.objection_period", "manager.referral_decided"}
    assert all(k["enabled"] for k in got["kinds"])

    put = client.put("/api/v1/me/notifications", headers=headers,
                     json={"language": "en", "enabled": ["manager.answer"]})
    assert put.status_code == 200
    enabled = {k["kind"]: k["enabled"] for k in put.get_json()["kinds"]}
    assert enabled["manager.answer"] and not enabled["manager.submission"]
    assert put.get_json()["language"] == "en"


def test_notices_of_another_role_cannot_be_chosen(client, db, make_user, make_neighbourhood, make_token):
    user = make_user("qm@example.org", roles={make_neighbourhood("Huchting"): Role.MANAGER})
    response = client.put("/api/v1/me/notifications", headers=bearer(make_token(user)),
                          json={"language": "de", "enabled": ["admin.referral"]})
    assert response.status_code == 422
    assert "enabled" in response.get_json()["errors"]


def test_outbox_is_readable_by_administrators_only(client, db, make_user, make_neighbourhood, make_token):
    from tests.mail.conftest import LINK_CONTEXT
    from wingrant.database import unit_of_work
    from wingrant.mail import outbox

    with unit_of_work():
        outbox.enqueue("applicant.link", to="t@example.org", template="applicant_link",
                       context=LINK_CONTEXT | {"reference": "HUC-2026-001"})
    qm = make_user("qm@example.org", roles={make_neighbourhood("Huchting"): Role.MANAGER})
    admin = make_user("gf@example.org", is_admin=True)
    assert client.get("/api/v1/outbox", headers=bearer(make_token(qm))).status_code == 403
    body = client.get("/api/v1/outbox?status=pending", headers=bearer(make_token(admin))).get_json()
    [mail] = body["items"] if "items" in body else body["data"]
    assert mail["recipient"] == "t@example.org" and mail["status"] == "pending"
    assert "body_text" not in mail  # the list shows the envelope, not the text with its private link
