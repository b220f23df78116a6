"""Creating, editing, showing and listing organizations."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from goi.orgs.models import GovernmentKind, MemberRole, Membership, Organization, OrgKind
from tests import factories
from tests.challenges import make_challenge
from tests.conftest import count_statements, post_form
from tests.orgs import fresh_client

CARD_LINK = re.compile(r'<h2 class="h6 card-title"><a href="/orgs/([a-z0-9-]+)">')


@pytest.fixture
def client(app):
    return fresh_client(app)


def _org_values(name: str, kind: str, government_kind: str = "", **extra) -> dict:
    values = {
        "name": name,
        "kind": kind,
        "government_kind": government_kind,
        "description": "",
        "website": "",
        "province_code": "",
        "regency_code": "",
    }
    values.update(extra)
    return values


def _org(db, slug: str) -> Organization | None:
    db.session.expire_all()
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def _org_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Organization))


@pytest.mark.parametrize(
    ("kind", "government_kind", "slug"),
    [
        ("government", "regency", "pemkab-contoh-baru"),
        ("industry", "", "pemkab-contoh-baru"),
        ("academia", "", "pemkab-contoh-baru"),
        ("community", "", "pemkab-contoh-baru"),
        ("investor", "", "pemkab-contoh-baru"),
    ],
)
def test_create_organization_of_each_kind_makes_creator_owner(client, db, login_as, kind, government_kind, slug):
    user = login_as("user")
    response = post_form(client, "/orgs/new", _org_values("Pemkab Contoh Baru", kind, government_kind))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{slug}")
    organization = _org(db, slug)
    assert organization is not None
    assert organization.kind == OrgKind(kind)
    if kind == "government":
        assert organization.government_kind == GovernmentKind.REGENCY
    else:
        assert organization.government_kind is None
    memberships = db.session.scalars(select(Membership).where(Membership.organization_id == organization.id)).all()
    assert [(m.user_id, m.role) for m in memberships] == [(user.id, MemberRole.OWNER)]


def test_government_kind_is_dropped_for_a_non_government_organization(client, db, login_as):
    login_as("user")
    response = post_form(client, "/orgs/new", _org_values("Koperasi Sejahtera", "community", "city"))
    assert response.status_code == 302
    assert _org(db, "koperasi-sejahtera").government_kind is None


def test_government_organization_requires_a_government_kind(client, db, login_as):
    login_as("user")
    before = _org_count(db)
    response = post_form(client, "/orgs/new", _org_values("Pemkab Tanpa Jenis Xyz", "government", ""))
    assert response.status_code in (200, 422)
    html = response.get_data(as_text=True)
    assert 'value="Pemkab Tanpa Jenis Xyz"' in html
    db.session.expire_all()
    assert _org_count(db) == before
    assert _org(db, "pemkab-tanpa-jenis-xyz") is None


def test_anonymous_cannot_create_an_organization(client, db, world):
    response = client.get("/orgs/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_slug_is_unique(client, db, login_as):
    login_as("user")
    first = post_form(client, "/orgs/new", _org_values("PT Maju", "industry"))
    second = post_form(client, "/orgs/new", _org_values("PT Maju", "industry"))
    assert first.headers["Location"].endswith("/orgs/pt-maju")
    assert second.headers["Location"].endswith("/orgs/pt-maju-2")
    assert _org(db, "pt-maju") is not None
    assert _org(db, "pt-maju-2") is not None
    assert db.session.scalar(select(func.count()).where(Organization.name == "PT Maju")) == 2


@pytest.mark.parametrize("role", ["org_owner", "org_admin"])
def test_owner_and_admin_edit(client, db, login_as, role):
    login_as(role)
    values = _org_values(
        "PT Industri Baru",
        "industry",
        website="https://industri.example.id",
        description="Kami **membuat** sensor.",
        province_code="16",
        regency_code="16.71",
    )
    assert client.get("/orgs/pt-industri/edit").status_code == 200
    response = post_form(client, "/orgs/pt-industri/edit", values)
    assert response.status_code == 302
    organization = _org(db, "pt-industri")
    assert organization.name == "PT Industri Baru"
    assert organization.website == "https://industri.example.id"
    assert organization.regency_code == "16.71"
    assert "<strong>membuat</strong>" in organization.description_html


@pytest.mark.parametrize("role", ["org_member", "user", "gov_admin", "platform_admin"])
def test_others_cannot_edit(client, db, login_as, role):
    login_as(role)
    assert client.get("/orgs/pt-industri/edit").status_code == 403
    response = post_form(client, "/orgs/pt-industri/edit", _org_values("Diambil Alih", "industry"), page="/")
    assert response.status_code == 403
    assert _org(db, "pt-industri").name == "PT Industri"


def test_anonymous_edit_redirects_to_login(client, db, login_as):
    login_as("anonymous")
    response = client.get("/orgs/pt-industri/edit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_regency_outside_province_is_refused(client, db, login_as):
    login_as("org_owner")
    values = _org_values("PT Industri", "industry", province_code="51", regency_code="16.71")
    response = post_form(client, "/orgs/pt-industri/edit", values)
    assert response.status_code in (200, 422)
    assert _org(db, "pt-industri").regency_code is None


def test_public_page_shows_profile_and_only_public_members(client, db, world):
    industry = world["industry"]
    industry.description_source = "Sensor **air**. <script>alert('x')</script> [tautan](javascript:alert(1))"
    from goi.core.html import render_markdown

    industry.description_html = render_markdown(industry.description_source)
    industry.website = "https://industri.example.id"
    industry.province_code = "16"
    industry.regency_code = "16.71"
    hidden = db.session.scalar(
        select(Membership).where(
            Membership.organization_id == industry.id, Membership.user_id == world["users"]["org_member"].id
        )
    )
    hidden.is_public = False
    db.session.commit()

    response = client.get("/orgs/pt-industri")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>air</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "Kota Palembang" in html
    assert "Sumatera Selatan" in html
    assert 'href="https://industri.example.id"' in html
    assert "Owner Industri" in html
    assert "Admin Industri" in html
    assert "Member Industri" not in html


def test_disabled_member_is_not_shown(client, db, world):
    world["users"]["org_admin"].is_disabled = True
    db.session.commit()
    html = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert "Admin Industri" not in html
    assert "Owner Industri" in html


def test_member_toggles_visibility(client, db, login_as, world):
    member = login_as("org_member")

    def is_public() -> bool:
        db.session.expire_all()
        return db.session.scalar(
            select(Membership.is_public).where(
                Membership.organization_id == world["industry"].id, Membership.user_id == member.id
            )
        )

    assert is_public() is True
    response = post_form(client, "/orgs/pt-industri/visibility", {}, page="/orgs/pt-industri")
    assert response.status_code == 302
    assert is_public() is False
    login_as("anonymous")
    assert "Member Industri" not in client.get("/orgs/pt-industri").get_data(as_text=True)
    login_as("org_member")
    response = post_form(client, "/orgs/pt-industri/visibility", {"is_public": "y"}, page="/orgs/pt-industri")
    assert response.status_code == 302
    assert is_public() is True
    login_as("anonymous")
    assert "Member Industri" in client.get("/orgs/pt-industri").get_data(as_text=True)


def test_non_member_cannot_toggle_visibility(client, db, login_as):
    login_as("user")
    response = post_form(client, "/orgs/pt-industri/visibility", {"is_public": "y"}, page="/")
    assert response.status_code == 403


def _listed_slugs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return CARD_LINK.findall(response.get_data(as_text=True))


def test_directory_filters_by_kind(client, db, world):
    factories.make_org(OrgKind.ACADEMIA, slug="univ-contoh", name="Universitas Contoh")
    db.session.commit()
    assert sorted(_listed_slugs(client, "/orgs?kind=government")) == ["pemkot-makassar", "pemkot-palembang"]
    assert _listed_slugs(client, "/orgs?kind=industry") == ["pt-industri"]
    assert _listed_slugs(client, "/orgs?kind=academia") == ["univ-contoh"]
    assert _listed_slugs(client, "/orgs?kind=investor") == []
    assert _listed_slugs(client, "/orgs?kind=government&verified=1") == ["pemkot-palembang"]
    assert sorted(_listed_slugs(client, "/orgs")) == sorted(
        ["pemkot-makassar", "pemkot-palembang", "pt-industri", "univ-contoh"]
    )


def test_directory_paginates(client, db, world):
    for number in range(30):
        factories.make_org(OrgKind.COMMUNITY, slug=f"komunitas-{number:02d}", name=f"Komunitas {number:02d}")
    db.session.commit()
    first = _listed_slugs(client, "/orgs?kind=community")
    second = _listed_slugs(client, "/orgs?kind=community&page=2")
    assert len(first) == 24
    assert len(second) == 6
    assert first == [f"komunitas-{number:02d}" for number in range(24)]
    assert second == [f"komunitas-{number:02d}" for number in range(24, 30)]
    assert client.get("/orgs?kind=community&page=3").status_code == 404
    assert client.get("/orgs?page=0").status_code == 404
    assert client.get("/orgs?page=abc").status_code == 404


def test_directory_issues_as_many_queries_for_30_organizations_as_for_3(client, db, world):
    def add(count: int) -> None:
        for _ in range(count):
            factories.make_org(OrgKind.COMMUNITY, verified=True)
        db.session.commit()

    add(3)
    few = {url: count_statements(client, url) for url in ("/orgs", "/orgs?kind=community&verified=1")}
    add(27)
    assert len(_listed_slugs(client, "/orgs?kind=community&verified=1")) == 24
    assert {url: count_statements(client, url) for url in few} == few


def test_directory_orders_organizations_of_one_name_by_creation(client, db, world):
    slugs = [factories.make_org(OrgKind.COMMUNITY, name="Komunitas Sama").slug for _ in range(3)]
    db.session.commit()
    assert _listed_slugs(client, "/orgs?kind=community") == slugs


def test_unknown_kind_is_404(client, db, world):
    assert client.get("/orgs?kind=alien").status_code == 404
    assert client.get("/orgs?kind=GOVERNMENT").status_code == 404


def test_unknown_organization_is_404(client, db, world, login_as):
    assert client.get("/orgs/tidak-ada").status_code == 404
    login_as("org_owner")
    assert client.get("/orgs/tidak-ada/edit").status_code == 404
    assert client.get("/orgs/tidak-ada/members").status_code == 404


def test_verified_organization_cannot_change_its_kind(client, db, login_as):
    login_as("gov_admin")
    response = post_form(client, "/orgs/pemkot-palembang/edit", _org_values("Pemkot Palembang", "industry"))
    assert response.status_code == 200
    organization = _org(db, "pemkot-palembang")
    assert organization.kind == OrgKind.GOVERNMENT
    assert organization.government_kind == GovernmentKind.CITY
    response = post_form(
        client, "/orgs/pemkot-palembang/edit", _org_values("Pemkot Palembang Baru", "government", "city")
    )
    assert response.status_code == 302
    assert _org(db, "pemkot-palembang").name == "Pemkot Palembang Baru"


def test_organization_page_lists_its_challenges_a_page_at_a_time(client, db, world):
    palembang = world["gov_verified"]
    start = datetime(2026, 11, 1, tzinfo=UTC)

    def add(count: int, offset: int) -> list[str]:
        made = [make_challenge(palembang, created_at=start + timedelta(minutes=offset + n)) for n in range(count)]
        return [challenge.slug for challenge in made]

    slugs = add(3, 0)
    db.session.commit()
    url = "/orgs/pemkot-palembang"
    few = count_statements(client, url)
    slugs += add(22, 100)
    db.session.commit()
    assert count_statements(client, url) == few

    newest_first = list(reversed(slugs))
    first = client.get(url).get_data(as_text=True)
    assert re.findall(r'href="/challenges/([a-z0-9-]+)"', first)[:20] == newest_first[:20]
    assert newest_first[20] not in first
    assert 'rel="next"' in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert [slug for slug in newest_first if f'/challenges/{slug}"' in second] == newest_first[20:]
    assert client.get(url + "?page=3").status_code == 404
