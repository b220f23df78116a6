"""Introductions: a request tells the recipient in their language, the answer opens contact details and a thread to
the two sides only, requests expire after 14 days, one pending request per recipient, a rate limit, blocks that do
not tell the blocked one; refused input writes nothing, and neither does a GET."""

from datetime import date, timedelta
from html import escape

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.errors import DomainError, NotAllowed
from goi.core.mail import OutboxMessage
from goi.extensions import db
from goi.matching import introductions
from goi.matching.models import Introduction, IntroductionMessage, IntroductionStatus, UserBlock
from goi.notify.models import Notification
from goi.orgs.models import MemberRole, Offer, OfferKind, OrgKind
from tests import factories
from tests.challenges import NOW, make_challenge
from tests.challenges import conftest as challenge_fixtures
from tests.conftest import log_in, post_form
from tests.orgs import fresh_client

MESSAGE = "Kami mengembangkan sensor banjir murah dan ingin berdiskusi tentang uji coba."
TABLES = (Introduction, IntroductionMessage, UserBlock, Notification, OutboxMessage, AuditEvent)

# The clock stopped at NOW (autouse) and a client with a fresh flask.g per request, as for challenges.
_frozen_clock = challenge_fixtures._frozen_clock


@pytest.fixture
def client(app):
    """The challenges' client, reading the pages in English (the words the assertions look for); mail and
    notifications still follow each recipient's own language."""
    english = fresh_client(app)
    english.set_cookie("goi_lang", "en")
    return english


@pytest.fixture
def people(db):
    requester = factories.make_user(email="peminta@example.id", name="Rina Peminta", is_public_profile=True)
    recipient = factories.make_user(
        email="recipient@example.id", name="Ben Recipient", is_public_profile=True, locale="en"
    )
    stranger = factories.make_user(email="orang@example.id", name="Orang Lain", is_public_profile=True)
    hidden = factories.make_user(email="hidden@example.id", name="Tak Terlihat")
    manager = factories.make_user(email="owner@startup.id", name="Owner Startup", locale="en")
    organization = factories.make_org(OrgKind.INDUSTRY, owner=manager, slug="pt-startup", name="PT Startup")
    admin = factories.make_user(email="admin@startup.id", name="Admin Startup")
    factories.add_member(organization, admin, MemberRole.ADMIN)
    member = factories.make_user(email="member@startup.id", name="Member Startup")
    factories.add_member(organization, member, MemberRole.MEMBER)
    db.session.commit()
    return {
        "requester": requester,
        "recipient": recipient,
        "stranger": stranger,
        "hidden": hidden,
        "manager": manager,
        "admin": admin,
        "member": member,
        "organization": organization,
    }


def counts() -> dict[str, int]:
    return {table.__name__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES}


def ask(client, user, query: str, message: str = MESSAGE):
    log_in(client, user)
    url = f"/introductions/new?{query}"
    return post_form(client, url, {"message": message}, page=url)


def only_introduction() -> Introduction:
    return db.session.scalars(select(Introduction)).one()


def notified(kind: str) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_a_request_tells_the_recipient_in_app_and_by_email_in_their_language(client, people, world):
    challenge = make_challenge(world["gov_verified"])
    db.session.commit()
    log_in(client, people["requester"])
    url = f"/introductions/new?user={people['recipient'].id}&context=challenge:{challenge.id}"
    page = client.get(url).get_data(as_text=True)
    assert challenge.title in page and "Ben Recipient" in page

    response = post_form(client, url, {"message": MESSAGE}, page=url)

    introduction = only_introduction()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/introductions/{introduction.id}")
    assert introduction.requester_id == people["requester"].id
    assert introduction.recipient_user_id == people["recipient"].id
    assert (introduction.context_kind, introduction.context_id) == ("challenge", challenge.id)
    assert introduction.status == IntroductionStatus.PENDING
    assert introduction.expires_at == NOW + timedelta(days=14)
    assert notified("introduction_requested") == {people["recipient"].id}
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notify_introduction_requested")).one()
    assert mail.recipient == "recipient@example.id"
    assert mail.locale == "en"
    assert mail.subject == "Rina Peminta asks for an introduction"
    assert MESSAGE in mail.body_text and challenge.title in mail.body_text
    assert f"/introductions/{introduction.id}" in mail.body_text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "introduction.requested")).one()
    assert MESSAGE not in event.detail_json


