"""The datasets' rows on a small known set: only what every visitor may see, regions as codes beside their names,
plain text for Markdown and HTML."""

from goi.opendata.datasets import DATASETS, plain_text


def _rows(name: str) -> list[dict]:
    return DATASETS[name].rows()


def test_challenges_are_the_public_ones_with_codes_and_plain_text(scene):
    rows = {row["slug"]: row for row in _rows("challenges")}
    assert set(rows) == {"banjir-ogan-ilir", "sampah-palembang"}  # never the draft
    flood = rows["banjir-ogan-ilir"]
    assert flood["title"] == "Banjir Ogan Ilir"
    assert (flood["province_code"], flood["province_name"]) == ("16", "Sumatera Selatan")
    assert flood["regency_code"] == "16.10"
    assert flood["regency_name"] == "Kabupaten Ogan Ilir"
    assert flood["problem"] == "Banjir rutin & parah.\n\nMusim hujan."
    assert flood["sdgs"] == ["6", "11"]
    assert flood["budget_min"] == 1500000000
    assert flood["owner_organization_name"] == "Pemkot Palembang"
    assert flood["url"] == "http://localhost/challenges/banjir-ogan-ilir"


def test_organizations_are_all_listed_with_their_region(scene):
    rows = {row["slug"]: row for row in _rows("organizations")}
    assert {"pemkot-palembang", "pt-industri", "pemkot-makassar"} <= set(rows)
    palembang = rows["pemkot-palembang"]
    assert (palembang["regency_code"], palembang["verified"]) == ("16.10", True)
    assert rows["pemkot-makassar"]["verified"] is False


def test_metros_come_from_the_reference_data(app):
    rows = {row["code"]: row for row in _rows("metros")}
    area = rows["patungraya-agung"]
    assert area["core_regency_code"] == "16.71"
    assert "16.71" in area["member_regency_codes"]
    assert area["province_codes"] == ["16"]


def test_results_count_only_the_proposals_the_results_section_shows(scene):
    (row,) = _rows("results")
    assert row["challenge_slug"] == "sampah-palembang"
    assert row["summary"] == "Satu pemenang."
    assert (row["named_proposals"], row["winners"]) == (1, 1)


def test_solutions_are_the_shown_entries_without_a_withdrawn_one(scene):
    (row,) = _rows("solutions")
    assert (row["title"], row["award"], row["team"]) == ("Pemilah Sampah Pintar", "winner", "PT Industri")
    assert row["citation"] == "Murah dan siap."
    assert row["challenge_url"].endswith("/challenges/sampah-palembang#results")


def test_offers_are_the_live_ones(scene):
    rows = _rows("offers")
    assert [row["title"] for row in rows] == ["Sensor Air Terbuka"]  # not hidden, not expired
    assert (rows[0]["regency_code"], rows[0]["organization_name"]) == ("16.10", "PT Industri")


def test_plain_text_drops_tags_and_keeps_paragraphs():
    html = '<h3>Judul</h3><ul><li>satu</li><li>dua &lt;b&gt;</li></ul><p><a href="https://x.id">tautan</a></p>'
    assert plain_text(html) == "Judul\n\nsatu\ndua <b>\n\ntautan"
    assert plain_text("") == ""


def test_statistics_are_the_pages_figures_in_long_form(scene):
    rows = _rows("statistics")
    by_key = {(row["figure"], row["row_code"], row["measure"]): row["value"] for row in rows}
    assert by_key[("provinces", "16", "challenges")] == 2  # the published and the decided, never the draft
    assert by_key[("sectors", "transportation", "challenges")] == 2
    assert by_key[("summary", "challenges", "value")] == 2
    province = next(row for row in rows if row["figure"] == "provinces" and row["row_code"] == "16")
    assert province["row_label"] == "Sumatera Selatan" and province["figure_title"]
    assert {row["figure"] for row in rows} >= {"summary", "sectors", "provinces", "states", "months"}


def test_the_statistics_csv_keeps_codes_as_text_and_numbers_bare(client, scene):
    text = client.get("/data/statistics.csv").get_data(as_text=True)
    assert text.splitlines()[0] == "figure,figure_title,row_code,row_label,measure,value"
    lines = text.splitlines()
    assert any(line.startswith('"provinces",') and ',"16",' in line and line.endswith(",2") for line in lines)
