"""`flask goi seed-demo` on a migrated database."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestConfig
from goi import create_app
from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeStatus
from goi.demo import DEMO_PASSWORD, DEMO_USERS, ORGANIZATIONS
from goi.extensions import db
from goi.orgs.models import MemberRole, Membership, Organization, OrgKind, VerificationRequest, VerificationStatus
from goi.reviews.models import (
    Assignment,
    AwardLabel,
    Blindness,
    ChallengeResult,
    Conflict,
    ConflictKind,
    ConflictSource,
    PanelMember,
    PanelRole,
    PanelStatus,
    Review,
    ReviewRound,
    ReviewSettings,
    ReviewStatus,
    RoundProposal,
)
from tests import database
from tests.conftest import post_form


@pytest.fixture(autouse=True)
def _keep_loggers():
    """migrations/env.py runs logging.config.fileConfig, which disables every existing logger."""
    manager = logging.Logger.manager
    disabled = {name: getattr(logger, "disabled", False) for name, logger in manager.loggerDict.items()}
    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    yield
    for name, logger in list(manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)
    root.setLevel(root_level)
    for handler in list(root.handlers):
        if handler not in root_handlers:
            root.removeHandler(handler)


@pytest.fixture
def demo_app(tmp_path):
    with database.empty_database(tmp_path) as database_url:
        app = create_app(
            TestConfig,
            INSTANCE_PATH=str(tmp_path),
            UPLOAD_PATH=str(tmp_path / "uploads"),
            SQLALCHEMY_DATABASE_URI=database_url,
        )
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _seed(app):
    result = app.test_cli_runner().invoke(args=["goi", "seed-demo"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            name: db.session.scalar(select(func.count()).select_from(table))
            for name, table in db.metadata.tables.items()
        }


def _org(slug: str) -> Organization:
    organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
    assert organization is not None, f"demo organization {slug} missing"
    return organization


def test_seed_demo_creates_the_demo_world(demo_app):
    result = _seed(demo_app)
    for spec in DEMO_USERS:
        assert spec["email"] in result.output
    assert DEMO_PASSWORD in result.output
    with demo_app.app_context():
        for slug in ("pemkot-palembang", "pemkot-denpasar", "pemkot-banjarmasin"):
            organization = _org(slug)
            assert organization.kind == OrgKind.GOVERNMENT
            assert organization.verified_at is not None
            assert organization.verified_by_id is not None
        makassar = _org("pemkot-makassar")
        assert makassar.verified_at is None
        requests = db.session.scalars(
            select(VerificationRequest).where(VerificationRequest.organization_id == makassar.id)
        ).all()
        assert [r.status for r in requests] == [VerificationStatus.PENDING]
        letter = Path(demo_app.config["UPLOAD_PATH"]) / requests[0].letter_stored_name
        assert letter.read_bytes().startswith(b"%PDF-")
        assert letter.stat().st_size == requests[0].letter_size

        assert {o.slug for o in db.session.scalars(select(Organization))} >= {o["slug"] for o in ORGANIZATIONS}
        kinds = set(db.session.scalars(select(Organization.kind)))
        assert kinds == set(OrgKind)

        users = {u.email: u for u in db.session.scalars(select(User))}
        assert set(users) >= {spec["email"] for spec in DEMO_USERS}
        assert all(users[spec["email"]].is_confirmed for spec in DEMO_USERS)
        assert [u.email for u in users.values() if u.is_platform_admin] == ["admin@demo.goi.id"]
        roles = set(db.session.scalars(select(Membership.role)))
        assert roles == set(MemberRole)
        members_of = {
            email: {m.role for m in db.session.scalars(select(Membership).where(Membership.user_id == u.id))}
            for email, u in users.items()
        }
        assert members_of["andi@makassar.demo.goi.id"] == {MemberRole.OWNER}
        assert members_of["yoga@airnusantara.demo.goi.id"] == {MemberRole.MEMBER}
        assert members_of["wayan@unud.demo.goi.id"] == {MemberRole.ADMIN}
        assert members_of["warga@demo.goi.id"] == set()
        assert members_of["admin@demo.goi.id"] == set()
        for spec in ORGANIZATIONS:
            organization = _org(spec["slug"])
            owners = db.session.scalar(
                select(func.count()).where(
                    Membership.organization_id == organization.id, Membership.role == MemberRole.OWNER
                )
            )
            assert owners >= 1, spec["slug"]


def test_seed_demo_twice_changes_nothing(demo_app):
    _seed(demo_app)
    counts = _row_counts(demo_app)
    files = sorted(Path(demo_app.config["UPLOAD_PATH"]).iterdir())
    assert counts["users"] >= len(DEMO_USERS)
    assert counts["organizations"] >= len(ORGANIZATIONS)
    _seed(demo_app)
    assert _row_counts(demo_app) == counts
    assert sorted(Path(demo_app.config["UPLOAD_PATH"]).iterdir()) == files


def test_every_demo_login_works(demo_app):
    _seed(demo_app)
    # No application context is pushed here, so each request starts with a fresh flask.g.
    for spec in DEMO_USERS:
        client = demo_app.test_client()
        assert client.get("/account/profile").status_code == 302
        response = post_form(client, "/login", {"email": spec["email"], "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{spec['email']} cannot log in"
        assert client.get("/account/profile").status_code == 200, spec["email"]
    wrong = post_form(demo_app.test_client(), "/login", {"email": DEMO_USERS[0]["email"], "password": "salah"})
    assert wrong.status_code == 422


def test_demo_pages_render(demo_app):
    _seed(demo_app)
    client = demo_app.test_client()
    assert client.get("/orgs").status_code == 200
    for spec in ORGANIZATIONS:
        assert client.get(f"/orgs/{spec['slug']}").status_code == 200, spec["slug"]


def test_demo_decided_and_archived_challenges_have_published_results(demo_app):
    _seed(demo_app)
    with demo_app.app_context():
        published = {
            result.challenge.ref: result for result in db.session.scalars(select(ChallengeResult)).unique().all()
        }
        assert set(published) == {"demo-banjarmasin-pju-pintar", "demo-palembang-perizinan-umkm"}
        decided = published["demo-banjarmasin-pju-pintar"]
        assert decided.challenge.status == ChallengeStatus.DECIDED
        assert [entry.award for entry in decided.entries] == [AwardLabel.WINNER, AwardLabel.RUNNER_UP]
        assert decided.entries[0].proposal.title == "PJU surya dengan LoRaWAN"
        archived = published["demo-palembang-perizinan-umkm"]
        assert archived.challenge.status == ChallengeStatus.ARCHIVED and archived.entries == []
        slug = db.session.scalar(select(Challenge.slug).where(Challenge.ref == "demo-banjarmasin-pju-pintar"))
    html = demo_app.test_client().get(f"/challenges/{slug}").get_data(as_text=True)
    assert 'id="results"' in html and "PJU surya dengan LoRaWAN" in html


def test_demo_calls_open_at_eight_and_close_at_one_minute_to_midnight_local_time(demo_app):
    """Deadlines as an owner sets them, not the minute the demo happened to be loaded."""
    from goi.core.clock import in_zone

    _seed(demo_app)
    with demo_app.app_context():
        challenges = db.session.scalars(select(Challenge)).all()
        assert len(challenges) >= 8
        for challenge in challenges:
            assert in_zone(challenge.opens_at, challenge.timezone).strftime("%H:%M") == "08:00", challenge.ref
            assert in_zone(challenge.closes_at, challenge.timezone).strftime("%H:%M") == "23:59", challenge.ref


def test_demo_text_promises_no_attachment_a_challenge_lacks(demo_app):
    """A visitor who reads "lampiran" (attachment) finds the document on the page."""
    from goi.challenges.models import ChallengeDocument, Question

    _seed(demo_app)
    with demo_app.app_context():
        with_documents = set(db.session.scalars(select(ChallengeDocument.challenge_id)))
        for challenge in db.session.scalars(select(Challenge)).all():
            answers = db.session.scalars(
                select(Question.answer_html).where(Question.challenge_id == challenge.id, Question.is_public)
            ).all()
            text = " ".join([challenge.problem_html, challenge.context_html, challenge.outcomes_html, *answers])
            if "lampiran" in text.lower() or "terlampir" in text.lower():
                assert challenge.id in with_documents, challenge.ref


def _login(app, email: str):
    client = app.test_client()
    response = post_form(client, "/login", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email
    return client


def _challenge(ref: str) -> Challenge:
    return db.session.scalar(select(Challenge).where(Challenge.ref == ref))


def _reviews_by_round(challenge: Challenge) -> dict[int, list[str]]:
    rows = db.session.execute(
        select(ReviewRound.number, Review.status)
        .join(Assignment, Assignment.round_id == ReviewRound.id)
        .join(Review, Review.assignment_id == Assignment.id)
        .where(ReviewRound.challenge_id == challenge.id)
        .order_by(ReviewRound.number, Review.id)
    )
    result: dict[int, list[str]] = {}
    for number, status in rows:
        result.setdefault(number, []).append(status)
    return result


def test_demo_decided_challenge_went_through_a_two_round_review(demo_app):
    """The PJU challenge of Banjarmasin: its panel, conflicts, two locked rounds and the decision from the last one."""
    _seed(demo_app)
    with demo_app.app_context():
        challenge = _challenge("demo-banjarmasin-pju-pintar")
        slug = challenge.slug
        assert challenge.status == ChallengeStatus.DECIDED
        assert db.session.get(ReviewSettings, challenge.id).blindness == Blindness.SINGLE_BLIND
        panel = {
            member.email: (member.role, member.status)
            for member in db.session.scalars(select(PanelMember).where(PanelMember.challenge_id == challenge.id))
        }
        assert panel == {
            "wayan@unud.demo.goi.id": (PanelRole.CHAIR, PanelStatus.ACCEPTED),
            "hendra@unsri.demo.goi.id": (PanelRole.REVIEWER, PanelStatus.ACCEPTED),
            "ratna@energi.demo.goi.id": (PanelRole.REVIEWER, PanelStatus.ACCEPTED),
        }
        rounds = db.session.scalars(
            select(ReviewRound).where(ReviewRound.challenge_id == challenge.id).order_by(ReviewRound.number)
        ).all()
        assert [(r.number, r.name) for r in rounds] == [(1, "Seleksi administrasi dan teknis"), (2, "Presentasi")]
        assert all(r.locked_at is not None for r in rounds)
        submitted = ReviewStatus.SUBMITTED
        by_round = _reviews_by_round(challenge)
        assert set(by_round) == {1, 2} and all(status == submitted for s in by_round.values() for status in s)
        first = db.session.scalars(select(RoundProposal).where(RoundProposal.round_id == rounds[0].id)).all()
        assert len(first) >= 4 and sum(row.shortlisted for row in first) == 2
        second = set(
            db.session.scalars(select(RoundProposal.proposal_id).where(RoundProposal.round_id == rounds[1].id))
        )
        assert second == {row.proposal_id for row in first if row.shortlisted}
        # The demo's addresses share demo.goi.id and name no common institution: only these conflicts are found.
        found = {
            (c.user.email, c.proposal.title, c.source, c.kind): c.reason
            for c in db.session.scalars(select(Conflict).where(Conflict.challenge_id == challenge.id))
        }
        unsri = "Lampu jalan adaptif dengan sensor gerak"
        musi = "PJU surya swakelola warga bantaran sungai"
        assert set(found) == {
            ("hendra@unsri.demo.goi.id", unsri, ConflictSource.DETECTED, ConflictKind.ORGANIZATION),
            ("hendra@unsri.demo.goi.id", unsri, ConflictSource.DETECTED, ConflictKind.EMAIL_DOMAIN),
            ("ratna@energi.demo.goi.id", musi, ConflictSource.DECLARED, ConflictKind.PERSONAL),
        }
        assert found["ratna@energi.demo.goi.id", musi, ConflictSource.DECLARED, ConflictKind.PERSONAL]
        conflicted = {(c.user_id, c.proposal_id) for c in db.session.scalars(select(Conflict))}
        assigned = set(
            db.session.execute(
                select(PanelMember.user_id, Assignment.proposal_id)
                .join(Assignment, Assignment.member_id == PanelMember.id)
                .where(PanelMember.challenge_id == challenge.id)
            )
        )
        assert not conflicted & assigned
        result = db.session.scalar(select(ChallengeResult).where(ChallengeResult.challenge_id == challenge.id))
        awards = [(e.proposal.title, e.award) for e in result.entries]
        assert awards == [("PJU surya dengan LoRaWAN", AwardLabel.WINNER), (unsri, AwardLabel.RUNNER_UP)]

    owner = _login(demo_app, "rina@banjarmasin.demo.goi.id")
    assert owner.get(f"/challenges/{slug}/review").status_code == 200
    first_ranking = owner.get(f"/challenges/{slug}/review/rounds/1/ranking").get_data(as_text=True)
    assert "PJU surya swakelola warga bantaran sungai" in first_ranking and "flag-few" not in first_ranking
    second_ranking = owner.get(f"/challenges/{slug}/review/rounds/2/ranking")
    assert second_ranking.status_code == 200 and "PJU surya dengan LoRaWAN" in second_ranking.get_data(as_text=True)
    conflicts_page = owner.get(f"/challenges/{slug}/review/conflicts").get_data(as_text=True)
    assert (
        "Ketua komunitas pengusul adalah adik ipar saya." in conflicts_page and "Dr. Hendra Gunawan" in conflicts_page
    )
    solutions = demo_app.test_client().get("/solutions").get_data(as_text=True)
    assert "PJU surya dengan LoRaWAN" in solutions
    assert "Lampu jalan adaptif dengan sensor gerak" not in solutions  # a runner-up is not a winner


def test_demo_challenge_under_review_has_partial_reviews(demo_app):
    """The puskesmas challenge of Denpasar: round 1 open, reviews submitted, one draft, one not started."""
    _seed(demo_app)
    with demo_app.app_context():
        challenge = _challenge("demo-denpasar-antrean-puskesmas")
        slug, title = challenge.slug, challenge.title
        assert challenge.status == ChallengeStatus.UNDER_REVIEW
        rounds = db.session.scalars(select(ReviewRound).where(ReviewRound.challenge_id == challenge.id)).all()
        assert len(rounds) == 1 and rounds[0].locked_at is None
        statuses = _reviews_by_round(challenge)[1]
        assert statuses.count(ReviewStatus.DRAFT) == 1 and statuses.count(ReviewStatus.SUBMITTED) >= 3
        assignments = db.session.scalar(select(func.count()).where(Assignment.round_id == rounds[0].id))
        assert assignments > len(statuses)  # one assignment is not started
        waiting = db.session.scalars(
            select(PanelMember.email).where(
                PanelMember.challenge_id == challenge.id, PanelMember.status == PanelStatus.INVITED
            )
        ).all()
        assert waiting == ["siti@unsri.demo.goi.id"]

    owner = _login(demo_app, "made@denpasar.demo.goi.id")
    page = owner.get(f"/challenges/{slug}/review/rounds/1/ranking").get_data(as_text=True)
    assert page.count("flag-few") == 2  # two proposals have one submitted review of the two wanted
    reviewer = _login(demo_app, "ratna@energi.demo.goi.id")
    mine = reviewer.get("/account/reviews")
    assert mine.status_code == 200 and title in mine.get_data(as_text=True)