def test_a_request_to_an_organization_goes_to_its_managers_not_to_its_members(client, people):
    response = ask(client, people["requester"], "organization=pt-startup&context=suggestion")

    assert response.status_code == 302
    introduction = only_introduction()
    assert introduction.recipient_organization_id == people["organization"].id
    assert introduction.context_kind == "suggestion"
    assert notified("introduction_requested") == {people["manager"].id, people["admin"].id}
    # A plain member neither sees it nor answers it.
    log_in(client, people["member"])
    assert client.get(f"/introductions/{introduction.id}").status_code == 404


def test_nobody_asks_themselves_or_their_own_organization(client, people):
    before = counts()
    own = ask(client, people["member"], "organization=pt-startup")
    assert own.status_code == 422
    assert "You are a member of this organization." in own.get_data(as_text=True)
    self_ = ask(client, people["requester"], f"user={people['requester'].id}")
    assert self_.status_code == 422
    assert counts() == before


def test_a_person_without_a_public_profile_or_membership_cannot_be_asked(client, people):
    log_in(client, people["requester"])
    assert client.get(f"/introductions/new?user={people['hidden'].id}").status_code == 404
    # A member shown on an organization's page can be asked, even with a private profile.
    assert client.get(f"/introductions/new?user={people['admin'].id}").status_code == 200


def test_the_context_must_be_public(client, people, world):
    draft = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT)
    live = Offer(
        organization=people["organization"],
        kind=OfferKind.TECHNOLOGY_OFFER,
        title="Sensor banjir",
        expires_on=date(2026, 12, 31),
    )
    old = Offer(
        organization=people["organization"],
        kind=OfferKind.TECHNOLOGY_OFFER,
        title="Lama",
        expires_on=date(2026, 10, 1),
    )
    db.session.add_all([live, old])
    db.session.commit()
    log_in(client, people["requester"])
    base = "/introductions/new?organization=pt-startup&context="
    assert client.get(f"{base}challenge:{draft.id}").status_code == 404
    assert client.get(f"{base}offer:{old.id}").status_code == 404
    assert client.get(f"{base}nonsense").status_code == 404
    page = client.get(f"{base}offer:{live.id}")
    assert page.status_code == 200 and "Sensor banjir" in page.get_data(as_text=True)


def test_accepting_shows_both_contact_details_and_opens_the_thread(client, people):
    ask(client, people["requester"], f"user={people['recipient'].id}")
    introduction = only_introduction()
    page = f"/introductions/{introduction.id}"
    log_in(client, people["recipient"])
    before_answer = client.get(page).get_data(as_text=True)
    assert "peminta@example.id" not in before_answer

    response = post_form(client, f"{page}/accept", page=page)

    assert response.status_code == 302
    db.session.refresh(introduction)
    assert introduction.status == IntroductionStatus.ACCEPTED
    assert introduction.answered_by_id == people["recipient"].id
    assert notified("introduction_answered") == {people["requester"].id}
    for user in (people["recipient"], people["requester"]):
        log_in(client, user)
        html = client.get(page).get_data(as_text=True)
        assert "peminta@example.id" in html and "recipient@example.id" in html
    body = "Halo Ben,\n<b>kapan</b> bisa bertemu?"
    response = post_form(client, f"{page}/messages", {"body": body}, page=page)
    assert response.status_code == 302
    log_in(client, people["recipient"])
    assert post_form(client, f"{page}/messages", {"body": "Minggu depan."}, page=page).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert escape("<b>kapan</b>") in html and "<b>kapan</b>" not in html
    assert [m.body for m in introductions.messages_of(introduction)] == [body.replace("\r\n", "\n"), "Minggu depan."]
    assert notified("introduction_message") == {people["recipient"].id, people["requester"].id}


