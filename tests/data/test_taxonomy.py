"""Tests for goi.data.taxonomy."""

from __future__ import annotations

from goi.data import taxonomy

SECTOR_CODES = [
    "economy",
    "education",
    "energy",
    "environment",
    "finance",
    "governance",
    "health",
    "housing",
    "safety",
    "waste",
    "culture",
    "telecommunication",
    "transportation",
    "food",
    "urban-planning",
    "wastewater",
    "water",
    "population",
]


def test_sectors_have_exact_codes() -> None:
    """There are 18 sectors with exactly the agreed codes, in order."""
    assert [s.code for s in taxonomy.sectors()] == SECTOR_CODES
    assert len(SECTOR_CODES) == 18


def test_sector_labels() -> None:
    """Sectors carry Indonesian and English labels."""
    expected = {
        "waste": ("Persampahan", "Waste"),
        "wastewater": ("Air Limbah", "Wastewater"),
        "water": ("Air Bersih", "Clean Water"),
        "urban-planning": ("Tata Ruang", "Urban Planning"),
    }
    for code, (label_id, label_en) in expected.items():
        found = taxonomy.sector(code)
        assert found is not None
        assert found.label() == label_id
        assert found.label("id") == label_id
        assert found.label("en") == label_en
        assert found.label("en_US") == label_en
    for s in taxonomy.sectors():
        assert s.label_id and s.label_en, s
    assert taxonomy.sector("mining") is None


def test_sdgs() -> None:
    """The 17 SDGs are numbered 1..17 with Bappenas and UN names."""
    goals = taxonomy.sdgs()
    assert [g.number for g in goals] == list(range(1, 18))
    first, last = taxonomy.sdg(1), taxonomy.sdg(17)
    assert first is not None and last is not None
    assert (first.label("id"), first.label("en")) == ("Tanpa Kemiskinan", "No Poverty")
    assert (last.label("id"), last.label("en")) == (
        "Kemitraan untuk Mencapai Tujuan",
        "Partnerships for the Goals",
    )
    assert taxonomy.sdg(0) is None and taxonomy.sdg(18) is None


def test_dimensions() -> None:
    """There are six smart-city dimensions."""
    assert [d.code for d in taxonomy.dimensions()] == [
        "governance",
        "branding",
        "economy",
        "living",
        "society",
        "environment",
    ]
    found = taxonomy.dimension("governance")
    assert found is not None
    assert found.label("id") == "Tata Kelola Cerdas (Smart Governance)"
    assert found.label("en") == "Smart Governance"
    assert taxonomy.dimension("mobility") is None


def test_dimensions_read_in_indonesian_with_the_movement_name_beside() -> None:
    """An Indonesian page names each dimension in Indonesian, the movement's English name in brackets."""
    for found in taxonomy.dimensions():
        assert found.label("id") != found.label("en")
        assert found.label("id").endswith(f"({found.label('en')})")


def test_choices() -> None:
    """Choice helpers follow the locale."""
    assert ("waste", "Persampahan") in taxonomy.sector_choices("id")
    assert ("waste", "Waste") in taxonomy.sector_choices("en")
    assert len(taxonomy.sector_choices()) == 18
    assert taxonomy.dimension_choices("en")[0] == ("governance", "Smart Governance")
    assert len(taxonomy.dimension_choices()) == 6
    assert taxonomy.sdg_choices("id")[0] == (1, "1. Tanpa Kemiskinan")
    assert taxonomy.sdg_choices("en")[12] == (13, "13. Climate Action")
