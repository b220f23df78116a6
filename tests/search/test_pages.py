"""The search page, the JSON API and the challenge list's keyword filter, as a user meets them."""

import re
from html.parser import HTMLParser

import pytest

from goi.challenges.models import ChallengeStatus
from goi.data import regions
from goi.extensions import db
from tests.conftest import count_statements, log_in
from tests.search.conftest import make_challenge


def _publish_examples(people):
    city = people["city"]
    flood = make_challenge(city, "Peringatan dini banjir di bantaran sungai", sector="water", province_code="33")
    traffic = make_challenge(city, "Mengurangi kemacetan lalu lintas pusat kota", sector="transportation")
    draft = make_challenge(city, "Banjir rahasia draf", status=ChallengeStatus.DRAFT, sector="water")
    db.session.commit()
    return flood, traffic, draft


def test_search_page_finds_across_languages_and_hides_drafts(client, people):
    flood, traffic, _draft = _publish_examples(people)
    page = client.get("/search?q=flood")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-type="challenge" data-id="{flood.id}"' in html
    assert f'data-id="{traffic.id}"' not in html
    assert "rahasia" not in html


def test_snippets_mark_the_matched_words_and_nothing_else_is_html(client, people):
    city = people["city"]
    make_challenge(
        city,
        "Sensor genangan",
        summary="Sistem peringatan banjir <script>alert(1)</script> untuk warga bantaran.",
        sector="water",
    )
    db.session.commit()
    html = client.get("/search?q=banjir").get_data(as_text=True)
    assert "<mark>banjir</mark>" in html
    assert "<script>alert(1)</script>" not in html


def test_search_page_facets_filter_and_type(client, people):
    flood, traffic, _draft = _publish_examples(people)
    html = client.get("/search?q=kota&type=challenge&sector=transportation").get_data(as_text=True)
    assert f'data-id="{traffic.id}"' in html and f'data-id="{flood.id}"' not in html
    assert 'id="facet-sector"' in client.get("/search?q=kota").get_data(as_text=True)


def test_odd_input_is_answered_not_an_error(client, people):
    _publish_examples(people)
    for query in ('"unclosed phrase', "((", "AND OR NOT", "-", "*", "banjir" * 60, "q=%00"):
        assert client.get("/search", query_string={"q": query}).status_code == 200
        assert client.get("/api/v1/search", query_string={"q": query}).status_code == 200
    assert client.get("/search?page=abc&sort=bogus&type=secret&sector=nowhere").status_code == 200


def test_did_you_mean_for_an_unknown_word(client, people):
    _publish_examples(people)
    html = client.get("/search?q=kemacetn").get_data(as_text=True)
    assert 'id="did-you-mean"' in html


def test_api_answers_json_with_refs_scores_and_facets(client, people):
    flood, _traffic, draft = _publish_examples(people)
    flood.ref = "jateng-banjir-1"
    db.session.commit()
    response = client.get("/api/v1/search?q=banjir&type=challenge")
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    ids = [result["id"] for result in data["results"]]
    assert flood.id in ids and draft.id not in ids
    first = data["results"][ids.index(flood.id)]
    assert first["type"] == "challenge" and first["ref"] == "jateng-banjir-1"
    assert first["url"].endswith(f"/challenges/{flood.slug}") and first["score"] > 0
    assert {"type", "sector", "province", "status", "org_kind"} <= set(data["facets"])
    assert data["total"] == len(ids)
    # A province comes as its Kemendagri code beside its name; the page's Link header names the first and last.
    province = data["facets"]["province"][0]
    assert province["value"] == flood.province_code and province["label"] == regions.province(province["value"]).name
    assert 'rel="first"' in response.headers["Link"] and 'rel="last"' in response.headers["Link"]


def test_api_shows_a_draft_to_its_manager_only(client, people):
    _flood, _traffic, draft = _publish_examples(people)
    assert draft.id not in [r["id"] for r in client.get("/api/v1/search?q=rahasia").get_json()["results"]]
    log_in(client, people["owner"])
    assert draft.id in [r["id"] for r in client.get("/api/v1/search?q=rahasia").get_json()["results"]]


def test_challenge_list_keyword_filter_uses_the_engine(client, people):
    flood, traffic, draft = _publish_examples(people)
    html = client.get("/challenges?q=flood").get_data(as_text=True)
    assert flood.title in html and traffic.title not in html and draft.title not in html
    html = client.get("/challenges?q=macet").get_data(as_text=True)
    assert traffic.title in html and flood.title not in html


