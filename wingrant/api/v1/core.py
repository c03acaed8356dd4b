"""The machinery of the JSON API: declared operations, bearer-token authentication,
JSON errors, query and body parsing, pagination. Bodies are validated by the UI's forms
(``forms_input``) after the structural check here.

Every endpoint is declared once with ``route(...)``: the declaration registers
the Flask rule *and* is what the OpenAPI document is generated from, so the
two cannot drift apart (a test checks it both ways).

Authentication is by ``Authorization: Bearer <token>`` only. The API neither
reads nor writes the session cookie (see ``ApiSessionInterface``), so a
browser's login session cannot be abused cross-site: that, and only that, is
why the blueprint is exempt from CSRFProtect. Anonymous requests get 401 on
every endpoint except the OpenAPI document; the public portal and the OParl
feed serve the public.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps

from flask import Blueprint, g, jsonify, request, url_for
from flask.sessions import SecureCookieSession, SessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, default_exceptions

from ...core.pagination import Window, count
from ...errors import Conflict, DomainError, NotAllowed
from .. import tokens
from . import schema as s

PREFIX = "/api/v1"
bp = Blueprint("api_v1", __name__, url_prefix=PREFIX)

#: Error statuses every authenticated operation may answer.
COMMON_ERRORS = (400, 401, 404, 405, 413, 429)

MESSAGES = {
    400: _l("Die Anfrage ist ungültig."),
    401: _l("Bitte mit einem gültigen API-Token anmelden (Authorization: Bearer …)."),
    403: _l("Sie haben keine Berechtigung dafür."),
    404: _l("Nicht gefunden."),
    405: _l("Diese Methode ist hier nicht erlaubt."),
    409: _l("Konflikt mit dem aktuellen Stand."),
    413: _l("Die gesendeten Daten sind zu groß."),
    415: _l("Bitte die Daten als JSON senden (Content-Type: application/json)."),
    422: _l("Die Angaben sind nicht gültig."),
    429: _l("Zu viele fehlgeschlagene Anmeldeversuche. Bitte später erneut versuchen."),
    500: _l("Interner Fehler."),
    503: _l("Die Datenbank ist vorübergehend nicht erreichbar. Bitte später erneut versuchen."),
}


class ApiError(Exception):
    def __init__(self, status: int, message: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message or str(MESSAGES.get(status, MESSAGES[400]))
        self.errors = errors or {}


def error_response(status: int, message: str | None = None, errors: dict | None = None):
    body = {"message": message or str(MESSAGES.get(status, MESSAGES[400])), "errors": errors or {}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wingrant"'
    return response


# --- declarations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: str = ""


PAGE_PARAMS = (
    Param("page", s.integer(1, 100_000), "Seite, ab 1"),
    Param("per_page", s.integer(1, 100), "Einträge je Seite (höchstens 100, Standard 50)"),
)
DEFAULT_PER_PAGE = 50


@dataclass
class Operation:
    method: str
    path: str
    endpoint: str
    summary: str
    tag: str
    response: dict | None
    status: int = 200
    body: dict | None = None
    query: tuple[Param, ...] = ()
    paginated: bool = False
    public: bool = False
    media_type: str | tuple[str, ...] = "application/json"  # a tuple: a download in one of these types
    description: str = ""
    errors: tuple[int, ...] = field(default_factory=tuple)
    #: How the body maps onto the UI form that validates it (``forms_input.FormInput``).
    form: object | None = None
    #: A multipart/form-data body (an upload) instead of JSON: its schema; the view reads ``request.files``.
    upload: dict | None = None

    @property
    def rule(self) -> str:
        return PREFIX + self.path

    @property
    def all_query(self) -> tuple[Param, ...]:
        return (*self.query, *(PAGE_PARAMS if self.paginated else ()))


OPERATIONS: list[Operation] = []


def route(method: str, path: str, *, summary: str, tag: str, response: dict | None = None, status: int = 200,
          body: dict | None = None, query: tuple[Param, ...] = (), paginated: bool = False, public: bool = False,
          media_type: str | tuple[str, ...] = "application/json", description: str = "",
          errors: tuple[int, ...] = (403,), form=None, upload: dict | None = None):
    """Declare and register one API operation.

    The view gets the URL's arguments, plus ``args`` (validated query) when the
    operation has query parameters and ``data`` (the JSON body, checked against
    ``body`` when first read — after the view's permission check) when it takes a
    body; ``form`` (a ``forms_input.FormInput``) maps that body onto the UI form
    that validates it, and names a service's ``DomainError`` field in JSON terms.
    The view returns a response or raises ``ApiError``/``DomainError``.
    """

    if form is not None and body is None:
        raise TypeError(f"{path}: a form maps a body; declare the body's schema too")

    def decorator(func: Callable):
        op = Operation(method=method, path=path, endpoint=func.__name__, summary=summary, tag=tag,
                       response=response, status=status, body=body, query=query, paginated=paginated,
                       public=public, media_type=media_type, description=description, form=form, upload=upload,
                       errors=tuple(sorted(set(COMMON_ERRORS if not public else (404, 405)) | set(errors) | (
                           {422} if body is not None or upload else set()) | ({409} if method != "GET" else set()))))
        OPERATIONS.append(op)

        @wraps(func)
        def view(**kwargs):
            try:
                if not op.public:
                    authenticate()
                _check_path_args(kwargs)
                if op.all_query:
                    kwargs["args"] = parse_query(op.all_query)
                if op.body is not None:
                    kwargs["data"] = LazyBody(op.body, op.form)
                return func(**kwargs)
            except ApiError as error:
                return error_response(error.status, error.message, error.errors)
            except NotAllowed as error:
                return error_response(403, str(error.message))
            except Conflict as error:  # the state, not the body, is in the way (e.g. the budget is spent)
                return error_response(409, str(error.message))
            except DomainError as error:
                message = str(error.message)
                return error_response(422, message, {_json_field(op, error.field, kwargs): [message]}
                                      if error.field else {})

        bp.add_url_rule(path, endpoint=func.__name__, view_func=view, methods=[method])
        return func

    return decorator


def _json_field(op: Operation, name: str, kwargs: dict) -> str:
    """A service names the form field it refuses; the client knows the JSON field."""
    if op.form is None:
        return name
    return op.form.json_name(name, kwargs["data"].loaded)


# --- authentication -------------------------------------------------------------------------


def authenticate() -> None:
    """Make the token's user the ``current_user`` of this request, or answer 401/429."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401)
    try:
        user = tokens.authenticate(secret.strip(), ip=request.remote_addr or "")
    except tokens.Throttled:
        raise ApiError(429) from None
    if user is None:
        raise ApiError(401, _("Der API-Token ist ungültig, abgelaufen oder widerrufen."))
    g._login_user = user  # Flask-Login's current_user for this request: permissions work unchanged


class ApiSessionInterface(SessionInterface):
    """The app's session interface, except that requests to the API get a fresh session that is
    never loaded from nor saved to a cookie: the API is token-only, and sets no cookie."""

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app, req):
        if is_api_path(req.path):
            return SecureCookieSession()
        return self.inner.open_session(app, req)

    def save_session(self, app, session, response):
        if is_api_path(request.path):
            return None
        return self.inner.save_session(app, session, response)

    def is_null_session(self, obj) -> bool:
        return self.inner.is_null_session(obj)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)


