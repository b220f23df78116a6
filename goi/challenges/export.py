"""Export of organizations (with their matching profiles, past projects and offers) and every non-draft challenge
as JSON, in the format goi.challenges.exchange imports."""

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from goi.challenges.exchange_profiles import profile_record
from goi.challenges.models import Challenge, ChallengeStatus
from goi.data import regions
from goi.extensions import db
from goi.orgs.models import Offer, Organization, PastProject


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_data() -> dict:
    """Every organization and every non-draft challenge, in the import format."""
    organizations = db.session.scalars(select(Organization).order_by(Organization.id)).all()
    refs = {organization.id: organization.ref or organization.slug for organization in organizations}
    projects: dict[int, list[PastProject]] = defaultdict(list)
    for project in db.session.scalars(
        select(PastProject).where(PastProject.organization_id.is_not(None)).order_by(PastProject.id)
    ):
        projects[project.organization_id].append(project)
    # Every offer, the expired ones too: each carries its expires_on.
    offers: dict[int, list[Offer]] = defaultdict(list)
    for offer in db.session.scalars(select(Offer).order_by(Offer.id)):
        offers[offer.organization_id].append(offer)
    exported_orgs = []
    for organization in organizations:
        province = regions.province(organization.province_code) if organization.province_code else None
        regency = regions.regency(organization.regency_code) if organization.regency_code else None
        record = {
            "ref": refs[organization.id],
            "name": organization.name,
            "kind": organization.kind.value,
            "province": province.name if province else None,
            "region": regency.name if regency else None,
            "website": organization.website or None,
            "description": organization.description_source or None,
        }
        if organization.government_kind:
            record["government_kind"] = organization.government_kind.value
        record.update(profile_record(organization, projects[organization.id], offers[organization.id]))
        exported_orgs.append({key: value for key, value in record.items() if value is not None})
    challenges = db.session.scalars(
        select(Challenge)
        .where(Challenge.status != ChallengeStatus.DRAFT)
        .order_by(Challenge.id)
        .options(selectinload(Challenge.criteria))
    ).all()
    exported_challenges = []
    for challenge in challenges:
        province = regions.province(challenge.province_code) if challenge.province_code else None
        regency = regions.regency(challenge.regency_code) if challenge.regency_code else None
        metro = regions.metro(challenge.metro_code) if challenge.metro_code else None
        record = {
            "ref": challenge.ref or challenge.slug,
            "org": refs[challenge.owner_org_id],
            "title": challenge.title,
            "summary": challenge.summary,
            "description": challenge.problem_source,
            "sector": challenge.sector,
            "dimension": challenge.dimension,
            "province": province.name if province else None,
            "region": regency.name if regency else None,
            "metro": metro.code if metro else None,
            "opens_at": _iso(challenge.opens_at),
            "closes_at": _iso(challenge.closes_at),
            "status": challenge.status.value,
            "budget_min": challenge.budget_min,
            "budget_max": challenge.budget_max,
            "prize_amount": challenge.prize_amount,
            "prize_description": challenge.prize_description,
            "trl": challenge.trl,
            "eligible": [kind.value for kind in challenge.eligible_kinds],
            "consortium_required": challenge.consortium_required,
            "sealed": challenge.is_sealed,
            "criteria": [
                {"name": c.name, "description": c.description, "weight": c.weight} for c in challenge.criteria
            ],
        }
        exported_challenges.append({key: value for key, value in record.items() if value is not None})
    return {"organizations": exported_orgs, "challenges": exported_challenges}


def export_file(path: Path) -> dict[str, int]:
    data = export_data()
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {"organizations": len(data["organizations"]), "challenges": len(data["challenges"])}
