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


@pytest.mark.parametrize("next_param", ["/%09/evil.example", "/%0a/evil.example", "/%5Cevil.example", "//evil.example",
                                        "https://evil.example/"])
def test_login_never_sends_the_browser_to_another_host(client, make_user, next_param):
    from tests.conftest import TEST_PASSWORD, csrf_token_from

    make_user("qm@example.org")
    token = csrf_token_from(client.get("/anmelden").get_data(as_text=True))
    response = client.post(f"/anmelden?next={next_param}",
                           data={"csrf_token": token, "email": "qm@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location


def test_login_keeps_a_local_next_page(client, make_user):
    from tests.conftest import TEST_PASSWORD, csrf_token_from

    make_user("qm@example.org")
    token = csrf_token_from(client.get("/anmelden").get_data(as_text=True))
    response = client.post("/anmelden?next=/traeger",
                           data={"csrf_token": token, "email": "qm@example.org", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/traeger"


def test_language_switch_returns_only_to_a_page_of_this_site(client):
    from tests.conftest import SAME_ORIGIN

    response = client.post("/sprache", data={"lang": "en", "next": "/\t/evil.example"}, headers=SAME_ORIGIN)
    assert response.headers["Location"] == "/"
    response = client.post("/sprache", data={"lang": "de", "next": "/portal/"}, headers=SAME_ORIGIN)
    assert response.headers["Location"] == "/portal/"
