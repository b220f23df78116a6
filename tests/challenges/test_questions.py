"""Questions: private until answered, answers public or private, never the asker's name in public."""

from sqlalchemy import select

from goi.challenges.models import ChallengeStatus, Question
from goi.extensions import db
from tests.challenges import make_challenge

QUESTION = "Apakah data curah hujan tersedia dalam format CSV?"
ANSWER = "Ya, tersedia di portal Satu Data."


def _questions() -> list[Question]:
    db.session.expire_all()
    return list(db.session.scalars(select(Question).order_by(Question.id)))


def _page(client, challenge) -> str:
    return client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


def _ask(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("user")
    response = post(f"/challenges/{challenge.slug}/questions", {"body": QUESTION})
    assert response.status_code == 302
    return challenge


def test_a_question_is_private_until_answered(client, post, login_as, palembang, world):
    challenge = _ask(client, post, login_as, palembang)
    [question] = _questions()
    assert question.asker_id == world["users"]["user"].id and not question.is_public
    assert QUESTION in _page(client, challenge)  # the asker sees it
    for role in ("anonymous", "org_member"):
        login_as(role)
        assert QUESTION not in _page(client, challenge)


def test_a_private_answer_reaches_only_the_asker(client, post, login_as, palembang):
    challenge = _ask(client, post, login_as, palembang)
    [question] = _questions()
    login_as("gov_admin")
    listing = client.get(f"/challenges/{challenge.slug}/questions").get_data(as_text=True)
    assert QUESTION in listing and "Warga Biasa" in listing
    url = f"/challenges/{challenge.slug}/questions/{question.id}/answer"
    assert post(url, {"answer": ANSWER}).status_code == 302
    [question] = _questions()
    assert question.answered_at is not None and not question.is_public
    login_as("user")
    assert ANSWER in _page(client, challenge)
    login_as("org_member")
    html = _page(client, challenge)
    assert QUESTION not in html and ANSWER not in html


def test_a_public_answer_shows_without_the_askers_name(client, post, login_as, palembang):
    challenge = _ask(client, post, login_as, palembang)
    [question] = _questions()
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/questions/{question.id}/answer"
    assert post(url, {"answer": ANSWER, "publish": "y"}).status_code == 302
    assert _questions()[0].is_public
    login_as("anonymous")
    html = _page(client, challenge)
    assert QUESTION in html and "Satu Data" in html and 'class="public-question"' in html
    assert "Warga Biasa" not in html


def test_an_empty_answer_is_refused(client, post, login_as, palembang):
    challenge = _ask(client, post, login_as, palembang)
    [question] = _questions()
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/questions/{question.id}/answer"
    assert post(url, {"answer": " "}).status_code == 422
    assert _questions()[0].answered_at is None


def test_empty_question_is_refused_and_owners_do_not_ask(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("user")
    assert post(f"/challenges/{challenge.slug}/questions", {"body": ""}).status_code == 422
    login_as("gov_admin")
    assert "question-form" not in _page(client, challenge)
    assert post(f"/challenges/{challenge.slug}/questions", {"body": QUESTION}).status_code == 403
    assert _questions() == []


def test_only_owners_see_the_list_and_answer(client, post, login_as, palembang):
    challenge = _ask(client, post, login_as, palembang)
    [question] = _questions()
    for role in ("user", "org_admin", "gov_admin_unverified"):
        login_as(role)
        assert client.get(f"/challenges/{challenge.slug}/questions").status_code == 403
        url = f"/challenges/{challenge.slug}/questions/{question.id}/answer"
        assert post(url, {"answer": "Jawaban palsu", "publish": "y"}).status_code == 403
    assert _questions()[0].answered_at is None


def test_anonymous_cannot_ask(client, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    assert "question-form" not in _page(client, challenge)


def test_the_owner_s_question_list_has_unique_ids_with_several_answer_forms(client, post, login_as, palembang):
    from tests.conftest import duplicate_ids

    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("user")
    for body in (QUESTION, "Berapa anggaran maksimum untuk uji coba?"):
        assert post(f"/challenges/{challenge.slug}/questions", {"body": body}).status_code == 302
    login_as("gov_admin")
    html = client.get(f"/challenges/{challenge.slug}/questions").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 2
    assert duplicate_ids(html) == []


def test_the_asker_sees_a_publicly_answered_question_once_with_a_note(client, post, login_as, palembang):
    challenge = _ask(client, post, login_as, palembang)
    [question] = _questions()
    login_as("gov_admin")
    url = f"/challenges/{challenge.slug}/questions/{question.id}/answer"
    assert post(url, {"answer": ANSWER, "publish": "y"}).status_code == 302
    login_as("user")
    client.set_cookie("goi_lang", "en")
    html = _page(client, challenge)
    assert html.count(QUESTION) == 1
    assert 'class="public-question"' in html
    assert "Your question was answered publicly above." in html
