"""Scoring and discussion: the assignee's review form, the panel's page of a proposal, the discussion, the reviewer's
list, the attachments the panel downloads, blindness and the statements each page reads.

Rounds, assignments and panel rows are written directly: their pages belong to other parts of the review.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import g
from flask_babel import force_locale
from sqlalchemy import func, select

from goi.core import clock
from goi.core.audit import AuditEvent
from goi.orgs.models import OrgKind
from goi.proposals.models import ProposalAttachment, ProposalStatus
from goi.reviews import scoring
from goi.reviews.models import (
    Assignment,
    AssignmentStatus,
    Blindness,
    Conflict,
    ConflictKind,
    ConflictSource,
    CriterionScore,
    DiscussionPost,
    PanelMember,
    PanelRole,
    PanelStatus,
    Recommendation,
    Review,
    ReviewChange,
    ReviewRound,
    ReviewSettings,
    ReviewStatus,
    RoundProposal,
)
from tests import factories
from tests.conftest import count_statements, log_in, post_form, statements_of
from tests.proposals.conftest import PDF, accepted_partner, make_proposal, submit

# Names planted on the team: no reviewer page of a single-blind review may show any of them.
TEAM_NAME = "Zulkarnain Penyamar"
TEAM_ORG = "PT Kerahasiaan Nusantara"
PARTNER_ORG = "Koperasi Rahasia Jaya"
TEAM_ROLES = "Peran rahasia Tukiyem"
CRITERIA = [
    {"name": "Dampak", "description": "Seberapa besar masalah yang terpecahkan.", "weight": 50},
    {"name": "Kelayakan", "description": "Dapatkah dilaksanakan.", "weight": 30},
    {"name": "Biaya", "description": "Nilai uangnya.", "weight": 20},
]


@dataclass
class Review_:
    """The sample review: a challenge, its submitted proposal in round 1, the panel and its assignments."""

    challenge: object
    proposal: object
    round: ReviewRound
    lead: object
    owner: object
    reviewer: object
    second: object
    chair: object
    conflicted: object
    unassigned: object
    assignments: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)

    @property
    def criteria(self):
        return list(self.challenge.criteria)

    def url(self, who: str = "reviewer") -> str:
        return f"/reviews/assignments/{self.assignments[who].id}"

    def panel_url(self, proposal=None) -> str:
        return f"/challenges/{self.challenge.slug}/review/proposals/{(proposal or self.proposal).id}"


def _member(db, challenge, user, role=PanelRole.REVIEWER, status=PanelStatus.ACCEPTED) -> PanelMember:
    member = PanelMember(challenge_id=challenge.id, email=user.email, user_id=user.id, role=role, status=status)
    db.session.add(member)
    db.session.flush()
    return member


def _assign(db, review_round, proposal, member) -> Assignment:
    assignment = Assignment(round_id=review_round.id, proposal_id=proposal.id, member_id=member.id)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def _conflict(db, challenge, proposal, user) -> Conflict:
    conflict = Conflict(
        challenge_id=challenge.id,
        proposal_id=proposal.id,
        user_id=user.id,
        source=ConflictSource.DECLARED,
        kind=ConflictKind.EMPLOYMENT,
        reason="Bekerja di sana.",
    )
    db.session.add(conflict)
    db.session.flush()
    return conflict


def _round(db, challenge, number=1, proposals=()) -> ReviewRound:
    review_round = ReviewRound(
        challenge_id=challenge.id, number=number, name=f"Seleksi {number}", deadline=clock.now() + timedelta(days=10)
    )
    db.session.add(review_round)
    db.session.flush()
    for proposal in proposals:
        db.session.add(RoundProposal(round_id=review_round.id, proposal_id=proposal.id))
    db.session.flush()
    return review_round


def _team_proposal(db, client, challenge, title="Sistem Peringatan Banjir", attachment: bool = False):
    """A submitted proposal of a team with distinctive names: its lead, organization and partner's organization."""
    lead = factories.make_user(name=f"{TEAM_NAME} {title[:3]}", email=f"lead.{abs(hash(title)) % 10**8}@tim.id")
    organization = factories.make_org(OrgKind.INDUSTRY, owner=lead, name=f"{TEAM_ORG} {title[:3]}")
    # Addresses of the team's own domains: a shared institutional domain would be a detected conflict.
    partner_user = factories.make_user(email=f"mitra.{abs(hash(title)) % 10**8}@koperasi-rahasia.id")
    partner_org = factories.make_org(OrgKind.COMMUNITY, owner=partner_user, name=PARTNER_ORG)
    db.session.commit()
    proposal = make_proposal(db, challenge, lead, organization, title=title, team_roles=TEAM_ROLES)
    accepted_partner(db, proposal, partner_user, partner_org)
    if attachment:
        log_in(client, lead)
        post_form(
            client,
            f"/proposals/{proposal.id}/attachments",
            {"file": (io.BytesIO(PDF), "lampiran-tim.pdf")},
            page=f"/proposals/{proposal.id}/edit",
            content_type="multipart/form-data",
        )
    log_in(client, lead)
    assert submit(client, proposal).status_code == 302
    db.session.expire_all()
    return proposal, lead


