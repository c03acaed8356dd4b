"""Telling Träger apart: the same organisation is often typed in several spellings.

Pure functions over names: ``likely_duplicates`` warns before a second record of
an existing Träger is created (by hand or by the import). It is a hint the user
confirms past, so it errs on the side of asking. Two names count as possibly the
same (``similarity_reason``) when

* they are equal after ``normalise_name`` (case, punctuation, umlauts, legal
  forms like "e. V."/"gGmbH" and filler words do not count), or have the same
  words in another order;
* one is an abbreviation of the other: a single word of 2–6 letters that is
  the initials of the other's words ("AWO" – "Arbeiter Wohlfahrt Ortsverein"),
  the abbreviation the other gives in parentheses or after a dash
  ("GTP" – "Gesundheitstreffpunkt West (GTP)"), or, written in capitals and
  at least three letters, letters the other name has in this order, the first
  at its start ("GTP" – "Gesundheitstreffpunkt West": Gesundheits-Treff-Punkt;
  German compounds hide their parts' initials, so this is a guess);
* all words of one are words of the other and one of them is a real name
  (at least 5 letters): "Gesundheitstreffpunkt" – "Gesundheitstreffpunkt West";
* they differ by at most two typed letters (edit distance ≤ 2) and are at
  least 8 letters long: "Jugendtheater Sodenmat" – "Jugendtheater Sodenmatt";
* or ``difflib`` finds them at least 85 % alike.

Not caught: an abbreviation whose letters the long name does not contain in
order, a translated or renamed organisation ("Mütterzentrum" – "Familienzentrum").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

#: Legal forms and filler words that do not tell two organisations apart.
_NOISE_WORDS = frozenset({
    "ev", "eingetragener", "verein", "gmbh", "ggmbh", "mbh", "ug", "gug", "haftungsbeschrankt", "ag", "eg",
    "gbr", "kg", "stiftung", "der", "die", "das", "fur", "und", "in", "im", "von", "zu", "bremen", "e", "v", "g",
})
_SEPARATORS = re.compile(r"[^0-9a-z]+")
#: SequenceMatcher ratio from which two normalised names count as "probably the same".
SIMILARITY_THRESHOLD = 0.85


@lru_cache(maxsize=4096)  # the import compares every new name with every Träger
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


#: A word that may be an abbreviation: 2–6 letters (digits allowed after the first), e.g. "GTP", "AWO", "SV1".
_ABBREVIATION = re.compile(r"^[^\W\d_][^\W_]{1,5}$")
#: An abbreviation a name gives itself: "… (GTP)" or "… – GTP".
_OWN_ABBREVIATION = re.compile(r"\(\s*([^\W_]{2,6})\s*\)|\s[–—-]\s*([^\W_]{2,6})\s*$")
#: Edit distance up to which two names of at least ``TYPO_MIN_LENGTH`` letters count as a typo apart.
TYPO_DISTANCE = 2
TYPO_MIN_LENGTH = 8


class Reason:
    SAME = "same"
    ABBREVIATION = "abbreviation"
    CONTAINED = "contained"
    TYPO = "typo"
    SIMILAR = "similar"


@lru_cache(maxsize=4096)
def _plain(text: str) -> tuple[str, ...]:
    """All words, lower case, umlauts spelled out (noise words kept: initials need them)."""
    text = text.casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return tuple(w for w in _SEPARATORS.split(text) if w)


def _is_subsequence(letters: str, text: str) -> bool:
    rest = iter(text)
    return all(letter in rest for letter in letters)


def abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` (as typed) is an abbreviation of ``long``; see the module's rules."""
    short = short.strip()
    plain_short = "".join(_plain(short))
    if not _ABBREVIATION.match(short):
        return False
    own = _OWN_ABBREVIATION.search(long)
    if own and "".join(_plain(own.group(1) or own.group(2))) == plain_short:
        return True
    words = _plain(_OWN_ABBREVIATION.sub(" ", long))
    if len("".join(words)) <= len(plain_short):
        return False
    if plain_short in ("".join(w[0] for w in words), "".join(w[0] for w in words if w not in _NOISE_WORDS)):
        return True
    # The guess inside compounds: only for a capitalised abbreviation of a name three times as long.
    significant = [w for w in words if w not in _NOISE_WORDS] or words
    return (len(plain_short) >= 3 and short.isupper() and len("".join(significant)) >= 3 * len(plain_short)
            and plain_short[0] == significant[0][0] and _is_subsequence(plain_short[1:], " ".join(significant)[1:]))


def edit_distance(a: str, b: str, limit: int = TYPO_DISTANCE) -> int:
    """Levenshtein distance of two strings, or ``limit + 1`` as soon as it is larger than ``limit``.

    Only the band of ``limit`` cells either side of the diagonal is computed: a path outside it
    costs more than ``limit`` anyway."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    previous = {j: j for j in range(min(len(b), limit) + 1)}
    for i, ca in enumerate(a, start=1):
        current = {i - limit - 1: over} if i - limit - 1 >= 0 else {}
        if i <= limit:
            current[0] = i
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            current[j] = min(previous.get(j, over) + 1, current.get(j - 1, over) + 1,
                             previous.get(j - 1, over) + (ca != b[j - 1]))
        if min(current.values()) > limit:
            return over
        previous = current
    return min(previous.get(len(b), over), over)


def similarity_reason(a: str, b: str) -> str | None:
    """Why two Träger names may be the same organisation (a ``Reason``), or None."""
    na, nb = normalise_name(a), normalise_name(b)
    if (na and na == nb) or (not na and not nb and a.strip().casefold() == b.strip().casefold()):
        return Reason.SAME
    if abbreviates(a, b) or abbreviates(b, a):
        return Reason.ABBREVIATION
    if not na or not nb:
        return None
    if sorted(na.split()) == sorted(nb.split()):
        return Reason.SAME
    wa, wb = set(na.split()), set(nb.split())
    shorter = wa if len(wa) <= len(wb) else wb
    if (wa <= wb or wb <= wa) and any(len(w) >= 5 for w in shorter):
        return Reason.CONTAINED
    if min(len(na), len(nb)) >= TYPO_MIN_LENGTH and edit_distance(na, nb) <= TYPO_DISTANCE:
        return Reason.TYPO
    if _ratio_at_least(na, nb, SIMILARITY_THRESHOLD):
        return Reason.SIMILAR
    return None


def _ratio_at_least(a: str, b: str, threshold: float) -> bool:
    """``SequenceMatcher.ratio() >= threshold``, the cheap upper bounds first (most pairs fail those)."""
    length = len(a) + len(b)
    if 2 * min(len(a), len(b)) < threshold * length:
        return False
    if 2 * (sum((_letters(a) & _letters(b)).values())) < threshold * length:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold


@lru_cache(maxsize=4096)
def _letters(text: str) -> Counter[str]:
    return Counter(text)


_ORDER = (Reason.SAME, Reason.TYPO, Reason.ABBREVIATION, Reason.CONTAINED, Reason.SIMILAR)


def likely_duplicates(name: str, candidates: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The candidates (id, name) that may be the same organisation, the likeliest first."""
    found = [(_ORDER.index(reason), -name_similarity(name, other), other, oid)
             for oid, other in candidates if (reason := similarity_reason(name, other)) is not None]
    return [(oid, other) for *_rank, other, oid in sorted(found)]
