"""Queries: stemming, glossary, typos, phrases, exclusions, facets, sorting, pages, snippets, odd input."""

from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.search import service
from tests.search.conftest import found_ids, make_challenge


@pytest.fixture
def challenges(people):
    city = people["city"]
    made = {
        "traffic": make_challenge(city, "Mengurangi kemacetan lalu lintas", summary="Simpang padat di pusat kota"),
        "waste": make_challenge(
            city, "Pengelolaan sampah pasar", summary="Bank sampah dan daur ulang", sector="environment"
        ),
        "flood": make_challenge(
            city,
            "Flood early warning",
            summary="Sensors along the river",
            problem_html="<p>Flooding every rainy season &lt;script&gt; <b>PJU</b></p>",
            sector="water",
            province_code="33",
        ),
        "water": make_challenge(city, "Layanan air bersih untuk warga", summary="Kebocoran pipa PDAM", sector="water"),
    }
    db.session.commit()
    return made


def _ids(user, text):
    return [hit.object_id for hit in service.search(None, text, types=("challenge",)).hits]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("macet", "traffic"),
        ("persampahan", "waste"),
        ("flooding", "flood"),
        ("banjir", "flood"),
        ("congestion", "traffic"),
        ("waste", "waste"),
        ("clean water", "water"),
        ("street lighting", "flood"),
        ("pju", "flood"),
    ],
)
def test_words_find_their_forms_and_translations(challenges, text, key):
    assert challenges[key].id in _ids(None, text)


def test_a_typo_still_finds_and_suggests_the_word(challenges):
    results = service.search(None, "kemacetn")
    assert challenges["traffic"].id in [hit.object_id for hit in results.hits]
    assert results.suggestion == "kemacetan"
    assert service.search(None, "sampah").suggestion is None


def test_short_words_are_not_matched_fuzzily(challenges):
    assert service.search(None, "pip").total == 0


def test_quoted_phrases_and_exclusions(challenges):
    assert _ids(None, '"bank sampah"') == [challenges["waste"].id]
    assert _ids(None, '"sampah bank"') == []
    assert challenges["water"].id not in _ids(None, "warga -pipa")
    assert challenges["traffic"].id in _ids(None, "kota -pipa")


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "AND OR NOT", "((", "title:secret", "*", "-", "a" * 2000, "\x00", "🙂", None, 'x:"y'],
)
def test_odd_input_never_raises(challenges, text):
    results = service.search(None, text)
    assert results.total >= 0


def test_odd_options_are_ignored(challenges):
    results = service.search(
        None, "sampah", types=("nope",), filters={"evil": "x"}, sort="drop", page=-3, per_page=10**6
    )
    assert results.total == 1
    assert results.page == 1 and results.per_page == 100


def test_an_empty_query_lists_everything_visible_newest_first(challenges):
    results = service.search(None, "")
    assert results.total == 5  # four challenges and the city
    created = [hit.facts.get("created_at", "") for hit in results.hits]
    assert created == sorted(created, reverse=True)


def test_facets_filters_sorting_and_pages(challenges):
    results = service.search(None, "", types=("challenge",))
    assert dict(results.facets["sector"]) == {"water": 2, "mobility": 1, "environment": 1}
    assert dict(results.facets["type"]) == {"challenge": 4}
    water = service.search(None, "", filters={"sector": "water"})
    assert {hit.object_id for hit in water.hits} == {challenges["flood"].id, challenges["water"].id}
    assert service.search(None, "", filters={"province": "33"}).total == 1
    page_two = service.search(None, "", types=("challenge",), sort="newest", page=2, per_page=3)
    assert page_two.total == 4 and len(page_two.hits) == 1 and page_two.pages == 2


def test_deadline_sort_puts_the_soonest_first(people, challenges):
    challenges["water"].closes_at = clock.now() + timedelta(days=2)
    db.session.commit()
    results = service.search(None, "", types=("challenge",), sort="deadline")
    assert results.hits[0].object_id == challenges["water"].id


def test_snippets_escape_text_and_mark_matches(challenges):
    hit = service.search(None, "flooding").hits[0]
    assert "<mark>Flooding</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert hit.url.endswith(challenges["flood"].slug)
    assert hit.facts["owner"] == "Pemerintah Kota Surakarta"


def test_open_challenges_rank_ahead_of_archived_ones(people):
    archived = make_challenge(people["city"], "Pengelolaan sampah terpadu", status=ChallengeStatus.ARCHIVED)
    open_one = make_challenge(people["city"], "Pengelolaan sampah terpadu")
    db.session.commit()
    assert _ids(None, "sampah terpadu") == [open_one.id, archived.id]