def is_api_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def install_error_handlers(app) -> None:
    """JSON errors for every path under /api/v1 (also unknown paths, 405 and 413); other paths
    keep the HTML handlers registered before."""
    for code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503):
        exc_class = default_exceptions[code]
        previous = app.error_handler_spec[None].get(code, {}).get(exc_class)

        def handler(error, previous=previous, code=code):
            if is_api_path(request.path):
                status = error.code if isinstance(error, HTTPException) and error.code else code
                return error_response(status)
            if previous is not None:
                return previous(error)
            return error

        app.register_error_handler(code, handler)


def _check_path_args(kwargs: dict) -> None:
    """Values no database row can have are "not found", never a database error."""
    for value in kwargs.values():
        if isinstance(value, int) and not 0 < value <= s.INT_MAX:
            raise ApiError(404)
        if isinstance(value, str) and ("\x00" in value or len(value) > 200 or not s._encodable(value)):
            raise ApiError(404)


# --- input ------------------------------------------------------------------------------------

_INT = re.compile(r"^-?\d{1,12}$")


def parse_query(params: tuple[Param, ...]) -> dict:
    """The declared query parameters, converted and validated (400 with a message per parameter)."""
    values, errors = {}, {}
    for param in params:
        raw = request.args.get(param.name)
        if raw is None or raw == "":
            values[param.name] = None
            continue
        kinds = param.schema.get("type")
        kinds = [kinds] if isinstance(kinds, str) else kinds
        value: object = raw
        if "integer" in kinds:
            if not _INT.match(raw.strip()):
                errors[param.name] = [_("Bitte eine ganze Zahl angeben.")]
                continue
            value = int(raw.strip())
        elif "boolean" in kinds:
            if raw not in ("true", "false"):
                errors[param.name] = [_("Erlaubt sind: %(values)s.", values="true, false")]
                continue
            value = raw == "true"
        problems = s.problems(value, param.schema, param.name)
        if problems:
            errors.update(problems)
        else:
            values[param.name] = value
    if errors:
        raise ApiError(400, _("Ungültige Parameter in der Adresse."), errors)
    return values


