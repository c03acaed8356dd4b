"""HTTP hardening for every response: security headers, cookie settings, request sizes."""

from __future__ import annotations

from flask import Request, abort, current_app, request

#: No inline scripts or styles, nothing from other origins, no framing.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def accepts_uploads(view):
    """Mark a view that takes file uploads: its requests may be as large as ``UPLOAD_MAX_CONTENT_LENGTH``.

    Every other request is held to ``MAX_CONTENT_LENGTH``. Put it right under the route decorator.
    """
    view.accepts_uploads = True
    return view


class LimitedRequest(Request):
    """Chooses the body limit by the matched view, before anything (CSRF included) reads the body."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None and current_app:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            if getattr(view, "accepts_uploads", False):
                return current_app.config["UPLOAD_MAX_CONTENT_LENGTH"]
        return Request.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def proxy_count(config) -> int:
    """How many reverse proxies stand before the app: ``PROXY_COUNT``, else one when served over HTTPS."""
    if config.get("PROXY_COUNT") is not None:
        return int(config["PROXY_COUNT"])
    return 1 if config.get("HTTPS") else 0


def init_security(app) -> None:
    app.request_class = LimitedRequest
    proxies = proxy_count(app.config)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address is the one the outermost trusted proxy saw (X-Forwarded-For, counted
        # from the right: anything further left the client could have written itself). Without this
        # every user has the proxy's address, and the per-address login limit is shared by all.
        # Scheme and host come from the nearest proxy, which terminates TLS.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=1 if app.config.get("HTTPS") else 0,
                                x_host=1 if app.config.get("HTTPS") else 0)
    if app.config.get("HTTPS"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")

    @app.before_request
    def _refuse_nul_characters():
        """Nobody types a NUL character, and PostgreSQL text cannot hold one: refuse such input (400)."""
        for values in (request.args, request.form):  # the form is parsed here, within the size limits
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    abort(400)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def same_origin() -> bool:
    """Does the request come from a page of this site? ``Origin``, else ``Referer`` (browsers send
    one of them with every form post); neither, or another site: no."""
    from urllib.parse import urlsplit

    source = request.headers.get("Origin") or request.referrer or ""
    if source == "null":
        return False
    parts = urlsplit(source)
    return bool(parts.netloc) and f"{parts.scheme}://{parts.netloc}" == f"{request.scheme}://{request.host}"


def token_or_same_origin(view):
    """For the forms of shared public pages, which carry no per-session CSRF token (see
    ``core.http_cache``): a post with a token is checked as everywhere; one without must come from
    this site's own pages (``Origin``/``Referer``). ``g.csrf_by_origin`` tells the view to build its
    form without a token field."""
    from functools import wraps

    from flask import g

    from ..extensions import csrf

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST":
            if request.form.get("csrf_token"):
                csrf.protect()
            elif same_origin():
                g.csrf_by_origin = True
            else:
                abort(400)
        return view(*args, **kwargs)

    return csrf.exempt(wrapped)
