"""Panel membership, chairs, settings and when a review may start."""

from datetime import timedelta

from flask import g

from goi.core import clock
from goi.reviews import panel
from goi.reviews.models import Blindness, PanelMember, PanelRole, PanelStatus, ReviewRound, ReviewSettings
from tests import factories


def _fresh_request(app):
    """A request with an empty flask.g, as every real request has (the test's app context keeps one g)."""
    g.pop("review_panel", None)
    return app.test_request_context("/")


def test_only_accepted_members_are_on_the_panel_and_chairs_manage(app, db, world, make_challenge):
    challenge = make_challenge()
    invited, reviewer, chair, outsider = (factories.make_user() for _ in range(4))
    for user, role, status in (
        (invited, PanelRole.REVIEWER, PanelStatus.INVITED),
        (reviewer, PanelRole.REVIEWER, PanelStatus.ACCEPTED),
        (chair, PanelRole.CHAIR, PanelStatus.ACCEPTED),
    ):
        db.session.add(
            PanelMember(challenge_id=challenge.id, email=user.email, user_id=user.id, role=role, status=status)
        )
    db.session.commit()
    with _fresh_request(app):
        assert not panel.is_panel_member(invited, challenge)
        assert panel.is_panel_member(reviewer, challenge) and not panel.is_chair(reviewer, challenge)
        assert panel.is_chair(chair, challenge)
        assert panel.can_manage_review(chair, challenge)
        assert panel.can_manage_review(world["users"]["gov_admin"], challenge)  # the owner
        assert not panel.can_manage_review(reviewer, challenge)
        assert not panel.can_manage_review(outsider, challenge)


def test_settings_default_until_set(app, db, make_challenge):
    challenge = make_challenge()
    with _fresh_request(app):
        settings = panel.settings_of(challenge)
        assert (settings.blindness, settings.min_reviews, settings.disagreement_spread) == (Blindness.OPEN, 2, 25)
        assert not panel.is_blind(challenge)
    db.session.add(ReviewSettings(challenge_id=challenge.id, blindness=Blindness.SINGLE_BLIND, min_reviews=3))
    db.session.commit()
    with _fresh_request(app):
        assert panel.is_blind(challenge) and panel.settings_of(challenge).min_reviews == 3


def test_review_starts_after_the_deadline_or_at_once_when_not_sealed(app, db, make_challenge):
    sealed = make_challenge(title="Tertutup")
    unsealed = make_challenge(title="Terbuka", is_sealed=False)
    assert not panel.review_may_start(sealed)
    assert panel.review_may_start(unsealed)
    clock.freeze(sealed.closes_at + timedelta(minutes=1))
    assert panel.review_may_start(sealed)


def test_rounds_in_order_and_the_current_one(app, db, make_challenge):
    challenge = make_challenge()
    for number in (2, 1):
        db.session.add(
            ReviewRound(challenge_id=challenge.id, number=number, name=f"Babak {number}", deadline=clock.now())
        )
    db.session.commit()
    with _fresh_request(app):
        assert [r.number for r in panel.rounds_of(challenge)] == [1, 2]
        assert panel.current_round(challenge).number == 2
        assert panel.round_is_open(panel.current_round(challenge))