def test_an_organization_request_is_answered_by_a_manager_who_becomes_its_contact(client, people):
    ask(client, people["requester"], "organization=pt-startup")
    introduction = only_introduction()
    page = f"/introductions/{introduction.id}"
    log_in(client, people["member"])
    assert post_form(client, f"{page}/accept", page="/account/introductions").status_code == 404
    log_in(client, people["admin"])
    assert post_form(client, f"{page}/accept", page=page).status_code == 302
    log_in(client, people["requester"])
    html = client.get(page).get_data(as_text=True)
    assert "admin@startup.id" in html and "PT Startup" in html
    assert post_form(client, f"{page}/messages", {"body": "Terima kasih!"}, page=page).status_code == 302
    # Both managers hear of the message.
    assert notified("introduction_message") == {people["manager"].id, people["admin"].id}


def test_declining_shows_no_contact_details_and_no_thread(client, people):
    ask(client, people["requester"], f"user={people['recipient'].id}")
    introduction = only_introduction()
    page = f"/introductions/{introduction.id}"
    log_in(client, people["recipient"])
    assert post_form(client, f"{page}/decline", page=page).status_code == 302
    db.session.refresh(introduction)
    assert introduction.status == IntroductionStatus.DECLINED
    assert notified("introduction_answered") == {people["requester"].id}
    log_in(client, people["requester"])
    html = client.get(page).get_data(as_text=True)
    assert "recipient@example.id" not in html
    before = counts()
    assert post_form(client, f"{page}/messages", {"body": "Halo?"}, page=page).status_code == 422
    # A second answer is refused too.
    log_in(client, people["recipient"])
    post_form(client, f"{page}/accept", page=page)
    db.session.refresh(introduction)
    assert introduction.status == IntroductionStatus.DECLINED
    assert counts() == before


def test_a_stranger_gets_404_and_cannot_answer_or_write(client, people):
    ask(client, people["requester"], f"user={people['recipient'].id}")
    introduction = only_introduction()
    introductions.answer(introduction, people["recipient"], accept=True)
    db.session.commit()
    page = f"/introductions/{introduction.id}"
    before = counts()
    log_in(client, people["stranger"])
    assert client.get(page).status_code == 404
    assert (
        post_form(client, f"{page}/messages", {"body": "Saya juga!"}, page="/account/introductions").status_code == 404
    )
    assert post_form(client, f"{page}/decline", page="/account/introductions").status_code == 404
    assert client.get("/introductions/999999").status_code == 404
    assert counts() == before
    # The requester cannot answer their own request either.
    with pytest.raises(NotAllowed):
        introductions.answer(introduction, people["requester"], accept=True)


def test_a_request_expires_after_14_days_and_can_no_longer_be_accepted(client, people):
    ask(client, people["requester"], f"user={people['recipient'].id}")
    introduction = only_introduction()
    page = f"/introductions/{introduction.id}"
    clock.freeze(NOW + timedelta(days=13, hours=23))
    log_in(client, people["recipient"])
    assert "Accept" in client.get(page).get_data(as_text=True)

    clock.freeze(NOW + timedelta(days=14))
    html = client.get(page).get_data(as_text=True)
    assert "Expired" in html and f'action="{page}/accept"' not in html
    response = post_form(client, f"{page}/accept", page=page, follow_redirects=True)

    assert "This request expired" in response.get_data(as_text=True)
    db.session.refresh(introduction)
    assert introduction.status == IntroductionStatus.PENDING and introduction.is_expired
    assert "Expired" in client.get("/account/introductions").get_data(as_text=True)
    # Once expired, a new request to the same person may be sent.
    assert ask(client, people["requester"], f"user={people['recipient'].id}").status_code == 302


