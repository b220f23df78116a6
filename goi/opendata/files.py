"""The two file formats of a dataset, written row by row, and the catalogue in DCAT (JSON-LD).

CSV: UTF-8 without a byte order mark, one header row of the fields' names, lines ending in CRLF. Text, codes, dates
and lists are quoted (a code such as "16.70" stays text: its zeros survive); numbers and true/false are not; an
empty field is a missing value. A list is its items joined by "; ". Times are UTC in ISO 8601 ("…Z"), days
"YYYY-MM-DD".

JSON: {"dataset", "license": {"name", "url"}, "modified", "schema", "fields": [{"name", "type"}], "rows": [{…}]},
with the same values as the CSV (a list is an array, a missing value null).
"""

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from goi.core.links import absolute_url
from goi.opendata.datasets import DATASETS, Dataset

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
LIST_SEPARATOR = "; "
# The file types of the EU vocabulary that DCAT-AP uses for dct:format.
FILE_TYPES = {
    "csv": "http://publications.europa.eu/resource/authority/file-type/CSV",
    "json": "http://publications.europa.eu/resource/authority/file-type/JSON",
}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
# The data themes of the EU vocabulary: government and public sector; regions and cities.
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
THEMES = {"metros": ("REGI",)}
DEFAULT_THEMES = ("GOVE",)


def license_of() -> dict[str, str]:
    """The licence of every dataset, from the settings (CC BY 4.0 unless told otherwise)."""
    config = current_app.config
    return {"name": config["OPEN_DATA_LICENSE_NAME"], "url": config["OPEN_DATA_LICENSE_URL"]}


def utc_text(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = LIST_SEPARATOR.join(value) if isinstance(value, list) else str(_json_value(value))
    return '"' + text.replace('"', '""') + '"'


def csv_lines(dataset: Dataset, rows: list[dict[str, Any]]) -> Iterator[str]:
    """The CSV file, a line at a time."""
    names = dataset.field_names
    yield ",".join(names) + "\r\n"
    for row in rows:
        yield ",".join(_csv_cell(row[name]) for name in names) + "\r\n"


def schema_url(dataset: Dataset) -> str:
    """The dataset's section of the open data page, where its fields are explained."""
    return absolute_url("opendata.index") + f"#dataset-{dataset.name}"


def json_chunks(dataset: Dataset, rows: list[dict[str, Any]], modified: datetime | None) -> Iterator[str]:
    """The JSON document, its head first and then a row at a time (the head is made now, in the request)."""
    head = {
        "dataset": dataset.name,
        "license": license_of(),
        "modified": utc_text(modified),
        "schema": schema_url(dataset),
        "fields": [{"name": field.name, "type": field.type} for field in dataset.fields],
    }
    text = json.dumps(head, ensure_ascii=False)

    def chunks() -> Iterator[str]:
        yield text[:-1] + ', "rows": ['
        for number, row in enumerate(rows):
            item = json.dumps({name: _json_value(row[name]) for name in dataset.field_names}, ensure_ascii=False)
            yield ("," if number else "") + "\n" + item
        yield "\n]}\n"

    return chunks()


# --- the catalogue ---------------------------------------------------------------------------------------------------

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LANGUAGES = ("id", "en")
CATALOG_TITLE = _l("GOI open data")
CATALOG_DESCRIPTION = _l(
    "The public data of GOI, an open-innovation platform for Indonesian local governments: challenges, "
    "organizations, metropolitan areas, published results and solutions, offers and requests."
)


def _in_languages(text: Any) -> list[dict[str, str]]:
    """A translatable text in Indonesian and in English, as language-tagged values."""
    values = []
    for language in LANGUAGES:
        with force_locale(language):
            values.append({"@value": str(text), "@language": language})
    return values


def _date_time(moment: datetime | None) -> dict[str, str] | None:
    return {"@value": utc_text(moment), "@type": "xsd:dateTime"} if moment is not None else None


def _distribution(dataset: Dataset, fmt: str, license_url: str) -> dict[str, Any]:
    url = absolute_url("opendata.download", dataset=dataset.name, fmt=fmt)
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": f"{dataset.name}.{fmt}",
        "dct:format": {"@id": FILE_TYPES[fmt]},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[fmt]}"},
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dct:license": {"@id": license_url},
    }


def catalog(modified: dict[str, datetime | None]) -> dict[str, Any]:
    """The DCAT catalogue of every dataset (DCAT-AP style), with absolute addresses."""
    license_url = license_of()["url"]
    page = absolute_url("opendata.index")
    publisher = {
        "@id": absolute_url("site.home"),
        "@type": "foaf:Agent",
        "foaf:name": current_app.config["OPEN_DATA_PUBLISHER"],
    }
    datasets = []
    for dataset in DATASETS.values():
        entry = {
            "@id": schema_url(dataset),
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.name,
            "dct:title": _in_languages(dataset.title),
            "dct:description": _in_languages(dataset.description),
            "dct:publisher": publisher,
            "dct:license": {"@id": license_url},
            "dcat:keyword": [
                {"@value": word, "@language": language}
                for pair in dataset.keywords
                for language, word in zip(LANGUAGES, pair, strict=True)
            ],
            "dcat:theme": [{"@id": THEME + code} for code in THEMES.get(dataset.name, DEFAULT_THEMES)],
            "dcat:landingPage": {"@id": page},
            "dcat:distribution": [_distribution(dataset, fmt, license_url) for fmt in FORMATS],
        }
        if modified.get(dataset.name) is not None:
            entry["dct:modified"] = _date_time(modified[dataset.name])
        datasets.append(entry)
    known = [moment for moment in modified.values() if moment is not None]
    document = {
        "@context": CONTEXT,
        "@id": absolute_url("opendata.catalog"),
        "@type": "dcat:Catalog",
        "dct:title": _in_languages(CATALOG_TITLE),
        "dct:description": _in_languages(CATALOG_DESCRIPTION),
        "dct:publisher": publisher,
        "dct:license": {"@id": license_url},
        "foaf:homepage": {"@id": page},
        "dcat:dataset": datasets,
    }
    if known:
        document["dct:modified"] = _date_time(max(known))
    return document