def test_challenge_ids_matching_is_ranked_and_filtered(people, challenges):
    draft = make_challenge(people["city"], "Sampah draf rahasia", status=ChallengeStatus.DRAFT)
    db.session.commit()
    assert service.challenge_ids_matching("sampah") == [challenges["waste"].id]
    managers = service.viewer_principals(people["owner"])
    assert set(service.challenge_ids_matching("sampah", managers)) == {challenges["waste"].id, draft.id}


def test_found_ids_helper_sees_organizations(people):
    assert ("organization", people["city"].id) in found_ids(None, "Surakarta")


def test_removed_and_replaced_documents_never_count(tmp_path):
    """The live-document set is built from each segment's deletions: removed and old versions never match or count."""
    from goi.search.types import SearchDocument, SearchQuery
    from goi.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(tmp_path / "idx")
    backend.index(
        [SearchDocument(key=f"challenge:{n}", type="challenge", object_id=n, title=f"banjir {n}") for n in range(6)]
    )
    backend.remove(["challenge:1", "challenge:4"])
    backend.index([SearchDocument(key="challenge:2", type="challenge", object_id=2, title="banjir dua versi baru")])
    results = backend.query(SearchQuery(text="banjir", per_page=50))
    assert sorted(hit.object_id for hit in results.hits) == [0, 2, 3, 5]
    assert results.total == 4
    assert dict(results.facets["type"]) == {"challenge": 4}
    assert backend.query(SearchQuery(text="", per_page=50)).total == 4


@pytest.mark.parametrize(("text", "first"), [("sampah", "id"), ("waste", "en"), ("banjir", "id"), ("flood", "en")])
def test_the_word_as_typed_ranks_ahead_of_its_glossary_equivalent(tmp_path, text, first):
    """Two documents alike but for the language of one word (same length, same document frequency): the one
    holding the word the user typed comes first, whichever language it is in."""
    from goi.search.types import SearchDocument, SearchQuery
    from goi.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(tmp_path / "index")
    backend.index([
        SearchDocument(key="challenge:1", type="challenge", object_id=1, title="Sampah dan banjir di Kota Medan"),
        SearchDocument(key="challenge:2", type="challenge", object_id=2, title="Waste dan flood di Kota Medan"),
    ])
    hits = backend.query(SearchQuery(text=text)).hits
    assert [hit.object_id for hit in hits] == ([1, 2] if first == "id" else [2, 1])


@pytest.mark.parametrize("sort", ["relevance", "deadline", "newest"])
def test_ranked_ids_are_the_hit_pages_in_one_pass(tmp_path, sort):
    """The challenge list's keyword filter asks for ranked ids at once: the same ids, in the same order, as
    paging through the hits, with visibility and type applied."""
    from datetime import UTC, datetime

    from goi.search.types import SearchDocument, SearchQuery
    from goi.search.whoosh_backend import WhooshBackend

    now = datetime(2026, 11, 1, tzinfo=UTC)
    words = ("banjir rob", "banjir kiriman", "genangan banjir", "sampah", "flood warning")
    documents = [
        SearchDocument(
            key=f"challenge:{number}",
            type="challenge",
            object_id=number,
            title=f"Tantangan {words[number % len(words)]} {number}",
            summary="banjir " * (number % 4),
            deadline=now + timedelta(days=(number * 7) % 40),
            created_at=now - timedelta(hours=number),
            principals=("public",) if number % 9 else ("user:1",),
            boost=0.6 if number % 5 == 0 else 1.0,
        )
        for number in range(1, 90)
    ]
    documents.append(SearchDocument(key="organization:1", type="organization", object_id=1, title="Dinas banjir"))
    backend = WhooshBackend(tmp_path / "index")
    backend.index(documents)
    for principals in (("public",), ("public", "user:1")):
        query = SearchQuery(text="banjir", principals=principals, now=now, types=("challenge",), sort=sort, per_page=7)
        paged = []
        while True:
            results = backend.query(query)
            paged.extend(hit.object_id for hit in results.hits)
            if query.page >= results.pages:
                break
            query.page += 1
        assert len(paged) > 20
        assert backend.ranked_ids(query, limit=1000) == paged
        assert backend.ranked_ids(query, limit=5) == paged[:5]
    assert backend.ranked_ids(SearchQuery(text="zzzqqq", now=now), limit=10) == []
