"""Telling Träger apart: the same organisation is often typed in several spellings.

Pure functions over names: ``likely_duplicates`` warns before a second record of
an existing Träger is created (by hand or by the import).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

#: Legal forms and filler words that do not tell two organisations apart.
_NOISE_WORDS = frozenset({
    "ev", "eingetragener", "verein", "gmbh", "ggmbh", "mbh", "ug", "gug", "haftungsbeschrankt", "ag", "eg",
    "gbr", "kg", "stiftung", "der", "die", "das", "fur", "und", "in", "im", "von", "zu", "bremen", "e", "v", "g",
})
_SEPARATORS = re.compile(r"[^0-9a-z]+")
#: SequenceMatcher ratio from which two normalised names count as "probably the same".
SIMILARITY_THRESHOLD = 0.85


def normalise_name(name: str) -> str:
    """Reduce an organisation name to what identifies it.

    "Nachbarschaftsgarten Huchting e. V." and "nachbarschaftsgarten-huchting EV"
    both become "nachbarschaftsgarten huchting": case, punctuation and legal forms
    are dropped ("e. V." splits into "e" and "v", both noise); umlauts are spelled
    out ("Gröpelingen" = "Groepelingen"), other accents dropped.
    """
    text = name.casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("e.v.", " ev ").replace("e. v.", " ev ")
    words = [w for w in _SEPARATORS.split(text) if w and w not in _NOISE_WORDS]
    return " ".join(words)


def name_similarity(a: str, b: str) -> float:
    """0 … 1: how alike two organisation names are after normalising."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 1.0 if a.strip().casefold() == b.strip().casefold() else 0.0
    if na == nb:
        return 1.0
    if sorted(na.split()) == sorted(nb.split()):  # same words, other order
        return 0.95
    return SequenceMatcher(None, na, nb).ratio()


def likely_duplicates(name: str, candidates: list[tuple[int, str]],
                      threshold: float = SIMILARITY_THRESHOLD) -> list[tuple[int, str]]:
    """The candidates (id, name) that are probably the same organisation, most similar first."""
    scored = [(name_similarity(name, other), oid, other) for oid, other in candidates]
    return [(oid, other) for score, oid, other in sorted(scored, key=lambda s: (-s[0], s[2]))
            if score >= threshold]
