"""The challenge page: the key facts and the viewer's action first, and in each state only what is true in it."""

from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeOutcome, ChallengeStatus
from goi.extensions import db
from tests.challenges import NOW, make_challenge

VIEWERS = ("anonymous", "user", "gov_admin")
REASON = "Anggaran dialihkan untuk penanganan bencana banjir."


def _page(client, login_as, role: str, challenge) -> str:
    login_as(role)
    client.set_cookie("goi_lang", "en")
    response = client.get(f"/challenges/{challenge.slug}")
    assert response.status_code == 200, role
    return response.get_data(as_text=True)


def _step(html: str, name: str) -> str:
    """The timeline's item of one step, or '' when the page shows no such step."""
    start = html.find(f'data-step="{name}"')
    return "" if start < 0 else html[start : html.index("</li>", start)]


def _timeline(**fields) -> dict:
    return {
        "review_until": NOW + timedelta(days=50),
        "decision_at": NOW + timedelta(days=60),
        "problem_html": "<p>Banjir rutin di musim hujan.</p>",
        **fields,
    }


def _after_deadline(owner, status: ChallengeStatus, days: int, **fields):
    """A challenge whose call closed days ago."""
    closes_at = NOW - timedelta(days=days)
    return make_challenge(
        owner,
        status,
        opens_at=NOW - timedelta(days=30),
        closes_at=closes_at,
        closed_at=closes_at,
        **_timeline(**fields),
    )


@pytest.mark.parametrize("role", VIEWERS)
def test_the_key_facts_and_the_action_come_before_the_description_and_the_questions(client, login_as, palembang, role):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, budget_max=500_000_000, **_timeline())
    db.session.commit()
    html = _page(client, login_as, role, challenge)
    title = html.index("<h1")
    facts = html.index('id="key-facts"')
    places = [
        html.index(marker) for marker in ("countdown-card", 'class="deadline"', 'class="budget"', 'class="eligible"')
    ]
    action = html.index('id="proposal-panel"')
    description = html.index('id="problem-heading"')
    questions = html.index('id="questions"')
    assert title < facts < min(places) and max(places) < action < description < questions
    # Nothing of the body sits between the title and the facts.
    assert "criteria-heading" not in html[title:facts] and "documents-heading" not in html[title:action]


def test_an_open_challenge_shows_the_countdown_and_the_action_for_each_viewer(client, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, **_timeline())
    db.session.commit()
    pages = {role: _page(client, login_as, role, challenge) for role in VIEWERS}
    for html in pages.values():
        assert "countdown-card" in html and "deadline-passed" not in html and "cancel-reason" not in html
        assert 'data-step="review" data-state="upcoming"' in html and 'data-state="cancelled"' not in html
        assert "Who may apply" in html and "Sealed: proposals stay hidden" in html
    assert "Log in to start a proposal" in pages["anonymous"] and 'id="sealed-notice"' in pages["anonymous"]
    assert 'id="start-proposal"' in pages["user"] and 'id="ask"' in pages["user"]
    assert 'id="start-proposal"' not in pages["gov_admin"] and 'id="sealed-notice"' in pages["gov_admin"]


def test_a_challenge_not_yet_open_says_when_it_opens_without_a_countdown(client, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, opens_at=NOW + timedelta(days=2))
    db.session.commit()
    for role in VIEWERS:
        html = _page(client, login_as, role, challenge)
        assert "countdown" not in html and 'id="start-proposal"' not in html
        assert 'data-state="not-yet-open"' in html and "Proposals are accepted from" in html
        assert "no longer accepts proposals" not in html


@pytest.mark.parametrize("status", [ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW])
def test_a_closed_challenge_shows_its_deadline_as_passed(client, login_as, palembang, status):
    challenge = _after_deadline(palembang, status, days=2)
    db.session.commit()
    for role in VIEWERS:
        html = _page(client, login_as, role, challenge)
        assert "countdown" not in html and 'id="sealed-notice"' not in html
        assert 'class="badge text-bg-secondary deadline-passed"' in html and f'data-state="{status.value}"' in html
        assert 'id="start-proposal"' not in html and "Log in to start a proposal" not in html
        assert "Questions closed with the deadline." in html and "Who could apply" in html
        assert "Sealed: proposals stay hidden" not in html
        assert 'data-step="deadline" data-state="done"' in html and 'data-step="decision" data-state="upcoming"' in html
    assert "This challenge no longer accepts proposals." in _page(client, login_as, "user", challenge)


