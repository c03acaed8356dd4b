"""Benchmark data: years of WiN decisions for Bremen — and for other cities — written in bulk.

Scale 1 is one year of Bremen: 17 neighbourhoods, 50 applications and 10 meetings
each, every meeting decided, booked in the ledger and its minutes published.
Scales grow the way wingrant's data will: first years pile up (10× = ten years
of Bremen), then other cities adopt it (100× = ten years of ten cities, 170
neighbourhoods). Below 1 (the smoke test) one neighbourhood gets a share of a year.

On top of that, so that the benchmark has the objects it needs: the largest
neighbourhood's last published meeting of the current year carries 25
applications (for the meeting page and the minutes PDF), and that
neighbourhood has a meeting in session today with 25 more applications, some
decided, the live pointer on the first open one. Every neighbourhood has its
next meeting planned.

The rows obey the domain rules, though they are written with SQLAlchemy Core
``insert()`` executemany instead of one service call each (which would take
hours at 100×): every approval is a Decision with DecisionAmounts and one
ledger commitment per programme; an approval that the budget cannot carry is
rejected instead, so no balance goes below zero; corrected decisions are a
commitment, its reversal and the new commitment; closed projects return unspent
money as a release; every decision and booking has its audit event.

Published minutes need their stored PDF. Rendering 17,000 PDFs would take hours,
so one real PDF is rendered per database (the big meeting's minutes, through
``minutes.pdf.render_pdf``) and its bytes and SHA-256 are stored for every
published version. Benchmarks never read PDF bytes except to serve them.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from wingrant.applications.models import (
    Application,
    ApplicationTransition,
    CostCategory,
    CostItem,
    FinancingItem,
    FundingSource,
    application_field,
)
from wingrant.applications.models import (
    ApplicationState as S,
)
from wingrant.audit.models import AuditEvent
from wingrant.auth.models import Membership, Role, User
from wingrant.auth.passwords import hash_password
from wingrant.demo.catalogue import NEIGHBOURHOODS, PROGRAMMES
from wingrant.extensions import db
from wingrant.funding.models import Grant, UseOfFundsLine, UseOfFundsReport
from wingrant.ledger.models import Budget, EntryKind, LedgerEntry
from wingrant.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AttendeeGroup,
    Decision,
    DecisionAmount,
    HeadCount,
    Meeting,
    MeetingState,
    Objection,
    Outcome,
)
from wingrant.minutes.models import Minutes, MinutesState, MinutesVersion
from wingrant.neighbourhoods.models import FieldOfAction, Neighbourhood, Programme
from wingrant.organisations.models import Organisation

#: Every bench account has this password (the runner logs in through the real form).
PASSWORD = "bench-korrekt-pferd-batterie"
ADMIN_EMAIL = "admin@bench.example"

#: Bremen's 14 demo neighbourhoods and three more WiN areas make the 17.
BREMEN = NEIGHBOURHOODS + [
    ("Ohlenhof", "ohlenhof", "OHL", "WiN-Forum Ohlenhof", "das", 50),
    ("Sodenmatt", "sodenmatt", "SOD", "Stadtteilgruppe Sodenmatt", "die", 50),
    ("Woltmershausen", "woltmershausen", "WOL", "WiN-Forum Woltmershausen", "das", 25),
]
#: The cities that adopt wingrant after Bremen (each with 17 neighbourhoods like Bremen's).
CITIES = [("Bremen", "HB"), ("Bremerhaven", "BHV"), ("Hamburg", "HH"), ("Hannover", "H"), ("Kiel", "KI"),
          ("Lübeck", "HL"), ("Oldenburg", "OL"), ("Osnabrück", "OS"), ("Braunschweig", "BS"), ("Göttingen", "GÖ")]
CITY_CODES = ["HB", "BHV", "HH", "HAN", "KI", "HL", "OL", "OS", "BS", "GOE"]

TITLES = [
    "Hochbeete für den Nachbarschaftsgarten", "Theaterprojekt mit Jugendlichen", "Offene Fahrradwerkstatt",
    "Spielplatz: neue Geräte", "Sprachcafé für Neuzugewanderte", "Sommerfest im Quartier",
    "Hausaufgabenhilfe im Quartierstreff", "Stadtteilzeitung", "Mädchenfußball am Wochenende",
    "Nähwerkstatt für Eltern", "Seniorenfrühstück", "Kiezkino unter freiem Himmel",
    "Graffiti-Workshop an der Unterführung", "Repair-Café", "Bewegungsparcours für alle Generationen",
    "Lesepaten an der Grundschule", "Kochkurs: gesund und günstig", "Bücherschrank am Marktplatz",
    "Interkultureller Gartentag", "Computerkurs für Seniorinnen", "Musikwerkstatt im Jugendhaus",
    "Nachbarschaftsflohmarkt", "Tanzprojekt der Kita", "Bänke und Beete am Spielplatz",
]
ORG_KINDS = [
    ("Nachbarschaftsverein {nb} e. V.", "e. V."), ("Jugendhaus {nb}", "Einrichtung der Stadtgemeinde"),
    ("Kita Sonnenschein {nb}", "Einrichtung der Stadtgemeinde"), ("Bürgerhaus {nb} e. V.", "e. V."),
    ("Sportverein {nb} von 1921 e. V.", "e. V."), ("Kulturladen {nb} gGmbH", "gGmbH"),
    ("Grundschule am Park {nb}", "Schule"), ("Elternverein {nb} e. V.", "e. V."),
    ("Wohnungsbau {nb} GmbH", "GmbH"), ("Seniorentreff {nb}", "e. V."), ("Frauenzentrum {nb} e. V.", "e. V."),
    ("Gemeinschaftsgarten {nb} e. V.", "e. V."),
]
GROUPS = [AttendeeGroup.RESIDENTS, AttendeeGroup.INSTITUTIONS, AttendeeGroup.ADMINISTRATION,
          AttendeeGroup.POLITICS, AttendeeGroup.HOUSING]
STANDARD_WIN_CENTS = 150_000_00
SOZ_CENTS = 100_000_00
BIG = 25


@dataclass(frozen=True)
class Plan:
    scale: float
    neighbourhoods: int
    years: int
    apps_per_year: int
    meetings_per_year: int
    big_meeting: int

    def describe(self) -> str:
        return (f"{self.neighbourhoods} neighbourhoods × {self.years} year(s) × {self.apps_per_year} applications, "
                f"{self.meetings_per_year} meetings per neighbourhood and year")


def plan_for(scale: float) -> Plan:
    if scale < 1:  # the smoke test: a share of one neighbourhood's year
        apps = max(6, round(850 * scale))
        meetings = max(2, round(170 * scale))
        return Plan(scale, 1, 1, apps, meetings, min(BIG, max(2, apps // 3)))
    years = min(int(scale), 10)
    return Plan(scale, round(17 * scale / years), years, 50, 10, BIG)


class Writer:
    """Buffers rows per table with pre-assigned ids and writes them in FK order."""

    def __init__(self, conn: sa.Connection, chunk: int = 5000):
        self.conn = conn
        self.chunk = chunk
        self.rows: dict[sa.Table, list[dict]] = {}
        self.ids: dict[sa.Table, int] = {}
        self.pending = 0
        self.written: dict[str, int] = {}

    def add(self, model, **values) -> int:
        table = model.__table__ if hasattr(model, "__table__") else model
        if "id" in table.c and "id" not in values:
            values["id"] = self.ids[table] = self.ids.get(table, 0) + 1
        self.rows.setdefault(table, []).append(values)
        self.pending += 1
        return values.get("id")

    def flush(self) -> None:
        for table in db.metadata.sorted_tables:
            rows = self.rows.pop(table, None)
            if not rows:
                continue
            for start in range(0, len(rows), self.chunk):
                self.conn.execute(table.insert(), rows[start:start + self.chunk])
            self.written[table.name] = self.written.get(table.name, 0) + len(rows)
        self.pending = 0

    def maybe_flush(self, limit: int = 60_000) -> None:
        if self.pending >= limit:
            self.flush()


@dataclass
class Result:
    plan: Plan
    seconds: float
    rows: dict[str, int]
    pdf_sha256: str
    pdf_bytes: int
    objects: dict


def neighbourhood_specs(count: int) -> list[tuple[str, str, str, str, int]]:
    """(name, slug, code, forum, social index) — Bremen first, its 150 % neighbourhood leading."""
    specs = []
    for i in range(count):
        city, n = divmod(i, len(BREMEN))
        name, slug, code, forum, _article, index = BREMEN[n]
        if city:
            city_name = CITIES[city % len(CITIES)][0] + (f" {city // len(CITIES) + 1}" if city >= len(CITIES) else "")
            prefix = CITY_CODES[city % len(CITY_CODES)] + (str(city // len(CITIES)) if city >= len(CITIES) else "")
            name = f"{city_name} – Quartier {n + 1:02d}"
            slug = f"{prefix.lower()}-q{n + 1:02d}"
            code = f"{prefix}{n + 1:02d}"[:6]
            forum = f"Quartiersforum {name}"
        specs.append((name, slug, code, forum, index))
    return specs


def generate(app, scale: float, *, today: date | None = None, log=print) -> Result:
    """Fill the app's (migrated, empty) database with data of the given scale."""
    from wingrant.minutes import pdf as minutes_pdf
    from wingrant.minutes.record_loader import minutes_record

    plan = plan_for(scale)
    today = today or date.today()
    started = time.perf_counter()
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":  # before SQLAlchemy's BEGIN: SQLite refuses it inside one
                conn.connection.dbapi_connection.execute("PRAGMA synchronous = OFF")
            gen = _Generator(Writer(conn), plan, today)
            gen.base()
            for index in range(plan.neighbourhoods):
                gen.neighbourhood(index)
                gen.writer.maybe_flush()
                if index == 0:
                    gen.writer.flush()
                    conn.commit()
                    log(f"  neighbourhood 1/{plan.neighbourhoods} written; rendering the one real minutes PDF")
                    record = minutes_record(gen.big_meeting_id, public=True)
                    gen.pdf = minutes_pdf.render_pdf(record, version=1)
                    db.session.remove()
                elif index % 17 == 16:
                    log(f"  neighbourhood {index + 1}/{plan.neighbourhoods} "
                        f"({time.perf_counter() - started:.0f} s)")
            gen.versions()
            gen.writer.flush()
            conn.commit()
        _reset_sequences(engine)
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        engine.dispose()
    return Result(plan, time.perf_counter() - started, dict(sorted(gen.writer.written.items())),
                  hashlib.sha256(gen.pdf).hexdigest(), len(gen.pdf), gen.objects())


