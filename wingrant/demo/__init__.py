"""Realistic demo data: Bremen's WiN neighbourhoods (Bremerhaven's LLQ areas: ``demo.cities``), their
budgets, organisations, applications in every early state, a past meeting with published minutes, one
waiting for its minutes, the next one invited and the one after planned. Idempotent: every object is
looked up by its natural key first, so running it again creates nothing twice (nor shows a password twice).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa

from ..applications.models import (
    Application,
    ApplicationState,
    ApplicationTransition,
    CostCategory,
    CostItem,
    FinancingItem,
    FundingSource,
)
from ..auth.models import Role, User
from ..auth.services import create_user
from ..database import unit_of_work, utcnow
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.models import Budget, EntryKind, LedgerEntry
from ..meetings.models import (
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
from ..neighbourhoods.models import FieldOfAction, ForumArticle, Neighbourhood, Programme
from ..organisations.models import Organisation
from . import areas as demo_areas
from . import programmes as demo_programmes
from .catalogue import CO_FUNDING, NEIGHBOURHOODS, ORGANISATIONS, PROGRAMMES, STANDARD_WIN_CENTS
from .cities import add_bremerhaven, add_cities


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)
    passwords: list[tuple[str, str, str]] = field(default_factory=list)


def database_is_empty() -> bool:
    return db.session.execute(sa.select(sa.func.count(Neighbourhood.id))).scalar_one() == 0


def _get_or_add(model, lookup: dict, **values):
    obj = db.session.execute(sa.select(model).filter_by(**lookup)).scalar_one_or_none()
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def load_demo_data(today: date | None = None) -> DemoReport:
    today = today or date.today()
    year = today.year
    report = DemoReport()

    with unit_of_work():
        programmes = {}
        for position, (code, name, share, investive, fields) in enumerate(PROGRAMMES):
            p = _get_or_add(Programme, {"code": code}, name=name, max_share_percent=share,
                            investive_only=investive, position=position)
            for i, fname in enumerate(fields):
                _get_or_add(FieldOfAction, {"programme_id": p.id, "name": fname}, position=i)
            programmes[code] = p
        bremen = add_cities(_get_or_add)["bremen"]
        neighbourhoods = {}  # the WiN areas, all in Bremen
        for name, slug, code, forum, article, index in NEIGHBOURHOODS:
            neighbourhoods[slug] = _get_or_add(
                Neighbourhood, {"slug": slug}, name=name, code=code, forum_name=forum, city_id=bremen.id,
                forum_article=ForumArticle(article), social_index_percent=index,
                office_name=f"Quartiersmanagement {name}", office_address=f"Quartiersbüro {name}, Bremen",
                office_email=f"qm-{slug}@wingrant.example", office_phone="0421 361-0000",
            )
        organisations = {}
        for oname, form, street, postcode, contact, non_profit in ORGANISATIONS:
            slug = oname.split()[0].lower()
            organisations[oname] = _get_or_add(
                Organisation, {"name": oname}, legal_form=form, street=street, postcode=postcode, city="Bremen",
                contact_person=contact, email=f"kontakt@{slug}.example", phone="0421 000000", non_profit=non_profit,
            )
    report.lines.append(f"{len(programmes)} Programme, {len(neighbourhoods)} Quartiere, {len(organisations)} Träger")

    admin = _demo_users(neighbourhoods, report)

    allocated = 0
    for nb in neighbourhoods.values():
        win = STANDARD_WIN_CENTS * nb.social_index_percent // 100
        allocated += _allocate_once(nb, programmes["WIN"], year, win, admin)
    for slug, code, euros in CO_FUNDING:
        allocated += _allocate_once(neighbourhoods[slug], programmes[code], year, euros * 100, admin)
    report.lines.append(f"Budgets {year}: {allocated} neue Zuweisungen")
    report.lines.append(demo_programmes.load(neighbourhoods, admin, year, report.passwords))
    add_bremerhaven(_get_or_add, _allocate_once, programmes, year, admin, report)

    created = _demo_applications_and_meeting(neighbourhoods["huchting"], programmes, organisations, admin, today)
    report.lines += [f"Huchting: {created}", demo_areas.load(neighbourhoods, programmes, admin, today)]
    return report


def _demo_users(neighbourhoods, report: DemoReport) -> User:
    huchting, groepelingen = neighbourhoods["huchting"], neighbourhoods["groepelingen"]
    specs = [
        ("geschaeftsfuehrung@wingrant.example", "Dr. Ilse Brandt (WiN-Geschäftsführung)", True, {},
         "Administrator"),
        ("qm.huchting@wingrant.example", "Maren Hollmann", False, {huchting: Role.MANAGER},
         "Quartiersmanagerin Huchting"),
        ("protokoll.huchting@wingrant.example", "Tobias Renken", False, {huchting: Role.MINUTES},
         "Protokoll Huchting"),
        ("lesend.huchting@wingrant.example", "Ortsamt Huchting", False, {huchting: Role.READER},
         "Lesend Huchting"),
        ("qm.groepelingen@wingrant.example", "Derya Şahin", False, {groepelingen: Role.MANAGER},
         "Quartiersmanagerin Gröpelingen"),
    ]
    for email, name, is_admin, roles, label in specs:
        if db.session.execute(sa.select(User.id).filter_by(email=email)).first():
            continue
        password = secrets.token_urlsafe(12)
        create_user(email, name, password, is_admin=is_admin, roles=roles)
        report.passwords.append((email, label, password))
    return db.session.execute(sa.select(User).filter_by(email=specs[0][0])).scalar_one()


def _allocate_once(nb, programme, year, cents, user) -> int:
    budget = ledger.get_or_create_budget(nb, programme, year, user=user)
    has_allocation = db.session.execute(
        sa.select(LedgerEntry.id).filter_by(budget_id=budget.id, kind=EntryKind.ALLOCATION)
    ).first()
    if has_allocation:
        return 0
    ledger.allocate(budget.id, cents, user=user, memo=f"Mittelansatz {year} ({nb.social_index_percent} % Sozialindex)"
                    if programme.code == "WIN" else f"Mittelansatz {year}")
    return 1


#: (title, organisation, state, [(category, text, euros)], {own, volunteer, third}, {programme: euros}, summary)
APPLICATIONS = [
    ("Hochbeete für den Nachbarschaftsgarten", "Nachbarschaftsgarten Huchting e. V.", ApplicationState.APPROVED,
     [(CostCategory.MATERIAL, "Holz, Erde, Saatgut", 6_200), (CostCategory.FEES, "Anleitung Gartenbau", 3_400)],
     {FundingSource.OWN_FUNDS: 1_200, FundingSource.VOLUNTEER_WORK: 3_600}, {"WIN": 4_800},
     "Zwölf Hochbeete, die Nachbar:innen gemeinsam bepflanzen und pflegen."),
    ("Theaterprojekt „Unser Quartier“ mit Jugendlichen", "Jugendtheater Sodenmatt e. V.",
     ApplicationState.APPROVED_WITH_CHANGES,
     [(CostCategory.FEES, "Theaterpädagogin, 40 Stunden", 9_000), (CostCategory.MATERIAL, "Kostüme, Technik", 6_000)],
     {FundingSource.OWN_FUNDS: 1_500, FundingSource.THIRD_PARTY: 6_000}, {"WIN": 7_500},
     "Jugendliche entwickeln ein Stück über ihr Quartier und zeigen es im Bürgerhaus."),
    ("Offene Fahrradwerkstatt", "Fahrradwerkstatt Roter Sand gGmbH", ApplicationState.DEFERRED,
     [(CostCategory.PERSONNEL, "Anleitung, 8 Std./Woche", 8_000), (CostCategory.INVESTMENT, "Werkzeug", 2_000)],
     {FundingSource.OWN_FUNDS: 5_000}, {"WIN": 5_000},
     "Eine Werkstatt, in der Nachbar:innen unter Anleitung ihre Räder reparieren."),
    ("Spielplatz Amersfoorter Straße: neue Geräte", "Wohnungsbaugesellschaft Bremen-West", ApplicationState.READY,
     [(CostCategory.INVESTMENT, "Spielgeräte inkl. Montage", 38_000)],
     {FundingSource.OWN_FUNDS: 8_000}, {"SOZ": 30_000},
     "Der Spielplatz bekommt eine Kletterkombination und eine Nestschaukel."),
    ("Sprachcafé für Neuzugewanderte", "Kita Regenbogen Huchting", ApplicationState.IN_REVIEW,
     [(CostCategory.FEES, "Sprachmittlerin", 2_400), (CostCategory.MATERIAL, "Material, Getränke", 600)],
     {FundingSource.VOLUNTEER_WORK: 1_500}, {"WIN": 1_500},
     "Wöchentliches Sprachcafé für Eltern der Kita und aus der Nachbarschaft."),
    ("Sommerfest am Sodenmatt-See", "Nachbarschaftsgarten Huchting e. V.", ApplicationState.SUBMITTED,
     [(CostCategory.MATERIAL, "Bühne, Zelte", 3_000), (CostCategory.FEES, "Musik", 1_000)],
     {FundingSource.OWN_FUNDS: 1_000, FundingSource.THIRD_PARTY: 1_000}, {"WIN": 2_000},
     "Ein Fest für alle Nachbar:innen mit Musik, Essen und Spielen."),
    ("Hausaufgabenhilfe im Quartierstreff", "Kita Regenbogen Huchting", ApplicationState.DRAFT,
     [(CostCategory.FEES, "Honorare Lernbegleitung", 4_800)],
     {FundingSource.VOLUNTEER_WORK: 2_400}, {"WIN": 2_400},
     "Zweimal in der Woche Hilfe bei den Hausaufgaben für Grundschulkinder."),
    # Decided in the meeting that waits for its minutes (LAST_MEETING).
    ("Lastenrad für den Nachbarschaftsgarten", "Nachbarschaftsgarten Huchting e. V.", ApplicationState.READY,
     [(CostCategory.INVESTMENT, "Lastenrad mit Kiste", 3_600)],
     {FundingSource.OWN_FUNDS: 1_200}, {"WIN": 2_400},
     "Ein Lastenrad, das Nachbar:innen für Einkäufe und Gartenarbeit ausleihen können."),
    # On the agenda of the invited meeting (NEXT_MEETING): two WiN requests, one after the other.
    ("Kiezkino im Sommer", "Jugendtheater Sodenmatt e. V.", ApplicationState.READY,
     [(CostCategory.FEES, "Filmlizenzen, Technik", 3_800), (CostCategory.MATERIAL, "Werbung", 400)],
     {FundingSource.OWN_FUNDS: 1_000}, {"WIN": 3_200},
     "Vier Filmabende unter freiem Himmel am Sodenmatt-See, Filme von Jugendlichen ausgesucht."),
    ("Nachbarschaftsflohmarkt", "Kita Regenbogen Huchting", ApplicationState.READY,
     [(CostCategory.MATERIAL, "Tische, Pavillons, Plakate", 2_300)],
     {FundingSource.VOLUNTEER_WORK: 500}, {"WIN": 1_800},
     "Ein Flohmarkt auf dem Kita-Gelände, zweimal im Jahr, mit Kaffee und Kuchen."),
]
#: How the demo meetings lie around the day the data is loaded (days from today).
PUBLISHED_MEETING, NEXT_MEETING, MEETING_AFTER = -35, 14, 56


def _demo_applications_and_meeting(nb, programmes, organisations, admin, today) -> str:
    year = today.year
    if db.session.execute(sa.select(Application.id).filter_by(neighbourhood_id=nb.id)).first():
        return "Anträge und Sitzung bereits vorhanden"
    qm = db.session.execute(sa.select(User).filter_by(email="qm.huchting@wingrant.example")).scalar_one()
    with unit_of_work():
        apps = []
        for n, (title, org, state, costs, own, requested, summary) in enumerate(APPLICATIONS, start=1):
            app = Application(
                reference=f"{nb.code}-{year}-{n:03d}", neighbourhood_id=nb.id,
                organisation_id=organisations[org].id, year=year, title=title, summary=summary,
                description=summary, state=state, place="Huchting", created_by_id=qm.id,
                contact_email=organisations[org].email, start_date=date(year, 3, 1), end_date=date(year, 11, 30),
                submitted_at=None if state == ApplicationState.DRAFT else utcnow(),
            )
            for i, (cat, text, euros) in enumerate(costs):
                app.cost_items.append(CostItem(position=i, category=cat, description=text, amount_cents=euros * 100))
            pos = 0
            for source, euros in own.items():
                app.financing_items.append(FinancingItem(position=pos, source=source, amount_cents=euros * 100))
                pos += 1
            for code, euros in requested.items():
                app.financing_items.append(FinancingItem(position=pos, source=FundingSource.PROGRAMME,
                                                         programme_id=programmes[code].id, amount_cents=euros * 100))
                pos += 1
            db.session.add(app)
            db.session.flush()
            db.session.add(ApplicationTransition(application_id=app.id, from_state=None, to_state=state,
                                                 reason="Beispieldaten", user_id=qm.id))
            apps.append(app)

        meeting = Meeting(neighbourhood_id=nb.id, date=today + timedelta(days=PUBLISHED_MEETING), starts_at=time(18, 0),
                          ends_at=time(20, 15), place="Bürgerhaus Huchting, Saal 1",
                          address="Amersfoorter Str. 8, 28259 Bremen", state=MeetingState.HELD,
                          invitation_text="Herzliche Einladung zur Sitzung der Stadtteilgruppe Huchting.")
        db.session.add(meeting)
        db.session.flush()
        standard = [
            (AgendaItemKind.WELCOME, "Begrüßung"),
            (AgendaItemKind.MINUTES_APPROVAL, "Genehmigung des Protokolls der letzten Sitzung"),
            (AgendaItemKind.REPORTS, "Berichte aus dem Quartier"),
            # The heading the applications are numbered under (TOP 4.1, 4.2, 4.3), as in a real agenda.
            (AgendaItemKind.APPLICATION, "Beratung und Beschluss der Anträge"),
        ]
        items = [AgendaItem(meeting_id=meeting.id, position=i, kind=k, title=t) for i, (k, t) in enumerate(standard)]
        for app in apps[:3]:
            items.append(AgendaItem(meeting_id=meeting.id, position=len(items), kind=AgendaItemKind.APPLICATION,
                                    title=f"{app.title} – {organisations_name(app, organisations)}",
                                    application_id=app.id))
        items.append(AgendaItem(meeting_id=meeting.id, position=len(items), kind=AgendaItemKind.RESIDENTS,
                                title="Wünsche und Anliegen der Bewohner:innen"))
        items.append(AgendaItem(meeting_id=meeting.id, position=len(items), kind=AgendaItemKind.OTHER,
                                title="Sonstiges"))
        db.session.add_all(items)
        for group, count in [(AttendeeGroup.RESIDENTS, 14), (AttendeeGroup.INSTITUTIONS, 9),
                             (AttendeeGroup.ADMINISTRATION, 2), (AttendeeGroup.POLITICS, 2),
                             (AttendeeGroup.HOUSING, 1)]:
            db.session.add(HeadCount(meeting_id=meeting.id, group=group, count=count))
        db.session.flush()

        app_items = [i for i in items if i.application_id is not None]
        decided_at = utcnow()
        outcomes = [(Outcome.APPROVED, 4_800, "", None), (Outcome.APPROVED_WITH_CHANGES, 6_000, "", "lack_of_money"),
                    (Outcome.DEFERRED, 0, "Offene Fragen zur Finanzierung der Anleitung", "content")]
        win = programmes["WIN"]
        budget = db.session.execute(
            sa.select(Budget).filter_by(neighbourhood_id=nb.id, programme_id=win.id, year=year)).scalar_one()
        for item, (outcome, euros, reason, category) in zip(app_items, outcomes):
            decision = Decision(agenda_item_id=item.id, application_id=item.application_id, outcome=outcome,
                                reason=reason, decided_at=decided_at, recorded_by_id=qm.id, reason_category=category,
                                conditions="Förderung auf 6.000 € reduziert; Aufführung im Bürgerhaus."
                                if outcome == Outcome.APPROVED_WITH_CHANGES else "")
            db.session.add(decision)
            db.session.flush()
            if outcome == Outcome.DEFERRED:
                db.session.add(Objection(decision_id=decision.id, group=AttendeeGroup.RESIDENTS,
                                         reason="Die Finanzierung der Anleitung nach Projektende ist unklar."))
                continue
            db.session.add(DecisionAmount(decision_id=decision.id, programme_id=win.id, amount_cents=euros * 100))
            ledger.commit(budget.id, euros * 100, user=qm, application_id=item.application_id,
                          decision_id=decision.id, memo=f"Beschluss {meeting.date:%d.%m.%Y}")
    _publish_minutes_and_plan_next(nb, meeting, qm, today)
    return (f"{len(APPLICATIONS)} Anträge, 1 Sitzung mit 3 Beschlüssen und veröffentlichtem Protokoll, "
            f"1 Sitzung wartet auf ihr Protokoll, nächste Sitzung eingeladen, übernächste geplant")


def _publish_minutes_and_plan_next(nb, meeting, qm, today) -> None:
    """The first meeting's minutes approved after the objection period and published; a later
    meeting held and waiting for its minutes (its objection period ends today, so approve →
    publish can be tried on the day the data is loaded); the next meeting invited with its
    agenda public; the one after planned. So the portal, the protocol PDF, the public agenda
    and the live meeting can be tried right after ``make run``."""
    from ..meetings import services as meetings
    from ..minutes import services as minutes_services
    from ..minutes.models import Minutes

    with unit_of_work():
        # Written directly (not as an edit of the draft), so the objection period runs from the meeting.
        db.session.add(Minutes(meeting_id=meeting.id, next_meeting_date=today + timedelta(days=14),
                               introduction="Frau Hollmann begrüßt die Anwesenden und stellt die Beschlussfähigkeit "
                                            "nach dem Konsensprinzip fest."))
    minutes_services.approve(meeting.id, user=qm, no_objections=True, today=today)
    minutes_services.publish(meeting.id, user=qm)

    ready = {title: app_id for app_id, title in db.session.execute(
        sa.select(Application.id, Application.title).filter_by(neighbourhood_id=nb.id, state=ApplicationState.READY))}
    _held_meeting_waiting_for_minutes(nb, qm, today, ready.pop("Lastenrad für den Nachbarschaftsgarten"))

    place = dict(starts_at=time(18, 0), ends_at=time(20, 0), place="Bürgerhaus Huchting, Saal 1",
                 address="Amersfoorter Str. 8, 28259 Bremen")
    upcoming = meetings.create_meeting(nb, meetings.MeetingData(
        date=today + timedelta(days=NEXT_MEETING), **place,
        invitation_text="Herzliche Einladung zur nächsten Sitzung der Stadtteilgruppe Huchting."), user=qm)
    meetings.add_applications(upcoming, [ready.pop("Kiezkino im Sommer"), ready.pop("Nachbarschaftsflohmarkt")],
                              user=qm)
    meetings.change_state(upcoming, MeetingState.INVITED, user=qm)
    after = meetings.create_meeting(nb, meetings.MeetingData(date=today + timedelta(days=MEETING_AFTER), **place),
                                    user=qm)
    meetings.add_applications(after, list(ready.values()), user=qm)


def _held_meeting_waiting_for_minutes(nb, qm, today, application_id: int) -> None:
    """Run through the meeting services as the QM would, on a day one objection period ago."""
    from ..meetings import decisions
    from ..meetings import services as meetings
    from ..meetings.models import AgendaItem
    from ..minutes.models import Minutes

    held = meetings.create_meeting(nb, meetings.MeetingData(
        date=today - timedelta(days=nb.objection_period_days), starts_at=time(18, 0), ends_at=time(20, 0),
        place="Quartierstreff Huchting", address="Kirchhuchtinger Landstraße 1, 28259 Bremen",
        invitation_text="Herzliche Einladung zur Sitzung der Stadtteilgruppe Huchting."), user=qm)
    meetings.add_applications(held, [application_id], user=qm)
    meetings.change_state(held, MeetingState.INVITED, user=qm)
    meetings.set_head_counts(held, {AttendeeGroup.RESIDENTS: 11, AttendeeGroup.INSTITUTIONS: 6,
                                    AttendeeGroup.POLITICS: 1}, user=qm)
    item = db.session.execute(sa.select(AgendaItem.id).filter_by(meeting_id=held.id,
                                                                 application_id=application_id)).scalar_one()
    decisions.record_outcome(held, item, decisions.OutcomeData(Outcome.APPROVED), user=qm)
    meetings.change_state(held, MeetingState.HELD, user=qm)
    with unit_of_work():  # the draft, written directly: its objection period runs from the meeting
        db.session.add(Minutes(meeting_id=held.id, next_meeting_date=today + timedelta(days=NEXT_MEETING),
                               introduction="Frau Hollmann begrüßt die Anwesenden."))


def organisations_name(app, organisations) -> str:
    return next(o.name for o in organisations.values() if o.id == app.organisation_id)
