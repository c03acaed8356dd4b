"""The OParl 1.1 feed (read-only, no login): the published decisions of the WiN forums
in the German standard for council information systems.

System → Body (the WiN programme of Bremen) → Organization (one per forum) →
Meeting → AgendaItem → Consultation → Paper (one per application), File (one per
published version of a protocol PDF). Only what the public portal shows; see
``docs/oparl.md`` for the mapping and the ``wingrant:`` extension namespace.
"""
