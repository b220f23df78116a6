"""The matching profile of an organization in the import format (issue 12), read and written.

An organization record may carry `expertise`, `seeking` (lists of keywords), `sectors` (codes), `regions_served`
(province or kabupaten/kota names), `trl`, `languages`, `solutions` (past projects) and `offers`. A key absent from
the record leaves the stored value as it is; a key present replaces it: for `solutions` every past project of the
organization and for `offers` every offer of the organization is replaced by the file's (an empty list removes
them all), so that the file is the one source of what it names.
"""

from datetime import date
from typing import Any

from sqlalchemy import delete, select

from goi.core import clock
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs.models import Offer, OfferKind, Organization, PastProject

KEYWORD_LIMIT = 60
KEYWORDS_MAX = 20
LANGUAGES = ("id", "en")
# The stored lengths of the comma-separated columns (goi.orgs.models.Organization).
COLUMN_LIMITS = {"expertise": 500, "seeking": 500, "sectors": 300, "regions_served": 1000, "languages": 120}
LIST_KEYS = ("expertise", "seeking", "sectors", "regions_served", "languages")


def text_value(record: dict, key: str, required: bool = False, limit: int | None = None) -> str:
    """record[key] as trimmed text ("" when absent); ValueError naming the key when it is not acceptable."""
    value = record.get(key)
    if value is None:
        if required:
            raise ValueError(f"'{key}' is missing")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be text")
    value = value.strip()
    if required and not value:
        raise ValueError(f"'{key}' is empty")
    if limit is not None and len(value) > limit:
        raise ValueError(f"'{key}' is longer than {limit} characters")
    return value


def trl_value(record: dict) -> int | None:
    """record["trl"]: a whole number from 1 to 9, or None."""
    trl = record.get("trl")
    if trl is not None and (isinstance(trl, bool) or not isinstance(trl, int) or not 1 <= trl <= 9):
        raise ValueError("'trl' must be a whole number from 1 to 9")
    return trl


def served_place(name: str, key: str) -> tuple[str, str | None]:
    """(province code, regency code or None) of a province or kabupaten/kota name, matched as `region` is.

    A province's own name is read as the province ("Bengkulu"); its capital is named with its prefix
    ("Kota Bengkulu"), which is what the export writes.
    """
    province = regions.find_province_by_name(name)
    if province is not None:
        return province.code, None
    regency = regions.find_regency_by_name(name)
    if regency is None:
        raise ValueError(f"unknown region '{name}' in '{key}'")
    return regency.province_code, regency.code


def _strings(record: dict, key: str) -> list[str]:
    value = record[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"'{key}' must be a list of text")
    return [item.strip() for item in value]


def _keywords(record: dict, key: str) -> list[str]:
    items = _strings(record, key)
    if len(items) > KEYWORDS_MAX:
        raise ValueError(f"'{key}' holds more than {KEYWORDS_MAX} items")
    kept: dict[str, str] = {}
    for item in items:
        if not item:
            raise ValueError(f"'{key}' holds an empty item")
        if len(item) > KEYWORD_LIMIT:
            raise ValueError(f"'{key}' holds an item longer than {KEYWORD_LIMIT} characters: '{item[:20]}…'")
        if "," in item:
            raise ValueError(f"'{key}' holds an item with a comma: '{item}'")
        kept.setdefault(item.casefold(), item)
    return list(kept.values())


def _sectors(record: dict) -> list[str]:
    codes = [code.lower() for code in _strings(record, "sectors")]
    for code in codes:
        if taxonomy.sector(code) is None:
            raise ValueError(f"unknown sector '{code}' in 'sectors'")
    return list(dict.fromkeys(codes))


def _regions_served(record: dict) -> list[str]:
    codes = []
    for name in _strings(record, "regions_served"):
        province_code, regency_code = served_place(name, "regions_served")
        codes.append(regency_code or province_code)
    return list(dict.fromkeys(codes))


def _languages(record: dict) -> list[str]:
    codes = [code.lower() for code in _strings(record, "languages")]
    if not codes or any(code not in LANGUAGES for code in codes):
        raise ValueError("'languages' must be a non-empty list of 'id' and 'en'")
    return list(dict.fromkeys(codes))


def _objects(record: dict, key: str, shape: str) -> list[dict]:
    value = record[key]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"'{key}' must be a list of {shape}")
    return value


def _flag(item: dict, key: str, label: str) -> bool:
    value = item.get(key, True)
    if not isinstance(value, bool):
        raise ValueError(f"{label}: '{key}' must be true or false")
    return value


def _solution(item: dict, label: str) -> dict:
    try:
        values = {
            "title": text_value(item, "title", required=True, limit=200),
            "client": text_value(item, "client", limit=160),
            "description": text_value(item, "description", limit=10000),
            "link": text_value(item, "link", limit=300),
        }
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None
    year = item.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100):
        raise ValueError(f"{label}: 'year' must be a whole number such as 2024")
    if values["link"] and not values["link"].startswith(("https://", "http://")):
        raise ValueError(f"{label}: 'link' must start with https:// or http://")
    values["year"] = year
    values["counts_for_matching"] = _flag(item, "counts_for_matching", label)
    return values


