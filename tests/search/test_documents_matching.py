"""Matching profiles in the index: an organization or a person is found by its expertise, what it seeks, its
sectors and the past projects that count for matching, and reindexed when such a project changes."""

from goi.extensions import db
from goi.orgs.models import OrgKind, PastProject
from tests import factories
from tests.search.conftest import found_ids


def _organization(**fields):
    organization = factories.make_org(OrgKind.INDUSTRY, name="PT Kali Bersih", **fields)
    db.session.commit()
    return organization


def _project(**fields) -> PastProject:
    project = PastProject(**fields)
    db.session.add(project)
    db.session.commit()
    return project


def test_an_organization_is_found_by_its_expertise_seeking_and_sectors(people):
    organization = _organization(expertise="zirkonflux, telemetri", seeking="mitra kobaltvista", sectors="wastewater")
    key = ("organization", organization.id)
    assert key in found_ids(None, "zirkonflux", "organization")
    assert key in found_ids(None, "kobaltvista", "organization")
    # Sector codes are indexed by their labels, in both languages.
    assert key in found_ids(None, "wastewater", "organization")
    assert key in found_ids(None, "air limbah", "organization")
    other = _organization()
    assert ("organization", other.id) not in found_ids(None, "zirkonflux", "organization")


def test_an_organization_is_found_by_a_counted_project_and_not_by_one_that_does_not_count(people):
    organization = _organization()
    key = ("organization", organization.id)
    counted = _project(organization_id=organization.id, title="Sistem vorteksalir", description="Kanal pelangimbak")
    _project(organization_id=organization.id, title="Proyek rahasia kuarsitrop", counts_for_matching=False)
    assert key in found_ids(None, "vorteksalir", "organization")
    assert key in found_ids(None, "pelangimbak", "organization")
    assert key not in found_ids(None, "kuarsitrop", "organization")

    # A change of the project reindexes its owner: the new title, not the old one; out of matching, out of the index.
    counted.title = "Sistem nebulastrom"
    db.session.commit()
    assert key in found_ids(None, "nebulastrom", "organization")
    assert key not in found_ids(None, "vorteksalir", "organization")
    counted.counts_for_matching = False
    db.session.commit()
    assert key not in found_ids(None, "nebulastrom", "organization")
    counted.counts_for_matching = True
    db.session.commit()
    assert key in found_ids(None, "nebulastrom", "organization")
    db.session.delete(counted)
    db.session.commit()
    assert key not in found_ids(None, "nebulastrom", "organization")
    # A new project is indexed as it is added.
    _project(organization_id=organization.id, title="Pompa heliokrank")
    assert key in found_ids(None, "heliokrank", "organization")


def test_a_public_profile_is_found_by_seeking_and_counted_projects(people):
    person = factories.make_user(name="Dewi Hidrologi", is_public_profile=True, seeking="kolaborasi ferrodunia")
    db.session.commit()
    key = ("profile", person.id)
    assert key in found_ids(None, "ferrodunia", "profile")
    project = _project(user_id=person.id, title="Model genangan lumirawa")
    _project(user_id=person.id, title="Catatan pribadi saphirdam", counts_for_matching=False)
    assert key in found_ids(None, "lumirawa", "profile")
    assert key not in found_ids(None, "saphirdam", "profile")
    project.title = "Model genangan oktarawa"
    db.session.commit()
    assert key in found_ids(None, "oktarawa", "profile")
    assert key not in found_ids(None, "lumirawa", "profile")


def test_a_private_profile_stays_out_whatever_its_projects(people):
    person = factories.make_user(name="Tertutup", is_public_profile=False, seeking="granitvolt")
    db.session.commit()
    _project(user_id=person.id, title="Proyek granitvolt")
    assert ("profile", person.id) not in found_ids(None, "granitvolt")
