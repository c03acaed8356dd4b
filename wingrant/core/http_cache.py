"""Public pages at any readership: conditional requests and a shared cache of rendered pages.

``@public_response`` wraps a public GET view. For an anonymous reader it reads the public-data
version (one small query), answers ``If-None-Match`` with ``304`` before anything is rendered,
then serves the page from the shared cache (Redis, or the worker's memory), and renders only on
a miss. The ETag and the cache key hold everything that changes the bytes: the version (bumped in
the transaction of every public write, see ``public_version``), the URL with its query, the
language, the day (pages show what is upcoming) and the release (templates, translations).

Logged-in users, readers with pending flash messages, and any response that sets a cookie get
``private, no-store`` and never touch the cache.

Forms on shared pages (the language switch, the mailing-list form): a cached page cannot carry
a per-session CSRF token, so while a shared page renders, ``csrf_token()`` is empty and the two
receiving views accept a post without a token when its ``Origin`` (or ``Referer``) is this site
(``core.security.token_or_same_origin``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime, time
from functools import wraps

from flask import Response, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_wtf.csrf import generate_csrf

from . import public_version

log = logging.getLogger(__name__)

#: Blueprints whose every GET view is public (published data only), and public views elsewhere.
SHARED_BLUEPRINTS = frozenset({"public", "opendata", "cityreport", "oparl"})
SHARED_ENDPOINTS = frozenset({"home.index", "home.budgets", "accessibility.statement"})
#: Public views that stay out, and why.
NOT_SHARED = {
    "public.live": "the room's live page: its own meeting version, a device cookie and the signal form",
    "public.live_state": "the live poll: its own ETag on the meeting version, answered in one query",
    "public.signal": "a POST",
}
#: Response headers kept with a cached page.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Access-Control-Allow-Origin")
_EXTENSION = "wingrant.page_cache"


def init_http_cache(app) -> None:
    """The page cache from ``CACHE_URL``, the template's token switch, the no-store default."""
    public_version.install()
    app.extensions[_EXTENSION] = Cache(app, config=_cache_config(app.config))
    app.extensions["wingrant.release"] = app.config.get("RELEASE") or _release_tag(app)
    app.jinja_env.globals["csrf_token"] = _csrf_token_unless_shared
    app.context_processor(lambda: {"csrf_token": _csrf_token_unless_shared})  # after Flask-WTF's: wins

    @app.after_request
    def _private_by_default(response):
        """A response for a session (a login) or one that sets a cookie is nobody else's."""
        if "Cache-Control" in response.headers:
            return response
        cookies = request.cookies
        if (response.headers.get("Set-Cookie") or cookies.get(app.config["SESSION_COOKIE_NAME"])
                or cookies.get(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))):
            response.headers["Cache-Control"] = "private, no-store"
        return response


def _cache_config(config) -> dict:
    url = (config.get("CACHE_URL") or "").strip()
    common = {"CACHE_KEY_PREFIX": config["CACHE_KEY_PREFIX"], "CACHE_DEFAULT_TIMEOUT": config["CACHE_PAGE_SECONDS"]}
    if url == "null":
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True, **common}  # chosen, not forgotten
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url,
                "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}, **common}
    if url and url != "simple":
        raise ValueError(f"WINGRANT_CACHE_URL: redis://…, 'simple' or 'null', not {url!r}")
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": config["CACHE_SIMPLE_ENTRIES"], **common}


def _release_tag(app) -> str:
    """Templates and translations change the bytes: the newest of their files stands for them."""
    from importlib.metadata import PackageNotFoundError, version

    from ..paths import TEMPLATE_FOLDER

    try:
        release = version("wingrant")
    except PackageNotFoundError:  # pragma: no cover - a checkout without installation
        release = "0"
    newest = max((p.stat().st_mtime_ns for folder in (TEMPLATE_FOLDER, app.root_path + "/translations")
                  for p in _files(folder)), default=0)
    return f"{release}-{newest}"