def parse_body(body_schema: dict) -> dict:
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, _("Der Inhalt ist kein gültiges JSON.")) from None
    if data is None:
        data = {}
    problems = s.problems(data, body_schema)
    if problems:
        raise ApiError(422, None, problems)
    return data


class LazyBody(Mapping):
    """The JSON body, parsed and validated on first access: views authorise first, then read
    the input, so a caller without permission learns nothing about what the input should be."""

    def __init__(self, body_schema: dict, form_input=None):
        self._schema = body_schema
        self._data: dict | None = None
        self.form_input = form_input

    @property
    def loaded(self) -> dict:
        """The body as far as it was read: empty before."""
        return self._data or {}

    def _load(self) -> dict:
        if self._data is None:
            self._data = parse_body(self._schema)
        return self._data

    def __getitem__(self, key):
        return self._load()[key]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


# --- output -----------------------------------------------------------------------------------


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"  # stored as naive UTC
    if isinstance(value, date):
        return value.isoformat()
    return value.isoformat()


def ok(payload, status: int = 200):
    response = jsonify(payload)
    response.status_code = status
    return response


def page_bounds(args: dict) -> tuple[int, int]:
    return args.get("page") or 1, args.get("per_page") or DEFAULT_PER_PAGE


def paginated(items: list, total: int, args: dict):
    """The page envelope with a ``Link`` header (first, prev, next, last)."""
    page, per_page = page_bounds(args)
    response = ok({"items": items, "page": page, "per_page": per_page, "total": total})
    last = Window(page, per_page, total).pages
    query = {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in args.items()
             if v is not None and k not in ("page", "per_page") and k not in (request.view_args or {})}

    def link(n: int, rel: str) -> str:
        url = url_for(request.endpoint, **(request.view_args or {}), **query, page=n, per_page=per_page)
        return f'<{url}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    response.headers["Link"] = ", ".join(links)
    return response


def paginate_list(rows: list, args: dict, serialize: Callable):
    """Paginate rows already loaded (lists that are small by nature, e.g. a forum's meetings)."""
    window = Window(*page_bounds(args), len(rows))
    chunk = rows[window.offset: window.offset + window.per_page]
    return paginated([serialize(r) for r in chunk], len(rows), args)


def paginate_query(stmt, args: dict, serialize: Callable, *, scalars: bool = True):
    """Paginate a SELECT in the database: one COUNT and one page query."""
    from ...extensions import db

    window = Window(*page_bounds(args), count(stmt))
    result = db.session.execute(stmt.limit(window.per_page).offset(window.offset))
    rows = list(result.scalars() if scalars else result.all())
    return paginated([serialize(r) for r in rows], window.total, args)