@pytest.fixture
def sample(app, db, world, client, make_challenge) -> Review_:
    users = world["users"]
    challenge = make_challenge(is_sealed=False, criteria=CRITERIA, score_scale=5)
    proposal, lead = _team_proposal(db, client, challenge, attachment=True)
    review_round = _round(db, challenge, proposals=[proposal])
    second = factories.make_user(email="kedua@example.id", name="Penilai Kedua")
    unassigned = factories.make_user(email="menganggur@example.id", name="Penilai Tanpa Tugas")
    sample = Review_(
        challenge=challenge,
        proposal=proposal,
        round=review_round,
        lead=lead,
        owner=users["gov_admin"],
        reviewer=users["reviewer"],
        second=second,
        chair=users["chair"],
        conflicted=users["conflicted_reviewer"],
        unassigned=unassigned,
    )
    for name in ("reviewer", "second", "conflicted", "unassigned"):
        sample.members[name] = _member(db, challenge, getattr(sample, name))
    sample.members["chair"] = _member(db, challenge, sample.chair, PanelRole.CHAIR)
    for name in ("reviewer", "second", "conflicted"):
        sample.assignments[name] = _assign(db, review_round, proposal, sample.members[name])
    # Assigned before the conflict was declared: the assignment stays, but the reviewer no longer reaches it.
    _conflict(db, challenge, proposal, sample.conflicted)
    db.session.commit()
    _log_out(client)
    return sample


def _log_out(client) -> None:
    with client.session_transaction() as session:
        session.clear()


def _full(sample: Review_, scores=(5, 3, 1), **overrides) -> dict:
    data = {"action": "submit", "recommendation": "accept", "confidence": "3", "panel_note": "Catatan panel."}
    for criterion, score in zip(sample.criteria, scores, strict=True):
        data[f"score_{criterion.id}"] = str(score)
        data[f"comment_{criterion.id}"] = f"Komentar {criterion.name}"
    data.update(overrides)
    return data


def _review(db, assignment) -> Review | None:
    db.session.expire_all()
    return db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _submit_as(client, sample, who: str, scores=(5, 3, 1), **overrides):
    log_in(client, getattr(sample, who))
    return post_form(client, sample.url(who), _full(sample, scores, **overrides))


# --- the weighted score ----------------------------------------------------------------------------------------------


@dataclass
class _Criterion:
    id: int
    weight: int


def test_weighted_score_on_a_five_and_a_ten_point_scale():
    criteria = [_Criterion(1, 50), _Criterion(2, 30), _Criterion(3, 20)]
    # 50·(5−1)/4 + 30·(3−1)/4 + 20·(1−1)/4 = 50 + 15 + 0
    assert scoring.weighted_score({1: 5, 2: 3, 3: 1}, criteria, 5) == pytest.approx(65.0)
    # 50·(10−1)/9 + 30·(4−1)/9 + 20·(7−1)/9 = 50 + 10 + 13.33…
    assert scoring.weighted_score({1: 10, 2: 4, 3: 7}, criteria, 10) == pytest.approx(73.3333333)
    assert scoring.weighted_score({1: 1, 2: 1, 3: 1}, criteria, 10) == 0
    assert scoring.weighted_score({1: 5, 2: 5, 3: 5}, criteria, 5) == pytest.approx(100.0)
    with pytest.raises(ValueError):
        scoring.weighted_score({1: 6, 2: 1, 3: 1}, criteria, 5)
    with pytest.raises(KeyError):
        scoring.weighted_score({1: 5, 2: 1}, criteria, 5)