def _offer(item: dict, label: str) -> dict:
    try:
        kind_name = text_value(item, "kind", required=True).lower()
        values = {
            "title": text_value(item, "title", required=True, limit=160),
            "description": text_value(item, "description", limit=10000),
        }
        sector = text_value(item, "sector").lower() or None
        region = text_value(item, "region")
        expires_on = text_value(item, "expires_on")
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None
    try:
        values["kind"] = OfferKind(kind_name)
    except ValueError:
        kinds = " ".join(kind.value for kind in OfferKind)
        raise ValueError(f"{label}: unknown kind '{kind_name}' (one of {kinds})") from None
    if sector and taxonomy.sector(sector) is None:
        raise ValueError(f"{label}: unknown sector '{sector}'")
    values["sector"] = sector
    values["province_code"], values["regency_code"] = (
        served_place(region, f"{label}.region") if region else (None, None)
    )
    if expires_on:
        try:
            values["expires_on"] = date.fromisoformat(expires_on)
        except ValueError:
            raise ValueError(f"{label}: 'expires_on' is not an ISO 8601 date: '{expires_on}'") from None
    else:
        values["expires_on"] = _one_year_after(clock.now().date())
    values["is_public"] = _flag(item, "public", label)
    return values


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def profile_values(record: dict) -> dict[str, Any]:
    """The matching profile keys present in an organization record, validated; ValueError names the bad one."""
    values: dict[str, Any] = {}
    for key in ("expertise", "seeking"):
        if record.get(key) is not None:
            values[key] = _keywords(record, key)
    if record.get("sectors") is not None:
        values["sectors"] = _sectors(record)
    if record.get("regions_served") is not None:
        values["regions_served"] = _regions_served(record)
    if record.get("languages") is not None:
        values["languages"] = _languages(record)
    for key in LIST_KEYS:
        if key in values and len(", ".join(values[key])) > COLUMN_LIMITS[key]:
            raise ValueError(f"'{key}' is too long: at most {COLUMN_LIMITS[key]} characters in all")
    if "trl" in record:
        values["trl"] = trl_value(record)
    if record.get("solutions") is not None:
        items = _objects(record, "solutions", "{title, year, client, description, link}")
        values["solutions"] = [_solution(item, f"solutions[{index}]") for index, item in enumerate(items)]
    if record.get("offers") is not None:
        items = _objects(record, "offers", "{kind, title, description, sector, region, expires_on}")
        values["offers"] = [_offer(item, f"offers[{index}]") for index, item in enumerate(items)]
    return values


def store_profile(organization: Organization, values: dict[str, Any]) -> None:
    """Write the validated profile keys to the organization (flushed); what the record left out stays."""
    for key in LIST_KEYS:
        if key in values:
            setattr(organization, key, ", ".join(values[key]))
    if "trl" in values:
        organization.trl = values["trl"]
    if "solutions" in values:
        for project in db.session.scalars(select(PastProject).where(PastProject.organization_id == organization.id)):
            db.session.delete(project)
        db.session.add_all(PastProject(organization_id=organization.id, **item) for item in values["solutions"])
    if "offers" in values:
        db.session.execute(delete(Offer).where(Offer.organization_id == organization.id))
        db.session.add_all(Offer(organization_id=organization.id, **item) for item in values["offers"])
    db.session.flush()


def _place_name(code: str) -> str | None:
    place = regions.regency(code) if "." in code else regions.province(code)
    return place.name if place else None


def profile_record(organization: Organization, projects: list[PastProject], offers: list[Offer]) -> dict[str, Any]:
    """The organization's matching profile in the import format (empty lists and unset values left out)."""
    record: dict[str, Any] = {
        "expertise": organization.expertise_list,
        "seeking": organization.seeking_list,
        "sectors": organization.sector_list,
        "regions_served": [name for code in organization.regions_served_list if (name := _place_name(code))],
        "trl": organization.trl,
        "languages": organization.language_list,
        "solutions": [
            _without_empty(
                {
                    "title": project.title,
                    "year": project.year,
                    "client": project.client,
                    "description": project.description,
                    "link": project.link,
                    "counts_for_matching": project.counts_for_matching,
                }
            )
            for project in projects
        ],
        "offers": [
            _without_empty(
                {
                    "kind": offer.kind.value,
                    "title": offer.title,
                    "description": offer.description,
                    "sector": offer.sector,
                    "region": _place_name(offer.regency_code or offer.province_code or ""),
                    "expires_on": offer.expires_on.isoformat(),
                    "public": offer.is_public,
                }
            )
            for offer in offers
        ],
    }
    return _without_empty(record)


def _without_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value not in (None, "", [])}
