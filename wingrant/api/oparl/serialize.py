"""The records of ``queries`` as OParl 1.1 objects (plain dicts, ready for JSON).

Objects are written the same way embedded or alone (back-references such as
``AgendaItem.meeting`` are always present, which the spec allows). Properties
without a value are left out rather than written as ``null`` or ``[]``
(spec: "sollten nicht ausgegeben werden"), except where the schema requires
them. What OParl has no property for — the consensus outcome, amounts in
cents, objection counts — is written under the vendor prefix ``wingrant:``
(see ``docs/oparl.md``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import force_locale

from ...core.urls import external_url
from ...meetings.models import AgendaItemKind, MeetingState, Outcome
from ...minutes.labels import KINDS, OUTCOMES, RESOLUTION_OUTCOMES
from ...money import format_eur
from ...neighbourhoods.models import City
from ...public import opendata
from . import bodies, files, resolutions
from . import queries as q
from .invitations import InvitationRecord

SCHEMA = "https://schema.oparl.org/1.1/"
BERLIN = ZoneInfo("Europe/Berlin")
EXT = "wingrant:"
#: OParl's free-text meetingState, in the words the spec's examples use.
MEETING_STATES = {
    MeetingState.PLANNED: "terminiert",
    MeetingState.INVITED: "eingeladen",
    MeetingState.HELD: "durchgeführt",
    MeetingState.MINUTES_APPROVED: "durchgeführt",
}
#: An outcome the forum reached on the application (``Consultation.authoritative``).
DECIDING = {Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES, Outcome.REJECTED}


def _url(endpoint: str, **values) -> str:
    return external_url(f"oparl.{endpoint}", **values)


def timestamp(value: datetime) -> str:
    """A stored naive-UTC datetime as OParl date-time with the Berlin offset."""
    return value.replace(tzinfo=UTC).astimezone(BERLIN).isoformat(timespec="seconds")


def _local(day: date, at: time) -> str:
    return datetime.combine(day, at, tzinfo=BERLIN).isoformat(timespec="seconds")


def _type(name: str) -> str:
    return SCHEMA + name


def _stamps(record) -> dict:
    return {"created": timestamp(record.created), "modified": timestamp(record.modified)}


def _german(labels, key) -> str:
    with force_locale("de"):  # OParl data is German, whatever the request's language
        return str(labels[key])


# --- the frame -------------------------------------------------------------------------


def system() -> dict:
    return {
        "id": _url("system"),
        "type": _type("System"),
        "oparlVersion": SCHEMA,
        "license": opendata.LICENCE_URL,
        "body": _url("bodies"),
        "name": "wingrant – WiN-Foren Bremen",
        "website": external_url("public.index"),
        "web": external_url("public.index"),
        EXT + "openData": external_url("opendata.open_data"),
    }


def body_url(neighbourhood_slug: str) -> str:
    """The body (city) a neighbourhood's objects hang under."""
    return _url("body", city_slug=bodies.city_of(neighbourhood_slug))


def body(city: City) -> dict:
    """One Body per Stadtgemeinde: the WiN forums of that city, with its Gemeindeschlüssel."""
    lists = {name: _url(endpoint, city_slug=city.slug) for name, endpoint in (
        ("organization", "organizations"), ("person", "persons"), ("meeting", "meetings"), ("paper", "papers"),
        ("agendaItem", "agenda_items"), ("consultation", "consultations"), ("file", "files"))}
    return {
        "id": _url("body", city_slug=city.slug),
        "type": _type("Body"),
        "system": _url("system"),
        "shortName": f"WiN {city.name}",
        "name": f"WiN – Wohnen in Nachbarschaften, Stadtgemeinde {city.name}",
        "website": external_url("cityreport.city", city_slug=city.slug),
        "license": opendata.LICENCE_URL,
        "ags": city.ags,
        "rgs": city.rgs,
        "classification": "Förderprogramm",
        **lists,
        "legislativeTerm": [],  # obligatory; the forums have no terms
        "web": external_url("cityreport.city", city_slug=city.slug),
    }


def organization(forum: q.Forum) -> dict:
    return {
        "id": _url("organization", slug=forum.slug),
        "type": _type("Organization"),
        "body": body_url(forum.slug),
        "name": forum.forum_name,
        "shortName": forum.name,
        "organizationType": "Gremium",
        "classification": "WiN-Forum",
        "meeting": _url("organization_meetings", slug=forum.slug),
        "web": external_url("public.neighbourhood", slug=forum.slug),
        **({"startDate": forum.start.isoformat()} if forum.start else {}),
        **({"endDate": forum.end.isoformat()} if forum.end else {}),
        "created": timestamp(forum.created),
        "modified": timestamp(forum.modified),
        EXT + "neighbourhood": forum.name,
        EXT + "calendar": external_url("opendata.calendar", slug=forum.slug),
    }


# --- meetings and their parts -----------------------------------------------------------------


def location(m: q.MeetingRecord) -> dict:
    description = ", ".join(p for p in (m.place, m.address) if p)
    result = {
        "id": _url("location", meeting_id=m.id),
        "type": _type("Location"),
        "meetings": [_url("meeting", meeting_id=m.id)],
        **_stamps(m),
    }
    if description:
        result["description"] = description
    return result