# --- who opens the form ----------------------------------------------------------------------------------------------


def test_only_the_assignee_opens_the_review_form(client, db, sample):
    log_in(client, sample.reviewer)
    html = client.get(sample.url()).get_data(as_text=True)
    assert f"Proposal #{sample.proposal.id}: {sample.proposal.title}" in html
    assert "Dampak" in html and 'name="score_' in html
    for user in (sample.second, sample.chair, sample.owner, sample.lead, sample.unassigned):
        log_in(client, user)
        assert client.get(sample.url()).status_code == 404, user.name
    _log_out(client)
    assert client.get(sample.url()).status_code == 302


def test_another_reviewers_post_is_refused_and_nothing_saved(client, db, sample):
    log_in(client, sample.second)
    response = post_form(client, sample.url("reviewer"), _full(sample), page=sample.url("second"))
    assert response.status_code == 404
    assert _count(db, Review) == 0


def test_a_conflicted_assignee_is_told_404_and_saves_nothing(client, db, sample):
    log_in(client, sample.conflicted)
    assert client.get(sample.url("conflicted")).status_code == 404
    response = post_form(client, sample.url("conflicted"), _full(sample), page="/account/reviews")
    assert response.status_code == 404
    assert _count(db, Review) == 0


def test_a_declined_assignment_or_a_declined_member_is_not_reviewed(client, db, sample):
    sample.assignments["second"].status = AssignmentStatus.DECLINED
    sample.members["reviewer"].status = PanelStatus.DECLINED
    db.session.commit()
    for who in ("second", "reviewer"):
        log_in(client, getattr(sample, who))
        assert client.get(sample.url(who)).status_code == 404


# --- drafts, submission, bad values ----------------------------------------------------------------------------------


def test_a_draft_saves_what_is_written_and_logs_nothing(client, db, sample):
    first = sample.criteria[0]
    log_in(client, sample.reviewer)
    response = post_form(
        client, sample.url(), {"action": "draft", f"score_{first.id}": "4", f"comment_{first.id}": "Baru separuh."}
    )
    assert response.status_code == 302
    review = _review(db, sample.assignments["reviewer"])
    assert review.status == ReviewStatus.DRAFT and review.weighted_score is None
    assert {row.criterion_id: row.score for row in review.scores} == {
        criterion.id: (4 if criterion.id == first.id else None) for criterion in sample.criteria
    }
    assert review.recommendation is None and review.confidence is None
    assert _count(db, ReviewChange) == 0
    html = client.get(sample.url()).get_data(as_text=True)
    assert "Baru separuh." in html and 'data-review-state="draft"' in html


