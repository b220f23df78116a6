"""Past projects of organizations (their managers) and of users (their own): add, edit, delete, count for matching."""

import pytest
from sqlalchemy import func, select

from goi.core import clock
from goi.core.audit import AuditEvent
from goi.orgs import projects
from goi.orgs.models import PastProject
from tests.conftest import post_form
from tests.factories import make_user
from tests.orgs import fresh_client

LIST = "/orgs/pt-industri/projects"
MINE = "/account/projects"


@pytest.fixture
def client(app):
    return fresh_client(app)


def _values(**changes) -> dict:
    values = {
        "title": "Sistem peringatan dini banjir",
        "year": "2023",
        "client": "Pemkot Palembang",
        "description": "Sensor muka air di 12 titik.\nDasbor untuk BPBD.",
        "link": "https://contoh.id/banjir",
        "counts_for_matching": "y",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def _projects(db) -> list[PastProject]:
    db.session.expire_all()
    return list(db.session.scalars(select(PastProject).order_by(PastProject.id)))


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PastProject))


def _org_project(db, world, **fields) -> PastProject:
    project = PastProject(organization=world["industry"], title=fields.pop("title", "Proyek lama"), **fields)
    db.session.add(project)
    db.session.commit()
    return project


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("role", ["org_owner", "org_admin"])
def test_managers_add_a_project_to_the_organization(client, db, login_as, world, role):
    user = login_as(role)
    assert client.get(LIST).status_code == 200
    response = post_form(client, LIST, _values())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(LIST)
    [project] = _projects(db)
    assert project.organization_id == world["industry"].id
    assert project.user_id is None
    assert (project.title, project.year, project.client, project.link) == (
        "Sistem peringatan dini banjir",
        2023,
        "Pemkot Palembang",
        "https://contoh.id/banjir",
    )
    assert project.description.replace("\r\n", "\n") == "Sensor muka air di 12 titik.\nDasbor untuk BPBD."
    assert project.counts_for_matching is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "profile.project_added"))
    assert event.actor_id == user.id
    assert event.object_id == project.id
    assert event.detail["organization_id"] == world["industry"].id
    html = client.get(LIST).get_data(as_text=True)
    assert "Sistem peringatan dini banjir" in html


