"""Test data for minutes and the public portal, written straight through the models and
``ledger.services`` (not through the meetings feature's services)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa

from wingrant.applications.models import Application, ApplicationState, FinancingItem, FundingSource
from wingrant.database import utcnow
from wingrant.extensions import db
from wingrant.ledger import services as ledger
from wingrant.ledger.models import Budget
from wingrant.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendeeGroup,
    Decision,
    DecisionAmount,
    HeadCount,
    Meeting,
    MeetingState,
    Objection,
    Outcome,
    Recusal,
)
from wingrant.organisations.models import Organisation

#: Personal and contact data that must never reach a public page or PDF.
CONTACT_EMAIL = "kontakt.geheim@example.org"
CONTACT_PHONE = "0421 555 1234"
CONTACT_PERSON = "Hiltrud Kontaktperson"
SECRET_RESIDENT = "Erika Mustermann"
CONSENTING_RESIDENT = "Jens Einverstanden"
SECRET_OBJECTOR = "Olaf Einwandmann"
SECRET_RECUSED = "Renate Befangen"
SECRET_APOLOGY = "Paula Entschuldigt"


@dataclass
class AppSpec:
    title: str
    organisation: str
    requested: dict[str, int]
    outcome: Outcome | None = Outcome.APPROVED
    #: Approved cents per programme code; defaults to the request for an approval.
    approved: dict[str, int] | None = None
    conditions: str = ""
    reason: str = ""
    #: Why money was deferred, refused or cut (``ReasonCategory``).
    reason_category: object = None
    objections: list[dict] = field(default_factory=list)
    recusals: list[dict] = field(default_factory=list)
    summary: str = ""
    state: ApplicationState | None = None


@dataclass
class Built:
    meeting: Meeting
    items: list[AgendaItem]
    applications: list[Application]
    decisions: list[Decision | None]


def budget_for(neighbourhood, programme, year: int) -> Budget:
    return ledger.get_or_create_budget(neighbourhood, programme, year)


def organisation(name: str) -> Organisation:
    org = db.session.execute(sa.select(Organisation).filter_by(name=name)).scalar_one_or_none()
    if org is None:
        org = Organisation(name=name, street="Geheimweg 1", postcode="28259", contact_person=CONTACT_PERSON,
                           email=CONTACT_EMAIL, phone=CONTACT_PHONE)
        db.session.add(org)
        db.session.commit()
    return org


_reference = iter(range(1, 100_000))


def application(neighbourhood, programmes: dict, spec: AppSpec, year: int) -> Application:
    org = organisation(spec.organisation)
    state = spec.state or {
        Outcome.APPROVED: ApplicationState.APPROVED,
        Outcome.APPROVED_WITH_CHANGES: ApplicationState.APPROVED_WITH_CHANGES,
        Outcome.DEFERRED: ApplicationState.DEFERRED,
        Outcome.REJECTED: ApplicationState.REJECTED,
        Outcome.WITHDRAWN: ApplicationState.WITHDRAWN,
        Outcome.REFERRED: ApplicationState.REFERRED,
        None: ApplicationState.READY,
    }[spec.outcome]
    app = Application(reference=f"{neighbourhood.code}-{year}-{next(_reference):03d}",
                      neighbourhood_id=neighbourhood.id, organisation_id=org.id, year=year, title=spec.title,
                      summary=spec.summary or f"Kurzbeschreibung {spec.title}", state=state,
                      contact_email=CONTACT_EMAIL, description="Interne Beschreibung mit Details")
    for n, (code, cents) in enumerate(spec.requested.items()):
        app.financing_items.append(FinancingItem(position=n, source=FundingSource.PROGRAMME,
                                                 programme_id=programmes[code].id, amount_cents=cents))
    app.financing_items.append(FinancingItem(position=9, source=FundingSource.OWN_FUNDS, amount_cents=100_00))
    db.session.add(app)
    db.session.commit()
    return app


def meeting(neighbourhood, programmes: dict, specs: list[AppSpec], *, when: date | None = None,
            state: MeetingState = MeetingState.HELD, standard_items: bool = True, head_counts=None,
            people: bool = True) -> Built:
    """A meeting with the WiN standard agenda, the given applications decided and their money booked."""
    when = when or date.today() - timedelta(days=30)
    m = Meeting(neighbourhood_id=neighbourhood.id, date=when, starts_at=time(18, 0), ends_at=time(20, 15),
                place="Bürgerhaus, Saal 1", address="Amersfoorter Str. 8, 28259 Bremen", state=state)
    db.session.add(m)
    db.session.flush()
    items: list[AgendaItem] = []

    def item(kind, title, **kw):
        it = AgendaItem(meeting_id=m.id, position=len(items), kind=kind, title=title, **kw)
        items.append(it)
        db.session.add(it)
        return it

    if standard_items:
        item(AgendaItemKind.WELCOME, "Begrüßung", notes="Die Moderation begrüßt die Anwesenden.")
        item(AgendaItemKind.MINUTES_APPROVAL, "Genehmigung des Protokolls der letzten Sitzung")
        item(AgendaItemKind.REPORTS, "Berichte und Vorstellungen", notes="Bericht aus dem Quartierszentrum.")
        item(AgendaItemKind.APPLICATION, "Beratung und Beschluss der Anträge")
    apps = [application(neighbourhood, programmes, spec, when.year) for spec in specs]
    app_items = [item(AgendaItemKind.APPLICATION, f"{a.title} – x", application_id=a.id,
                      notes=f"Diskussion zu {a.title}.") for a in apps]
    if standard_items:
        item(AgendaItemKind.RESIDENTS, "Wünsche und Anliegen der Bewohner:innen")
        item(AgendaItemKind.OTHER, "Sonstiges")
    for group, count in (head_counts or {AttendeeGroup.RESIDENTS: 14, AttendeeGroup.INSTITUTIONS: 9,
                                         AttendeeGroup.ADMINISTRATION: 2}).items():
        db.session.add(HeadCount(meeting_id=m.id, group=group, count=count))
    if people:
        db.session.add_all([
            Attendance(meeting_id=m.id, name=SECRET_RESIDENT, group=AttendeeGroup.RESIDENTS),
            Attendance(meeting_id=m.id, name=CONSENTING_RESIDENT, group=AttendeeGroup.RESIDENTS,
                       consent_to_publish=True),
            Attendance(meeting_id=m.id, name=SECRET_APOLOGY, group=AttendeeGroup.POLITICS, apologised=True),
        ])
    db.session.commit()

    decisions: list[Decision | None] = []
    for app, it, spec in zip(apps, app_items, specs):
        if spec.outcome is None:
            decisions.append(None)
            continue
        decision = Decision(agenda_item_id=it.id, application_id=app.id, outcome=spec.outcome, reason=spec.reason,
                            reason_category=spec.reason_category,
                            conditions=spec.conditions, decided_at=utcnow())
        db.session.add(decision)
        db.session.flush()
        for o in spec.objections:
            db.session.add(Objection(decision_id=decision.id, **o))
        for r in spec.recusals:
            db.session.add(Recusal(decision_id=decision.id, **r))
        approved = spec.approved
        if approved is None and spec.outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES):
            approved = spec.requested
        for code, cents in (approved or {}).items():
            db.session.add(DecisionAmount(decision_id=decision.id, programme_id=programmes[code].id,
                                          amount_cents=cents))
        db.session.commit()
        for code, cents in (approved or {}).items():
            budget = budget_for(neighbourhood, programmes[code], app.year)
            ledger.commit(budget.id, cents, user=None, application_id=app.id, decision_id=decision.id,
                          memo=f"Beschluss {when:%d.%m.%Y}")
        decisions.append(decision)
    return Built(m, items, apps, decisions)


def standard_specs() -> list[AppSpec]:
    """Three applications: approved (WiN), approved with changes (WiN + Soziale Stadt), deferred."""
    return [
        AppSpec("Hochbeete für den Nachbarschaftsgarten", "Nachbarschaftsgarten e. V.", {"WIN": 4_800_00}),
        AppSpec("Theaterprojekt mit Jugendlichen", "Jugendtheater e. V.", {"WIN": 7_500_00, "SOZ": 2_000_00},
                outcome=Outcome.APPROVED_WITH_CHANGES, approved={"WIN": 6_000_00, "SOZ": 1_999_99},
                conditions="Aufführung im Bürgerhaus.",
                recusals=[{"person_name": SECRET_RECUSED, "organisation": "Jugendtheater e. V.",
                           "reason": "Vorstandsmitglied"}]),
        AppSpec("Offene Fahrradwerkstatt", "Fahrradwerkstatt gGmbH", {"WIN": 5_000_00},
                outcome=Outcome.DEFERRED, reason="Offene Fragen zur Anleitung",
                objections=[{"person_name": SECRET_OBJECTOR, "group": AttendeeGroup.RESIDENTS,
                             "reason": "Die Finanzierung nach Projektende ist unklar."}]),
    ]
