"""The list of followed challenges: exactly the user's, open ones by nearest deadline then the others, paged, a
constant number of statements, an empty state, refused to anonymous visitors; the header links it."""

import re
from datetime import timedelta

from goi.challenges.models import ChallengeStatus, Follow
from goi.core import clock
from goi.extensions import db
from tests.challenges import make_challenge
from tests.conftest import count_statements

ROW = re.compile(r'data-challenge="([^"]+)"')
URL = "/account/following"


def _follow(user, *challenges) -> None:
    for challenge in challenges:
        db.session.add(Follow(challenge_id=challenge.id, user_id=user.id, created_at=clock.now()))


def _slugs(client, query: str = "") -> list[str]:
    response = client.get(URL + query)
    assert response.status_code == 200, response.status_code
    return ROW.findall(response.get_data(as_text=True))


def test_lists_the_followed_challenges_open_first_by_nearest_deadline(client, login_as, palembang, world):
    now = clock.now()
    later = make_challenge(palembang, closes_at=now + timedelta(days=40))
    sooner = make_challenge(palembang, closes_at=now + timedelta(days=3))
    past_deadline = make_challenge(palembang, closes_at=now - timedelta(days=1), opens_at=now - timedelta(days=9))
    decided = make_challenge(palembang, ChallengeStatus.DECIDED, closes_at=now - timedelta(days=20))
    closed = make_challenge(palembang, ChallengeStatus.CLOSED, closes_at=now - timedelta(days=5))
    not_followed = make_challenge(palembang, closes_at=now + timedelta(days=1))
    draft = make_challenge(palembang, ChallengeStatus.DRAFT, closes_at=now + timedelta(days=2))
    user = world["users"]["user"]
    _follow(user, later, decided, sooner, closed, past_deadline, draft)
    _follow(world["users"]["org_member"], not_followed)
    db.session.commit()
    login_as("user")
    assert _slugs(client) == [sooner.slug, later.slug, decided.slug, closed.slug, past_deadline.slug]
    html = client.get(URL).get_data(as_text=True)
    assert "3 days left" in html or "3 hari" in html
    assert f'action="/challenges/{sooner.slug}/unfollow"' in html and 'name="csrf_token"' in html


def test_unfollow_from_the_list_returns_to_it(client, post, login_as, palembang, world):
    challenge = make_challenge(palembang)
    _follow(world["users"]["user"], challenge)
    db.session.commit()
    login_as("user")
    response = post(f"/challenges/{challenge.slug}/unfollow", {"next": URL + "?page=1"}, page=URL)
    assert response.status_code == 302 and response.headers["Location"].endswith(URL + "?page=1")
    assert _slugs(client) == []
    # A next outside the site is ignored: the challenge's page.
    _follow(world["users"]["user"], challenge)
    db.session.commit()
    response = post(f"/challenges/{challenge.slug}/unfollow", {"next": "https://evil.example/"}, page=URL)
    assert response.headers["Location"].endswith(f"/challenges/{challenge.slug}")


def test_pages_twenty_at_a_time(client, login_as, palembang, world):
    now = clock.now()
    challenges = [make_challenge(palembang, closes_at=now + timedelta(days=1 + number)) for number in range(23)]
    _follow(world["users"]["user"], *challenges)
    db.session.commit()
    login_as("user")
    assert _slugs(client) == [challenge.slug for challenge in challenges[:20]]
    assert _slugs(client, "?page=2") == [challenge.slug for challenge in challenges[20:]]
    assert 'rel="next"' in client.get(URL).get_data(as_text=True)
    assert client.get(URL + "?page=3").status_code == 404


def test_empty_state_links_to_the_challenges(client, login_as):
    login_as("user")
    html = client.get(URL).get_data(as_text=True)
    assert "empty-state" in html and 'href="/challenges"' in html
    assert ROW.findall(html) == []


def test_refused_to_anonymous_visitors(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_constant_number_of_statements_for_3_and_for_30(client, login_as, palembang, world):
    user = world["users"]["user"]
    now = clock.now()

    def add(count: int) -> None:
        # A third open, the rest past their deadline: the first page reads both parts either way.
        for number in range(count):
            if number % 3 == 0:
                challenge = make_challenge(palembang, closes_at=now + timedelta(days=1 + number))
            else:
                challenge = make_challenge(
                    palembang, ChallengeStatus.CLOSED, closes_at=now - timedelta(days=1 + number)
                )
            _follow(user, challenge)
        db.session.commit()

    add(3)
    login_as("user")
    few = count_statements(client, URL)
    add(27)
    assert len(_slugs(client)) == 20
    assert count_statements(client, URL) == few


def test_the_header_links_my_proposals_and_followed_challenges(client, login_as):
    login_as("user")
    html = client.get("/challenges").get_data(as_text=True)
    header = html.split("</header>", 1)[0]
    assert 'href="/account/proposals"' in header and f'href="{URL}"' in header
    assert 'href="/account/notifications"' in header and 'href="/account/organizations"' in header
    assert 'href="/account/challenges"' not in header  # a plain user owns no challenges
    login_as("gov_admin")
    header = client.get("/challenges").get_data(as_text=True).split("</header>", 1)[0]
    assert 'href="/account/challenges"' in header
    login_as("anonymous")
    header = client.get("/challenges").get_data(as_text=True).split("</header>", 1)[0]
    assert 'href="/account/proposals"' not in header and f'href="{URL}"' not in header
