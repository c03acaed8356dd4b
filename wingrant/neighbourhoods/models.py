from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import str_enum, utcnow
from ..extensions import db


class ForumArticle(enum.StrEnum):
    """The definite article of the forum's name: die Stadtteilgruppe, das WiN-Forum, der Beirat.

    German puts it before the name in running text ("Über den Antrag entscheidet das WiN-Forum"),
    and the name is each neighbourhood's own, so its grammatical gender is stored beside it.
    """

    DER = "der"
    DIE = "die"
    DAS = "das"


#: The article in the dative ("in der Stadtteilgruppe", "in dem WiN-Forum"); the genitive would also
#: change the noun ("des WiN-Forums"), so texts use the nominative or the dative only.
DATIVE = {ForumArticle.DER: "dem", ForumArticle.DIE: "der", ForumArticle.DAS: "dem"}

#: Endings of the head noun (the forum name's first word) that say its gender; the first match wins.
_GENDER_BY_ENDING = (
    (("forum", "gremium", "plenum", "treffen", "parlament"), ForumArticle.DAS),
    (("rat", "kreis", "ausschuss", "tisch", "verbund"), ForumArticle.DER),
)


def guess_forum_article(forum_name: str) -> ForumArticle:
    """The article a forum name most likely takes, from its head noun; "die" (Stadtteilgruppe,
    Konferenz, Runde) when nothing else fits. Only a default: the stored value can be changed."""
    words = (forum_name or "").split()
    head = words[0].rsplit("-", 1)[-1].lower() if words else ""
    for endings, article in _GENDER_BY_ENDING:
        if head.endswith(endings):
            return article
    return ForumArticle.DIE


def _default_forum_article(context) -> str:
    return guess_forum_article(context.get_current_parameters().get("forum_name") or "").value