def test_a_project_may_be_added_without_counting_and_without_optional_fields(client, db, login_as):
    login_as("org_owner")
    values = _values(year="", client="", description="", link="", counts_for_matching=None)
    assert post_form(client, LIST, values).status_code == 302
    [project] = _projects(db)
    assert project.year is None
    assert project.link == ""
    assert project.counts_for_matching is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "j" * 201}, "title"),
        ({"year": "1949"}, "year"),
        ({"year": str(clock.now().year + 2)}, "year"),
        ({"year": "tahun lalu"}, "year"),
        ({"client": "k" * 161}, "client"),
        ({"description": "d" * 1001}, "description"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "ftp://contoh.id/berkas"}, "link"),
        ({"link": "https://contoh.id/" + "a" * 290}, "link"),
    ],
)
def test_invalid_project_is_refused_with_the_values_kept(client, db, login_as, changes, field):
    login_as("org_owner")
    response = post_form(client, LIST, _values(**{"client": "Klien Tertulis", **changes}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert ("Klien Tertulis" if field != "client" else changes["client"]) in html
    assert _count(db) == 0
    assert "profile.project_added" not in _actions(db)


def test_next_year_is_accepted(client, db, login_as):
    login_as("org_owner")
    assert post_form(client, LIST, _values(year=str(clock.now().year + 1))).status_code == 302
    assert _projects(db)[0].year == clock.now().year + 1


def test_managers_edit_a_project(client, db, login_as, world):
    project = _org_project(db, world, year=2019)
    login_as("org_admin")
    url = f"{LIST}/{project.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert 'value="Proyek lama"' in html
    response = post_form(client, url, _values(title="Proyek baru", counts_for_matching=None))
    assert response.status_code == 302
    [saved] = _projects(db)
    assert saved.title == "Proyek baru"
    assert saved.counts_for_matching is False
    assert "profile.project_updated" in _actions(db)


def test_an_invalid_edit_changes_nothing(client, db, login_as, world):
    project = _org_project(db, world, year=2019)
    login_as("org_owner")
    response = post_form(client, f"{LIST}/{project.id}/edit", _values(title="Judul baru", year="1800"))
    assert response.status_code == 422
    assert 'value="Judul baru"' in response.get_data(as_text=True)
    [saved] = _projects(db)
    assert (saved.title, saved.year) == ("Proyek lama", 2019)


def test_managers_delete_a_project(client, db, login_as, world):
    project = _org_project(db, world)
    login_as("org_owner")
    response = post_form(client, f"{LIST}/{project.id}/delete", page=LIST)
    assert response.status_code == 302
    assert _count(db) == 0
    assert "profile.project_deleted" in _actions(db)


def test_managers_set_whether_a_project_counts_for_matching(client, db, login_as, world):
    project = _org_project(db, world, counts_for_matching=True)
    login_as("org_owner")
    url = f"{LIST}/{project.id}/matching"
    assert post_form(client, url, {"counts": "0"}, page=LIST).status_code == 302
    assert _projects(db)[0].counts_for_matching is False
    # The same answer again changes nothing (a double click).
    assert post_form(client, url, {"counts": "0"}, page=LIST).status_code == 302
    assert _projects(db)[0].counts_for_matching is False
    assert post_form(client, url, {"counts": "1"}, page=LIST).status_code == 302
    assert _projects(db)[0].counts_for_matching is True
    assert _actions(db).count("profile.project_uncounted") == 1
    assert _actions(db).count("profile.project_counted") == 1
    assert post_form(client, url, {"counts": "maybe"}, page=LIST).status_code == 400


@pytest.mark.parametrize("role", ["org_member", "user", "gov_admin", "platform_admin"])
def test_non_managers_are_refused_everywhere(client, db, login_as, world, role):
    project = _org_project(db, world)
    login_as(role)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}/{project.id}/edit").status_code == 403
    assert post_form(client, LIST, _values(), page="/").status_code == 403
    assert post_form(client, f"{LIST}/{project.id}/edit", _values(title="Diambil"), page="/").status_code == 403
    assert post_form(client, f"{LIST}/{project.id}/matching", {"counts": "0"}, page="/").status_code == 403
    assert post_form(client, f"{LIST}/{project.id}/delete", page="/").status_code == 403
    [saved] = _projects(db)
    assert (saved.title, saved.counts_for_matching) == ("Proyek lama", True)


def test_anonymous_is_sent_to_log_in(client, db, world):
    for url in (LIST, MINE):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_unknown_organization_is_404(client, db, login_as):
    login_as("org_owner")
    assert client.get("/orgs/tidak-ada/projects").status_code == 404


def test_a_project_of_another_organization_is_404(client, db, login_as, world):
    other = PastProject(organization=world["gov_verified"], title="Proyek Palembang")
    db.session.add(other)
    db.session.commit()
    login_as("org_owner")
    assert client.get(f"{LIST}/{other.id}/edit").status_code == 404
    assert post_form(client, f"{LIST}/{other.id}/delete", page=LIST).status_code == 404
    assert post_form(client, f"{LIST}/{other.id}/matching", {"counts": "0"}, page=LIST).status_code == 404
    assert post_form(client, f"{LIST}/{other.id}/edit", _values(), page=LIST).status_code == 404
    [saved] = _projects(db)
    assert (saved.title, saved.counts_for_matching) == ("Proyek Palembang", True)


def test_changes_need_the_csrf_token(client, db, login_as, world):
    project = _org_project(db, world)
    login_as("org_owner")
    client.get(LIST)
    assert client.post(LIST, data=_values()).status_code == 400
    assert client.post(f"{LIST}/{project.id}/edit", data=_values(title="Tanpa token")).status_code == 400
    assert client.post(f"{LIST}/{project.id}/matching", data={"counts": "0"}).status_code == 400
    assert client.post(f"{LIST}/{project.id}/delete").status_code == 400
    [saved] = _projects(db)
    assert (saved.title, saved.counts_for_matching) == ("Proyek lama", True)


def test_get_changes_nothing(client, db, login_as, world):
    project = _org_project(db, world)
    login_as("org_owner")
    before = len(_actions(db))
    assert client.get(f"{LIST}?title=Lewat+GET").status_code == 200
    assert client.get(f"{LIST}/{project.id}/edit?title=Lewat+GET").status_code == 200
    assert client.get(f"{LIST}/{project.id}/delete").status_code == 405
    assert client.get(f"{LIST}/{project.id}/matching?counts=0").status_code == 405
    [saved] = _projects(db)
    assert (saved.title, saved.counts_for_matching) == ("Proyek lama", True)
    assert len(_actions(db)) == before


def test_user_keeps_their_own_projects(client, db, login_as, world):
    user = login_as("user")
    assert post_form(client, MINE, _values(title="Kajian drainase")).status_code == 302
    [project] = _projects(db)
    assert project.user_id == user.id
    assert project.organization_id is None
    assert post_form(client, f"{MINE}/{project.id}/matching", {"counts": "0"}, page=MINE).status_code == 302
    assert _projects(db)[0].counts_for_matching is False
    response = post_form(client, f"{MINE}/{project.id}/edit", _values(title="Kajian drainase kota"), page=MINE)
    assert response.status_code == 302
    assert _projects(db)[0].title == "Kajian drainase kota"
    assert post_form(client, f"{MINE}/{project.id}/delete", page=MINE).status_code == 302
    assert _count(db) == 0
    assert "profile.project_deleted" in _actions(db)


def test_another_users_project_is_404(client, db, login_as, world):
    stranger = make_user(email="lain@example.id")
    theirs = PastProject(user=stranger, title="Milik orang lain")
    organizations = PastProject(organization=world["industry"], title="Milik organisasi")
    db.session.add_all([theirs, organizations])
    db.session.commit()
    login_as("org_owner")
    for project in (theirs, organizations):
        assert client.get(f"{MINE}/{project.id}/edit").status_code == 404
        assert post_form(client, f"{MINE}/{project.id}/delete", page=MINE).status_code == 404
        assert post_form(client, f"{MINE}/{project.id}/matching", {"counts": "0"}, page=MINE).status_code == 404
    assert _count(db) == 2
    assert all(project.counts_for_matching for project in _projects(db))


def test_the_list_is_newest_first_with_undated_ones_last(db, world):
    organization = world["industry"]
    for title, year in (("Lama", 2015), ("Tanpa tahun", None), ("Baru", 2024), ("Tengah", 2020)):
        db.session.add(PastProject(organization=organization, title=title, year=year))
    db.session.commit()
    assert [project.title for project in projects.projects_of(organization)] == [
        "Baru",
        "Tengah",
        "Lama",
        "Tanpa tahun",
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_both_languages_render_the_pages(client, db, login_as, world, language):
    project = _org_project(db, world)
    login_as("org_owner")
    client.set_cookie("goi_lang", language)
    for url in (LIST, f"{LIST}/{project.id}/edit", MINE):
        response = client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.get_data(as_text=True)


def test_the_menu_and_the_organization_page_link_the_projects(client, db, login_as):
    login_as("org_owner")
    html = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert f'href="{LIST}"' in html
    assert f'href="{MINE}"' in html
