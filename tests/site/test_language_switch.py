"""The language switch: a user's form carries the CSRF token; an anonymous visitor's comes from a page of this site."""

import pytest

from goi.site.locale import LOCALE_COOKIE
from tests.conftest import csrf_token_from, log_in


def test_an_anonymous_visitor_switches_language_from_a_page_of_this_site(client, world):
    response = client.post("/language", data={"language": "en", "next": "/"}, headers={"Origin": "http://localhost"})
    assert response.status_code == 302
    assert client.get_cookie(LOCALE_COOKIE).value == "en"
    assert client.get_cookie("session") is None


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "http://evil.example/"}],
    ids=["no origin", "other site", "opaque origin", "other site's page"],
)
def test_a_language_switch_from_elsewhere_is_refused(client, world, headers):
    response = client.post("/language", data={"language": "en", "next": "/"}, headers=headers)
    assert response.status_code == 400
    assert client.get_cookie(LOCALE_COOKIE) is None


def test_a_user_switches_language_with_the_csrf_token_only(client, world):
    log_in(client, world["users"]["user"])
    refused = client.post("/language", data={"language": "en", "next": "/"}, headers={"Origin": "http://localhost"})
    assert refused.status_code == 400
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"language": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 302
