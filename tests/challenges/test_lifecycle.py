"""State actions: publish, automatic close, review, decision, archive, cancel; following; the page's buttons."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from goi.challenges import lifecycle
from goi.challenges.models import Challenge, ChallengeEvent, ChallengeOutcome, ChallengeStatus, Follow
from goi.core import clock
from goi.extensions import db
from tests.challenges import NOW, make_challenge


def _status(challenge) -> ChallengeStatus:
    db.session.expire_all()
    return db.session.get(Challenge, challenge.id).status


def _page(client, challenge) -> str:
    return client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def test_draft_is_hidden_until_published(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    assert client.get(f"/challenges/{challenge.slug}").status_code == 404
    login_as("user")
    assert client.get(f"/challenges/{challenge.slug}").status_code == 404
    login_as("gov_admin")
    html = _page(client, challenge)
    assert 'value="publish"' in html and 'value="start_review"' not in html
    assert post(f"/challenges/{challenge.slug}/publish").status_code == 302
    assert _status(challenge) == ChallengeStatus.PUBLISHED
    login_as("anonymous")
    assert client.get(f"/challenges/{challenge.slug}").status_code == 200


def test_invalid_transitions_are_refused(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    html = _page(client, challenge)
    assert 'value="publish"' not in html and 'value="start_review"' not in html and 'value="archive"' not in html
    for action in ("publish", "start-review", "archive"):
        assert post(f"/challenges/{challenge.slug}/{action}").status_code == 302
        assert _status(challenge) == ChallengeStatus.PUBLISHED
    assert post(f"/challenges/{challenge.slug}/decide", {"outcome": "awarded"}).status_code == 302
    assert _status(challenge) == ChallengeStatus.PUBLISHED
    assert db.session.scalar(select(func.count()).select_from(ChallengeEvent)) == 0


def test_publishing_past_the_deadline_is_refused(client, post, login_as, palembang):
    challenge = make_challenge(
        palembang, ChallengeStatus.DRAFT, closes_at=NOW - timedelta(hours=1), opens_at=NOW - timedelta(days=3)
    )
    db.session.commit()
    login_as("gov_admin")
    post(f"/challenges/{challenge.slug}/publish")
    assert _status(challenge) == ChallengeStatus.DRAFT


def test_closes_automatically_at_the_deadline(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, closes_at=NOW + timedelta(hours=2))
    db.session.commit()
    login_as("user")
    html = _page(client, challenge)
    assert "question-form" in html and 'data-status="published"' in html
    assert 'class="h5 mb-0 countdown"' in html and "js/countdown.js" in html
    assert f'data-deadline="{challenge.closes_at.isoformat()}"' in html

    clock.freeze(NOW + timedelta(hours=2))
    assert lifecycle.close_expired_challenges() == 1
    db.session.commit()
    assert _status(challenge) == ChallengeStatus.CLOSED
    html = _page(client, challenge)
    assert "question-form" not in html and "questions-closed" in html
    assert 'data-status="closed"' in html and "countdown" not in html
    assert post(f"/challenges/{challenge.slug}/questions", {"body": "Terlambat?"}).status_code == 403


def test_review_decision_and_archive(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.CLOSED)
    db.session.commit()
    login_as("gov_admin")
    html = _page(client, challenge)
    assert 'value="start_review"' in html and 'value="publish"' not in html
    post(f"/challenges/{challenge.slug}/start-review")
    assert _status(challenge) == ChallengeStatus.UNDER_REVIEW
    assert 'value="decide"' in _page(client, challenge)
    post(f"/challenges/{challenge.slug}/decide", {"outcome": "awarded", "note": "Pemenang diumumkan"})
    assert _status(challenge) == ChallengeStatus.DECIDED
    assert db.session.get(Challenge, challenge.id).outcome == ChallengeOutcome.AWARDED
    html = _page(client, challenge)
    assert 'value="archive"' in html and 'data-action="cancel"' not in html
    post(f"/challenges/{challenge.slug}/archive")
    assert _status(challenge) == ChallengeStatus.ARCHIVED
    events = db.session.scalars(select(ChallengeEvent.to_status).order_by(ChallengeEvent.id))
    assert list(events) == ["under_review", "decided", "archived"]


def test_decide_with_an_unknown_outcome_is_a_bad_request(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.UNDER_REVIEW)
    db.session.commit()
    login_as("gov_admin")
    assert post(f"/challenges/{challenge.slug}/decide", {"outcome": "maybe"}).status_code == 400
    assert _status(challenge) == ChallengeStatus.UNDER_REVIEW


def test_cancel_needs_a_public_reason(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/cancel"
    assert client.get(url).status_code == 200
    assert post(url, {"reason": "  "}, page=url).status_code == 422
    assert _status(challenge) == ChallengeStatus.PUBLISHED
    assert post(url, {"reason": "Anggaran dialihkan untuk bencana."}, page=url).status_code == 302
    assert _status(challenge) == ChallengeStatus.CANCELLED
    login_as("anonymous")
    html = _page(client, challenge)
    assert "cancel-reason" in html and "Anggaran dialihkan untuk bencana." in html


@pytest.mark.parametrize("role", ["user", "org_admin", "gov_admin_unverified", "platform_admin"])
def test_others_cannot_change_the_state(client, post, login_as, palembang, role):
    draft = make_challenge(palembang, ChallengeStatus.DRAFT)
    published = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as(role)
    # Another's draft is hidden (404, as if missing); a published challenge is refused (403).
    assert post(f"/challenges/{draft.slug}/publish").status_code == 404
    assert post(f"/challenges/{published.slug}/cancel", {"reason": "iseng"}).status_code == 403
    assert _status(draft) == ChallengeStatus.DRAFT and _status(published) == ChallengeStatus.PUBLISHED
    assert 'value="publish"' not in _page(client, published)


def test_anonymous_state_change_goes_to_login(client, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    response = client.post(f"/challenges/{challenge.slug}/publish")
    assert response.status_code in (302, 400)
    assert _status(challenge) == ChallengeStatus.DRAFT


def test_follow_and_unfollow(client, post, login_as, palembang, world):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    user = login_as("user")
    assert 'name="follow" value="on"' in _page(client, challenge)
    assert post(f"/challenges/{challenge.slug}/follow").status_code == 302
    post(f"/challenges/{challenge.slug}/follow")
    assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == user.id)) == 1
    assert 'name="follow" value="off"' in _page(client, challenge)
    post(f"/challenges/{challenge.slug}/unfollow")
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0


def test_page_shows_the_facts(client, palembang, world):
    challenge = make_challenge(
        palembang,
        ChallengeStatus.PUBLISHED,
        budget_min=1_500_000_000,
        budget_max=1_500_000_000,
        trl=6,
        sdg_numbers="6,11",
        dimension="environment",
        closes_at=datetime(2026, 12, 31, 16, 59, tzinfo=UTC),
    )
    db.session.commit()
    html = _page(client, challenge)
    assert "Rp 1.500.000.000" in html
    assert "31 Des 2026, 23.59 WIB" in html
    assert "Kota Palembang" in html and "Transportasi" in html and "Air Bersih dan Sanitasi Layak" in html
    assert 'class="trl">6<' in html
    assert 'href="/orgs/pemkot-palembang"' in html
    assert "<script>" not in html.split("</main>")[0].split("<main")[1]


def test_a_published_challenge_past_its_deadline_never_shows_as_open(app, palembang):
    """Between the deadline and the clock job, the status shown is already closed."""
    from goi.challenges.display import display_status, remaining_time

    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, closes_at=NOW + timedelta(minutes=1))
    assert display_status(challenge) == ChallengeStatus.PUBLISHED and remaining_time(challenge) is not None
    clock.freeze(NOW + timedelta(minutes=1))
    assert challenge.status == ChallengeStatus.PUBLISHED
    assert display_status(challenge) == ChallengeStatus.CLOSED and remaining_time(challenge) is None


def test_labels_follow_the_language(client, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, sdg_numbers="6", budget_max=5_000_000)
    db.session.commit()
    assert "Transportasi" in _page(client, challenge)
    client.set_cookie("goi_lang", "en")
    html = _page(client, challenge)
    assert "Transportation" in html and "6. Clean Water and Sanitation" in html and "Rp 5.000.000" in html
    login_as("gov_admin")
    for url in (
        "/challenges",
        "/account/challenges",
        f"/challenges/{challenge.slug}/questions",
        "/orgs/pemkot-palembang",
    ):
        assert client.get(url).status_code == 200, url