def test_submitting_needs_every_score_a_recommendation_and_a_confidence(client, db, sample):
    first = sample.criteria[0]
    client.set_cookie("goi_lang", "en")
    log_in(client, sample.reviewer)
    response = post_form(
        client, sample.url(), {"action": "submit", f"score_{first.id}": "4", f"comment_{first.id}": "Teks yang diketik"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("Score this criterion to submit the review.") == 2
    assert "Choose a recommendation to submit the review." in html
    assert "Choose your confidence to submit the review." in html
    assert "Teks yang diketik" in html  # what was typed is kept
    assert _count(db, Review) == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Choose a score from 1 to 5."), ("id", "Pilih nilai dari 1 sampai 5.")],
)
@pytest.mark.parametrize("bad", ["6", "0", "abc", "3.5", "-1"])
def test_a_score_off_the_scale_is_refused_with_a_clear_message_and_nothing_saved(
    client, db, sample, language, message, bad
):
    client.set_cookie("goi_lang", language)
    first = sample.criteria[0]
    data = _full(sample, **{f"score_{first.id}": bad, "panel_note": "Catatan yang diketik"})
    log_in(client, sample.reviewer)
    for action in ("submit", "draft"):
        response = post_form(client, sample.url(), {**data, "action": action})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in html
        assert "Catatan yang diketik" in html
    assert _count(db, Review) == 0 and _count(db, CriterionScore) == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Choose a confidence from 1 to 4."), ("id", "Pilih tingkat keyakinan dari 1 sampai 4.")],
)
def test_a_confidence_or_recommendation_off_the_list_is_refused(client, db, sample, language, message):
    client.set_cookie("goi_lang", language)
    log_in(client, sample.reviewer)
    response = post_form(client, sample.url(), _full(sample, confidence="5"))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    response = post_form(client, sample.url(), _full(sample, recommendation="maybe"))
    assert response.status_code == 422
    assert _count(db, Review) == 0


def test_a_ten_point_scale_takes_ten_and_refuses_eleven(client, db, world, make_challenge):
    challenge = make_challenge(is_sealed=False, criteria=CRITERIA, score_scale=10, title="Skala sepuluh")
    proposal, _lead = _team_proposal(db, client, challenge)
    review_round = _round(db, challenge, proposals=[proposal])
    reviewer = world["users"]["reviewer"]
    assignment = _assign(db, review_round, proposal, _member(db, challenge, reviewer))
    db.session.commit()
    criteria = list(challenge.criteria)
    data = {"action": "submit", "recommendation": "weak_accept", "confidence": "2"}
    data.update({f"score_{criterion.id}": score for criterion, score in zip(criteria, ("10", "4", "7"), strict=True)})
    log_in(client, reviewer)
    url = f"/reviews/assignments/{assignment.id}"
    bad = post_form(client, url, {**data, f"score_{criteria[0].id}": "11"})
    assert bad.status_code == 422 and "Pilih nilai dari 1 sampai 10." in bad.get_data(as_text=True)
    assert post_form(client, url, data).status_code == 302
    assert _review(db, assignment).weighted_score == pytest.approx(73.3333333)


def test_submitting_stores_the_weighted_score_and_an_audit_event_without_content(client, db, sample):
    response = _submit_as(client, sample, "reviewer", panel_note="Catatan kanari XYZ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(sample.panel_url())
    review = _review(db, sample.assignments["reviewer"])
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    assert review.weighted_score == pytest.approx(65.0)
    assert review.recommendation == Recommendation.ACCEPT and review.confidence == 3
    changes = list(db.session.scalars(select(ReviewChange)))
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("status", "draft", "submitted")]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.submitted"))
    assert event.object_id == sample.proposal.id and event.actor_id == sample.reviewer.id
    assert "kanari" not in event.detail_json and "Komentar" not in event.detail_json


def test_a_revision_is_logged_field_by_field_with_who_and_when(client, db, sample):
    _submit_as(client, sample, "reviewer")
    first, second, _third = sample.criteria
    clock.freeze(clock.now() + timedelta(hours=2))
    response = post_form(
        client,
        sample.url(),
        _full(sample, (5, 4, 1), **{f"comment_{first.id}": "Dampak ditinjau ulang.", "action": "draft"}),
    )
    assert response.status_code == 302
    review = _review(db, sample.assignments["reviewer"])
    assert review.status == ReviewStatus.SUBMITTED  # a revision never turns it back into a draft
    assert review.weighted_score == pytest.approx(50 + 30 * 3 / 4)
    rows = list(
        db.session.scalars(select(ReviewChange).where(ReviewChange.field != "status").order_by(ReviewChange.id))
    )
    assert sorted((row.field, row.old_value, row.new_value) for row in rows) == sorted(
        [
            (f"score:{second.id}", "3", "4"),
            (f"comment:{first.id}", f"Komentar {first.name}", "Dampak ditinjau ulang."),
        ]
    )
    assert all(row.changed_by_id == sample.reviewer.id and row.changed_at == clock.now() for row in rows)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "review.revised")) == 1
    # Saving the same values again changes nothing and logs nothing.
    post_form(client, sample.url(), _full(sample, (5, 4, 1), **{f"comment_{first.id}": "Dampak ditinjau ulang."}))
    assert _count(db, ReviewChange) == 3


