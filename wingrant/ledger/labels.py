from flask_babel import lazy_gettext as _l

from .models import EntryKind

ENTRY_KIND_LABELS = {
    EntryKind.ALLOCATION: _l("Zuweisung"),
    EntryKind.COMMITMENT: _l("Mittelbindung"),
    EntryKind.RELEASE: _l("Rückfluss"),
    EntryKind.REVERSAL: _l("Storno"),
}
