"""Public pages at any readership: ETags on the public-data version, 304 without rendering, the
shared page cache, and nothing of a logged-in user shared."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.minutes.factories import AppSpec
from tests.test_permission_matrix import _public, _routes, world  # noqa: F401  (the demo's URL values)
from wingrant.core import public_version
from wingrant.core.http_cache import NOT_SHARED, page_cache
from wingrant.core.models import ThrottleEvent
from wingrant.neighbourhoods.models import Neighbourhood

from .conftest import publish

PORTAL = "/portal/huchting"
PUBLIC_CACHE = re.compile(r"^public, max-age=\d+, stale-while-revalidate=\d+$")


def _get(client, url=PORTAL, **headers):
    response = client.get(url, headers=headers)
    response.close()
    return response


def test_publishing_minutes_changes_the_etag_and_the_cached_page_is_not_served(
        client, huchting, make_meeting, manager):
    built = make_meeting(huchting)
    before = _get(client)
    assert "Hochbeete für den Nachbarschaftsgarten" not in before.get_data(as_text=True)  # not yet published
    assert _get(client).get_etag() == before.get_etag()
    publish(built, manager)
    after = _get(client)
    assert after.get_etag()[0] != before.get_etag()[0]
    assert "Hochbeete für den Nachbarschaftsgarten" in after.get_data(as_text=True)
    assert _get(client, **{"If-None-Match": before.headers["ETag"]}).status_code == 200


def test_recording_a_decision_changes_the_etag(client, huchting, make_meeting):
    before = _get(client).get_etag()[0]
    make_meeting(huchting, [AppSpec("Lesecafé", "Bücherei e. V.", {"WIN": 900_00})],
                 when=date.today() - timedelta(days=3))  # records the decision and books it in the ledger
    assert _get(client).get_etag()[0] != before


def test_if_none_match_with_the_current_etag_is_304_without_rendering(client, published, count_queries):
    tag = _get(client).headers["ETag"]
    with count_queries() as q:
        response = _get(client, **{"If-None-Match": tag})
    assert response.status_code == 304
    assert response.get_data() == b""
    assert q.count <= 1
    assert PUBLIC_CACHE.match(response.headers["Cache-Control"])
    assert response.headers["ETag"] == tag


def test_a_cached_page_is_served_with_one_query(client, published, count_queries):
    first = _get(client)
    with count_queries() as q:
        again = _get(client)
    assert q.count <= 1
    assert again.get_data() == first.get_data()
    assert again.headers["Content-Type"] == first.headers["Content-Type"]


def test_the_language_varies_the_etag_and_the_cache(client, published):
    german = _get(client, **{"Accept-Language": "de"})
    english = _get(client, **{"Accept-Language": "en"})
    assert german.get_etag() != english.get_etag()
    assert 'lang="de"' in german.get_data(as_text=True)
    assert 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="de"' in _get(client, **{"Accept-Language": "de"}).get_data(as_text=True)
    assert {"Accept-Language", "Cookie"} <= set(english.vary)


def test_no_logged_in_response_is_cached_or_public(client, auth, published, manager, count_queries):
    anonymous = _get(client)
    auth.login(manager.email)
    for url in (PORTAL, "/", "/portal/", f"{PORTAL}/beschluesse"):
        response = _get(client, url, **{"If-None-Match": anonymous.headers["ETag"]})
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert response.get_etag() == (None, None), url
    page_cache().clear()
    _get(client, PORTAL)
    auth.logout()
    with count_queries() as rendered:  # the logged-in page did not go into the cache
        _get(client, PORTAL)
    assert rendered.count > 1


def test_a_rolled_back_write_does_not_bump_the_version(db, huchting):
    before = public_version.current().tag
    huchting.name = "Huchting-Süd"
    db.session.flush()
    db.session.rollback()
    assert public_version.current().tag == before
    db.session.add(ThrottleEvent(scope="login.ip", key="127.0.0.1"))  # private data
    db.session.commit()
    assert public_version.current().tag == before
    db.session.execute(sa.update(Neighbourhood).where(Neighbourhood.id == huchting.id).values(population=12_000))
    db.session.commit()
    assert public_version.current().tag != before


def test_a_shared_page_carries_no_csrf_token_and_its_forms_work_from_this_site(client, published):
    html = _get(client).get_data(as_text=True)
    assert re.search(r'name="csrf_token"[^>]*value="[^"]', html) is None
    site = "http://localhost"
    refused = client.post("/sprache", data={"lang": "en", "next": PORTAL}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400
    switched = client.post("/sprache", data={"lang": "en", "next": PORTAL}, headers={"Origin": site})
    assert switched.status_code == 302
    assert 'lang="en"' in _get(client).get_data(as_text=True)  # the session's language, cached by language
    subscribed = client.post(f"{PORTAL}/verteiler", headers={"Referer": f"{site}{PORTAL}"},
                             data={"email": "leser@example.org", "language": "de", "consent": "y"})
    assert subscribed.status_code == 200


def test_every_public_get_route_answers_with_etag_and_public_cache_control(app, client, world):  # noqa: F811
    passwords, values = world
    checked, wrong = [], []
    for endpoint, method, url in _routes(app, values):
        if method != "GET" or not _public(endpoint) or endpoint in NOT_SHARED:
            continue
        if endpoint.split(".")[0] in ("applicant", "subscriptions") or endpoint in (
                "static", "auth.login", "core.healthz"):
            continue  # forms with a token, and the app's own health and files: not shared pages
        response = _get(client, url)
        if response.status_code != 200:
            continue
        checked.append(url)
        if not (response.get_etag()[0] and "public" in response.headers.get("Cache-Control", "")):
            wrong.append(f"{url} ({endpoint}): {response.headers.get('ETag')} {response.headers.get('Cache-Control')}")
        elif response.headers.get("Set-Cookie"):
            wrong.append(f"{url} ({endpoint}) sets a cookie")
    assert wrong == [], "\n".join(wrong)
    assert len(checked) >= 30


@pytest.mark.parametrize("url", ["/portal/huchting/termine.ics", "/oparl/v1.1/system"])
def test_feeds_answer_conditional_requests(client, published, url):
    first = _get(client, url)
    if first.status_code == 404:
        pytest.skip(f"{url} is not a route here")
    assert _get(client, url, **{"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_only_a_200_is_cached_or_marked_public(client, huchting, count_queries):
    assert _get(client, "/portal/nirgendwo").status_code == 404
    with count_queries() as q:
        missing = _get(client, "/portal/nirgendwo")
    assert missing.status_code == 404 and q.count > 1  # looked up again, not served from the cache
    assert missing.get_etag() == (None, None)
    assert "public" not in missing.headers.get("Cache-Control", "")


def test_a_published_pdf_keeps_its_checksum_etag(client, published):
    url = f"{PORTAL}/protokolle/{published.meeting.id}/v1.pdf"
    first = _get(client, url)
    assert first.status_code == 200 and len(first.get_etag()[0]) == 64  # the published SHA-256
    assert "public" in first.headers["Cache-Control"]
    assert _get(client, url, **{"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_cache_url_null_turns_the_page_cache_off_and_keeps_the_304(app, client, published, count_queries):
    from flask_caching import Cache

    from wingrant.core import http_cache

    off = Cache()
    off.init_app(app, config=http_cache._cache_config(dict(app.config, CACHE_URL="null")))
    before = app.extensions[http_cache._EXTENSION]
    app.extensions[http_cache._EXTENSION] = off
    try:
        tag = _get(client).headers["ETag"]
        with count_queries() as again:
            _get(client)
        assert again.count > 1  # rendered again: the "cold" page of the benchmark
        assert _get(client, **{"If-None-Match": tag}).status_code == 304
    finally:
        app.extensions[http_cache._EXTENSION] = before
    with pytest.raises(ValueError, match="WINGRANT_CACHE_URL"):
        http_cache._cache_config(dict(app.config, CACHE_URL="memcached://localhost"))