def test_a_decided_challenge_shows_its_outcome_and_no_step_still_to_come(client, login_as, palembang):
    # Decided before the planned decision date: it is not shown as if still to come.
    challenge = _after_deadline(
        palembang,
        ChallengeStatus.DECIDED,
        days=10,
        outcome=ChallengeOutcome.AWARDED,
        review_until=NOW - timedelta(days=1),
        decision_at=NOW + timedelta(days=5),
    )
    db.session.commit()
    for role in VIEWERS:
        html = _page(client, login_as, role, challenge)
        assert 'data-state="decided"' in html and '<strong class="outcome">Awarded</strong>' in html
        assert "countdown" not in html and 'id="sealed-notice"' not in html and 'id="start-proposal"' not in html
        assert 'data-state="upcoming"' not in html and _step(html, "decision") == ""
        assert 'data-step="review" data-state="done"' in html


def test_a_cancelled_challenge_says_only_what_is_true(client, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.CANCELLED, cancel_reason=REASON, **_timeline())
    db.session.commit()
    for role in VIEWERS:
        html = _page(client, login_as, role, challenge)
        # The reason first, right under the title.
        assert html.index("<h1") < html.index("cancel-reason") < html.index('class="challenge-facts key-facts-list')
        assert REASON in html and "This challenge is cancelled." in html
        assert "countdown" not in html and 'id="sealed-notice"' not in html and "sealed until" not in html
        assert "Sealed: proposals stay hidden" not in html
        assert 'id="start-proposal"' not in html and "Log in to start a proposal" not in html
        assert "Questions closed with the deadline." not in html
        assert "Questions are closed: the challenge was cancelled." in html
        assert 'id="ask"' not in html and "Log in to ask a question." not in html
        for step in ("deadline", "review", "decision"):
            assert 'data-state="cancelled"' in _step(html, step) and "<time" not in _step(html, step), step
        assert 'data-step="opens" data-state="done"' in html and 'data-state="upcoming"' not in html
    assert "The challenge was cancelled; it accepts no proposals." in _page(client, login_as, "user", challenge)


def test_an_archived_challenge_still_tells_how_it_ended(client, login_as, palembang):
    past = {"opens_at": NOW - timedelta(days=90), "closes_at": NOW - timedelta(days=60)}
    cancelled = make_challenge(palembang, ChallengeStatus.ARCHIVED, cancel_reason=REASON, **past)
    decided = make_challenge(
        palembang, ChallengeStatus.ARCHIVED, outcome=ChallengeOutcome.NOT_AWARDED, closed_at=past["closes_at"], **past
    )
    db.session.commit()
    html = _page(client, login_as, "anonymous", cancelled)
    assert "This challenge was cancelled and then archived." in html and REASON in html
    assert "Questions are closed: the challenge was cancelled." in html
    html = _page(client, login_as, "anonymous", decided)
    assert "This challenge is archived." in html and '<strong class="outcome">Not awarded</strong>' in html
    assert "Questions closed with the deadline." in html and "cancel-reason" not in html


def test_a_draft_tells_its_owners_it_is_a_draft(client, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT, **_timeline())
    db.session.commit()
    html = _page(client, login_as, "gov_admin", challenge)
    assert 'data-state="draft"' in html and "Only the owners of this challenge see it" in html
    assert "countdown" not in html and 'id="sealed-notice"' not in html and "questions-closed" not in html
    assert "Proposals can be started once the challenge is published." in html


def test_the_state_texts_are_in_indonesian_too(client, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.CANCELLED, cancel_reason=REASON, **_timeline())
    db.session.commit()
    html = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert REASON in html
    for english in ("This challenge is cancelled.", "Questions are closed", "Who could apply", "cancelled</span>"):
        assert english not in html, english