def test_header_has_a_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'role="search"' in html and 'id="header-search"' in html


def test_facet_links_keep_the_query_and_filter(client, people):
    flood, traffic, _draft = _publish_examples(people)
    html = client.get("/search?q=kota").get_data(as_text=True)
    links = re.findall(r'href="(/search\?[^"]*sector=transportation[^"]*)"', html)
    assert links, "no facet link for the transportation sector"
    target = links[0].replace("&amp;", "&")
    assert "q=kota" in target and "%5B" not in target
    filtered = client.get(target).get_data(as_text=True)
    assert f'data-id="{traffic.id}"' in filtered and f'data-id="{flood.id}"' not in filtered


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "input" and found.get("id"):
            self.inputs[found["id"]] = found


@pytest.mark.parametrize(("language", "example"), [("en", "For example: "), ("id", "Contoh: ")])
def test_the_search_box_example_keeps_its_quotes_inside_the_attribute(client, language, example):
    client.set_cookie("goi_lang", language)
    parser = _Inputs()
    parser.feed(client.get("/search").get_data(as_text=True))
    box = parser.inputs["search-q"]
    assert box["placeholder"] == example + 'banjir, waste, "air bersih", macet -tol'
    assert set(box) == {"class", "type", "id", "name", "value", "maxlength", "placeholder"}


@pytest.mark.parametrize(
    "url", ["/search?q=banjir", "/search?q=banjir&type=challenge&sort=deadline", "/challenges?q=banjir"]
)
def test_search_pages_issue_as_many_queries_for_many_hits_as_for_few(client, people, url):
    log_in(client, people["solver"])
    for number in range(3):
        make_challenge(people["city"], f"Pengendalian banjir kawasan {number}", sector="water")
    db.session.commit()
    few = count_statements(client, url)
    for number in range(3, 28):
        make_challenge(people["city"], f"Pengendalian banjir kawasan {number}", sector="water")
    db.session.commit()
    assert client.get(url).get_data(as_text=True).count("Pengendalian banjir kawasan") >= 20
    assert count_statements(client, url) == few


def test_the_api_names_each_parameter_it_cannot_use_and_searches_nothing(client, people):
    _publish_examples(people)
    client.set_cookie("goi_lang", "en")
    query = "q=banjir&type=challenge&type=secret&sort=bogus&page=abc&province=99&sector=water"
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == 400 and error["message"] == "Some parameters are not valid."
    assert set(error["fields"]) == {"type", "sort", "page", "province"}
    assert "secret" in error["fields"]["type"] and "challenge" in error["fields"]["type"]
    assert "1 to 500" in error["fields"]["page"]
    client.set_cookie("goi_lang", "id")
    fields = client.get("/api/v1/search?q=banjir&page=0").get_json()["error"]["fields"]
    assert fields == {"page": "Halaman harus berupa bilangan bulat dari 1 sampai 500."}
    # Valid parameters, and any query text, are answered.
    assert client.get("/api/v1/search?q=banjir&type=challenge&sort=deadline&page=2&province=33").status_code == 200
    assert client.get("/api/v1/search", query_string={"q": '"(( AND -'}).status_code == 200


def test_a_page_past_the_last_is_not_found_as_in_the_lists(client, people):
    _publish_examples(people)
    assert 'data-type="challenge"' in client.get("/search?q=kota&page=1").get_data(as_text=True)
    assert client.get("/search?q=kota&page=2").status_code == 404
    assert client.get("/search?q=zzzqqq").status_code == 200  # no results on the first page is an answer


def test_a_hits_facts_are_labelled_in_the_visitors_language(app, people):
    _publish_examples(people)
    for language, label, other in (("id", "Pemilik", "Owner"), ("en", "Owner", "Pemilik")):
        visitor = app.test_client()
        visitor.set_cookie("goi_lang", language)
        for _request in range(2):  # the labels are kept per language: the second page must not take the first's
            html = visitor.get("/search?q=banjir").get_data(as_text=True)
            facts = " ".join(re.findall(r'<p class="small text-muted mb-0">(.*?)</p>', html))
            assert f"{label}: " in facts and f"{other}: " not in facts, (language, facts)