def test_a_revision_must_stay_complete(client, db, sample):
    _submit_as(client, sample, "reviewer")
    first = sample.criteria[0]
    response = post_form(client, sample.url(), _full(sample, **{f"score_{first.id}": ""}))
    assert response.status_code == 422
    assert {row.score for row in _review(db, sample.assignments["reviewer"]).scores} == {5, 3, 1}


def test_a_locked_round_is_read_only_and_refuses_a_post(client, db, sample):
    _submit_as(client, sample, "reviewer")
    sample.round.locked_at = clock.now()
    db.session.commit()
    before = _review(db, sample.assignments["reviewer"]).updated_at
    html = client.get(sample.url()).get_data(as_text=True)
    assert 'id="round-locked"' in html and "<fieldset disabled>" in html
    assert 'value="submit"' not in html
    response = post_form(client, sample.url(), _full(sample, (1, 1, 1), panel_note="Diketik setelah dikunci"))
    assert response.status_code == 409
    assert "Diketik setelah dikunci" in response.get_data(as_text=True)
    review = _review(db, sample.assignments["reviewer"])
    assert {row.score for row in review.scores} == {5, 3, 1} and review.updated_at == before
    assert _count(db, ReviewChange) == 1


def test_a_draft_in_a_locked_round_cannot_be_submitted(client, db, sample):
    sample.round.locked_at = clock.now()
    db.session.commit()
    response = _submit_as(client, sample, "reviewer")
    assert response.status_code == 409
    assert _count(db, Review) == 0


# --- the panel's page: reviews, history, discussion ------------------------------------------------------------------


def test_others_reviews_are_hidden_until_ones_own_is_submitted(client, db, sample):
    _submit_as(client, sample, "second", (2, 2, 2), panel_note="Catatan kedua KANARI")
    log_in(client, sample.reviewer)
    html = client.get(sample.panel_url()).get_data(as_text=True)
    assert 'id="reviews-hidden-1"' in html
    assert "KANARI" not in html and "Penilai Kedua" not in html
    assert 'id="discussion-closed"' in html
    _submit_as(client, sample, "reviewer")
    html = client.get(sample.panel_url()).get_data(as_text=True)
    assert "KANARI" in html and "Penilai Kedua" in html
    assert "reviews-hidden-1" not in html and "discussion-closed" not in html
    assert "History of changes" not in html and "Riwayat perubahan" not in html  # the history is the managers'


def test_an_unassigned_panel_member_does_not_see_the_proposal(client, db, sample):
    log_in(client, sample.unassigned)
    assert client.get(sample.panel_url()).status_code == 404


@pytest.mark.parametrize("who", ["owner", "chair"])
def test_managers_see_every_review_with_its_history(client, db, sample, who):
    _submit_as(client, sample, "second", (2, 2, 2), panel_note="Catatan kedua KANARI")
    _submit_as(client, sample, "reviewer")
    post_form(client, sample.url(), _full(sample, (4, 3, 1)))
    client.set_cookie("goi_lang", "en")
    log_in(client, getattr(sample, who))
    html = client.get(sample.panel_url()).get_data(as_text=True)
    assert "KANARI" in html and "Penilai Kedua" in html and "Penilai Satu" in html
    assert "History of changes" in html and "Score: Dampak" in html
    assert TEAM_ORG in html  # the managers know the team


def test_a_conflicted_chair_sees_nothing_of_that_proposal(client, db, sample, make_challenge):
    _submit_as(client, sample, "reviewer", panel_note="Catatan KANARI")
    _conflict(db, sample.challenge, sample.proposal, sample.chair)
    db.session.commit()
    log_in(client, sample.chair)
    response = client.get(sample.panel_url())
    assert response.status_code == 404 and "KANARI" not in response.get_data(as_text=True)
    response = post_form(client, sample.panel_url() + "/discussion", {"body": "Tidak boleh."}, page="/account/reviews")
    assert response.status_code == 404 and _count(db, DiscussionPost) == 0


