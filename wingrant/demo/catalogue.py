"""The demo's catalogue: Bremen's WiN neighbourhoods, their fields of action, programmes, co-funding and
Träger (real names, invented figures)."""

from __future__ import annotations

#: 100 % of the social index = 150 000 € a year (since 2020).
STANDARD_WIN_CENTS = 150_000_00

#: (name, slug, code, forum name, the forum name's article, social index %)
NEIGHBOURHOODS = [
    ("Gröpelingen", "groepelingen", "GRO", "WiN-Forum Gröpelingen", "das", 150),
    ("Huchting", "huchting", "HUC", "Stadtteilgruppe Huchting", "die", 100),
    ("Osterholz-Tenever", "tenever", "TEN", "Stadtteilgruppe Tenever", "die", 100),
    ("Neue Vahr", "neue-vahr", "NVA", "WiN-Forum Neue Vahr", "das", 100),
    ("Kattenturm", "kattenturm", "KAT", "WiN-Forum Kattenturm", "das", 100),
    ("Lüssum-Bockhorn", "luessum-bockhorn", "LUE", "Quartiersforum Lüssum-Bockhorn", "das", 100),
    ("Hemelingen", "hemelingen", "HEM", "WiN-Forum Hemelingen", "das", 100),
    ("Schweizer Viertel", "schweizer-viertel", "SVI", "WiN-Forum Schweizer Viertel", "das", 100),
    ("Huckelriede", "huckelriede", "HKR", "WiN-Forum Huckelriede", "das", 50),
    ("Oslebshausen", "oslebshausen", "OSL", "WiN-Forum Oslebshausen", "das", 50),
    ("Grohn", "grohn", "GRN", "Stadtteilgruppe Grohn", "die", 50),
    ("Marßel", "marssel", "MAR", "WiN-Forum Marßel", "das", 50),
    ("Blumenthal", "blumenthal", "BLU", "WiN-Forum Blumenthal", "das", 50),
    ("Blockdiek", "blockdiek", "BLO", "WiN-Forum Blockdiek", "das", 25),
]

FIELDS = [
    "Nachbarschaftliches Zusammenleben", "Stadtteilkultur, Sport, Freizeit", "Soziale Infrastruktur",
    "Gesundheit", "Bildung", "Beschäftigung", "Wirtschaft", "Wohnen, Wohnumfeld, öffentlicher Raum",
    "Umwelt", "Integration",
]

#: (code, name, max share %, investive only, fields of action)
PROGRAMMES = [
    ("WIN", "WiN – Wohnen in Nachbarschaften", 50, False, FIELDS),
    ("SOZ", "Sozialer Zusammenhalt (Soziale Stadt)", 100, True,
     ["Soziale Infrastruktur", "Wohnen, Wohnumfeld, öffentlicher Raum", "Umwelt"]),
    ("LOS", "LOS – Lokales Kapital für soziale Zwecke", 100, False, ["Beschäftigung", "Bildung", "Integration"]),
    ("BIWAQ", "BIWAQ – Bildung, Wirtschaft, Arbeit im Quartier", 100, False,
     ["Beschäftigung", "Wirtschaft", "Bildung"]),
    ("LLQ", "Lebendige Quartiere", 100, False, FIELDS),
]

#: Co-funding budgets of the current year: (neighbourhood slug, programme code, euros).
CO_FUNDING = [
    ("groepelingen", "SOZ", 180_000), ("huchting", "SOZ", 120_000), ("tenever", "SOZ", 150_000),
    ("neue-vahr", "SOZ", 90_000), ("groepelingen", "LOS", 20_000), ("tenever", "LOS", 20_000),
    ("hemelingen", "LLQ", 40_000),
]

ORGANISATIONS = [
    ("Nachbarschaftsgarten Huchting e. V.", "e. V.", "Amersfoorter Str. 12", "28259", "Petra Lange", True),
    ("Jugendtheater Sodenmatt e. V.", "e. V.", "Sodenmatt 3", "28259", "Murat Yılmaz", True),
    ("Fahrradwerkstatt Roter Sand gGmbH", "gGmbH", "Kirchhuchtinger Landstr. 80", "28259", "Jan Ohlrogge", True),
    ("Kita Regenbogen Huchting", "Einrichtung der Stadtgemeinde", "Delfter Str. 5", "28259", "Anke Meyer", True),
    ("Quartierstreff Tenever e. V.", "e. V.", "Otto-Brenner-Allee 44", "28325", "Svetlana Petrova", True),
    ("Kulturwerkstatt Gröpelingen e. V.", "e. V.", "Gröpelinger Heerstr. 120", "28237", "Kemal Aydın", True),
    ("Wohnungsbaugesellschaft Bremen-West", "GmbH", "Am Wall 1", "28195", "Sabine Kruse", False),
]
