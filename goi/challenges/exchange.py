"""Import of organizations and challenges from JSON, keyed by each record's `ref` (goi.challenges.export
writes the same format).

Format: {"organizations": [{"ref", "name", "kind", "government_kind"?, "region"?, "province"?, "website"?,
"description"?, "expertise"?, "seeking"?, "sectors"?, "regions_served"?, "trl"?, "languages"?,
"solutions"?, "offers"?}], "challenges": [{"ref", "org", "title", "summary", "description", "sector", "region"?,
"province"?, "metro"?, "opens_at"?, "closes_at"?, "status"?, "budget_min"?, "budget_max"?, "prize_amount"?,
"prize_description"?, "trl"?, "eligible"?, "consortium_required"?, "sealed"?, "criteria"?}]}.
The organizations' matching profile keys are read and stored by goi.challenges.exchange_profiles.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from goi.challenges.exchange_profiles import profile_values, store_profile, text_value, trl_value
from goi.challenges.models import Challenge, ChallengeStatus, SolverKind
from goi.challenges.services import (
    default_criteria,
    region_timezone,
    replace_criteria,
    unique_slug,
    validate_criteria,
)
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs.models import GovernmentKind, Organization, OrgKind
from goi.orgs.services import unique_slug as unique_org_slug

IMPORT_OPEN_DAYS = 30


class ImportFileError(ValueError):
    """The file cannot be imported; errors name each failing record."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _place(record: dict) -> tuple[str | None, str | None]:
    """(province code, regency code) from the record's province and region names."""
    province_name, region_name = text_value(record, "province"), text_value(record, "region")
    province = None
    if province_name:
        province = regions.find_province_by_name(province_name)
        if province is None:
            raise ValueError(f"unknown province '{province_name}'")
    regency = None
    if region_name:
        regency = regions.find_regency_by_name(region_name, province.code if province else None)
        if regency is None:
            raise ValueError(f"unknown region '{region_name}'")
    if regency is not None and province is None:
        province = regions.province(regency.province_code)
    return (province.code if province else None), (regency.code if regency else None)


