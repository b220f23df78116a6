"""The open data page, the files (CSV and JSON, downloads with an ETag), the DCAT catalogue and the old address."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from goi.challenges.models import Challenge
from goi.extensions import db
from goi.opendata.datasets import DATASETS
from goi.site.page_cache import PUBLIC_CACHE_CONTROL
from tests.challenges import make_challenge
from tests.conftest import count_statements

NAMES = list(DATASETS)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_page_lists_every_dataset_with_its_schema_licence_and_files(client, scene):
    client.set_cookie("goi_lang", "en")
    response = client.get("/data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<link rel="alternate" type="application/ld+json" href="/data/catalog.jsonld"' in html
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in html
    for name, dataset in DATASETS.items():
        section = html.split(f'data-dataset="{name}"', 1)[1].split("</section>", 1)[0]
        assert f'href="/data/{name}.csv"' in section and f'href="/data/{name}.json"' in section
        assert re.findall(r'data-field="([^"]+)"', section) == dataset.field_names
    assert "Challenges" in html and "Meaning" in html


def test_an_anonymous_visitor_gets_the_page_from_the_cache(app, client, scene):
    app.config["PAGE_CACHE"] = True
    assert client.get("/data").headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert count_statements(client, "/data") <= 1  # the content version only


def test_every_page_links_to_the_open_data_in_its_footer(client):
    client.set_cookie("goi_lang", "en")
    footer = client.get("/metros").get_data(as_text=True).split("<footer", 1)[1]
    assert '<a class="link-dark" href="/data">Open data</a>' in footer


def test_the_old_address_redirects_for_good(client):
    response = client.get("/open-data")
    assert response.status_code == 301
    assert response.headers["Location"] == "/data"


@pytest.mark.parametrize("name", NAMES)
def test_a_csv_file_is_a_download_whose_header_is_the_schema(client, scene, name):
    response = client.get(f"/data/{name}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    rows = _csv(response)
    assert rows[0] == DATASETS[name].field_names
    assert all(len(row) == len(rows[0]) for row in rows[1:])


def test_codes_are_quoted_text_in_csv(client, scene):
    text = client.get("/data/challenges.csv").get_data(as_text=True)
    assert '"16.10","Kabupaten Ogan Ilir"' in text
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["banjir-ogan-ilir"]["regency_code"] == "16.10"
    assert rows["banjir-ogan-ilir"]["sdgs"] == "6; 11"
    assert rows["banjir-ogan-ilir"]["problem"] == "Banjir rutin & parah.\n\nMusim hujan."
    assert ",1500000000," in text  # a number is not quoted
    assert "Draf Rahasia" not in text


@pytest.mark.parametrize("name", NAMES)
def test_a_json_file_has_the_documented_shape(client, scene, name):
    response = client.get(f"/data/{name}.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.json"'
    document = json.loads(response.get_data(as_text=True))
    assert set(document) == {"dataset", "license", "modified", "schema", "fields", "rows"}
    assert document["dataset"] == name
    assert document["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["schema"] == f"http://localhost/data#dataset-{name}"
    assert [field["name"] for field in document["fields"]] == DATASETS[name].field_names
    assert document["rows"], name
    assert all(list(row) == DATASETS[name].field_names for row in document["rows"])


def test_json_keeps_codes_as_strings_and_lists_as_arrays(client, scene):
    document = json.loads(client.get("/data/offers.json").get_data(as_text=True))
    (offer,) = document["rows"]
    assert (offer["province_code"], offer["regency_code"]) == ("16", "16.10")
    metros = json.loads(client.get("/data/metros.json").get_data(as_text=True))["rows"]
    assert all(isinstance(row["member_regency_codes"], list) for row in metros)


@pytest.mark.parametrize("url", ["/data/unknown.csv", "/data/challenges.xml", "/data/challenges.xlsx", "/data/.csv"])
def test_an_unknown_dataset_or_format_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_an_unchanged_file_answers_304_to_its_etag(client, scene):
    first = client.get("/data/challenges.csv")
    etag = first.headers["ETag"]
    again = client.get("/data/challenges.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    other = client.get("/data/challenges.json", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_a_change_shows_in_the_next_download(client, scene):
    first = client.get("/data/challenges.csv")
    challenge = db.session.get(Challenge, scene["published"].id)
    challenge.title = "Banjir Ogan Ilir dan Sekitarnya"
    db.session.commit()
    again = client.get("/data/challenges.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert "Banjir Ogan Ilir dan Sekitarnya" in again.get_data(as_text=True)
    assert again.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("name", NAMES)
def test_a_download_issues_a_constant_number_of_statements(client, scene, name):
    url = f"/data/{name}.csv"
    before = count_statements(client, url)
    palembang = scene["world"]["gov_verified"]
    for _ in range(3):
        make_challenge(palembang)
    db.session.commit()
    assert count_statements(client, url) == before


def test_the_licence_comes_from_the_settings(app, client, scene):
    app.config["OPEN_DATA_LICENSE_NAME"] = "Lisensi Terbuka Daerah"
    app.config["OPEN_DATA_LICENSE_URL"] = "https://data.example.id/lisensi"
    assert 'href="https://data.example.id/lisensi"' in client.get("/data").get_data(as_text=True)
    document = json.loads(client.get("/data/metros.json").get_data(as_text=True))
    assert document["license"] == {"name": "Lisensi Terbuka Daerah", "url": "https://data.example.id/lisensi"}
    catalog = client.get("/data/catalog.jsonld").get_json(force=True)
    assert catalog["dct:license"] == {"@id": "https://data.example.id/lisensi"}
    assert all(d["dct:license"] == {"@id": "https://data.example.id/lisensi"} for d in catalog["dcat:dataset"])


def test_the_catalogue_describes_every_dataset_in_dcat(client, scene):
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    catalog = json.loads(response.get_data(as_text=True))
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalog["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["dct:publisher"]["@type"] == "foaf:Agent" and catalog["dct:publisher"]["foaf:name"]
    assert catalog["dct:modified"]["@type"] == "xsd:dateTime"
    assert [entry["dct:identifier"] for entry in catalog["dcat:dataset"]] == NAMES
    for entry in catalog["dcat:dataset"]:
        assert entry["@type"] == "dcat:Dataset"
        assert {value["@language"] for value in entry["dct:title"]} == {"id", "en"}
        assert {value["@language"] for value in entry["dct:description"]} == {"id", "en"}
        assert entry["dct:modified"]["@value"].endswith("Z")
        distributions = entry["dcat:distribution"]
        assert sorted(d["dcat:mediaType"]["@id"].rsplit("/", 2)[-2:][1] for d in distributions) == ["csv", "json"]
        for distribution in distributions:
            url = distribution["dcat:downloadURL"]["@id"]
            assert url.startswith("http://localhost/data/")
            assert client.get(url.removeprefix("http://localhost")).status_code == 200
    english = {value["@language"]: value["@value"] for value in catalog["dcat:dataset"][0]["dct:title"]}
    assert english["en"] == "Challenges"


def test_the_readme_lists_every_datasets_fields_as_the_code_has_them(app):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for dataset in DATASETS.values():
        line = f"- `{dataset.name}`: " + ", ".join(f"`{field.name}` ({field.type})" for field in dataset.fields)
        assert line in readme, f"README.md: the fields of {dataset.name} are not as the code has them"