def test_a_proposal_in_no_round_or_of_another_challenge_is_not_shown(client, db, sample, make_challenge):
    other, _lead = _team_proposal(db, client, sample.challenge, title="Usulan di luar babak")
    elsewhere = make_challenge(is_sealed=False, title="Tantangan lain")
    log_in(client, sample.owner)
    assert client.get(sample.panel_url(other)).status_code == 404
    assert client.get(f"/challenges/{elsewhere.slug}/review/proposals/{sample.proposal.id}").status_code in (403, 404)


def test_the_discussion_takes_a_message_and_refuses_an_empty_or_long_one(client, db, sample):
    url = sample.panel_url() + "/discussion"
    log_in(client, sample.reviewer)
    response = post_form(client, url, {"body": "Terlalu cepat."}, page=sample.panel_url())
    assert response.status_code == 404 and _count(db, DiscussionPost) == 0
    _submit_as(client, sample, "reviewer")
    client.set_cookie("goi_lang", "en")
    response = post_form(client, url, {"body": "   "}, page=sample.panel_url())
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    long_text = "panjang " * 700
    response = post_form(client, url, {"body": long_text}, page=sample.panel_url())
    assert response.status_code == 422 and long_text.strip() in response.get_data(as_text=True)
    assert _count(db, DiscussionPost) == 0
    response = post_form(
        client, url, {"body": "Skor **dampak** berbeda <script>alert(1)</script>"}, page=sample.panel_url()
    )
    assert response.status_code == 302
    post = db.session.scalar(select(DiscussionPost))
    assert "<strong>dampak</strong>" in post.body_html and "<script>" not in post.body_html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.discussion_post"))
    assert event.object_id == sample.proposal.id and "dampak" not in event.detail_json
    for user in (sample.chair, sample.owner):
        log_in(client, user)
        assert "<strong>dampak</strong>" in client.get(sample.panel_url()).get_data(as_text=True)
    for user in (sample.conflicted, sample.lead, sample.unassigned):
        log_in(client, user)
        response = client.get(sample.panel_url())
        assert response.status_code in (403, 404) and "dampak" not in response.get_data(as_text=True)


# --- blindness -------------------------------------------------------------------------------------------------------


def _reviewer_pages(client, sample) -> str:
    log_in(client, sample.reviewer)
    pages = [client.get(url) for url in (sample.url(), "/account/reviews", sample.panel_url())]
    assert [page.status_code for page in pages] == [200, 200, 200]
    return "".join(page.get_data(as_text=True) for page in pages)


def test_single_blind_reviewer_pages_name_nobody_on_the_team(client, db, sample):
    db.session.add(ReviewSettings(challenge_id=sample.challenge.id, blindness=Blindness.SINGLE_BLIND))
    db.session.commit()
    _submit_as(client, sample, "reviewer")
    html = _reviewer_pages(client, sample)
    for planted in (TEAM_NAME, TEAM_ORG, PARTNER_ORG, TEAM_ROLES, sample.lead.email):
        assert planted not in html, planted
    assert 'id="blind-notice"' in html and sample.proposal.title in html


def test_an_open_review_shows_the_team(client, db, sample):
    html = _reviewer_pages(client, sample)
    assert TEAM_ORG in html and PARTNER_ORG in html and 'id="blind-notice"' not in html


def test_proposers_never_reach_the_panel_pages(client, db, sample):
    _submit_as(client, sample, "reviewer", panel_note="Catatan KANARI")
    log_in(client, sample.lead)
    assert client.get(sample.url()).status_code == 404
    response = client.get(sample.panel_url())
    assert response.status_code in (403, 404) and "KANARI" not in response.get_data(as_text=True)
    html = client.get("/account/reviews").get_data(as_text=True)
    assert "KANARI" not in html and f"/reviews/assignments/{sample.assignments['reviewer'].id}" not in html


