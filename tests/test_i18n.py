"""German first, English second: every UI string has an English translation, the language follows the
user's explicit choice, then Accept-Language, then German; official PDFs, amounts and numeric dates
stay German in both languages.

The page tests walk the demo data (a module-wide app: Huchting with applications, a held meeting with
published minutes and a planned one) and check that an English page shows none of the German UI
strings it could have shown.
"""

from __future__ import annotations

import html
import io
import re
import shutil
from datetime import date

import pytest
import sqlalchemy as sa
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.catalogues import ROOT, TRANSLATIONS, compile_stale_catalogues
from tests.conftest import SAME_ORIGIN, AuthActions, IsolatedClient, csrf_token_from, demo_site_app
from wingrant.extensions import db as _db

EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
#: A printf placeholder: %(name)s, %s, %d, … or the escaped %%.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _english_catalogue():
    with EN_PO.open("rb") as fh:
        return read_po(fh, locale="en")


def _extracted_msgids() -> dict[tuple[str, str | None], str]:
    """(msgid, context) → first source file, extracted from the tree as ``make extract-messages`` does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)

    def only_sources(path: str) -> bool:
        relative = path[len(str(ROOT)):].lstrip("/")
        return relative.split("/", 1)[0] in ("", "wingrant", "templates")

    found: dict[tuple[str, str | None], str] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=only_sources):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), filename)
    return found


# --- the catalogue ------------------------------------------------------------------------------


def test_every_ui_string_has_an_english_translation():
    catalogue = _english_catalogue()
    missing = []
    for (msgid, context), filename in sorted(_extracted_msgids().items(), key=lambda kv: (kv[1], kv[0][0])):
        message = catalogue.get(msgid, context)
        strings = () if message is None else (message.string if isinstance(message.string, tuple)
                                              else (message.string,))
        if message is None or message.fuzzy or not strings or not all(strings):
            missing.append(f"{filename}: {msgid!r}" + (f" (context {context!r})" if context else ""))
    assert not missing, (f"{len(missing)} UI strings without English translation "
                         "(make update-translations, then translate in " f"{EN_PO.relative_to(ROOT)}):\n"
                         + "\n".join(missing))


def test_english_catalogue_has_no_fuzzy_or_empty_entries():
    bad = [m.id for m in _english_catalogue() if m.id and (
        m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert not bad, bad


#: Placeholders only German grammar needs: English has no grammatical gender, so "entscheidet
#: %(article)s %(forum)s" becomes "the %(forum)s decides" and the forum's article is left out.
GERMAN_GRAMMAR_ONLY = {"%(article)s"}


def _kept(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p not in GERMAN_GRAMMAR_ONLY)


def test_translations_keep_placeholders():
    wrong = []
    for m in _english_catalogue():
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            pairs = [(m.id[0], m.string[0]), (m.id[1], m.string[1])]
        else:
            pairs = [(m.id, m.string)]
        for source, target in pairs:
            if _kept(source) != _kept(target):
                wrong.append(f"{source!r} → {target!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_plural_forms_are_english():
    catalogue = _english_catalogue()
    assert catalogue.num_plurals == 2
    assert catalogue.plural_expr.replace(" ", "") in ("(n!=1)", "n!=1")


def test_stale_catalogue_is_compiled_for_the_test_run(tmp_path, monkeypatch):
    from tests import catalogues

    po_dir = tmp_path / "en" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    shutil.copy(EN_PO, po_dir / "messages.po")
    monkeypatch.setattr(catalogues, "TRANSLATIONS", tmp_path)
    assert catalogues.compile_stale_catalogues() == [po_dir / "messages.mo"]
    assert catalogues.compile_stale_catalogues() == []  # up to date now


# --- the demo site in English ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(test_world, demo_data, tmp_path_factory):
    """The app with the demo data, for the whole module (restoring it per test would be needless)."""
    compile_stale_catalogues()
    with demo_site_app(test_world, demo_data, tmp_path_factory.mktemp("i18n-demo")) as app:
        yield _with_demo_facts(app, demo_data.passwords)


def _with_demo_facts(app, passwords: dict[str, str]):
    app.test_client_class = IsolatedClient
    with app.app_context():
        from wingrant.meetings.models import Meeting, MeetingState
        from wingrant.neighbourhoods.models import Neighbourhood

        huchting = _db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
        meetings = _db.session.execute(
            sa.select(Meeting).filter_by(neighbourhood_id=huchting.id).order_by(Meeting.date)).scalars().all()
        held = next(m.id for m in meetings if m.state == MeetingState.MINUTES_APPROVED)
        planned = next(m.id for m in meetings if m.state in (MeetingState.PLANNED, MeetingState.INVITED))
        stored = _stored_texts()
        _db.session.remove()
    app.demo = {"passwords": passwords, "held": held, "planned": planned, "stored": stored}
    return app


def _client(site, email: str | None = None):
    client = site.test_client()
    if email:
        response = AuthActions(client).login(email, site.demo["passwords"][email])
        assert response.status_code == 302, f"login as {email} failed"
    return client


def _stored_texts() -> str:
    """Every text stored in the database: user data may be German on an English page."""
    texts = []
    for table in _db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.String)]
        if columns:
            for row in _db.session.execute(sa.select(*columns)):
                texts.extend(v for v in row if isinstance(v, str))
    return "\n".join(texts)


def _german_ui_strings(stored: str) -> list[str]:
    """German msgids specific enough not to occur in English text by chance, and not data."""
    catalogue = _english_catalogue()
    # German words that are English too ("Programme", "Status") prove nothing.
    english = " ".join(s for m in catalogue if m.id
                       for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    strings = []
    for m in catalogue:
        if not m.id or isinstance(m.id, tuple) or "%" in m.id or m.id in english or m.id in stored:
            continue
        if len(m.id) >= 12 or (" " not in m.id and len(m.id) >= 6):
            strings.append(m.id)
    return strings


def _assert_english(page: str, url: str, german: list[str]) -> None:
    assert '<html lang="en">' in page, f"{url} is not marked as English"
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text)
    words = set(re.findall(r"[\wäöüÄÖÜß:-]+", text))
    leftovers = [s for s in german if (s in text if " " in s else s in words)]
    assert not leftovers, f"German UI text on the English page {url}: {leftovers}"


def _pages(site) -> list[tuple[str | None, str]]:
    held, planned = site.demo["held"], site.demo["planned"]
    with site.app_context():
        from wingrant.applications.models import Application
        from wingrant.neighbourhoods.models import Neighbourhood

        huchting = _db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
        application = _db.session.execute(sa.select(Application).filter_by(neighbourhood_id=huchting.id)
                                          .order_by(Application.id)).scalars().first()
        app_id = application.id
        _db.session.remove()
    qm = "qm.huchting@wingrant.example"
    return [
        (None, "/"),
        (None, "/anmelden"),
        (None, "/portal/"),
        (None, "/portal/huchting"),
        (qm, "/sitzungen"),
        (qm, "/protokolle"),
        (qm, "/quartiere/huchting/antraege"),
        (qm, f"/quartiere/huchting/antraege/{app_id}"),
        (qm, "/quartiere/huchting/sitzungen"),
        (qm, f"/quartiere/huchting/sitzungen/{held}"),
        (qm, f"/quartiere/huchting/sitzungen/{planned}"),
        (qm, f"/quartiere/huchting/sitzungen/{planned}/einladung"),
        (qm, "/quartiere/huchting/protokolle"),
        (qm, f"/quartiere/huchting/protokolle/{held}"),
        (qm, "/traeger"),
    ]


def test_accept_language_en_renders_english(site):
    german = _german_ui_strings(site.demo["stored"])
    clients: dict[str | None, object] = {}
    for email, url in _pages(site):
        client = clients.setdefault(email, _client(site, email))
        response = client.get(url, headers=EN, follow_redirects=True)
        assert response.status_code == 200, url
        _assert_english(response.get_data(as_text=True), url, german)


def test_german_is_the_default(site):
    client = _client(site)
    for headers in ({}, {"Accept-Language": "fr-FR,fr;q=0.9"}, {"Accept-Language": "*"}):
        page = client.get("/portal/", headers=headers).get_data(as_text=True)
        assert '<html lang="de">' in page, headers
        assert "Öffentliches Portal" in page
        assert "Public portal" not in page


def test_english_page_offers_german_and_german_page_offers_english(site):
    client = _client(site)
    german = client.get("/").get_data(as_text=True)
    assert re.search(r'<button type="submit" name="lang" value="en" lang="en">English</button>', german)
    english = client.get("/", headers=EN).get_data(as_text=True)
    assert re.search(r'<button type="submit" name="lang" value="de" lang="de">Deutsch</button>', english)


def test_language_switch_persists_choice(site):
    client = _client(site)
    response = client.post("/sprache", data={"lang": "de", "next": "/portal/"}, headers={**EN, **SAME_ORIGIN})
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")
    # The explicit choice beats the browser's Accept-Language on every later request.
    for url in ("/portal/", "/", "/anmelden"):
        assert '<html lang="de">' in client.get(url, headers=EN).get_data(as_text=True), url
    client.post("/sprache", data={"lang": "en", "next": "/"}, headers=SAME_ORIGIN)
    page = client.get("/portal/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Public portal" in page


def test_language_choice_survives_login(site):
    client = _client(site)
    client.post("/sprache", data={"lang": "en", "next": "/"}, headers=SAME_ORIGIN)
    email = "qm.huchting@wingrant.example"
    AuthActions(client).login(email, site.demo["passwords"][email])
    assert '<html lang="en">' in client.get("/antraege", follow_redirects=True).get_data(as_text=True)


def test_unknown_language_choice_is_ignored(site):
    client = _client(site)
    response = client.post("/sprache", data={"lang": "xx", "next": "//evil.example/"}, headers=SAME_ORIGIN)
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)


def test_flash_messages_follow_the_ui_language(site):
    client = _client(site)
    email = "qm.huchting@wingrant.example"
    page = client.get("/anmelden", headers=EN).get_data(as_text=True)
    response = client.post("/anmelden", headers=EN, follow_redirects=True, data={
        "csrf_token": csrf_token_from(page), "email": email, "password": site.demo["passwords"][email]})
    assert "Welcome, Maren Hollmann." in response.get_data(as_text=True)


def test_money_errors_follow_the_ui_language(site):
    from wingrant import money

    with site.test_request_context("/", headers=EN):
        with pytest.raises(money.MoneyError, match="^Please use a comma as the decimal separator"):
            money.parse("12.50")
        with pytest.raises(money.MoneyError, match="^“abc” is not a valid amount"):
            money.parse("abc")
    with site.test_request_context("/"):
        with pytest.raises(money.MoneyError, match="^„abc“ ist kein gültiger Betrag"):
            money.parse("abc")


# --- what stays German ----------------------------------------------------------------------------


def test_amounts_and_numeric_dates_keep_the_german_format_in_english(site):
    from wingrant.core.templating import format_date_de

    day = date(2026, 11, 21)
    with site.test_request_context("/", headers=EN):
        render = site.jinja_env.from_string('{{ 123456 | eur }} {{ d | date_de }} {{ d | date_de("short") }}'
                                            ' {{ d | date_de("long") }} {{ d | date_de("full") }}')
        assert render.render(d=day) == ("1.234,56\u00a0€ 21.11.2026 21.11.26 21 November 2026 "
                                        "Saturday, 21 November 2026")
    with site.test_request_context("/"):
        assert format_date_de(day, "long") == "21. November 2026"
        assert format_date_de(day, "full") == "Samstag, 21. November 2026"
    page = _client(site).get("/portal/huchting", headers=EN).get_data(as_text=True)
    assert re.search(r"\d{1,3}(\.\d{3})*,\d{2}\u00a0€", page), "no German-formatted amount on the page"
    assert not re.search(r"\d,\d{3}\.\d{2}", page), "an English-formatted amount on the page"


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.slow
def test_official_pdfs_stay_german_in_an_english_request(site):
    client = _client(site, "qm.huchting@wingrant.example")
    held, planned = site.demo["held"], site.demo["planned"]
    invitation = client.get(f"/quartiere/huchting/sitzungen/{planned}/einladung.pdf", headers=EN)
    minutes = client.get(f"/quartiere/huchting/protokolle/{held}/protokoll.pdf", headers=EN)
    for response, german, english in (
            (invitation, ["Einladung zur Sitzung", "Tagesordnung"], ["Invitation to the meeting", "Agenda"]),
            (minutes, ["Ergebnisprotokoll", "Tagesordnung", "Budgetstand"],
             ["Minutes of results", "Budget status", "Decisions at a glance"])):
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = re.sub(r"\s+", " ", _pdf_text(response.data))
        for word in german:
            assert word in text
        for word in english:
            assert word not in text
    # and the page around them is still English
    assert '<html lang="en">' in client.get(f"/quartiere/huchting/protokolle/{held}",
                                            headers=EN).get_data(as_text=True)
