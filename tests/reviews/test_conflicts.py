"""Conflicts of interest: detected with reasons, declared, set, cleared by the right person, all logged."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event, select

from goi.challenges.models import ChallengeCoOwner
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.errors import DomainError
from goi.orgs import services as org_services
from goi.orgs.models import MemberRole, OrgKind
from goi.reviews import conflicts
from goi.reviews.models import Conflict, ConflictKind, ConflictSource
from tests import factories
from tests.proposals.conftest import accepted_partner, make_submitted_proposal


@pytest.fixture(autouse=True)
def _in_english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def field(db, world, make_challenge, solver_orgs):
    """Proposal A by PT Industri (owner@industri.id); proposal B by a citizen with a partner from Unsri."""
    challenge = make_challenge()
    users = world["users"]
    a = make_submitted_proposal(db, challenge, users["org_owner"], world["industry"], title="Usulan Industri")
    b = make_submitted_proposal(db, challenge, users["user"], title="Usulan Warga")
    accepted_partner(db, b, solver_orgs["partner_user"], solver_orgs["university"])
    return {"challenge": challenge, "a": a, "b": b, "users": users, **solver_orgs, **world}


def _kinds(found) -> set[tuple[int, ConflictKind]]:
    return {(item.proposal_id, item.kind) for item in found}


def test_institution_domains_ignore_webmail_and_keep_the_institution():
    assert conflicts.institution_domain("a@riset.itb.ac.id") == "itb.ac.id"
    assert conflicts.institution_domain("b@dinas.palembang.go.id") == "palembang.go.id"
    assert conflicts.institution_domain("c@Example.ID") == "example.id"
    for webmail in ("x@gmail.com", "x@yahoo.co.id", "x@outlook.com", "x@proton.me", "x@hotmail.com", "x@icloud.com"):
        assert conflicts.institution_domain(webmail) is None, webmail


def test_a_member_of_the_teams_organization_is_conflicted_with_reasons(field):
    found = conflicts.detect(field["challenge"], "member@industri.id", field["users"]["org_member"])
    assert _kinds(found) == {
        (field["a"].id, ConflictKind.ORGANIZATION),
        (field["a"].id, ConflictKind.EMAIL_DOMAIN),
    }
    reasons = " ".join(item.reason for item in found)
    assert "PT Industri" in reasons and "industri.id" in reasons


def test_the_team_and_an_address_without_an_account(field):
    assert (field["b"].id, ConflictKind.TEAM_MEMBER) in _kinds(
        conflicts.detect(field["challenge"], "warga@example.id", field["users"]["user"])
    )
    # Only an address: the same institution's domain as the partner from Unsri.
    assert _kinds(conflicts.detect(field["challenge"], "rektor@unsri.ac.id")) == {
        (field["b"].id, ConflictKind.EMAIL_DOMAIN)
    }
    assert conflicts.detect(field["challenge"], "siapa@gmail.com") == []


def test_webmail_addresses_share_no_institution(db, field):
    teammate = factories.make_user(email="teman@gmail.com")
    accepted_partner(db, field["b"], teammate)
    reviewer = factories.make_user(email="juri@gmail.com")
    assert conflicts.detect(field["challenge"], reviewer.email, reviewer) == []


def test_a_former_member_counts_for_two_years(db, field):
    start = clock.now()
    former = factories.make_user(email="mantan@lain.id")
    membership = factories.add_member(field["industry"], former, MemberRole.MEMBER)
    db.session.commit()
    clock.freeze(start + timedelta(days=10))
    org_services.remove_member(field["users"]["org_owner"], membership)
    db.session.commit()
    clock.freeze(start + timedelta(days=400))
    assert _kinds(conflicts.detect(field["challenge"], former.email, former)) == {
        (field["a"].id, ConflictKind.ORGANIZATION)
    }
    clock.freeze(start + timedelta(days=10 + 2 * 365 + 1))
    assert conflicts.detect(field["challenge"], former.email, former) == []


def test_a_co_owner_organization_shared_with_a_team_member(db, field):
    co_owner = factories.make_org(OrgKind.GOVERNMENT, verified=True, name="Pemkab Banyuasin", slug="pemkab-banyuasin")
    db.session.add(ChallengeCoOwner(challenge_id=field["challenge"].id, organization_id=co_owner.id))
    reviewer = factories.make_user(email="juri@banyuasin.go.id")
    factories.add_member(co_owner, reviewer)
    factories.add_member(co_owner, field["partner_user"])  # the Unsri partner also works with Banyuasin
    db.session.commit()
    db.session.refresh(field["challenge"])
    found = conflicts.detect(field["challenge"], reviewer.email, reviewer)
    assert _kinds(found) == {(field["b"].id, ConflictKind.CO_OWNER)}
    assert "Pemkab Banyuasin" in found[0].reason


def test_detection_reads_a_constant_number_of_statements(db, field, engine_statements):
    reviewer = field["users"]["org_member"]
    with engine_statements() as few:
        conflicts.detect(field["challenge"], reviewer.email, reviewer)
    for number in range(5):
        lead = factories.make_user(email=f"lead{number}@industri.id")
        make_submitted_proposal(db, field["challenge"], lead, title=f"Usulan {number}")
    db.session.expire_all()
    with engine_statements() as many:
        found = conflicts.detect(field["challenge"], reviewer.email, reviewer)
    assert len(found) == 2 + 5  # the five new leads share industri.id
    assert len(many) == len(few)


@pytest.fixture
def engine_statements(db):
    from contextlib import contextmanager

    @contextmanager
    def collect():
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return collect


def test_recording_is_idempotent_and_keeps_what_was_cleared(db, field):
    reviewer = field["users"]["org_member"]
    added = conflicts.record_detected(field["challenge"], reviewer)
    db.session.commit()
    assert len(added) == 2
    assert conflicts.conflicted_proposal_ids(reviewer.id, field["challenge"].id) == {field["a"].id}
    owner = field["users"]["gov_admin"]
    domain = next(c for c in added if c.kind == ConflictKind.EMAIL_DOMAIN)
    conflicts.clear(owner, domain, "Alamat lama; tidak lagi bekerja di sana.", as_manager=True)
    db.session.commit()
    assert conflicts.record_detected(field["challenge"], reviewer) == []  # found again, but known: not re-opened
    db.session.commit()
    assert db.session.get(Conflict, domain.id).cleared_at is not None
    assert conflicts.conflicted_proposal_ids(reviewer.id, field["challenge"].id) == {field["a"].id}  # organization
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("review.conflict_detected") == 2 and "review.conflict_cleared" in actions


def test_declared_set_and_cleared_by_the_right_person(db, field):
    reviewer, owner = field["users"]["org_admin"], field["users"]["gov_admin"]
    with pytest.raises(DomainError):
        conflicts.declare(reviewer, field["b"], ConflictKind.OTHER, "   ")  # other needs a note
    with pytest.raises(DomainError):
        conflicts.declare(reviewer, field["b"], ConflictKind.TEAM_MEMBER, "")  # detected kinds are not declared
    declared = conflicts.declare(reviewer, field["b"], ConflictKind.PERSONAL, "Sepupu")
    with pytest.raises(DomainError, match="already declared"):  # the same declaration twice
        conflicts.declare(reviewer, field["b"], ConflictKind.PERSONAL, "Sepupu lagi")
    ruled = conflicts.set_conflict(owner, reviewer.id, field["b"], ConflictKind.FINANCIAL, "Pemegang saham")
    db.session.commit()
    assert declared.source == ConflictSource.DECLARED and ruled.source == ConflictSource.SET

    with pytest.raises(DomainError):  # the owner's ruling is not the reviewer's to clear
        conflicts.clear(reviewer, ruled, "Sudah tidak", as_manager=False)
    with pytest.raises(DomainError):  # nor the reviewer's declaration the owner's
        conflicts.clear(owner, declared, "Tidak relevan", as_manager=True)
    with pytest.raises(DomainError):  # a reason is required
        conflicts.clear(owner, ruled, "  ", as_manager=True)
    db.session.rollback()
    assert db.session.get(Conflict, ruled.id).cleared_at is None

    conflicts.clear(reviewer, declared, "Salah pilih proposal", as_manager=False)
    conflicts.clear(owner, ruled, "Saham sudah dijual", as_manager=True)
    db.session.commit()
    assert conflicts.conflicted_proposal_ids(reviewer.id, field["challenge"].id) == set()
    with pytest.raises(DomainError):
        conflicts.clear(owner, ruled, "lagi", as_manager=True)
