"""The shared page cache on the real Redis (127.0.0.1:6379): what production runs with
``WINGRANT_CACHE_URL=redis://…``. Skipped only when no Redis answers there."""

from __future__ import annotations

import uuid

import pytest
from flask_caching import Cache

from tests.minutes.factories import AppSpec
from wingrant.core import http_cache

from .conftest import publish

REDIS_URL = "redis://127.0.0.1:6379/0"
PORTAL = "/portal/huchting"


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")


@pytest.fixture
def redis_cache(app):
    """The app's page cache swapped for a Redis one with a key prefix of its own, then put back."""
    _redis_or_skip()
    config = dict(app.config, CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=f"wingrant-test-{uuid.uuid4().hex}:")
    cache = Cache()
    cache.init_app(app, config=http_cache._cache_config(config))
    before = app.extensions[http_cache._EXTENSION]
    app.extensions[http_cache._EXTENSION] = cache
    yield cache
    cache.clear()  # only this prefix's keys
    app.extensions[http_cache._EXTENSION] = before


def test_a_page_cached_in_redis_is_served_and_a_publish_replaces_it(client, redis_cache, huchting, make_meeting,
                                                                     manager, count_queries):
    built = make_meeting(huchting, [AppSpec("Stadtteilchor", "Chor e. V.", {"WIN": 700_00})])
    first = client.get(PORTAL)
    assert redis_cache.get(first.get_etag()[0]) is not None
    with count_queries() as q:
        again = client.get(PORTAL)
    assert q.count <= 1 and again.get_data() == first.get_data()
    publish(built, manager)
    after = client.get(PORTAL)
    assert after.get_etag() != first.get_etag()
    assert "Stadtteilchor" in after.get_data(as_text=True)


def test_redis_keys_differ_by_language(client, redis_cache, huchting):
    german = client.get(PORTAL, headers={"Accept-Language": "de"})
    english = client.get(PORTAL, headers={"Accept-Language": "en"})
    assert redis_cache.get(german.get_etag()[0])[2] != redis_cache.get(english.get_etag()[0])[2]


def test_an_unreachable_cache_costs_renders_not_pages(app, client, huchting):
    config = dict(app.config, CACHE_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    cache = Cache()
    cache.init_app(app, config=http_cache._cache_config(config))
    before = app.extensions[http_cache._EXTENSION]
    app.extensions[http_cache._EXTENSION] = cache
    try:
        assert client.get(PORTAL).status_code == 200
    finally:
        app.extensions[http_cache._EXTENSION] = before
