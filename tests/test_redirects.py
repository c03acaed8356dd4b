"""One rule for every ``next`` parameter: a local path, or the fallback."""

import pytest

from wingrant.core.redirects import is_local_path, safe_next


@pytest.mark.parametrize("target", [
    "/", "/quartiere/huchting", "/quartiere/huchting/antraege?seite=2&q=a%20b", "/portal/#top",
])
def test_local_paths_are_kept(target):
    assert safe_next(target, "/start") == target


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example", "/\x00/evil.example",
    "/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%252F/evil.example", "/%09/evil.example",
    "javascript:alert(1)", "evil.example", "/x" * 1_500,
])
def test_anything_that_could_leave_the_site_falls_back(target):
    assert not is_local_path(target)
    assert safe_next(target, "/start") == "/start"