class City(db.Model):
    """A Stadtgemeinde (Bremen, Bremerhaven): the neighbourhoods of one city share its portal page,
    its OParl body and, optionally, a city administrator."""

    __tablename__ = "city"
    __table_args__ = (sa.CheckConstraint("length(ags) = 8", name="ags_eight_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL key, e.g. ``bremerhaven``; also the key of the city's OParl body.
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: Amtlicher Gemeindeschlüssel (8 digits), e.g. ``04011000`` for Bremen.
    ags: Mapped[str] = mapped_column(sa.String(8), unique=True)
    #: Order on the portal and in lists.
    position: Mapped[int] = mapped_column(default=0)

    @property
    def rgs(self) -> str:
        """The 12-digit Regionalschlüssel of a city that is its own Gemeindeverband."""
        return self.ags[:5] + "0" + self.ags[5:] + "000" if len(self.ags) == 8 else ""

    def __repr__(self) -> str:
        return f"<City {self.slug}>"


#: The city every installation starts with (and the migration puts existing neighbourhoods in).
FIRST_CITY = {"slug": "bremen", "name": "Bremen", "ags": "04011000", "position": 1}


def _default_city(context) -> int:
    """The first city; an installation of one city never has to name it, so it is made when missing."""
    city = City.__table__
    conn = context.connection
    found = conn.execute(sa.select(city.c.id).order_by(city.c.position, city.c.id).limit(1)).scalar()
    if found is None:
        found = conn.execute(city.insert().values(**FIRST_CITY).returning(city.c.id)).scalar_one()
    return found


class Neighbourhood(db.Model):
    """A WiN neighbourhood (Quartier / WiN-Gebiet) with its forum."""

    __tablename__ = "neighbourhood"
    __table_args__ = (
        sa.CheckConstraint("social_index_percent BETWEEN 0 AND 1000", name="social_index_range"),
        sa.CheckConstraint(
            "vote_after_deferrals IS NULL OR vote_after_deferrals >= 1", name="vote_after_deferrals_positive"
        ),
        sa.CheckConstraint("objection_period_days >= 0", name="objection_period_not_negative"),
        sa.CheckConstraint("population IS NULL OR population > 0", name="population_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Stadtgemeinde the neighbourhood lies in.
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True, default=_default_city)
    #: URL key, e.g. ``huchting``.
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: Short code used in application references, e.g. ``HUC`` in ``HUC-2026-007``.
    code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    #: Name of the forum as the neighbourhood calls it (Stadtteilgruppe, WiN-Forum, …).
    forum_name: Mapped[str] = mapped_column(sa.String(120))
    #: The forum name's article (its grammatical gender); guessed from the name when not given.
    forum_article: Mapped[ForumArticle] = mapped_column(str_enum(ForumArticle, "forum_article"),
                                                        default=_default_forum_article)
    #: Letterhead of the minutes: the Quartiersmanagement office.
    office_name: Mapped[str] = mapped_column(sa.String(200), default="")
    office_address: Mapped[str] = mapped_column(sa.Text, default="")
    #: How applicants and subscribers reach the office; named in every mail about the neighbourhood.
    office_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    office_phone: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    #: Share of the standard WiN budget by the social index (100 = 150 000 € a year).
    social_index_percent: Mapped[int] = mapped_column(default=100)
    #: Residents (Einwohner:innen), set by the administration; the annual report shows money per resident.
    population: Mapped[int | None]

    # Rules of procedure (Geschäftsordnung) of the forum.
    #: A blocked case may be referred to the WiN-Geschäftsführung (Dissens-Verfahren).
    allow_dissent_referral: Mapped[bool] = mapped_column(default=True)
    #: After this many deferrals a case may be decided by vote; NULL = never.
    vote_after_deferrals: Mapped[int | None] = mapped_column(default=None)
    #: The forum's standard agenda as a list of ``{"kind": …, "title": …}``; NULL = the WiN default.
    standard_agenda: Mapped[list | None] = mapped_column(sa.JSON)
    #: Days after which the QM may approve the minutes when nobody objected.
    objection_period_days: Mapped[int] = mapped_column(default=14)

    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: Loaded when asked for (one query a city and session): a joined load would put the city row
    #: under every ``lock_row(Neighbourhood)`` on PostgreSQL and serialise a whole city's writes.
    city: Mapped[City] = relationship()

    @property
    def office_contact(self) -> dict[str, str]:
        """Whom a mail about this neighbourhood names as the contact."""
        return {"name": self.office_name or f"Quartiersmanagement {self.name}",
                "email": self.office_email, "phone": self.office_phone}

    @property
    def forum_dative_article(self) -> str:
        return DATIVE[ForumArticle(self.forum_article)]

    def __repr__(self) -> str:
        return f"<Neighbourhood {self.slug}>"


class Department(db.Model):
    """A department of the Senate (Ressort / Senatsbehörde) that owns programmes."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    #: E.g. ``SKUMS``, ``SK``; shown where the full name is too long.
    short_name: Mapped[str] = mapped_column(sa.String(30), default="")

    def __repr__(self) -> str:
        return f"<Department {self.short_name or self.name}>"


class Programme(db.Model):
    """A funding programme (Förderprogramm): WiN, Soziale Stadt, LOS, BIWAQ, LLQ, …"""

    __tablename__ = "programme"
    __table_args__ = (
        sa.CheckConstraint("max_share_percent BETWEEN 1 AND 100", name="max_share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code, e.g. ``WIN``, ``SOZ``.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Largest share of a project's total cost this programme may pay, in percent.
    max_share_percent: Mapped[int] = mapped_column(default=100)
    #: Only investive costs (Investitionen) may be funded.
    investive_only: Mapped[bool] = mapped_column(default=False)
    #: Display order.
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    #: The department that owns the programme; NULL while nobody has assigned one.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)

    department: Mapped[Department | None] = relationship()
    #: Förderschienen; a programme without lines books on the programme itself.
    lines: Mapped[list[ProgrammeLine]] = relationship(
        back_populates="programme", order_by="ProgrammeLine.position"
    )
    fields_of_action: Mapped[list[FieldOfAction]] = relationship(
        back_populates="programme", order_by="FieldOfAction.position"
    )

    def __repr__(self) -> str:
        return f"<Programme {self.code}>"


class FieldOfAction(db.Model):
    """A Handlungsfeld; each programme configures its own list."""

    __tablename__ = "field_of_action"
    __table_args__ = (sa.UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[Programme] = relationship(back_populates="fields_of_action")


class ProgrammeLine(db.Model):
    """A line of a programme (Förderschiene), e.g. the Innovationstopf's "Kleinprojekte".

    Budgets of a programme with lines are kept per line; balances and reports add the lines
    up to the programme.
    """

    __tablename__ = "programme_line"
    __table_args__ = (sa.UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    programme: Mapped[Programme] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"<ProgrammeLine {self.programme_id}/{self.code}>"
class AreaPeriod(db.Model):
    """A Förderzeitraum: from when until when a neighbourhood is a funded area (Fördergebiet), for WiN as a
    whole (``programme_id`` NULL) or for one programme. Areas are chosen politically and come and go.

    History is kept: a period is never deleted (the database refuses it); a correction ends a period and
    starts a new one. The rules (no overlap, order of the dates, "current on a day") are in ``periods``.
    """

    __tablename__ = "area_period"
    __table_args__ = (
        sa.CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="period_in_order"),
        sa.Index("ix_area_period_neighbourhood_from", "neighbourhood_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"))
    #: NULL = the WiN area as a whole; else the period of one programme (e.g. an LLQ area).
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"))
    valid_from: Mapped[date]
    #: The last day the area is funded; NULL = open (still a Fördergebiet).
    valid_until: Mapped[date | None]
    #: The political decision behind it, e.g. "Senatsbeschluss vom 17.12.2024".
    decision_reference: Mapped[str] = mapped_column(sa.String(300), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was last changed (ended): OParl's ``modified`` of the forum's Organization.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<AreaPeriod {self.neighbourhood_id} {self.valid_from}–{self.valid_until or ''}>"
