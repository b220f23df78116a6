"""Visibility is part of every query: drafts, sealed proposals, private questions and profiles stay hidden."""

from datetime import timedelta

from goi.challenges.models import ChallengeStatus, Question
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import MemberRole
from goi.proposals.models import ProposalStatus, TeamMember, TeamMemberStatus, TeamRole
from goi.search import service
from tests import factories
from tests.search.conftest import found_ids, make_challenge, make_proposal


def test_viewer_principals(people):
    assert service.viewer_principals(None) == ("public",)
    owner = people["owner"]
    assert service.viewer_principals(owner) == ("public", f"user:{owner.id}", f"manages:{people['city'].id}")
    assert service.viewer_principals(people["solver"]) == ("public", f"user:{people['solver'].id}")


def test_a_draft_challenge_is_found_by_its_managers_only(people):
    draft = make_challenge(people["city"], "Zebrakanari draft", status=ChallengeStatus.DRAFT)
    db.session.commit()
    key = ("challenge", draft.id)
    assert key in found_ids(people["owner"], "zebrakanari")
    for viewer in (None, people["solver"], people["outsider"]):
        assert key not in found_ids(viewer, "zebrakanari")
    # A plain member of the city, not an admin, does not manage it.
    member = factories.make_user(name="Staf")
    factories.add_member(people["city"], member, MemberRole.MEMBER)
    db.session.commit()
    assert key not in found_ids(member, "zebrakanari")
    # Nor does the "did you mean" of anyone reveal the draft's words.
    assert service.search(None, "zebrakanary").suggestion is None
    draft.status = ChallengeStatus.PUBLISHED
    db.session.commit()
    assert key in found_ids(None, "zebrakanari")


def test_a_sealed_proposal_is_found_by_its_team_and_by_the_owner_only_after_the_deadline(people):
    challenge = make_challenge(people["city"], "Tantangan bersegel", is_sealed=True)
    proposal = make_proposal(challenge, people["solver"], "Usulan lumbakanari", status=ProposalStatus.SUBMITTED)
    partner = factories.make_user(name="Mitra")
    invited = factories.make_user(name="Diundang")
    proposal.members.append(
        TeamMember(user_id=partner.id, email=partner.email, role=TeamRole.PARTNER, status=TeamMemberStatus.ACCEPTED)
    )
    proposal.members.append(
        TeamMember(user_id=invited.id, email=invited.email, role=TeamRole.PARTNER, status=TeamMemberStatus.INVITED)
    )
    db.session.commit()
    key = ("proposal", proposal.id)
    assert key in found_ids(people["solver"], "lumbakanari")
    assert key in found_ids(partner, "lumbakanari")
    for viewer in (None, people["competitor"], people["owner"], invited, people["outsider"]):
        assert key not in found_ids(viewer, "lumbakanari")
    clock.freeze(challenge.closes_at + timedelta(minutes=1))
    assert key in found_ids(people["owner"], "lumbakanari")
    assert key not in found_ids(people["competitor"], "lumbakanari")


def test_an_unsealed_challenge_shows_submitted_proposals_to_the_owner_at_once_but_never_drafts(people):
    challenge = make_challenge(people["city"], "Tantangan terbuka", is_sealed=False)
    submitted = make_proposal(challenge, people["solver"], "Usulan kirim mangkanari", status=ProposalStatus.SUBMITTED)
    draft = make_proposal(challenge, people["competitor"], "Usulan draf mangkanari")
    db.session.commit()
    found = found_ids(people["owner"], "mangkanari")
    assert ("proposal", submitted.id) in found
    assert ("proposal", draft.id) not in found
    clock.freeze(challenge.closes_at + timedelta(days=1))
    assert ("proposal", draft.id) not in found_ids(people["owner"], "mangkanari")
    submitted.status = ProposalStatus.WITHDRAWN
    db.session.commit()
    assert ("proposal", submitted.id) not in found_ids(people["owner"], "mangkanari")
    assert ("proposal", submitted.id) in found_ids(people["solver"], "mangkanari")


def test_questions_are_found_only_when_answered_and_public_and_never_by_asker(people):
    challenge = make_challenge(people["city"], "Tantangan tanya")
    asker = factories.make_user(name="Penanya Rahasianama")
    question = Question(challenge_id=challenge.id, asker_id=asker.id, body="Apakah data kuskanari tersedia?")
    db.session.add(question)
    db.session.commit()
    key = ("question", question.id)
    assert key not in found_ids(None, "kuskanari")
    assert key not in found_ids(asker, "kuskanari")
    question.answer_html = "<p>Ya, tersedia.</p>"
    question.answered_at = clock.now()
    db.session.commit()
    assert key not in found_ids(None, "kuskanari")
    question.is_public = True
    db.session.commit()
    assert key in found_ids(None, "kuskanari")
    assert ("question", question.id) not in found_ids(None, "Rahasianama")


def test_private_and_disabled_profiles_are_never_found(people):
    private = factories.make_user(name="Privata Kanarinama")
    public = factories.make_user(name="Publika Kanarinama", is_public_profile=True)
    db.session.commit()
    assert found_ids(people["outsider"], "kanarinama", "profile") == {("profile", public.id)}
    assert ("profile", private.id) not in found_ids(private, "kanarinama")
    public.is_disabled = True
    db.session.commit()
    assert found_ids(None, "kanarinama") == set()
