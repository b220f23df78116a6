"""The Whoosh backend's files and per-process caches: what keeps a write searchable at once in every process.

Segments are separate files (a compound segment's files are copied into memory whenever a searcher opens), match
sets are cached per segment but never outlive a deletion, and a process keeps a bounded number of them and of
open indexes.
"""

import os
from datetime import UTC, datetime

import pytest

from goi.search import whoosh_reading as reading
from goi.search.types import SearchDocument, SearchQuery
from goi.search.whoosh_backend import WhooshBackend

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _document(number: int, title: str, body: str = "") -> SearchDocument:
    return SearchDocument(
        key=f"challenge:{number}", type="challenge", object_id=number, title=title, body=body, created_at=NOW
    )


def _ids(backend: WhooshBackend, text: str) -> list[int]:
    results = backend.query(SearchQuery(text=text, now=NOW, per_page=50))
    return sorted(hit.object_id for hit in results.hits)


def test_segments_are_written_as_separate_files_not_compound_ones(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    backend.index([_document(number, f"Pengendalian banjir kota {number}") for number in range(1, 30)])
    backend.index([_document(40, "Pengelolaan sampah plastik")])  # an incremental segment
    files = os.listdir(tmp_path / "index")
    assert not [name for name in files if name.endswith(".seg")], files
    assert [name for name in files if name.endswith(".trm")]
    backend.optimize()
    assert not [name for name in os.listdir(tmp_path / "index") if name.endswith(".seg")]
    assert _ids(backend, "banjir") == list(range(1, 30))
    assert _ids(backend, "sampah") == [40]


def test_a_cached_phrase_match_never_outlives_the_document_s_change(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    backend.index([
        _document(1, "Penyediaan air bersih desa"),
        _document(2, "Air bersih untuk sekolah"),
        _document(3, "Jaringan pipa air"),
    ])
    assert _ids(backend, '"air bersih"') == [1, 2]
    # The old version of 1 is deleted in the first segment, whose phrase match set is cached; the new version
    # lands in a new segment.
    backend.index([_document(1, "Penyediaan sanitasi desa")])
    assert _ids(backend, '"air bersih"') == [2]
    backend.index([_document(3, "Jaringan pipa air bersih")])
    assert _ids(backend, '"air bersih"') == [2, 3]
    backend.remove(["challenge:2"])
    assert _ids(backend, '"air bersih"') == [3]
    assert _ids(backend, "sanitasi") == [1]


def test_the_match_cache_is_bounded_and_answers_stay_right_after_eviction(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MATCH_CACHE_SIZE", 6)
    backend = WhooshBackend(tmp_path / "index")
    words = ["banjir", "sampah", "macet", "listrik", "puskesmas", "sekolah", "pasar", "jalan", "taman", "pajak"]
    backend.index([_document(number, f"Program {word} kota") for number, word in enumerate(words, start=1)])
    first = {word: _ids(backend, word) for word in words}
    shared = reading._SHARED[(os.getpid(), str(backend.path))]
    assert 0 < len(shared.match_cache) <= 6
    # Every word again, in the other order: evicted match sets are read again, with the same answers.
    assert {word: _ids(backend, word) for word in reversed(words)} == first
    assert first["pasar"] == [7]
    assert len(shared.match_cache) <= 6


def test_a_process_keeps_a_bounded_number_of_open_indexes(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "OPEN_INDEXES", 2)
    backends = [WhooshBackend(tmp_path / f"index-{number}") for number in range(4)]
    for number, backend in enumerate(backends):
        backend.index([_document(number + 1, f"Tantangan transportasi {number}")])
        assert _ids(backend, "transportasi") == [number + 1]
    mine = [key for key in reading._SHARED if key[0] == os.getpid() and "index-" in key[1]]
    assert len(mine) <= 2
    assert (os.getpid(), str(backends[-1].path)) in reading._SHARED
    # An index whose searcher was closed answers again (it opens a new one).
    assert _ids(backends[0], "transportasi") == [1]


@pytest.mark.parametrize("text", ["banjir", '"air bersih"', "banjir -rob"])
def test_the_first_query_after_a_write_by_another_backend_object_sees_the_write(tmp_path, text):
    path = tmp_path / "index"
    reader, writer = WhooshBackend(path), WhooshBackend(path)
    writer.index([_document(1, "Banjir rob dan air bersih pesisir"), _document(2, "Banjir kiriman")])
    before = _ids(reader, text)
    writer.index([_document(3, "Banjir dan air bersih")])
    after = _ids(reader, text)
    assert 3 in after and 3 not in before


def test_a_searcher_keeps_reading_a_segment_that_a_merge_deleted(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    for number in range(1, 4):  # three segments
        backend.index([_document(number, f"Revitalisasi pasar tradisional {number}", body="Pasar rakyat")])
    ix = backend._index()
    plain, opened = ix.searcher(), reading.open_searcher(ix)
    try:
        backend.optimize()  # one new segment; the three old segments' files are deleted
        merged_away = {reader.segment().segment_id() for reader, _offset in plain.reader().leaf_readers()}
        assert not [name for name in os.listdir(tmp_path / "index") if any(s in name for s in merged_away)]
        # Whoosh opens stored fields on first use: a plain searcher opened before the merge cannot read them.
        with pytest.raises(TypeError):
            plain.stored_fields(0)
        assert sorted(opened.stored_fields(docnum)["object_id"] for docnum in range(3)) == [1, 2, 3]
        assert opened.reader().doc_field_length(2, "title") == 4
        assert not plain.reader().has_column("created_sort")
        assert list(opened.reader().column_reader("boost_milli")) == [1000, 1000, 1000]
    finally:
        plain.close()
        opened.close()
    assert _ids(backend, "pasar") == [1, 2, 3]


def test_opening_a_searcher_retries_when_its_segments_were_merged_away_meanwhile(tmp_path, monkeypatch):
    backend = WhooshBackend(tmp_path / "index")
    backend.index([_document(1, "Sistem parkir elektronik")])
    ix = backend._index()
    opened, checks = [], []
    real_searcher, real_segments = ix.searcher, ix._segments

    def searcher(**kwargs):
        opened.append(real_searcher(**kwargs))
        return opened[-1]

    def segments():
        checks.append(1)
        return [] if len(checks) == 1 else real_segments()  # the first check sees the segment merged away

    monkeypatch.setattr(ix, "searcher", searcher)
    monkeypatch.setattr(ix, "_segments", segments)
    found = reading.open_searcher(ix)
    try:
        assert len(opened) == 2 and found is opened[1]
        assert opened[0].is_closed and not found.is_closed
    finally:
        found.close()


def test_an_index_that_never_held_a_document_answers_every_kind_of_query(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    for text in ("banjir", '"air bersih"', "banjir -rob", "sampha", ""):
        for sort in ("relevance", "deadline", "newest"):
            results = backend.query(SearchQuery(text=text, now=NOW, sort=sort))
            assert (results.total, results.hits) == (0, [])
    assert backend.keys() == {}
    backend.index([_document(1, "Banjir rob di pesisir")])
    backend.remove(["challenge:1"])
    assert backend.query(SearchQuery(text="banjir", now=NOW)).total == 0


def test_a_long_lived_searcher_keeps_a_bounded_cache_for_many_viewers_and_queries(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "GENERATION_CACHE_SIZE", 8)
    monkeypatch.setattr(reading, "VISIBILITY_CACHE_SIZE", 3)
    backend = WhooshBackend(tmp_path / "index")
    private = SearchDocument(
        key="proposal:9", type="proposal", object_id=9, title="Usulan banjir tim", principals=("user:7",)
    )
    backend.index([_document(1, "Pengendalian banjir kota"), _document(2, "Pengelolaan sampah pasar"), private])

    def ids(text: str, principals: tuple[str, ...]) -> list[int]:
        found = backend.query(SearchQuery(text=text, principals=principals, now=NOW, per_page=50)).hits
        return sorted(hit.object_id for hit in found)

    before = (ids("banjir", ("public",)), ids("banjir", ("public", "user:7")))
    for number in range(40):  # one generation (no write): forty viewers, forty different words
        ids(f"banjir kata{number}", ("public", f"user:{100 + number}"))
    state = reading._SHARED[(os.getpid(), str(backend.path))].state
    assert len(state.cache) <= 8 and len(state.visibility) <= 3
    assert all(len(cache) <= 8 for cache in state.vocabulary_cache.values())
    assert (ids("banjir", ("public",)), ids("banjir", ("public", "user:7"))) == before == ([1], [1, 9])