def test_a_second_pending_request_to_the_same_recipient_is_refused(client, people):
    assert ask(client, people["requester"], f"user={people['recipient'].id}").status_code == 302
    before = counts()
    response = ask(client, people["requester"], f"user={people['recipient'].id}")
    assert response.status_code == 422
    assert "You already have a pending request to them" in response.get_data(as_text=True)
    assert counts() == before


def _recipients(number: int) -> list:
    users = [factories.make_user(is_public_profile=True) for _ in range(number)]
    db.session.commit()
    return users


def test_the_sixth_request_within_24_hours_is_refused_with_when_to_send_again(client, people):
    requester = people["requester"]
    for user in _recipients(5):
        introductions.request_introduction(requester, user=user, message=MESSAGE)
    db.session.commit()
    before = counts()

    response = ask(client, requester, f"user={people['recipient'].id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at most 5 introduction requests in 24 hours" in html
    assert clock.format_in_zone(NOW + timedelta(hours=24), locale="en") in html
    assert MESSAGE in html  # the typed message is kept
    assert counts() == before
    clock.freeze(NOW + timedelta(hours=24))
    assert ask(client, requester, f"user={people['recipient'].id}").status_code == 302


def test_at_most_20_requests_in_7_days(people):
    requester = people["requester"]
    users = _recipients(21)
    for day in range(4):
        clock.freeze(NOW + timedelta(days=day))
        for user in users[day * 5 : day * 5 + 5]:
            introductions.request_introduction(requester, user=user, message=MESSAGE)
    db.session.commit()
    clock.freeze(NOW + timedelta(days=5))
    with pytest.raises(DomainError):
        introductions.request_introduction(requester, user=users[20], message=MESSAGE)
    assert introductions.next_allowed_at(requester) == NOW + timedelta(days=7)


def test_a_block_refuses_requests_generically_and_closes_pending_requests_and_threads(client, people):
    requester, recipient = people["requester"], people["recipient"]
    introductions.request_introduction(recipient, user=requester, message=MESSAGE)
    db.session.commit()
    ask(client, requester, f"user={recipient.id}")
    sent = db.session.scalars(select(Introduction).where(Introduction.requester_id == requester.id)).one()
    log_in(client, recipient)
    page = f"/introductions/{sent.id}"
    assert post_form(client, f"/users/{requester.id}/block", {"next": page}, page=page).status_code == 302

    statuses = db.session.scalars(select(Introduction.status)).all()
    assert statuses == [IntroductionStatus.DECLINED, IntroductionStatus.DECLINED]
    assert notified("introduction_answered") == set()  # the blocked one is not told
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.blocked")).one()
    assert (event.actor_id, event.object_id) == (recipient.id, requester.id)
    assert requester.name in client.get("/account/introductions").get_data(as_text=True)
    before = counts()
    clock.freeze(NOW + timedelta(days=15))
    refused = ask(client, requester, f"user={recipient.id}")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "This introduction request cannot be sent." in html and "blocked" not in html.lower()
    assert counts() == before


def test_a_block_closes_an_accepted_thread_for_both_and_unblocking_reopens_it(client, people):
    requester, recipient = people["requester"], people["recipient"]
    introduction = introductions.request_introduction(requester, user=recipient, message=MESSAGE)
    introductions.answer(introduction, recipient, accept=True)
    introductions.block(recipient, requester)
    db.session.commit()
    page = f"/introductions/{introduction.id}"
    before = counts()
    log_in(client, requester)
    assert "This conversation is closed." in client.get(page).get_data(as_text=True)
    assert post_form(client, f"{page}/messages", {"body": "Halo?"}, page=page).status_code == 422
    assert counts() == before
    log_in(client, recipient)
    assert post_form(client, f"/users/{requester.id}/unblock", page="/account/introductions").status_code == 302
    assert post_form(client, f"{page}/messages", {"body": "Maaf, salah tekan."}, page=page).status_code == 302


def test_a_managers_block_does_not_stop_requests_to_the_organization(people):
    introductions.block(people["manager"], people["requester"])
    introductions.request_introduction(people["requester"], organization=people["organization"], message=MESSAGE)
    assert notified("introduction_requested") == {people["admin"].id}
    introductions.block(people["admin"], people["requester"])
    db.session.commit()
    # Every manager has blocked the requester: nobody would answer.
    with force_locale("en"), pytest.raises(DomainError, match="cannot be sent"):
        introductions.request_introduction(people["requester"], organization=people["organization"], message=MESSAGE)


@pytest.mark.parametrize("message", ["", "Terlalu pendek.", "x" * 2001])
def test_a_refused_message_is_kept_and_nothing_is_written(client, people, message):
    before = counts()
    response = ask(client, people["requester"], f"user={people['recipient'].id}", message=message)
    assert response.status_code == 422
    if message:
        assert escape(message) in response.get_data(as_text=True)
    assert counts() == before


def test_posts_without_a_csrf_token_are_refused(client, people):
    introduction = introductions.request_introduction(people["requester"], user=people["recipient"], message=MESSAGE)
    db.session.commit()
    log_in(client, people["recipient"])
    before = counts()
    for url, data in (
        (f"/introductions/new?user={people['stranger'].id}", {"message": MESSAGE}),
        (f"/introductions/{introduction.id}/accept", {}),
        (f"/introductions/{introduction.id}/messages", {"body": "Halo"}),
        (f"/users/{people['requester'].id}/block", {}),
    ):
        assert client.post(url, data=data).status_code == 400, url
    assert counts() == before
    assert db.session.get(Introduction, introduction.id).status == IntroductionStatus.PENDING


def test_get_changes_nothing(client, people):
    introduction = introductions.request_introduction(people["requester"], user=people["recipient"], message=MESSAGE)
    db.session.commit()
    before = counts()
    for user in (people["requester"], people["recipient"]):
        log_in(client, user)
        for url in (
            f"/introductions/new?user={people['stranger'].id}",
            "/account/introductions",
            "/account/introductions?box=sent",
            f"/introductions/{introduction.id}",
            f"/introductions/{introduction.id}/accept",
            f"/users/{people['stranger'].id}/block",
        ):
            assert client.get(url).status_code in (200, 405), url
    assert counts() == before
    assert db.session.get(Introduction, introduction.id).status == IntroductionStatus.PENDING


def test_the_lists_show_received_and_sent_requests_with_their_status(client, people):
    introductions.request_introduction(people["requester"], user=people["recipient"], message=MESSAGE)
    introductions.request_introduction(people["stranger"], organization=people["organization"], message=MESSAGE)
    db.session.commit()
    log_in(client, people["recipient"])
    received = client.get("/account/introductions").get_data(as_text=True)
    assert "From Rina Peminta" in received and "14 days left" in received
    log_in(client, people["requester"])
    sent = client.get("/account/introductions?box=sent").get_data(as_text=True)
    assert "To Ben Recipient" in sent
    assert "From Rina Peminta" not in client.get("/account/introductions").get_data(as_text=True)
    log_in(client, people["admin"])
    assert "From Orang Lain to PT Startup" in client.get("/account/introductions").get_data(as_text=True)


def test_the_public_pages_link_the_form_the_same_for_every_visitor(client, people):
    person = client.get(f"/people/{people['recipient'].id}").get_data(as_text=True)
    assert f'href="/introductions/new?user={people["recipient"].id}"' in person
    organization = client.get("/orgs/pt-startup").get_data(as_text=True)
    assert 'href="/introductions/new?organization=pt-startup"' in organization
    response = client.get(f"/introductions/new?user={people['recipient'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # A member of the organization is not offered to ask it, nor a person themselves.
    log_in(client, people["member"])
    assert "/introductions/new?organization=" not in client.get("/orgs/pt-startup").get_data(as_text=True)
    log_in(client, people["recipient"])
    assert "/introductions/new?user=" not in client.get(f"/people/{people['recipient'].id}").get_data(as_text=True)
