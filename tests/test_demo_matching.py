"""`flask goi seed-demo` gives the demo's organizations and reviewers matching profiles and adds offers."""

from datetime import timedelta

from sqlalchemy import select

from goi.accounts.models import User
from goi.core import clock
from goi.data import regions, taxonomy
from goi.demo_matching import REVIEWER_PROFILES
from goi.extensions import db
from goi.orgs.models import Offer, OfferKind, Organization, OrgKind, PastProject
from goi.search import service
from tests import test_demo

# The demo's fixtures: a migrated database of its own, and the loggers kept as they were.
demo_app = test_demo.demo_app
_keep_loggers = test_demo._keep_loggers


def _valid_codes(codes: list[str]) -> bool:
    return all(regions.regency(code) if "." in code else regions.province(code) for code in codes)


def test_demo_profiles_projects_and_offers(demo_app):
    test_demo._seed(demo_app)
    with demo_app.app_context():
        today = clock.now().date()
        for organization in db.session.scalars(select(Organization).where(Organization.kind != OrgKind.GOVERNMENT)):
            assert organization.expertise_list and organization.seeking_list, organization.slug
            assert all(taxonomy.sector(code) for code in organization.sector_list), organization.slug
            assert organization.regions_served_list and _valid_codes(organization.regions_served_list)
            assert set(organization.language_list) <= {"id", "en"}
            counted = db.session.scalars(
                select(PastProject).where(
                    PastProject.organization_id == organization.id, PastProject.counts_for_matching.is_(True)
                )
            ).all()
            assert 1 <= len(counted) <= 2, organization.slug
        for email in REVIEWER_PROFILES:
            user = db.session.scalar(select(User).where(User.email == email))
            assert user.seeking and user.sectors and _valid_codes(user.regions_served_list) and user.trl
            assert db.session.scalars(select(PastProject).where(PastProject.user_id == user.id)).all(), email
        offers = db.session.scalars(select(Offer)).all()
        assert 6 <= len(offers) <= 10
        assert {offer.kind for offer in offers} == set(OfferKind)
        assert len({offer.organization_id for offer in offers}) >= 4
        for offer in offers:
            assert today + timedelta(days=89) <= offer.expires_on <= today + timedelta(days=275), offer.title
            assert offer.is_public and (offer.sector is None or taxonomy.sector(offer.sector))
        # The profiles are in the index: a word of an expertise and of a counted project find their organization.
        db.session.rollback()
        air = ("organization", db.session.scalar(select(Organization.id).where(Organization.slug.like("pt-air%"))))
        assert air in {(hit.type, hit.object_id) for hit in service.search(None, "telemetri SCADA").hits}
        assert air in {(hit.type, hit.object_id) for hit in service.search(None, "kekeruhan klorin").hits}
