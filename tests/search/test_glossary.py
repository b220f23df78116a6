"""Every pair of the old Indonesian–English glossary (223 pairs, kept in glossary_v1.tsv) still expands, both
ways, now that the thesaurus (goi/data/thesaurus.txt) serves query expansion."""

from pathlib import Path

from goi.search.analysis import terms
from goi.search.glossary import equivalents, glossary_acronyms

OLD_GLOSSARY = Path(__file__).with_name("glossary_v1.tsv")


def _phrase(text):
    return tuple(terms(text))


def _old_pairs():
    pairs = []
    for line in OLD_GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            left, _, right = line.partition("\t")
            pairs.append((left.strip(), right.strip()))
    return pairs


def test_the_old_glossary_is_all_there():
    assert len(_old_pairs()) == 223


def test_every_old_pair_works_in_both_directions():
    missing = []
    for left, right in _old_pairs():
        a, b = _phrase(left), _phrase(right)
        if a and b and a != b and (b not in equivalents(a) or a not in equivalents(b)):
            missing.append((left, right))
    assert not missing


def test_known_bridges():
    assert _phrase("flood") in equivalents(_phrase("banjir"))
    assert _phrase("congestion") in equivalents(_phrase("macet"))
    assert _phrase("antrean") in equivalents(_phrase("antrian"))
    assert _phrase("non tunai") in equivalents(_phrase("nontunai"))
    assert _phrase("clean water") in equivalents(_phrase("air bersih"))
    assert _phrase("street lighting") in equivalents(_phrase("PJU"))
    assert _phrase("MSME") in equivalents(_phrase("UMKM"))


def test_acronyms_are_kept_whole():
    assert {"umkm", "pju", "iot", "bumd", "tpa"} <= set(glossary_acronyms())
