"""Addenda: numbered changes after publication; a deadline only moves later."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from goi.challenges.models import Addendum, Challenge, ChallengeStatus
from goi.extensions import db
from tests.challenges import criteria_data, make_challenge

DEADLINE = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)  # 23:59 WIB


def _challenge(challenge) -> Challenge:
    db.session.expire_all()
    return db.session.get(Challenge, challenge.id)


def _addenda() -> list[Addendum]:
    db.session.expire_all()
    return list(db.session.scalars(select(Addendum).order_by(Addendum.number)))


def _published(palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, closes_at=DEADLINE)
    db.session.commit()
    return challenge


def test_form_is_prefilled(client, login_as, palembang):
    challenge = _published(palembang)
    login_as("gov_admin")
    html = client.get(f"/challenges/{challenge.slug}/addenda/new").get_data(as_text=True)
    assert 'value="Relevansi"' in html and 'value="50"' in html and "31 Des 2026, 23.59 WIB" in html


def test_an_earlier_deadline_is_refused(client, post, login_as, palembang):
    challenge = _published(palembang)
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/addenda/new"
    response = post(url, {"summary": "Dipercepat", "closes_at": "2026-12-20T23:59"}, page=url)
    assert response.status_code == 422
    assert 'value="2026-12-20T23:59"' in response.get_data(as_text=True)
    assert _challenge(challenge).closes_at == DEADLINE
    assert _addenda() == []


def test_later_deadlines_are_numbered_addenda(client, post, login_as, palembang):
    challenge = _published(palembang)
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/addenda/new"
    first = post(
        url,
        {
            "summary": "Diperpanjang seminggu",
            "closes_at": "2027-01-07T23:59",
            **criteria_data([("Relevansi", 50), ("Kelayakan", 50)]),
        },
        page=url,
    )
    assert first.status_code == 302
    assert _challenge(challenge).closes_at == datetime(2027, 1, 7, 16, 59, tzinfo=UTC)
    second = post(url, {"summary": "Bobot diubah", **criteria_data([("Relevansi", 60), ("Kelayakan", 40)])}, page=url)
    assert second.status_code == 302
    assert [(a.number, a.summary) for a in _addenda()] == [(1, "Diperpanjang seminggu"), (2, "Bobot diubah")]
    assert [c.weight for c in _challenge(challenge).criteria] == [60, 40]
    login_as("anonymous")
    html = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert 'data-number="1"' in html and 'data-number="2"' in html and "Diperpanjang seminggu" in html
    assert "7 Jan 2027, 23.59 WIB" in html


def test_criteria_in_an_addendum_must_total_100(client, post, login_as, palembang):
    challenge = _published(palembang)
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/addenda/new"
    response = post(url, {"summary": "Bobot salah", **criteria_data([("Relevansi", 60), ("Kelayakan", 60)])}, page=url)
    assert response.status_code == 422 and "criteria-errors" in response.get_data(as_text=True)
    assert [c.weight for c in _challenge(challenge).criteria] == [50, 50]
    assert _addenda() == []


def test_an_addendum_that_changes_nothing_is_refused(client, post, login_as, palembang):
    challenge = _published(palembang)
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/addenda/new"
    unchanged = {**criteria_data([("Relevansi", 50), ("Kelayakan", 50)])}
    unchanged.update({"criteria-0-description": "", "criteria-1-description": ""})
    assert post(url, {"summary": "Tidak ada", **unchanged}, page=url).status_code == 422
    assert _addenda() == []


def test_no_addendum_to_a_draft(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/addenda/new"
    assert client.get(url).status_code == 302
    assert post(url, {"summary": "Perubahan", "closes_at": "2027-01-07T23:59"}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Addendum)) == 0


def test_others_cannot_publish_addenda(client, post, login_as, palembang):
    challenge = _published(palembang)
    login_as("user")
    url = f"/challenges/{challenge.slug}/addenda/new"
    assert client.get(url).status_code == 403
    assert post(url, {"summary": "Iseng", "closes_at": "2027-01-07T23:59"}).status_code == 403
    assert _addenda() == []


def test_a_published_addendum_is_found_by_the_search_with_its_challenge(client, post, login_as, palembang):
    from flask_login import AnonymousUserMixin

    from goi.search import service

    challenge = _published(palembang)
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/addenda/new"
    data = {"summary": "Lokasi uji coba dipindahkan ke Jakabaring", "closes_at": "2027-01-07T23:59"}
    assert post(url, data, page=url).status_code == 302
    db.session.rollback()
    results = service.search(AnonymousUserMixin(), "jakabaring", types=("addendum",))
    db.session.rollback()
    assert [(hit.type, hit.url) for hit in results.hits] == [
        ("addendum", f"/challenges/{challenge.slug}#addendum-1")
    ]
    assert results.hits[0].title.startswith("Addendum 1: ")
    # The page shows it to everyone, through the same engine.
    login_as("anonymous")
    html = client.get("/search?q=jakabaring").get_data(as_text=True)
    assert 'data-type="addendum"' in html and "#addendum-1" in html