def _reset_sequences(engine) -> None:
    """Explicit ids leave PostgreSQL's sequences at 1: move them past the data."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)")


class _Generator:
    def __init__(self, writer: Writer, plan: Plan, today: date):
        self.writer = writer
        self.plan = plan
        self.today = today
        self.last_year = today.year
        self.first_year = today.year - plan.years + 1
        self.pdf = b""
        self.minutes_versions: list[dict] = []
        self.big_meeting_id = 0
        self.live_meeting_id = 0
        self.big_application_id = 0
        self.largest_slug = ""

    # --- shared data -----------------------------------------------------------------

    def base(self) -> None:
        w = self.writer
        self.password_hash = hash_password(PASSWORD)
        self.programmes: dict[str, int] = {}
        self.fields: dict[str, list[int]] = {}
        for position, (code, name, share, investive, fields) in enumerate(PROGRAMMES):
            pid = w.add(Programme, code=code, name=name, max_share_percent=share, investive_only=investive,
                        position=position, active=True)
            self.programmes[code] = pid
            self.fields[code] = [w.add(FieldOfAction, programme_id=pid, name=f, position=i)
                                 for i, f in enumerate(fields)]
        self.admin_id = w.add(User, email=ADMIN_EMAIL, name="WiN-Geschäftsführung (Bench)",
                              password_hash=self.password_hash, is_admin=True, active=True, session_version=1,
                              created_at=datetime(self.first_year - 1, 12, 1))

    # --- one neighbourhood, all years ---------------------------------------------------

    def neighbourhood(self, index: int) -> None:
        w = self.writer
        name, slug, code, forum, social = neighbourhood_specs(index + 1)[index]
        rnd = random.Random(index)
        created = datetime(self.first_year - 1, 11, 1)
        nb_id = w.add(Neighbourhood, slug=slug, name=name, code=code, forum_name=forum,
                      office_name=f"Quartiersmanagement {name}", office_address=f"Quartiersbüro {name}",
                      social_index_percent=social, allow_dissent_referral=True, objection_period_days=14,
                      active=True, created_at=created)
        qm = w.add(User, email=f"qm-{slug}@bench.example", name=f"QM {name}", password_hash=self.password_hash,
                   is_admin=False, active=True, session_version=1, created_at=created)
        w.add(Membership, user_id=qm, neighbourhood_id=nb_id, role=Role.MANAGER)
        if index == 0:
            self.largest_slug = slug
            self.manager_email = f"qm-{slug}@bench.example"
            for role in (Role.MINUTES, Role.READER):
                uid = w.add(User, email=f"{role.value}-{slug}@bench.example", name=f"{role.value} {name}",
                            password_hash=self.password_hash, is_admin=False, active=True, session_version=1,
                            created_at=created)
                w.add(Membership, user_id=uid, neighbourhood_id=nb_id, role=role)
        orgs = []
        for pattern, form in ORG_KINDS:
            orgs.append(w.add(Organisation, name=pattern.format(nb=name), legal_form=form,
                              street="Hauptstraße 1", postcode="28000", city="Bremen",
                              contact_person="Kontaktperson", email=f"kontakt{len(orgs)}@{slug}.example",
                              phone="0421 000000", non_profit=form != "GmbH", created_at=created))
        ctx = dict(nb_id=nb_id, code=code, name=name, forum=forum, qm=qm, orgs=orgs, rnd=rnd, social=social)
        for year in range(self.first_year, self.last_year + 1):
            self._year(ctx, year, big=index == 0 and year == self.last_year)
        self._planned_meeting(nb_id, forum)

    def _budget(self, ctx, year: int, code: str, cents: int) -> dict:
        w = self.writer
        created = datetime(year - 1, 12, 15, 9, 0)
        bid = w.add(Budget, neighbourhood_id=ctx["nb_id"], programme_id=self.programmes[code], year=year,
                    closed=year < self.last_year - 1, created_at=created)
        self._entry(ctx, bid, EntryKind.ALLOCATION, cents, created, memo=f"Mittelansatz {year}",
                    user=self.admin_id)
        return {"id": bid, "available": cents}

    def _entry(self, ctx, budget_id, kind, cents, at, *, user=None, memo="", application_id=None,
               decision_id=None, reverses_id=None) -> int:
        eid = self.writer.add(LedgerEntry, budget_id=budget_id, kind=kind, amount_cents=cents,
                              reverses_id=reverses_id, application_id=application_id, decision_id=decision_id,
                              memo=memo, created_by_id=user or ctx["qm"], created_at=at)
        self.writer.add(AuditEvent, occurred_at=at, user_id=user or ctx["qm"], action=f"ledger.{kind.value}",
                        object_type="LedgerEntry", object_id=eid, neighbourhood_id=ctx["nb_id"],
                        after={"budget_id": budget_id, "amount_cents": cents}, ip_address="")
        return eid

    def _meeting_dates(self, year: int, count: int) -> list[date]:
        if year < self.last_year:
            start = date(year, 1, 20)
            step = max(1, 320 // count)
            return [start + timedelta(days=step * k) for k in range(count)]
        # The current year: the last published meeting three weeks ago, the others before it.
        return [self.today - timedelta(days=21 + 25 * (count - 1 - k)) for k in range(count)]

    def _year(self, ctx, year: int, *, big: bool) -> None:
        rnd, plan = ctx["rnd"], self.plan
        budgets = {"WIN": self._budget(ctx, year, "WIN", STANDARD_WIN_CENTS * ctx["social"] // 100)}
        if ctx["social"] >= 100:
            budgets["SOZ"] = self._budget(ctx, year, "SOZ", SOZ_CENTS)
        dates = self._meeting_dates(year, plan.meetings_per_year)
        meeting_ids = [self.writer.ids.get(Meeting.__table__, 0) + 1 + k for k in range(len(dates))]
        current = year == self.last_year
        pending = max(1, plan.apps_per_year // 10) if current else 0  # not yet on an agenda
        decided = plan.apps_per_year - pending
        # Which meeting decides each application; the big meeting takes 25.
        slots: list[int] = []
        if big:
            slots = [len(dates) - 1] * min(plan.big_meeting, decided)
        rest = [k for k in range(len(dates)) if not (big and k == len(dates) - 1)] or [len(dates) - 1]
        while len(slots) < decided:
            slots.append(rest[len(slots) % len(rest)])
        agendas: dict[int, list] = {k: [] for k in range(len(dates))}
        for n in range(plan.apps_per_year):
            if n >= decided:
                self._pending_application(ctx, self._application(ctx, year, n + 1, budgets, first=self.today))
                continue
            k = slots[n]
            defer = k > 0 and rnd.random() < 0.08 and not (big and k == len(dates) - 1)
            app = self._application(ctx, year, n + 1, budgets, first=dates[k - 1] if defer else dates[k])
            if defer:
                agendas[k - 1].append((app, "defer"))
            agendas[k].append((app, "decide"))
        for k, when in enumerate(dates):
            self._held_meeting(ctx, meeting_ids[k], when, agendas[k], budgets, year,
                               approved_in=(meeting_ids[k + 1], dates[k + 1]) if k + 1 < len(dates) else None,
                               published=True, current_position=None)
            if big and k == len(dates) - 1:
                self.big_meeting_id = meeting_ids[k]
                self.big_application_id = next(a["id"] for a, how in agendas[k] if how == "decide"
                                               and a["outcome"] in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES))
        if big:
            self._live_meeting(ctx, year, budgets)

    # --- applications ----------------------------------------------------------------

    def _application(self, ctx, year: int, n: int, budgets: dict, *, first: date) -> dict:
        """An application submitted one to three months before the meeting that first discusses it."""
        w, rnd = self.writer, ctx["rnd"]
        code = "SOZ" if "SOZ" in budgets and rnd.random() < 0.15 else "WIN"
        scale = max(ctx["social"], 50) / 100
        requested = int(rnd.randint(1_500, 7_000) * scale) * 100
        total = requested * 2 if code == "WIN" else requested + rnd.randint(0, 2_000) * 100
        own = total - requested
        created = datetime.combine(first, datetime(2000, 1, 1, 9).time()) - timedelta(days=rnd.randint(30, 90))
        title = rnd.choice(TITLES)
        org = rnd.choice(ctx["orgs"])
        app_id = w.add(
            Application, reference=f"{ctx['code']}-{year}-{n:03d}", neighbourhood_id=ctx["nb_id"],
            organisation_id=org, year=year, title=title,
            summary=f"{title}: ein Projekt für die Nachbarschaft in {ctx['name']}.",
            description="Das Projekt bringt Nachbar:innen zusammen. " * 6, goals="Begegnung und Teilhabe.",
            target_groups="Familien, Kinder, Seniorinnen und Senioren", expected_participants=rnd.randint(10, 200),
            place=ctx["name"], start_date=date(year, 3, 1), end_date=date(year, 11, 30), state=S.DRAFT,
            version=1, submitted_at=created + timedelta(days=3), access_token_hash=None,
            contact_email=f"antrag{n}@example.org", created_by_id=ctx["qm"], created_at=created,
            updated_at=created,
        )
        category = CostCategory.INVESTMENT if code == "SOZ" else CostCategory.FEES
        first = total * 2 // 3
        w.add(CostItem, application_id=app_id, position=0, category=category, description="Honorare und Geräte",
              amount_cents=first)
        w.add(CostItem, application_id=app_id, position=1, category=CostCategory.MATERIAL,
              description="Material", amount_cents=total - first)
        if own:
            w.add(FinancingItem, application_id=app_id, position=0, source=FundingSource.OWN_FUNDS,
                  programme_id=None, description="Eigenmittel", amount_cents=own)
        w.add(FinancingItem, application_id=app_id, position=1, source=FundingSource.PROGRAMME,
              programme_id=self.programmes[code], description="", amount_cents=requested)
        for fid in rnd.sample(self.fields[code], 2 if rnd.random() < 0.4 else 1):
            w.add(application_field, application_id=app_id, field_of_action_id=fid)
        app = {"id": app_id, "code": code, "requested": requested, "created": created, "title": title,
               "org": org, "total": total, "outcome": None, "rows": w.rows[Application.__table__][-1]}
        self._transition(app, None, S.SUBMITTED, created + timedelta(days=3), ctx["qm"])
        return app

    def _transition(self, app, before, after, at, user, reason="") -> None:
        self.writer.add(ApplicationTransition, application_id=app["id"], from_state=before, to_state=after,
                        reason=reason, user_id=user, created_at=at)
        app["rows"]["state"] = after
        app["rows"]["updated_at"] = at

    def _pending_application(self, ctx, app) -> None:
        rnd = ctx["rnd"]
        at = app["created"] + timedelta(days=10)
        target = rnd.choice([S.SUBMITTED, S.IN_REVIEW, S.READY])
        if target != S.SUBMITTED:
            self._transition(app, S.SUBMITTED, S.IN_REVIEW, at, ctx["qm"])
        if target == S.READY:
            self._transition(app, S.IN_REVIEW, S.READY, at + timedelta(days=5), ctx["qm"])

    # --- meetings --------------------------------------------------------------------

    def _held_meeting(self, ctx, meeting_id, when: date, agenda: list, budgets: dict, year: int, *,
                      approved_in, published: bool, current_position, undecided: int = 0) -> None:
        w, rnd = self.writer, ctx["rnd"]
        state = MeetingState.MINUTES_APPROVED if published else MeetingState.HELD
        mid = w.add(Meeting, id=meeting_id, neighbourhood_id=ctx["nb_id"], date=when,
                    starts_at=datetime(2000, 1, 1, 18).time(), ends_at=datetime(2000, 1, 1, 20, 30).time(),
                    place=f"Bürgerhaus {ctx['name']}", address="Marktplatz 1", online=False,
                    invitation_text=f"Herzliche Einladung zur Sitzung des {ctx['forum']}.", state=state,
                    current_position=current_position)
        self.writer.ids[Meeting.__table__] = max(self.writer.ids.get(Meeting.__table__, 0), mid)
        position = 0
        for kind, title in ((AgendaItemKind.WELCOME, "Begrüßung"),
                            (AgendaItemKind.MINUTES_APPROVAL, "Genehmigung des Protokolls der letzten Sitzung"),
                            (AgendaItemKind.REPORTS, "Berichte und Vorstellungen"),
                            (AgendaItemKind.APPLICATION, "Beratung und Beschluss der Anträge")):
            w.add(AgendaItem, meeting_id=mid, position=position, kind=kind, title=title, notes="",
                  application_id=None)
            position += 1
        decided_at = datetime.combine(when, datetime(2000, 1, 1, 19).time())
        open_from = len(agenda) - undecided
        for i, (app, how) in enumerate(agenda):
            item = w.add(AgendaItem, meeting_id=mid, position=position, kind=AgendaItemKind.APPLICATION,
                         title=f"{app['title']} – Träger {app['org']}", notes="Vorstellung durch den Träger.",
                         application_id=app["id"])
            position += 1
            prior = app["rows"]["state"]
            if prior == S.SUBMITTED:
                self._transition(app, S.SUBMITTED, S.IN_REVIEW, decided_at - timedelta(days=20), ctx["qm"])
                self._transition(app, S.IN_REVIEW, S.READY, decided_at - timedelta(days=10), ctx["qm"])
            elif prior == S.DEFERRED:
                self._transition(app, S.DEFERRED, S.READY, decided_at - timedelta(days=10), ctx["qm"],
                                 "Nach Vertagung erneut auf die Tagesordnung gesetzt")
            if i >= open_from:
                continue  # the live meeting's open items: no decision yet
            if how == "defer":
                did = w.add(Decision, agenda_item_id=item, application_id=app["id"], outcome=Outcome.DEFERRED,
                            reason="Offene Fragen zur Finanzierung", conditions="", decided_at=decided_at,
                            recorded_by_id=ctx["qm"])
                w.add(Objection, decision_id=did, group=AttendeeGroup.RESIDENTS, person_name="",
                      consent_to_publish=False, reason="Die Finanzierung nach Projektende ist unklar.",
                      withdrawn=False, created_at=decided_at)
                self._transition(app, S.READY, S.DEFERRED, decided_at, ctx["qm"], "Offene Fragen")
                self._audit_decision(ctx, did, decided_at, Outcome.DEFERRED)
                continue
            self._decide(ctx, app, item, decided_at, budgets, year)
        for kind, title in ((AgendaItemKind.RESIDENTS, "Wünsche und Anliegen der Bewohner:innen"),
                            (AgendaItemKind.OTHER, "Sonstiges")):
            w.add(AgendaItem, meeting_id=mid, position=position, kind=kind, title=title, notes="",
                  application_id=None)
            position += 1
        for group in GROUPS:
            w.add(HeadCount, meeting_id=mid, group=group, count=rnd.randint(0, 15))
        if published:
            # Approved under the next meeting's item "Genehmigung des Protokolls", or by the QM
            # after the objection period when there is no next meeting yet.
            approved_at = (datetime.combine(approved_in[1], datetime(2000, 1, 1, 20, 30).time()) if approved_in
                           else decided_at + timedelta(days=16))
            minutes_id = w.add(Minutes, meeting_id=mid, state=MinutesState.PUBLISHED,
                               introduction="Begrüßung und Feststellung der Beschlussfähigkeit.",
                               closing_remarks="", next_meeting_date=None, approved_at=approved_at,
                               approved_by_id=ctx["qm"], approved_in_meeting_id=approved_in[0] if approved_in else None,
                               published_at=approved_at + timedelta(hours=2), created_at=decided_at)
            self.minutes_versions.append(dict(minutes_id=minutes_id, number=1, reason="",
                                              created_by_id=ctx["qm"], created_at=approved_at + timedelta(hours=2)))
            w.add(AuditEvent, occurred_at=approved_at, user_id=ctx["qm"], action="minutes.publish",
                  object_type="Minutes", object_id=minutes_id, neighbourhood_id=ctx["nb_id"],
                  after={"version": 1}, ip_address="")

    def _audit_decision(self, ctx, decision_id, at, outcome) -> None:
        self.writer.add(AuditEvent, occurred_at=at, user_id=ctx["qm"], action="decision.record",
                        object_type="Decision", object_id=decision_id, neighbourhood_id=ctx["nb_id"],
                        after={"outcome": outcome.value}, ip_address="")

    def _decide(self, ctx, app, item, at, budgets, year) -> None:
        w, rnd = self.writer, ctx["rnd"]
        roll = rnd.random()
        outcome = (Outcome.APPROVED if roll < 0.6 else Outcome.APPROVED_WITH_CHANGES if roll < 0.82
                   else Outcome.REJECTED if roll < 0.94 else Outcome.WITHDRAWN)
        amount = app["requested"] if outcome == Outcome.APPROVED else app["requested"] * 4 // 5
        budget = budgets[app["code"]]
        reason = ""
        if outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES) and amount > budget["available"]:
            outcome, reason = Outcome.REJECTED, "Das Budget des Jahres ist ausgeschöpft."
        elif outcome == Outcome.REJECTED:
            reason = "Das Projekt passt nicht zu den Zielen des Programms."
        elif outcome == Outcome.WITHDRAWN:
            reason = "Der Träger hat den Antrag zurückgezogen."
        conditions = "Förderung reduziert; Bericht im Forum." if outcome == Outcome.APPROVED_WITH_CHANGES else ""
        did = w.add(Decision, agenda_item_id=item, application_id=app["id"], outcome=outcome, reason=reason,
                    conditions=conditions, decided_at=at, recorded_by_id=ctx["qm"])
        app["outcome"] = outcome
        self._audit_decision(ctx, did, at, outcome)
        state = {Outcome.APPROVED: S.APPROVED, Outcome.APPROVED_WITH_CHANGES: S.APPROVED_WITH_CHANGES,
                 Outcome.REJECTED: S.REJECTED, Outcome.WITHDRAWN: S.WITHDRAWN}[outcome]
        self._transition(app, S.READY, state, at, ctx["qm"], reason)
        if outcome not in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES):
            return
        pid = self.programmes[app["code"]]
        w.add(DecisionAmount, decision_id=did, programme_id=pid, amount_cents=amount)
        memo = f"Beschluss {ctx['forum']} vom {at:%d.%m.%Y}"
        if outcome == Outcome.APPROVED_WITH_CHANGES and rnd.random() < 0.1:
            # Corrected during the meeting: first booked as requested, reversed, booked anew.
            first = self._entry(ctx, budget["id"], EntryKind.COMMITMENT, app["requested"], at,
                                memo=memo, application_id=app["id"], decision_id=did)
            self._entry(ctx, budget["id"], EntryKind.REVERSAL, app["requested"], at + timedelta(minutes=5),
                        memo="Korrektur des Beschlusses", application_id=app["id"], decision_id=did,
                        reverses_id=first)
        self._entry(ctx, budget["id"], EntryKind.COMMITMENT, amount, at + timedelta(minutes=6), memo=memo,
                    application_id=app["id"], decision_id=did)
        budget["available"] -= amount
        if at.date() > self.today - timedelta(days=40) and year == self.last_year:
            return  # decided recently: not granted yet
        granted = at + timedelta(days=30)
        grant = w.add(Grant, application_id=app["id"], programme_id=pid, number=f"ZB-{app['rows']['reference']}",
                      granted_on=granted.date(), amount_cents=amount, granted_by_id=self.admin_id,
                      created_at=granted)
        self._transition(app, state, S.GRANTED, granted, self.admin_id)
        if year >= self.last_year:
            return
        self._transition(app, S.GRANTED, S.RUNNING, granted + timedelta(days=20), ctx["qm"], "Erste Auszahlung")
        closed = datetime(year, 12, 1)  # the proof of use came in before the year was closed
        released = amount // 10 if rnd.random() < 0.2 else 0
        if released:
            self._entry(ctx, budget["id"], EntryKind.RELEASE, released, closed, memo="Rückfluss laut "
                        "Verwendungsnachweis", application_id=app["id"])
            budget["available"] += released
        report = w.add(UseOfFundsReport, application_id=app["id"], submitted_on=(closed - timedelta(days=30)).date(),
                       actual_cost_cents=app["total"] - released, spent_cents=amount - released,
                       repayment_claim_cents=0, notes="", created_by_id=ctx["qm"], created_at=closed)
        w.add(UseOfFundsLine, report_id=report, grant_id=grant, spent_cents=amount - released,
              released_cents=released, repayment_claim_cents=0)
        self._transition(app, S.RUNNING, S.REPORT_SUBMITTED, closed - timedelta(days=30), ctx["qm"])
        self._transition(app, S.REPORT_SUBMITTED, S.CLOSED, closed, self.admin_id, "Verwendungsnachweis geprüft")

    def _live_meeting(self, ctx, year: int, budgets: dict) -> None:
        """The meeting in session today: 25 applications, the first ones decided, the pointer on the next."""
        size = self.plan.big_meeting
        base = self.plan.apps_per_year
        apps = [self._application(ctx, year, base + n + 1, budgets, first=self.today) for n in range(size)]
        undecided = max(1, size * 3 // 10)
        mid = self.writer.ids.get(Meeting.__table__, 0) + 1
        self.live_meeting_id = mid
        self._held_meeting(ctx, mid, self.today, [(a, "decide") for a in apps], budgets, year, approved_in=None,
                           published=False, current_position=4 + size - undecided, undecided=undecided)

    def _planned_meeting(self, nb_id: int, forum: str) -> None:
        w = self.writer
        mid = w.add(Meeting, neighbourhood_id=nb_id, date=self.today + timedelta(days=14),
                    starts_at=datetime(2000, 1, 1, 18).time(), ends_at=datetime(2000, 1, 1, 20).time(),
                    place="Bürgerhaus", address="Marktplatz 1", online=False,
                    invitation_text=f"Einladung zur nächsten Sitzung des {forum}.", state=MeetingState.PLANNED,
                    current_position=None)
        for position, (kind, title) in enumerate(((AgendaItemKind.WELCOME, "Begrüßung"),
                                                  (AgendaItemKind.APPLICATION, "Beratung und Beschluss der Anträge"),
                                                  (AgendaItemKind.OTHER, "Sonstiges"))):
            w.add(AgendaItem, meeting_id=mid, position=position, kind=kind, title=title, notes="",
                  application_id=None)

    # --- the stored PDFs -------------------------------------------------------------------

    def versions(self) -> None:
        sha = hashlib.sha256(self.pdf).hexdigest()
        for values in self.minutes_versions:
            self.writer.add(MinutesVersion, pdf=self.pdf, sha256=sha, size_bytes=len(self.pdf), **values)
            self.writer.maybe_flush(2_000)  # the PDF bytes make these rows large

    def objects(self) -> dict:
        return {"slug": self.largest_slug, "manager": self.manager_email, "admin": ADMIN_EMAIL,
                "big_meeting_id": self.big_meeting_id, "live_meeting_id": self.live_meeting_id,
                "application_id": self.big_application_id, "first_year": self.first_year,
                "last_year": self.last_year}
