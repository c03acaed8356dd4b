"""Where a form may send the browser afterwards: only to a path of this site.

``next`` parameters come from the URL or a form, so from anyone. Browsers and Werkzeug forgive a
lot — they drop tabs and newlines, turn backslashes into slashes and decode %2F — so a target
like ``/\t/evil.example`` or ``/%5Cevil.example`` would leave the site as ``//evil.example``. We
accept a path only if it still is a plain local path after all of that.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

_INVISIBLE = {chr(c) for c in range(0x20)} | {"\x7f"}  # control characters: what browsers strip


def is_local_path(target: str | None) -> bool:
    """``True`` for "/quartiere/huchting?x=1"; ``False`` for anything that could reach another host."""
    if not target or not target.startswith("/") or len(target) > 2_000:
        return False
    if any(ch in _INVISIBLE for ch in target):
        return False
    for candidate in (target, unquote(target), unquote(unquote(target))):
        normalised = candidate.replace("\\", "/")
        if normalised.startswith("//") or any(ch in _INVISIBLE for ch in candidate):
            return False
        parts = urlsplit(normalised)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a local path, else ``fallback`` (a URL this app built)."""
    return target if is_local_path(target) else fallback