def _moment(value: Any, key: str, zone: str) -> datetime | None:
    """An ISO 8601 time; without an offset it is read in the challenge's region's zone."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be an ISO 8601 date-time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{key}' is not an ISO 8601 date-time: '{value}'") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(ZoneInfo("UTC"))


def _money(record: dict, key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"'{key}' must be a whole number of rupiah, not negative")
    return value


def _organization_values(record: dict) -> dict:
    kind_name = text_value(record, "kind", required=True).lower()
    try:
        kind = OrgKind(kind_name)
    except ValueError:
        raise ValueError(f"unknown kind '{kind_name}'") from None
    government_kind = None
    if kind == OrgKind.GOVERNMENT:
        raw = text_value(record, "government_kind").lower() or "city"
        try:
            government_kind = GovernmentKind(raw)
        except ValueError:
            raise ValueError(f"unknown government_kind '{raw}'") from None
    province_code, regency_code = _place(record)
    return {
        "name": text_value(record, "name", required=True, limit=160),
        "kind": kind,
        "government_kind": government_kind,
        "province_code": province_code,
        "regency_code": regency_code,
        "website": text_value(record, "website", limit=300),
        "description": text_value(record, "description", limit=10000),
        "profile": profile_values(record),
    }


def _challenge_values(record: dict, organizations: dict[str, Organization | dict]) -> dict:
    org_ref = text_value(record, "org", required=True)
    if org_ref not in organizations:
        raise ValueError(f"unknown organization '{org_ref}'")
    owner = organizations[org_ref]
    owner_kind = owner["kind"] if isinstance(owner, dict) else owner.kind
    if owner_kind != OrgKind.GOVERNMENT:
        raise ValueError(f"organization '{org_ref}' is not a government; only governments own challenges")
    sector = text_value(record, "sector", required=True).lower()
    if taxonomy.sector(sector) is None:
        raise ValueError(f"unknown sector '{sector}'")
    dimension = text_value(record, "dimension").lower() or None
    if dimension and taxonomy.dimension(dimension) is None:
        raise ValueError(f"unknown dimension '{dimension}'")
    metro_name = text_value(record, "metro")
    metro_code = None
    if metro_name:
        match = next((m for m in regions.metros() if metro_name.lower() in (m.code.lower(), m.name.lower())), None)
        if match is None:
            raise ValueError(f"unknown metropolitan area '{metro_name}'")
        metro_code = match.code
    province_code, regency_code = _place(record)
    if not province_code and not metro_code:
        owner_province = owner.get("province_code") if isinstance(owner, dict) else owner.province_code
        owner_regency = owner.get("regency_code") if isinstance(owner, dict) else owner.regency_code
        province_code, regency_code = owner_province, owner_regency
    if not province_code and not metro_code:
        raise ValueError("no region: give 'region'/'province' or 'metro', or set the organization's region")
    zone = region_timezone(province_code, regency_code, metro_code)
    now = clock.now()
    opens_at = _moment(record.get("opens_at"), "opens_at", zone) or now
    closes_at = _moment(record.get("closes_at"), "closes_at", zone) or opens_at + timedelta(days=IMPORT_OPEN_DAYS)
    if closes_at <= opens_at:
        raise ValueError("'closes_at' must come after 'opens_at'")
    status_name = text_value(record, "status").lower() or ChallengeStatus.PUBLISHED.value
    try:
        status = ChallengeStatus(status_name)
    except ValueError:
        raise ValueError(f"unknown status '{status_name}'") from None
    eligible = record.get("eligible")
    if eligible is None:
        kinds = set(SolverKind)
    else:
        if not isinstance(eligible, list) or not eligible:
            raise ValueError("'eligible' must be a non-empty list")
        try:
            kinds = {SolverKind(str(kind).lower()) for kind in eligible}
        except ValueError:
            raise ValueError(f"'eligible' holds an unknown kind: {eligible}") from None
    criteria = record.get("criteria")
    if criteria is not None:
        if not isinstance(criteria, list) or not all(isinstance(c, dict) for c in criteria):
            raise ValueError("'criteria' must be a list of {name, description, weight}")
        try:
            criteria = [
                {
                    "name": str(c.get("name", "")),
                    "description": str(c.get("description", "")),
                    "weight": int(c["weight"]),
                }
                for c in criteria
            ]
        except (KeyError, TypeError, ValueError):
            raise ValueError("every criterion needs a whole-number 'weight'") from None
        try:
            validate_criteria(criteria)
        except DomainError as error:
            raise ValueError(f"criteria: {error.message}") from None
    budget_min, budget_max = _money(record, "budget_min"), _money(record, "budget_max")
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        raise ValueError("'budget_min' is above 'budget_max'")
    prize_amount = _money(record, "prize_amount")
    trl = trl_value(record)
    return {
        "org_ref": org_ref,
        "title": text_value(record, "title", required=True, limit=200),
        "summary": text_value(record, "summary", required=True, limit=300),
        "description": text_value(record, "description"),
        "sector": sector,
        "dimension": dimension,
        "province_code": province_code,
        "regency_code": regency_code,
        "metro_code": metro_code,
        "timezone": zone,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "status": status,
        "kinds": kinds,
        "consortium_required": bool(record.get("consortium_required", False)),
        "sealed": bool(record.get("sealed", True)),
        "criteria": criteria,
        "budget_min": budget_min,
        "budget_max": budget_max,
        "prize_amount": prize_amount,
        "prize_description": text_value(record, "prize_description", limit=160) or None,
        "trl": trl,
    }


def _by_ref(model, ref: str):
    return db.session.scalar(select(model).where(or_(model.ref == ref, model.slug == ref)))


def _records(data: Any, key: str, errors: list[str]) -> list[dict]:
    records = data.get(key, [])
    if not isinstance(records, list):
        errors.append(f"'{key}' must be a list")
        return []
    return records


def import_data(data: Any) -> dict[str, int]:
    """Create or update organizations and challenges by ref; all or nothing. Returns counts."""
    if not isinstance(data, dict):
        raise ImportFileError(["the file must hold a JSON object with 'organizations' and 'challenges'"])
    errors: list[str] = []
    org_values: dict[str, dict] = {}
    for index, record in enumerate(_records(data, "organizations", errors)):
        label = f"organizations[{index}]"
        try:
            if not isinstance(record, dict):
                raise ValueError("must be an object")
            ref = text_value(record, "ref", required=True, limit=80)
            label = f"organization '{ref}'"
            if ref in org_values:
                raise ValueError("appears twice")
            org_values[ref] = _organization_values(record)
        except ValueError as error:
            errors.append(f"{label}: {error}")
    known: dict[str, Organization | dict] = dict(org_values)
    challenge_values: dict[str, dict] = {}
    for index, record in enumerate(_records(data, "challenges", errors)):
        label = f"challenges[{index}]"
        try:
            if not isinstance(record, dict):
                raise ValueError("must be an object")
            ref = text_value(record, "ref", required=True, limit=80)
            label = f"challenge '{ref}'"
            if ref in challenge_values:
                raise ValueError("appears twice")
            org_ref = text_value(record, "org", required=True)
            if org_ref not in known:
                existing = _by_ref(Organization, org_ref)
                if existing is not None:
                    known[org_ref] = existing
            challenge_values[ref] = _challenge_values(record, known)
        except ValueError as error:
            errors.append(f"{label}: {error}")
    if errors:
        raise ImportFileError(errors)
    counts = {"organizations_created": 0, "organizations_updated": 0, "challenges_created": 0, "challenges_updated": 0}
    organizations: dict[str, Organization] = {}
    for ref, values in org_values.items():
        organization = _by_ref(Organization, ref)
        if organization is None:
            organization = Organization(slug=unique_org_slug(values["name"]), ref=ref, created_at=clock.now())
            db.session.add(organization)
            counts["organizations_created"] += 1
        else:
            counts["organizations_updated"] += 1
        organization.ref = organization.ref or ref
        organization.name = values["name"]
        organization.kind = values["kind"]
        organization.government_kind = values["government_kind"]
        organization.province_code = values["province_code"]
        organization.regency_code = values["regency_code"]
        organization.website = values["website"]
        organization.description_source = values["description"]
        organization.description_html = render_markdown(values["description"])
        # The command is an administrator's tool: what it brings in counts as verified.
        organization.verified_at = organization.verified_at or clock.now()
        db.session.flush()
        store_profile(organization, values["profile"])
        organizations[ref] = organization
    for ref, values in challenge_values.items():
        owner = organizations.get(values["org_ref"]) or known[values["org_ref"]]
        challenge = _by_ref(Challenge, ref)
        if challenge is None:
            challenge = Challenge(slug=unique_slug(values["title"]), ref=ref, created_at=clock.now())
            db.session.add(challenge)
            counts["challenges_created"] += 1
        else:
            counts["challenges_updated"] += 1
        challenge.ref = challenge.ref or ref
        challenge.owner_org = owner
        challenge.title = values["title"]
        challenge.summary = values["summary"]
        challenge.problem_source = values["description"]
        challenge.problem_html = render_markdown(values["description"])
        challenge.sector = values["sector"]
        challenge.dimension = values["dimension"]
        challenge.province_code = values["province_code"]
        challenge.regency_code = values["regency_code"]
        challenge.metro_code = values["metro_code"]
        challenge.timezone = values["timezone"]
        challenge.opens_at = values["opens_at"]
        challenge.closes_at = values["closes_at"]
        challenge.status = values["status"]
        if values["status"] != ChallengeStatus.DRAFT:
            challenge.published_at = challenge.published_at or values["opens_at"]
        for kind in SolverKind:
            setattr(challenge, f"allow_{kind.value}", kind in values["kinds"])
        challenge.consortium_required = values["consortium_required"]
        challenge.is_sealed = values["sealed"]
        challenge.budget_min = values["budget_min"]
        challenge.budget_max = values["budget_max"]
        challenge.prize_amount = values["prize_amount"]
        challenge.prize_description = values["prize_description"]
        challenge.trl = values["trl"]
        db.session.flush()
        if values["criteria"] is not None:
            replace_criteria(challenge, values["criteria"])
        elif not challenge.criteria:
            replace_criteria(challenge, default_criteria())
    audit.record("admin.import", actor_id=None, **counts)
    db.session.flush()
    return counts


def import_file(path: Path) -> dict[str, int]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError([f"cannot read {path}: {error}"]) from None
    except json.JSONDecodeError as error:
        raise ImportFileError([f"{path} is not valid JSON: {error}"]) from None
    return import_data(data)
