"""The weekly message of recommended challenges: new, fitting challenges only, once a week, in the recipient's
language, by their channel."""

from datetime import timedelta

from sqlalchemy import select

from goi.core import clock
from goi.core.mail import OutboxMessage
from goi.extensions import db
from goi.matching.digest import send_weekly_recommendations
from goi.notify.models import Channel, Notification, NotificationPreference
from goi.orgs.models import OrgKind
from tests import factories
from tests.challenges import conftest as challenge_fixtures
from tests.challenges import make_challenge

_frozen_clock = challenge_fixtures._frozen_clock


def _scene():
    city = factories.make_org(OrgKind.GOVERNMENT, verified=True)
    fresh = make_challenge(
        city, title="Peringatan dini banjir Sungai Musi", summary="Sensor banjir untuk warga.", sector="water"
    )
    old = make_challenge(
        city,
        title="Peringatan dini banjir lama",
        summary="Sensor banjir.",
        sector="water",
        published_at=clock.now() - timedelta(days=20),
    )
    make_challenge(city, title="Sampah plastik pasar", summary="Bank sampah.", sector="waste")
    english = factories.make_user(name="Ben", locale="en", expertise="flood early warning sensors", sectors="water")
    factories.make_user(name="Kopi", expertise="coffee roasting")  # nothing fits
    factories.make_user(name="Kosong")  # no profile, no organization: not a solver
    db.session.commit()
    return fresh, old, english


def test_each_solver_is_told_once_a_week_of_the_new_challenges_that_fit(app):
    fresh, old, english = _scene()
    db.session.add(NotificationPreference(user_id=english.id, kind="recommended_challenges", channel=Channel.EMAIL))
    db.session.commit()

    assert send_weekly_recommendations() == 1
    db.session.commit()

    notification = db.session.scalar(select(Notification).where(Notification.kind == "recommended_challenges"))
    assert notification.user_id == english.id
    assert fresh.title in notification.body and old.title not in notification.body
    assert "Sampah plastik pasar" not in notification.body
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == english.email))
    assert mail.subject == "1 new challenge fits your profile"
    assert "Shared key terms" in mail.body_text  # the reasons in the recipient's language
    assert f"/challenges/{fresh.slug}" in mail.body_text

    # The same week: nothing again.
    assert send_weekly_recommendations() == 0
    # The next week, with nothing new published in it: nothing.
    clock.shift(timedelta(days=8))
    assert send_weekly_recommendations() == 0
