"""Membership history: every membership leaves a period, closed when the member leaves or is removed."""

from datetime import timedelta

from sqlalchemy import select

from goi.core import clock
from goi.orgs import services
from goi.orgs.models import MemberRole, MembershipPeriod, OrgKind
from tests import factories


def _periods(db, organization, user) -> list[tuple]:
    db.session.expire_all()
    query = select(MembershipPeriod.joined_at, MembershipPeriod.left_at).where(
        MembershipPeriod.organization_id == organization.id, MembershipPeriod.user_id == user.id
    )
    return list(db.session.execute(query.order_by(MembershipPeriod.id)).all())


def test_joining_opens_a_period_and_leaving_closes_it(app, db):
    start = clock.now()
    clock.freeze(start)
    owner, member = factories.make_user(), factories.make_user()
    organization = factories.make_org(OrgKind.INDUSTRY, owner=owner)
    membership = factories.add_member(organization, member)
    db.session.commit()
    assert _periods(db, organization, owner) == [(start, None)]
    assert _periods(db, organization, member) == [(start, None)]

    clock.freeze(start + timedelta(days=30))
    services.remove_member(owner, membership)
    db.session.commit()
    assert _periods(db, organization, member) == [(start, start + timedelta(days=30))]
    assert _periods(db, organization, owner) == [(start, None)]  # only the removed member's period closes

    clock.freeze(start + timedelta(days=60))
    factories.add_member(organization, member, MemberRole.ADMIN)
    clock.freeze(start + timedelta(days=90))
    services.leave_organization(member, organization)
    db.session.commit()
    assert _periods(db, organization, member) == [
        (start, start + timedelta(days=30)),
        (start + timedelta(days=60), start + timedelta(days=90)),
    ]