def test_a_team_member_on_the_panel_without_a_recorded_conflict_still_sees_nothing(client, db, sample):
    """Conflicts are detected when the panel is built; a team member who slipped through is still kept out."""
    accepted_partner(db, sample.proposal, sample.chair)
    log_in(client, sample.chair)
    assert client.get(sample.panel_url()).status_code == 404


# --- attachments -----------------------------------------------------------------------------------------------------


def test_the_assigned_reviewer_downloads_the_submitted_attachments_others_do_not(client, db, sample):
    item = db.session.scalar(select(ProposalAttachment).where(ProposalAttachment.proposal_id == sample.proposal.id))
    url = f"/proposals/{sample.proposal.id}/attachments/{item.id}"
    log_in(client, sample.reviewer)
    assert url in client.get(sample.url()).get_data(as_text=True)
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    response.close()
    log_in(client, sample.chair)
    response = client.get(url)
    assert response.status_code == 200
    response.close()
    outsider = factories.make_user()
    db.session.commit()
    for user in (sample.conflicted, sample.unassigned, outsider):
        log_in(client, user)
        assert client.get(url).status_code == 404, user.name
    # The proposal page itself (which names the team) stays closed to the reviewer.
    log_in(client, sample.reviewer)
    assert client.get(f"/proposals/{sample.proposal.id}").status_code == 404
    sample.assignments["reviewer"].status = AssignmentStatus.DECLINED
    db.session.commit()
    assert client.get(url).status_code == 404


# --- the reviewer's list ---------------------------------------------------------------------------------------------


def test_my_reviews_lists_panels_invitations_and_assignments_by_round(client, db, sample, make_challenge):
    invited_to = make_challenge(is_sealed=False, title="Undangan menunggu")
    db.session.add(PanelMember(challenge_id=invited_to.id, email=sample.reviewer.email, status=PanelStatus.INVITED))
    _submit_as(client, sample, "reviewer")
    client.set_cookie("goi_lang", "en")
    html = client.get("/account/reviews").get_data(as_text=True)
    assert "Undangan menunggu" in html and "data-panel-invitation" in html
    assert sample.challenge.title in html and "Round 1: Seleksi 1" in html
    assert f'data-assignment-id="{sample.assignments["reviewer"].id}"' in html
    assert 'data-review-state="submitted"' in html and "9 days left" in html
    sample.round.locked_at = clock.now()
    db.session.commit()
    html = client.get("/account/reviews").get_data(as_text=True)
    assert 'data-review-state="locked"' in html and "Read the review" in html


def test_my_reviews_shows_a_conflicted_assignment_to_nobody(client, db, sample):
    log_in(client, sample.conflicted)
    html = client.get("/account/reviews").get_data(as_text=True)
    assert f'data-assignment-id="{sample.assignments["conflicted"].id}"' not in html
    assert 'id="no-assignments"' in html


def test_my_reviews_empty_state(client, db, world):
    log_in(client, world["users"]["user"])
    html = client.get("/account/reviews").get_data(as_text=True)
    assert 'id="no-reviews"' in html


def test_the_account_menu_links_my_reviews_for_panel_members_only(client, db, sample):
    log_in(client, sample.reviewer)
    assert 'href="/account/reviews"' in client.get("/").get_data(as_text=True)
    log_in(client, sample.lead)
    assert 'href="/account/reviews"' not in client.get("/").get_data(as_text=True)


# --- statements ------------------------------------------------------------------------------------------------------


def _more_work(db, client, sample, count: int) -> None:
    """count more proposals in the round, each assigned to the reviewer and the second, both reviews submitted, with
    a discussion post; and count more posts on the sample proposal."""
    proposals = [_team_proposal(db, client, sample.challenge, title=f"Usulan tambahan {n}")[0] for n in range(count)]
    for proposal in proposals:
        db.session.add(RoundProposal(round_id=sample.round.id, proposal_id=proposal.id))
        for who in ("reviewer", "second"):
            _assign(db, sample.round, proposal, sample.members[who])
    reviewer_extra = factories.make_user()
    for n in range(count):
        extra_member = _member(db, sample.challenge, factories.make_user(name=f"Penilai tambahan {n}"))
        _assign(db, sample.round, sample.proposal, extra_member)
        db.session.add(
            DiscussionPost(proposal_id=sample.proposal.id, author_id=reviewer_extra.id, body_source="x", body_html="x")
        )
    db.session.commit()
    for who in ("second", "reviewer"):
        _submit_as(client, sample, who)


