"""One analysis chain for documents and queries: stems, acronyms, stopwords, both languages."""

import pytest

from goi.search.analysis import analyzer, stem, terms


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("macet", "Kemacetan lalu lintas di pusat kota"),
        ("persampahan", "Pengelolaan sampah rumah tangga"),
        ("flooding", "Flood early warning for riverside districts"),
        ("floods", "flooding"),
        ("pelayanan", "layanan publik"),
        ("kebocoran", "pipa bocor"),
    ],
)
def test_a_word_and_its_derived_forms_share_a_term(query, text):
    assert set(terms(query)) & set(terms(text))


@pytest.mark.parametrize("acronym", ["UMKM", "PJU", "IoT", "BUMD", "TPA"])
def test_acronyms_are_kept_whole_and_match_in_any_case(acronym):
    assert terms(acronym) == [acronym.lower()]
    assert terms(acronym.lower()) == [acronym.lower()]
    assert terms(f"Program {acronym} kota") == ["program", acronym.lower(), "kota"]


def test_an_unknown_capitalised_short_word_is_an_acronym_and_not_stemmed():
    assert terms("RSKIA") == ["rskia"]
    assert terms("Layanan") == [stem("layanan")]


def test_indonesian_and_english_stopwords_are_dropped():
    assert terms("yang dan di dari untuk the of and with") == []
    assert terms("the pengelolaan of sampah") == ["kelola", "sampah"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tempat pembuangan akhir", ["tempat", "buang", "akhir"]),
        ("usaha kecil", ["usaha", "kecil"]),
        ("kerja bakti", ["kerja", "bakti"]),
        ("rumah tidak layak huni", ["rumah", "layak", "huni"]),  # negations stay stopwords (see analysis)
        ("normalisasi Kali Ciliwung", ["normalisasi", "kali", "ciliwung"]),
        ("sumber mata air", ["sumber", "mata", "air"]),
    ],
)
def test_content_words_of_sastrawis_stopword_list_are_kept(text, expected):
    """Sastrawi lists them as stopwords; in the platform's texts they carry meaning (the thesaurus's labels)."""
    assert terms(text) == expected


def test_accents_are_folded_and_case_ignored():
    assert terms("Café RÉSUMÉ") == terms("cafe resume")


def test_indonesian_roots_are_not_porter_stemmed():
    assert stem("jalan") == "jalan"
    assert stem("centres") == stem("centre")


def test_the_whoosh_analyzer_gives_the_same_terms_with_positions():
    text = "Pengelolaan sampah dan UMKM di Kota"
    tokens = [(token.text, token.startchar) for token in analyzer()(text, chars=True, positions=True)]
    assert [term for term, _start in tokens] == terms(text)
    assert tokens[0][1] == 0