def _files(folder):
    from pathlib import Path

    return (p for p in Path(folder).rglob("*") if p.is_file())


def page_cache(app=None) -> Cache:
    return (app or current_app).extensions[_EXTENSION]


def shared_page() -> bool:
    """Is a page for the shared cache being rendered (no per-session content allowed)?"""
    return bool(g.get("shared_page"))


def _csrf_token_unless_shared() -> str:
    return "" if shared_page() else generate_csrf()


def shareable_request() -> bool:
    """An anonymous GET without pending messages: its answer may be shared."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        return False
    if not request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        return True
    return "_user_id" not in session and "_flashes" not in session


def etag_for(version: public_version.Version) -> str:
    day = date.today().isoformat()
    parts = (version.tag, str(get_locale()), request.url, current_app.extensions["wingrant.release"], day)
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


def _last_modified(version: public_version.Version) -> datetime:
    """When the bytes last changed: the data's change, or midnight (the pages know the day)."""
    return max(version.changed_at, datetime.combine(date.today(), time.min, tzinfo=UTC))


def _mark_public(response: Response, tag: str | None, version: public_version.Version) -> Response:
    config = current_app.config
    if tag is not None:
        response.set_etag(tag)
        response.last_modified = _last_modified(version)
    if not (response.cache_control.public and response.cache_control.max_age):  # a photo keeps its day
        response.headers["Cache-Control"] = (f"public, max-age={config['PUBLIC_MAX_AGE']}, "
                                             f"stale-while-revalidate={config['PUBLIC_STALE_WHILE_REVALIDATE']}")
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def mark_private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _cached(key: str) -> Response | None:
    try:
        found = page_cache().get(key)
    except Exception:  # the cache is an accelerator: an outage costs renders, not pages
        log.warning("page cache unreachable (get)", exc_info=True)
        return None
    if not found:
        return None
    status, headers, body = found
    return Response(body, status=status, headers=headers)


def _store(key: str, response: Response) -> None:
    headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
    try:
        page_cache().set(key, (response.status_code, headers, response.get_data()))
    except Exception:
        log.warning("page cache unreachable (set)", exc_info=True)


def public_response(view):
    """Make a public GET view answer conditional requests and come from the shared cache."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not shareable_request():
            return mark_private(make_response(view(*args, **kwargs)))
        version = public_version.current()
        tag = etag_for(version)
        if request.if_none_match.contains_weak(tag):
            return _mark_public(Response(status=304), tag, version)
        hit = _cached(tag)
        if hit is not None:
            return _mark_public(hit, tag, version)
        # Kept for the rest of the request: an error page rendered for it carries no token either.
        g.shared_page = True
        # Nobody is logged in: say so, before Flask-Login's session protection rewrites a session
        # that holds only a CSRF token (which would set a cookie on a page meant for everyone).
        g._login_user = current_app.login_manager.anonymous_user()
        response = make_response(view(*args, **kwargs))
        if response.headers.get("Set-Cookie") or session.modified:
            return mark_private(response)
        if response.status_code != 200:
            return response
        if response.get_etag()[0]:  # a stored document with its own ETag (its checksum): sent from disk
            return _mark_public(response, None, version)
        if response.direct_passthrough:  # a generated download (BytesIO): keep its bytes
            response.direct_passthrough = False
        _store(tag, response)
        return _mark_public(response, tag, version)

    wrapped.public_response = True
    return wrapped


def share_public_views(app) -> None:
    """Wrap every GET view of the public blueprints (and the public pages elsewhere) once: a route
    added to them tomorrow is covered without anyone remembering to."""
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        public = endpoint.split(".")[0] in SHARED_BLUEPRINTS or endpoint in SHARED_ENDPOINTS
        if not public or endpoint in NOT_SHARED or "GET" not in rule.methods:
            continue
        view = app.view_functions[endpoint]
        if not getattr(view, "public_response", False):
            app.view_functions[endpoint] = public_response(view)