def test_pages_read_a_constant_number_of_statements(client, db, sample):
    _submit_as(client, sample, "second")
    _submit_as(client, sample, "reviewer")
    urls = {"mine": "/account/reviews", "form": sample.url(), "panel": sample.panel_url()}
    users = {"mine": sample.reviewer, "form": sample.reviewer, "panel": sample.chair}

    def counts():
        result = {}
        for name, url in urls.items():
            log_in(client, users[name])
            result[name] = count_statements(client, url)
        return result

    small = counts()
    _more_work(db, client, sample, 5)
    assert counts() == small


def test_the_form_reads_a_constant_number_of_statements_whatever_the_rubric(client, db, world, make_challenge):
    reviewer = world["users"]["reviewer"]
    found = []
    for number, size in ((1, 2), (2, 8)):
        weights = [100 // size] * size
        weights[0] += 100 - sum(weights)
        criteria = [{"name": f"Kriteria {n}", "description": "", "weight": w} for n, w in enumerate(weights)]
        challenge = make_challenge(is_sealed=False, criteria=criteria, title=f"Rubrik {number}")
        proposal, _lead = _team_proposal(db, client, challenge, title=f"Rubrik usulan {number}")
        review_round = _round(db, challenge, proposals=[proposal])
        assignment = _assign(db, review_round, proposal, _member(db, challenge, reviewer))
        db.session.commit()
        log_in(client, reviewer)
        found.append(count_statements(client, f"/reviews/assignments/{assignment.id}"))
    assert found[0] == found[1]


def test_reads_as_panel_answers_from_one_statement(app, db, sample):
    g.pop("panel_facts", None)
    g.pop("review_panel", None)
    with app.test_request_context("/"):
        assert scoring.reads_as_panel(sample.reviewer, sample.proposal)
        assert not scoring.reads_as_panel(sample.conflicted, sample.proposal)
        assert not scoring.reads_as_panel(sample.unassigned, sample.proposal)
        assert scoring.reads_as_panel(sample.chair, sample.proposal)
        assert scoring.reads_as_panel(sample.owner, sample.proposal)
        assert not scoring.reads_as_panel(sample.lead, sample.proposal)


def test_change_labels_read_as_words(app, db, sample):
    criteria = {criterion.id: criterion for criterion in sample.criteria}
    first = sample.criteria[0]
    with app.test_request_context("/"), force_locale("en"):
        assert scoring.changed_field_label(f"score:{first.id}", criteria) == "Score: Dampak"
        assert scoring.changed_value_label("recommendation", "strong_accept") == "Strong accept"
        assert scoring.changed_value_label("panel_note", "") == "—"


def test_the_menu_link_costs_no_statement_of_its_own(client, db, sample):
    """The header asks for the bell's number and the panel membership in one statement."""
    log_in(client, sample.reviewer)
    statements = statements_of(client, "/account/proposals")
    header = [s for s in statements if "panel_members" in s and "notifications" in s]
    assert len(header) == 1
    assert [s for s in statements if "FROM notifications" in s] == header


def test_a_withdrawn_proposal_leaves_the_reviewers_list(client, db, sample):
    log_in(client, sample.reviewer)
    marker = f'data-assignment-id="{sample.assignments["reviewer"].id}"'
    assert marker in client.get("/account/reviews").get_data(as_text=True)
    sample.proposal.status = ProposalStatus.WITHDRAWN
    db.session.commit()
    assert marker not in client.get("/account/reviews").get_data(as_text=True)
    assert client.get(sample.url()).status_code == 404


def test_a_chairs_panel_links_the_reviews_overview(client, db, sample):
    log_in(client, sample.chair)
    html = client.get("/account/reviews").get_data(as_text=True)
    assert f'href="/challenges/{sample.challenge.slug}/review"' in html
