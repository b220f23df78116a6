"""Factories for test data: small functions that add rows and flush."""

import itertools

from goi.accounts.models import User
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import GovernmentKind, MemberRole, Membership, Organization, OrgKind

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_user(email: str | None = None, password: str = PASSWORD, confirmed: bool = True, **fields) -> User:
    number = next(_sequence)
    user = User(
        email=email or f"user{number}@example.id",
        name=fields.pop("name", f"Pengguna {number}"),
        email_confirmed_at=clock.now() if confirmed else None,
        **fields,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_org(
    kind: OrgKind = OrgKind.INDUSTRY,
    owner: User | None = None,
    verified: bool = False,
    name: str | None = None,
    **fields,
) -> Organization:
    number = next(_sequence)
    name = name or f"Organisasi {number}"
    organization = Organization(
        slug=fields.pop("slug", f"org-{number}"),
        name=name,
        kind=kind,
        government_kind=fields.pop("government_kind", GovernmentKind.CITY if kind == OrgKind.GOVERNMENT else None),
        verified_at=clock.now() if verified else None,
        **fields,
    )
    db.session.add(organization)
    if owner is not None:
        organization.memberships.append(Membership(user=owner, role=MemberRole.OWNER))
    db.session.flush()
    return organization


def add_member(organization: Organization, user: User, role: MemberRole = MemberRole.MEMBER) -> Membership:
    membership = Membership(organization=organization, user=user, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership
