"""The domain thesaurus: size and sectors, labels that survive analysis, no two concepts joined by a label, the
language-aware expansion (Indonesian `air` is water, English `air` is udara) and acronyms in both directions."""

from collections import defaultdict

import pytest

from goi.data.taxonomy import SECTORS
from goi.search import thesaurus
from goi.search.analysis import terms
from goi.search.glossary import equivalents, glossary_acronyms


def _phrase(text):
    return tuple(terms(text))


def test_the_thesaurus_has_at_least_1500_concepts_in_every_sector():
    counts = thesaurus.sector_counts()
    assert len(thesaurus.concepts()) >= 1500
    assert {sector.code for sector in SECTORS} == set(counts)
    assert all(count >= 20 for count in counts.values()), counts


def test_concepts_are_well_formed():
    concepts = thesaurus.concepts()
    ids = [concept.id for concept in concepts]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for concept in concepts:
        assert concept.pref_label("id") or concept.pref_label("en") or concept.labels.get("acr"), concept.id
        assert set(concept.broader) | set(concept.related) <= known, concept.id
        assert concept.id not in concept.broader


def test_every_label_passes_through_the_analysis_chain():
    for concept in thesaurus.concepts():
        for _, label in concept.all_labels():
            assert _phrase(label), (concept.id, label)


def test_no_label_joins_two_concepts_within_a_language_unless_marked():
    owners = defaultdict(set)
    for concept in thesaurus.concepts():
        for language, label in concept.all_labels():
            owners[(language, _phrase(label))].add((concept.id, label in concept.ambiguous))
    joined = {key: value for key, value in owners.items() if len(value) > 1 and not all(m for _, m in value)}
    assert not joined


def test_air_the_water_and_air_the_udara_stay_apart():
    assert _phrase("udara") not in equivalents(_phrase("air"))
    assert _phrase("water") not in equivalents(_phrase("air"))
    assert _phrase("air") not in equivalents(_phrase("water"))
    assert _phrase("air") not in equivalents(_phrase("udara"))
    # Unambiguous words and phrases still bridge the languages.
    assert _phrase("air") in equivalents(_phrase("atmosphere")) or _phrase("udara") in equivalents(
        _phrase("atmosphere")
    )
    assert _phrase("water") in equivalents(_phrase("air bersih")) or _phrase("clean water") in equivalents(
        _phrase("air bersih")
    )
    assert _phrase("kualitas udara") in equivalents(_phrase("air quality"))


def test_the_file_format_reads_labels_per_language():
    text = """[water]
w | air; banyu | water
[environment]
u | udara | air; atmosphere
"""
    concepts = thesaurus.parse(text)
    assert [c.id for c in concepts] == ["w", "u"]
    assert concepts[1].labels == {"id": ("udara",), "en": ("air", "atmosphere")}


def test_the_expansion_rule_on_the_real_data():
    # Within one language a marked ambiguity expands to both concepts: English "waste" is sampah and limbah.
    assert {_phrase("sampah"), _phrase("limbah")} <= equivalents(_phrase("waste"))
    # A cross-language homograph (Indonesian "air" and English "air") does not expand at all, nor is it added.
    assert equivalents(_phrase("air")) == frozenset()
    assert not any(_phrase("air") in others for others in thesaurus.expansions_map().values())
    assert _phrase("udara") in equivalents(_phrase("atmosphere"))


@pytest.mark.parametrize(
    "acronym, expansion",
    [
        ("PDAM", "perusahaan daerah air minum"),
        ("IPAL", "instalasi pengolahan air limbah"),
        ("TPA", "landfill"),
        ("TPS3R", "tempat pengolahan sampah reduce reuse recycle"),
        ("RTH", "ruang terbuka hijau"),
        ("APILL", "traffic light"),
        ("PJU", "penerangan jalan umum"),
        ("UMKM", "usaha mikro kecil dan menengah"),
        ("BPBD", "badan penanggulangan bencana daerah"),
        ("DLH", "dinas lingkungan hidup"),
        ("Dishub", "dinas perhubungan"),
        ("BPJS", "health insurance"),
        ("SPAM", "sistem penyediaan air minum"),
        ("RTLH", "rumah tidak layak huni"),
        ("Puskesmas", "pusat kesehatan masyarakat"),
    ],
)
def test_acronyms_expand_both_ways(acronym, expansion):
    assert _phrase(expansion) in equivalents(_phrase(acronym))
    assert _phrase(acronym) in equivalents(_phrase(expansion))
    if acronym.lower() != "puskesmas":
        assert acronym.lower() in glossary_acronyms()


def test_informal_and_regional_spellings_meet_their_standard_word():
    assert _phrase("ride hailing") in equivalents(_phrase("ojol"))
    assert _phrase("drainage channel") in equivalents(_phrase("got"))
    assert _phrase("angkutan kota") in equivalents(_phrase("angkot"))
    assert _phrase("antrean") in equivalents(_phrase("antrian"))
