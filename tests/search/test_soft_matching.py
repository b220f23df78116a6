"""Soft matching: content groups with coordination and a minimum-should-match, filler words of questions, acronyms
typed apart, and "did you mean" only when it helps; the same on the challenge list's keyword filter."""

import pytest

from goi.search import service
from goi.search.types import SearchDocument, SearchQuery
from goi.search.whoosh_backend import WhooshBackend
from goi.search.whoosh_queries import OR_GROUP, SoftOr, minimum_should_match, parse, soft_node
from tests.search.conftest import make_challenge


def _index(tmp_path, titles: dict[int, str]) -> WhooshBackend:
    backend = WhooshBackend(tmp_path / "index")
    backend.index(
        [
            SearchDocument(key=f"challenge:{number}", type="challenge", object_id=number, title=title)
            for number, title in titles.items()
        ]
    )
    return backend


def _ids(backend: WhooshBackend, text: str) -> list[int]:
    return [hit.object_id for hit in backend.query(SearchQuery(text=text, per_page=50)).hits]


def test_documents_holding_every_word_come_first(tmp_path):
    backend = _index(
        tmp_path,
        {
            1: "Pasar ikan segar",
            2: "Ikan ikan ikan laut ikan",  # the rarer word many times: a higher BM25 sum than 1's
            3: "Pasar pasar tradisional pasar",
            4: "Jalan rusak",
        },
    )
    found = _ids(backend, "pasar ikan")
    assert found[0] == 1
    assert set(found) == {1, 2, 3}


def test_partial_matches_are_returned_when_no_document_holds_every_word(tmp_path):
    backend = _index(tmp_path, {1: "Asap dan polusi udara di musim kemarau", 2: "Sampah pasar"})
    assert _ids(backend, "kualitas udara") == [1]
    assert _ids(backend, "kualitas pendidikan") == []


def test_the_minimum_should_match_scales_with_the_query(tmp_path):
    assert [minimum_should_match(n) for n in range(1, 10)] == [1, 1, 1, 1, 1, 2, 2, 2, 3]
    backend = _index(
        tmp_path,
        {1: "Truk sampah listrik", 2: "Truk pemadam", 3: "Sampah plastik"},
    )
    words = "truk sampah listrik pelacakan satelit armada"
    with backend._searcher() as (_searcher, state):
        node = soft_node(parse(words, OR_GROUP, state.vocabulary(words)))
    assert isinstance(node, SoftOr) and node.minmatch == 2
    # Six groups: two must match, so the documents holding one word alone are left out while 1 holds three.
    assert _ids(backend, words) == [1]
    # When no document holds two, one is enough: a query never finds nothing while documents hold its words.
    assert set(_ids(backend, "truk pelacakan satelit armada drone kamera")) == {1, 2}


def test_phrases_and_exclusions_stay_hard(tmp_path):
    backend = _index(
        tmp_path,
        {1: "Bank sampah daur ulang", 2: "Sampah bank daur ulang", 3: "Daur ulang plastik pasar", 4: "Daur ulang"},
    )
    assert _ids(backend, '"bank sampah" daur') == [1]
    assert 3 not in _ids(backend, "daur ulang -pasar")
    assert set(_ids(backend, "daur ulang -pasar")) == {1, 2, 4}


def test_filler_words_of_a_question_carry_no_weight(tmp_path):
    backend = _index(
        tmp_path,
        {
            1: "Mengurangi asap kebakaran lahan",
            2: "Kota kota kota layanan kota",
            3: "Solusi ide untuk kota",
        },
    )
    for text in ("bagaimana cara kota kami mengurangi asap", "how can our city reduce smoke solutions please"):
        with backend._searcher() as (_searcher, state):
            parsed = parse(text, OR_GROUP, state.vocabulary(text))
        assert "kota" not in {term for _field, term in parsed.iter_all_terms()}
        assert "citi" not in {term for _field, term in parsed.iter_all_terms()}
    assert _ids(backend, "bagaimana cara kota kami mengurangi asap") == [1]
    # Only filler words: searched as typed.
    assert set(_ids(backend, "kota")) == {2, 3}


def test_acronyms_typed_apart_are_read_as_the_acronym(tmp_path):
    backend = _index(tmp_path, {1: "Pemasaran digital UMKM", 2: "Jalan rusak", 3: "APILL di simpang"})
    assert _ids(backend, "u m k m") == [1]
    assert _ids(backend, "a p i l l") == [3]


def test_single_letters_never_match_every_document(tmp_path):
    backend = _index(tmp_path, {1: "Pemasaran digital UMKM", 2: "Jalan rusak", 3: "Banjir rob"})
    assert _ids(backend, "x q z") == []
    assert backend.query(SearchQuery(text="k")).total == 0
    assert _ids(backend, "banjir k") == [3]


def test_did_you_mean_only_when_the_query_is_weak_and_the_suggestion_clearly_better(tmp_path):
    backend = _index(tmp_path, {n: f"Kemacetan lalu lintas {n}" for n in range(1, 5)} | {9: "Pasar ikan"})
    # As typed the words find one document (pasar), corrected five: offered.
    assert backend.query(SearchQuery(text="kemacetn pasar")).suggestion == "kemacetan pasar"
    # Words that are right and found: never a suggestion.
    assert backend.query(SearchQuery(text="kemacetan pasar")).suggestion is None
    alone = _index(tmp_path / "alone", {1: "Kemacetan lalu lintas", 2: "Pasar ikan", 3: "Pasar sayur"})
    # As typed two, corrected three: not clearly more, not offered.
    assert alone.query(SearchQuery(text="kemacetn pasar")).suggestion is None
    assert alone.query(SearchQuery(text="kemacetn")).suggestion == "kemacetan"


@pytest.fixture
def air(people):
    city = people["city"]
    made = {
        "both": make_challenge(city, "Pemantauan kualitas udara", summary="Sensor udara murah"),
        "udara": make_challenge(city, "Asap dan polusi udara", summary="Kebakaran lahan"),
        "other": make_challenge(city, "Pengelolaan sampah pasar", summary="Bank sampah"),
    }
    from goi.extensions import db

    db.session.commit()
    return made


def test_the_challenge_lists_keyword_filter_reads_queries_the_same_way(air):
    """The list keeps documents holding some of the words, every-word ones first, as the search page does."""
    assert service.challenge_ids_matching("kualitas udara") == [air["both"].id, air["udara"].id]
    assert service.challenge_ids_matching("bagaimana cara kota kami mengurangi polusi udara")[0] == air["udara"].id
    assert service.challenge_ids_matching("x y") == []
    page = [hit.object_id for hit in service.search(None, "kualitas udara", types=("challenge",)).hits]
    assert page == service.challenge_ids_matching("kualitas udara")