def meeting(m: q.MeetingRecord) -> dict:
    result = {
        "id": _url("meeting", meeting_id=m.id),
        "type": _type("Meeting"),
        "name": f"{m.forum_name} – Sitzung am {m.date.strftime('%d.%m.%Y')}",
        "meetingState": MEETING_STATES[m.state],
        "organization": [_url("organization", slug=m.slug)],
        "location": location(m),
        "web": (external_url("public.minutes", slug=m.slug, meeting_id=m.id) if m.published
                else external_url("public.meeting", slug=m.slug, meeting_id=m.id)),
        **_stamps(m),
        EXT + "date": m.date.isoformat(),
        EXT + "online": m.online,
    }
    if m.starts_at:
        result["start"] = _local(m.date, m.starts_at)
    if m.starts_at and m.ends_at:
        result["end"] = _local(m.date, m.ends_at)
    current = [f for f in m.files if f.current]
    if current:
        result["resultsProtocol"] = file(current[0])
    superseded = [file(f) for f in m.files if not f.current]
    if superseded:
        result["auxiliaryFile"] = superseded
    if m.invited:
        result["invitation"] = invitation_file(InvitationRecord(m.id, m.slug, m.date, m.created))
    if m.items:
        result["agendaItem"] = [agenda_item(i) for i in m.items]
    return result


def _amounts(amounts) -> list[dict]:
    return [{"programme": a.code, "programmeName": a.name, "requestedCents": a.requested,
             "approvedCents": a.approved} for a in amounts]


def _resolution(i: q.ItemRecord) -> str:
    text = _german(OUTCOMES, i.outcome)
    if i.approved:
        approved = sum(a.approved for a in i.amounts)
        parts = ", ".join(f"{a.name} {format_eur(a.approved)}" for a in i.amounts if a.approved)
        text += f": {format_eur(approved)}" + (f" ({parts})" if parts else "")
    text += "."
    if i.conditions:
        text += f" Auflagen: {i.conditions}"
    if i.reason:
        text += f" Begründung: {i.reason}"
    return text


def agenda_item(i: q.ItemRecord) -> dict:
    name = i.title or (_german(KINDS, i.kind) if i.kind != AgendaItemKind.CUSTOM else "")
    result = {
        "id": _url("agenda_item", item_id=i.id),
        "type": _type("AgendaItem"),
        "meeting": _url("meeting", meeting_id=i.meeting_id),
        "number": i.number,
        "order": i.order,
        "name": name,
        "public": True,
        "web": external_url("public.minutes" if i.published else "public.meeting", slug=i.slug,
                            meeting_id=i.meeting_id),
        **_stamps(i),
    }
    if i.application_id is not None and i.outcome is not None:
        result.update({
            "consultation": _url("consultation", item_id=i.id),
            "result": _german(OUTCOMES, i.outcome),
            "resolutionText": _resolution(i),
            EXT + "outcome": i.outcome.value,
            EXT + "amounts": _amounts(i.amounts),
            EXT + "amountRequestedCents": sum(a.requested for a in i.amounts),
            EXT + "amountApprovedCents": sum(a.approved for a in i.amounts),
            EXT + "objectionsRaised": i.objections_raised,
            EXT + "objectionsStanding": i.objections_standing,
        })
        if i.conditions:
            result[EXT + "conditions"] = i.conditions
        if i.reason:
            result[EXT + "reason"] = i.reason
        if i.votes:
            result[EXT + "votes"] = {"yes": i.votes[0], "no": i.votes[1], "abstain": i.votes[2]}
    if i.resolution is not None:
        r = i.resolution
        result.update({
            "consultation": _url("consultation", item_id=i.id),
            "result": _german(RESOLUTION_OUTCOMES, r.outcome),
            "resolutionText": r.adopted_text if r.adopted else f"{_german(RESOLUTION_OUTCOMES, r.outcome)}.",
            EXT + "outcome": r.outcome.value,
            EXT + "objectionsRaised": r.objections_raised,
            EXT + "objectionsStanding": r.objections_standing,
        })
        if r.reason:
            result[EXT + "reason"] = r.reason
    return result


def consultation(c: q.ConsultationRecord) -> dict:
    return {
        "id": _url("consultation", item_id=c.id),
        "type": _type("Consultation"),
        "paper": _url("paper", application_id=c.application_id),
        "agendaItem": _url("agenda_item", item_id=c.id),
        "meeting": _url("meeting", meeting_id=c.meeting_id),
        "organization": [_url("organization", slug=c.slug)],
        "authoritative": c.outcome in DECIDING,
        "role": "Beratung und Beschluss",
        **_stamps(c),
        EXT + "outcome": c.outcome.value,
    }


