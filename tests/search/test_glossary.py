"""The Indonesian–English glossary: size, both directions, multiword entries."""

from goi.search.analysis import terms
from goi.search.glossary import equivalents, glossary_acronyms, glossary_pairs


def _phrase(text):
    return tuple(terms(text))


def test_the_glossary_has_at_least_150_pairs():
    assert len(glossary_pairs()) >= 150
    assert all(left and right for left, right in glossary_pairs())


def test_every_pair_works_in_both_directions():
    for left, right in glossary_pairs():
        if _phrase(left) and _phrase(right) and _phrase(left) != _phrase(right):
            assert _phrase(right) in equivalents(_phrase(left)), (left, right)
            assert _phrase(left) in equivalents(_phrase(right)), (left, right)


def test_known_bridges():
    assert _phrase("flood") in equivalents(_phrase("banjir"))
    assert _phrase("congestion") in equivalents(_phrase("macet"))
    assert _phrase("antrean") in equivalents(_phrase("antrian"))
    assert _phrase("non tunai") in equivalents(_phrase("nontunai"))
    assert _phrase("clean water") in equivalents(_phrase("air bersih"))
    assert _phrase("street lighting") in equivalents(_phrase("PJU"))
    assert _phrase("MSME") in equivalents(_phrase("UMKM"))


def test_capitalised_glossary_words_are_acronyms():
    assert {"umkm", "pju", "iot", "bumd", "tpa"} <= set(glossary_acronyms())