def paper(p: q.PaperRecord) -> dict:
    result = {
        "id": _url("paper", application_id=p.id),
        "type": _type("Paper"),
        "body": body_url(p.slug),
        "name": p.title,
        "reference": p.reference,
        "paperType": "Projektantrag",
        "underDirectionOf": [_url("organization", slug=p.slug)],
        **({"consultation": [consultation(c) for c in p.consultations]} if p.consultations else {}),
        **_stamps(p),
        EXT + "applicant": p.organisation,
        EXT + "budgetYear": p.year,
        EXT + "requested": [{"programme": a.code, "programmeName": a.name, "amountCents": a.requested}
                            for a in p.requested],
        EXT + "amountRequestedCents": sum(a.requested for a in p.requested),
    }
    if p.approved:
        result["web"] = external_url("public.project", slug=p.slug, application_id=p.id)
    if p.main_file is not None:
        result["mainFile"] = invitation_file(p.main_file)
    if p.summary:
        result[EXT + "summary"] = p.summary
    if p.fields:
        result["keyword"] = list(p.fields)
    return result


def resolution_consultation(rec: resolutions.ResolutionRecord) -> dict:
    """The one consultation of a resolution: its agenda item (id = the item's, as for applications)."""
    r = rec.r
    return {
        "id": _url("consultation", item_id=r.agenda_item_id),
        "type": _type("Consultation"),
        "paper": _url("resolution_paper", resolution_id=r.id),
        "agendaItem": _url("agenda_item", item_id=r.agenda_item_id),
        "meeting": _url("meeting", meeting_id=r.meeting_id),
        "organization": [_url("organization", slug=r.neighbourhood_slug)],
        "authoritative": r.outcome != Outcome.DEFERRED,
        "role": "Beratung und Beschluss",
        **_stamps(rec),
        EXT + "outcome": r.outcome.value,
    }


def resolution_paper(rec: resolutions.ResolutionRecord) -> dict:
    """A Beschluss or Stellungnahme of a forum without money, as an OParl Paper of its own type."""
    r = rec.r
    result = {
        "id": _url("resolution_paper", resolution_id=r.id),
        "type": _type("Paper"),
        "body": body_url(r.neighbourhood_slug),
        "name": r.title,
        "reference": f"{r.neighbourhood_slug}-B{r.id}",
        "date": r.meeting_date.isoformat(),
        "paperType": resolutions.PAPER_TYPES[r.kind.value],
        "underDirectionOf": [_url("organization", slug=r.neighbourhood_slug)],
        "originatorOrganization": [_url("organization", slug=r.neighbourhood_slug)],
        "consultation": [resolution_consultation(rec)],
        "web": external_url("public.resolution", slug=r.neighbourhood_slug, resolution_id=r.id),
        **_stamps(rec),
        EXT + "kind": r.kind.value,
        EXT + "outcome": r.outcome.value,
        EXT + "text": r.adopted_text,
        EXT + "draftText": r.text,
    }
    if r.addressee:
        result[EXT + "addressee"] = r.addressee
    if r.reason:
        result[EXT + "reason"] = r.reason
    return result


def file(f: files.FileRecord) -> dict:
    pdf = external_url("public.minutes_pdf", slug=f.slug, meeting_id=f.meeting_id, number=f.number)
    name = f"Protokoll der Sitzung am {f.meeting_date.strftime('%d.%m.%Y')}, Version {f.number}"
    result = {
        "id": _url("file", meeting_id=f.meeting_id, number=f.number),
        "type": _type("File"),
        "name": name if f.current else f"{name} (durch eine Berichtigung ersetzt)",
        "fileName": f"protokoll-{f.slug}-{f.meeting_date.isoformat()}-v{f.number}.pdf",
        "mimeType": "application/pdf",
        "date": f.created.replace(tzinfo=UTC).astimezone(BERLIN).date().isoformat(),
        "size": f.size,
        "sha512Checksum": f.sha512,
        "accessUrl": pdf,
        "downloadUrl": pdf,
        "fileLicense": opendata.LICENCE_URL,
        "meeting": [_url("meeting", meeting_id=f.meeting_id)],
        "web": external_url("public.minutes", slug=f.slug, meeting_id=f.meeting_id),
        "created": timestamp(f.created),
        "modified": timestamp(f.created),
        EXT + "version": f.number,
        EXT + "current": f.current,
        EXT + "sha256Checksum": f.sha256,
    }
    if f.reason:
        result[EXT + "correctionReason"] = f.reason
    return result


def invitation_file(r: InvitationRecord) -> dict:
    """The invitation PDF of an invited meeting (rendered on request: no size or checksum)."""
    pdf = external_url("public.invitation_pdf", slug=r.slug, meeting_id=r.meeting_id)
    return {
        "id": _url("invitation", meeting_id=r.meeting_id),
        "type": _type("File"),
        "name": f"Einladung zur Sitzung am {r.meeting_date.strftime('%d.%m.%Y')}",
        "fileName": f"einladung-{r.slug}-{r.meeting_date.isoformat()}.pdf",
        "mimeType": "application/pdf",
        "accessUrl": pdf,
        "downloadUrl": pdf,
        "fileLicense": opendata.LICENCE_URL,
        "meeting": [_url("meeting", meeting_id=r.meeting_id)],
        "web": external_url("public.meeting", slug=r.slug, meeting_id=r.meeting_id),
        "created": timestamp(r.created),
        "modified": timestamp(r.created),
    }
