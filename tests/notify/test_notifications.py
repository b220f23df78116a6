"""Notifications: who hears what, by which channel, in which language; bell, reminders, digest."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from goi.challenges import addenda as challenge_addenda
from goi.challenges import following as challenge_following
from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges import questions as challenge_questions
from goi.challenges import services as challenge_services
from goi.challenges.models import ChallengeCoOwner, ChallengeStatus
from goi.core import clock
from goi.core.mail import OutboxMessage
from goi.notify.models import Channel, Notification
from goi.notify.services import save_preferences
from goi.orgs.models import MemberRole, OrgKind
from goi.proposals.models import Proposal, ProposalStatus
from tests.conftest import log_in, post_form
from tests.factories import add_member, make_org, make_user

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _values(**overrides) -> dict:
    values = {
        "title": "Pengendalian banjir Sungai Musi",
        "summary": "Sistem peringatan dini banjir.",
        "problem": "Banjir tahunan.",
        "sector": "water",
        "province_code": "16",
        "regency_code": "16.71",
        "eligible_kinds": ["industry", "academia", "community", "citizen", "investor"],
        "opens_at": NOW,
        "closes_at": NOW + timedelta(days=10),
    }
    values.update(overrides)
    return values


@pytest.fixture
def challenge(db, world):
    clock.freeze(NOW)
    owner = world["users"]["gov_admin"]
    challenge = challenge_services.create_challenge(owner, world["gov_verified"], _values())
    challenge_lifecycle.publish(owner, challenge)
    db.session.commit()
    return challenge


def _notifications(db, user, kind=None):
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query).all()


def _mails(db, user, kind=None):
    query = select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalars(query).all()


def test_addendum_reaches_followers_in_app_and_by_email_in_their_language(db, world, challenge):
    follower_id = make_user(email="pengikut@example.id", locale="id")
    follower_en = make_user(email="follower@example.id", locale="en")
    stranger = make_user(email="stranger@example.id")
    challenge_following.follow(follower_id, challenge)
    challenge_following.follow(follower_en, challenge)
    owner = world["users"]["gov_admin"]
    challenge_addenda.publish_addendum(
        owner, challenge, "Tenggat diperpanjang", {"closes_at": challenge.closes_at + timedelta(days=7)}
    )
    db.session.commit()
    for user in (follower_id, follower_en):
        assert len(_notifications(db, user, "addendum_published")) == 1
        assert len(_mails(db, user, "notify_addendum_published")) == 1
    assert _notifications(db, stranger) == []
    subject_id = _mails(db, follower_id)[0].subject
    subject_en = _mails(db, follower_en)[0].subject
    assert subject_en.startswith("Addendum 1")
    assert subject_id != subject_en and "Adendum" in subject_id


def test_addendum_reaches_teams_with_drafts(db, world, challenge):
    lead = make_user(email="lead@example.id")
    db.session.add(Proposal(challenge_id=challenge.id, lead_user_id=lead.id, team_key=f"user:{lead.id}", title="Draf"))
    db.session.flush()
    challenge_addenda.publish_addendum(
        world["users"]["gov_admin"], challenge, "Tenggat", {"closes_at": challenge.closes_at + timedelta(days=1)}
    )
    db.session.commit()
    assert len(_notifications(db, lead, "addendum_published")) == 1


def test_in_app_only_preference_sends_no_email(db, world, challenge):
    follower = make_user(email="quiet@example.id")
    save_preferences(follower, {"addendum_published": Channel.IN_APP})
    challenge_following.follow(follower, challenge)
    challenge_addenda.publish_addendum(
        world["users"]["gov_admin"], challenge, "Tenggat", {"closes_at": challenge.closes_at + timedelta(days=1)}
    )
    db.session.commit()
    assert len(_notifications(db, follower, "addendum_published")) == 1
    assert _mails(db, follower) == []


def test_email_only_preference_leaves_nothing_unread(db, world, challenge):
    follower = make_user(email="mailonly@example.id")
    save_preferences(follower, {"addendum_published": Channel.EMAIL})
    challenge_following.follow(follower, challenge)
    challenge_addenda.publish_addendum(
        world["users"]["gov_admin"], challenge, "Tenggat", {"closes_at": challenge.closes_at + timedelta(days=1)}
    )
    db.session.commit()
    assert [n.read_at is not None for n in _notifications(db, follower)] == [True]
    assert len(_mails(db, follower)) == 1


def test_daily_digest_collects_into_one_email_once(app, db, world, challenge):
    follower = make_user(email="digest@example.id")
    save_preferences(follower, {"addendum_published": Channel.DIGEST})
    challenge_following.follow(follower, challenge)
    owner = world["users"]["gov_admin"]
    challenge_addenda.publish_addendum(owner, challenge, "Satu", {"closes_at": challenge.closes_at + timedelta(days=1)})
    challenge_addenda.publish_addendum(owner, challenge, "Dua", {"closes_at": challenge.closes_at + timedelta(days=2)})
    db.session.commit()
    assert _mails(db, follower) == []
    result = app.test_cli_runner().invoke(args=["goi", "notify", "digest"])
    assert result.exit_code == 0 and "digests queued 1" in result.output
    mails = _mails(db, follower, "notification_digest")
    assert len(mails) == 1
    assert mails[0].body_text.count("/challenges/") == 2
    result = app.test_cli_runner().invoke(args=["goi", "notify", "digest"])
    assert "digests queued 0" in result.output


def test_answer_reaches_only_the_asker(db, world, challenge):
    asker = make_user(email="asker@example.id")
    other = make_user(email="other@example.id")
    challenge_following.follow(other, challenge)
    question = challenge_questions.ask_question(asker, challenge, "Apakah data debit tersedia?")
    challenge_questions.answer_question(world["users"]["gov_admin"], question, "Ya, lampiran 2.", publish=False)
    db.session.commit()
    assert len(_notifications(db, asker, "question_answered")) == 1
    assert _notifications(db, other, "question_answered") == []


def test_deadline_reminders_three_days_and_24_hours_each_once(app, db, world, challenge):
    follower = make_user(email="rajin@example.id")
    challenge_following.follow(follower, challenge)
    submitted_lead = make_user(email="done@example.id")
    challenge_following.follow(submitted_lead, challenge)
    db.session.add(
        Proposal(
            challenge_id=challenge.id,
            lead_user_id=submitted_lead.id,
            team_key=f"user:{submitted_lead.id}",
            title="Sudah dikirim",
            status=ProposalStatus.SUBMITTED,
        )
    )
    db.session.commit()
    runner = app.test_cli_runner()
    clock.freeze(challenge.closes_at - timedelta(days=4))
    assert "reminded 0" in runner.invoke(args=["goi", "notify", "reminders"]).output
    clock.freeze(challenge.closes_at - timedelta(days=2, hours=23))
    assert "reminded 1" in runner.invoke(args=["goi", "notify", "reminders"]).output
    assert "reminded 0" in runner.invoke(args=["goi", "notify", "reminders"]).output
    clock.freeze(challenge.closes_at - timedelta(hours=5))
    assert "reminded 1" in runner.invoke(args=["goi", "notify", "reminders"]).output
    reminders = _notifications(db, follower, "deadline_reminder")
    assert len(reminders) == 2
    assert _notifications(db, submitted_lead, "deadline_reminder") == []


def test_a_request_after_the_deadline_closes_the_challenge_and_tells_followers(client, db, world, challenge):
    follower = make_user(email="watcher@example.id")
    challenge_following.follow(follower, challenge)
    db.session.commit()
    clock.freeze(challenge.closes_at + timedelta(seconds=1))
    assert client.get("/").status_code == 200
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.CLOSED
    assert len(_notifications(db, follower, "challenge_closed")) == 1


def test_bell_counts_unread_and_marking_read_works(client, db, world, challenge):
    follower = make_user(email="bell@example.id")
    challenge_following.follow(follower, challenge)
    owner = world["users"]["gov_admin"]
    challenge_addenda.publish_addendum(owner, challenge, "Satu", {"closes_at": challenge.closes_at + timedelta(days=1)})
    challenge_addenda.publish_addendum(owner, challenge, "Dua", {"closes_at": challenge.closes_at + timedelta(days=2)})
    db.session.commit()
    log_in(client, follower)
    page = client.get("/").get_data(as_text=True)
    assert 'data-unread="2"' in page
    first = _notifications(db, follower)[0]
    response = post_form(client, f"/notifications/{first.id}/read", page="/notifications")
    assert response.status_code == 302
    assert 'data-unread="1"' in client.get("/").get_data(as_text=True)
    assert post_form(client, "/notifications/read-all", page="/notifications").status_code == 302
    assert "data-unread" not in client.get("/").get_data(as_text=True)


def test_someone_elses_notification_is_not_found(client, db, world, challenge):
    follower = make_user(email="victim@example.id")
    challenge_following.follow(follower, challenge)
    challenge_addenda.publish_addendum(
        world["users"]["gov_admin"], challenge, "Satu", {"closes_at": challenge.closes_at + timedelta(days=1)}
    )
    db.session.commit()
    notification = _notifications(db, follower)[0]
    log_in(client, world["users"]["user"])
    response = post_form(client, f"/notifications/{notification.id}/read", page="/notifications")
    assert response.status_code == 404
    db.session.refresh(notification)
    assert notification.read_at is None
    assert "Satu" not in client.get("/notifications").get_data(as_text=True)


def test_settings_page_saves_channels_and_refuses_unknown_values(client, db, world):
    user = world["users"]["user"]
    log_in(client, user)
    assert client.get("/account/notifications").status_code == 200
    response = post_form(
        client,
        "/account/notifications",
        {
            "proposal_submitted": "both",
            "proposal_withdrawn": "email",
            "team_invitation": "in_app",
            "question_answered": "email",
            "addendum_published": "digest",
            "deadline_reminder": "in_app",
            "challenge_closed": "in_app",
            "challenge_status": "both",
        },
    )
    assert response.status_code == 302
    from goi.notify.services import preferences_of

    chosen = preferences_of([user.id])[user.id]
    assert chosen["addendum_published"] == Channel.DIGEST and chosen["question_answered"] == Channel.EMAIL
    response = post_form(client, "/account/notifications", {"addendum_published": "carrier-pigeon"})
    assert response.status_code == 200
    assert preferences_of([user.id])[user.id]["addendum_published"] == Channel.DIGEST


def test_anonymous_is_sent_to_login(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _submitted_proposal(db, world, challenge):
    from goi.proposals import services as proposal_services
    from goi.proposals import submission as proposal_submission

    lead = make_user(email="lead-receipt@example.id", locale="en")
    proposal = proposal_services.start_proposal(lead, challenge, None, "Sensor muka air")
    proposal_services.update_proposal(
        lead,
        proposal,
        {
            "title": "Sensor muka air",
            "summary": "Ringkas.",
            "approach": "Pendekatan.",
            "workplan": "Rencana.",
            "team_roles": "Ketua",
            "budget_estimate": 5_000_000_000,
            "trl": 5,
            "sections": {criterion.id: "Jawaban." for criterion in challenge.criteria},
        },
    )
    version = proposal_submission.submit_proposal(lead, proposal)
    db.session.commit()
    return lead, proposal, version


def test_submission_receipt_goes_to_the_team_only_with_time_and_hash(app, db, world, challenge):
    follower = make_user(email="competitor@example.id")
    challenge_following.follow(follower, challenge)
    with app.test_request_context("/", method="POST"):
        lead, proposal, version = _submitted_proposal(db, world, challenge)
    receipts = _mails(db, lead, "notify_proposal_submitted")
    assert len(receipts) == 1
    assert version.content_hash in receipts[0].body_text
    assert "WIB" in receipts[0].body_text and "UTC" in receipts[0].body_text
    assert receipts[0].subject.startswith("Receipt")
    everyone_else = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "notify_proposal_submitted", OutboxMessage.recipient != lead.email
        )
    ).all()
    assert everyone_else == []
    assert _notifications(db, follower, "proposal_submitted") == []
    assert proposal.budget_estimate == 5_000_000_000


def test_withdrawal_tells_the_partners_not_the_lead(app, db, world, challenge):
    from goi.proposals import services as proposal_services
    from goi.proposals.models import TeamMember, TeamMemberStatus, TeamRole

    with app.test_request_context("/", method="POST"):
        lead, proposal, _version = _submitted_proposal(db, world, challenge)
        partner = make_user(email="partner@example.id")
        db.session.add(
            TeamMember(
                proposal=proposal,
                user_id=partner.id,
                email=partner.email,
                role=TeamRole.PARTNER,
                status=TeamMemberStatus.ACCEPTED,
            )
        )
        db.session.flush()
        proposal_services.withdraw_proposal(lead, proposal)
        db.session.commit()
    assert len(_notifications(db, partner, "proposal_withdrawn")) == 1
    assert len(_mails(db, partner, "notify_proposal_withdrawn")) == 1
    assert _notifications(db, lead, "proposal_withdrawn") == []


def test_a_second_digest_waits_a_day(app, db, world, challenge):
    follower = make_user(email="daily@example.id")
    save_preferences(follower, {"addendum_published": Channel.DIGEST})
    challenge_following.follow(follower, challenge)
    owner = world["users"]["gov_admin"]
    challenge_addenda.publish_addendum(owner, challenge, "Satu", {"closes_at": challenge.closes_at + timedelta(days=1)})
    db.session.commit()
    runner = app.test_cli_runner()
    assert "digests queued 1" in runner.invoke(args=["goi", "notify", "digest"]).output
    challenge_addenda.publish_addendum(owner, challenge, "Dua", {"closes_at": challenge.closes_at + timedelta(days=1)})
    db.session.commit()
    clock.freeze(NOW + timedelta(hours=2))
    assert "digests queued 0" in runner.invoke(args=["goi", "notify", "digest"]).output
    clock.freeze(NOW + timedelta(hours=24))
    assert "digests queued 1" in runner.invoke(args=["goi", "notify", "digest"]).output
    assert len(_mails(db, follower, "notification_digest")) == 2


def _write_transactions_of_due_work(monkeypatch) -> list[int]:
    """Counts the write transactions the due work begins (each takes SQLite's write lock)."""
    from goi.site import due_work

    begun: list[int] = []
    original = due_work.write_transaction

    def counting():
        begun.append(1)
        return original()

    monkeypatch.setattr(due_work, "write_transaction", counting)
    due_work._last_reminders.clear()
    return begun


def test_a_reminder_round_begins_a_write_transaction_only_when_something_is_due(monkeypatch, client, db, challenge):
    from goi.site.due_work import REMINDER_INTERVAL

    follower = make_user(email="pengikut@example.id")
    challenge_following.follow(follower, challenge)
    db.session.commit()
    begun = _write_transactions_of_due_work(monkeypatch)

    def a_round_at(moment) -> int:
        clock.freeze(moment)
        before = len(begun)
        assert client.get("/").status_code == 200
        return len(begun) - before

    # Ten days before the deadline nothing is due: the round only reads.
    assert a_round_at(challenge.closes_at - timedelta(days=10)) == 0
    assert _notifications(db, follower, "deadline_reminder") == []
    # In the three-day window the reminder is written, in one write transaction.
    in_window = challenge.closes_at - timedelta(days=2, hours=23)
    assert a_round_at(in_window) == 1
    assert len(_notifications(db, follower, "deadline_reminder")) == 1
    # The next round finds it sent: nothing is due, no write transaction.
    assert a_round_at(in_window + REMINDER_INTERVAL) == 0
    assert len(_notifications(db, follower, "deadline_reminder")) == 1


def test_a_digest_round_begins_a_write_transaction_only_when_a_digest_is_due(monkeypatch, client, db, world, challenge):
    from goi.site.due_work import REMINDER_INTERVAL

    follower = make_user(email="ringkas@example.id")
    save_preferences(follower, {"addendum_published": Channel.DIGEST})
    challenge_following.follow(follower, challenge)
    db.session.commit()
    begun = _write_transactions_of_due_work(monkeypatch)
    client.get("/")
    assert begun == []  # a digest reader, but nothing to digest yet
    owner = world["users"]["gov_admin"]
    challenge_addenda.publish_addendum(owner, challenge, "Satu", {"closes_at": challenge.closes_at + timedelta(days=1)})
    db.session.commit()
    clock.freeze(clock.now() + REMINDER_INTERVAL)
    client.get("/")
    assert begun == [1]
    assert len(_mails(db, follower, "notification_digest")) == 1


@pytest.fixture
def owners(db, world, challenge):
    """The challenge's owners: the owner organization's admins and a co-owner's, beside a plain member of each."""
    palembang = world["gov_verified"]
    second_admin = make_user(email="admin2@palembang.go.id", locale="en")
    add_member(palembang, second_admin, MemberRole.ADMIN)
    staff = make_user(email="staf@palembang.go.id")
    add_member(palembang, staff, MemberRole.MEMBER)
    co_owner_admin = make_user(email="admin@denpasarkota.go.id")
    denpasar = make_org(OrgKind.GOVERNMENT, owner=co_owner_admin, verified=True, slug="pemkot-denpasar")
    db.session.add(ChallengeCoOwner(challenge_id=challenge.id, organization_id=denpasar.id))
    db.session.commit()
    db.session.expire(challenge, ["co_owners"])
    return {
        "admins": [world["users"]["gov_admin"], second_admin, co_owner_admin],
        "staff": staff,
    }


def test_a_new_question_reaches_every_owner_admin_in_app_and_by_email(client, db, world, challenge, owners):
    asker = make_user(email="penanya@example.id")
    question = challenge_questions.ask_question(asker, challenge, "Apakah data debit tersedia?")
    db.session.commit()
    for admin in owners["admins"]:
        [notification] = _notifications(db, admin, "question_asked")
        assert notification.link == f"/challenges/{challenge.slug}/questions#question-{question.id}"
        assert len(_mails(db, admin, "notify_question_asked")) == 1
        assert "Apakah data debit tersedia?" in notification.body
    assert _notifications(db, owners["staff"]) == []
    assert _notifications(db, asker) == []
    english = _mails(db, owners["admins"][1], "notify_question_asked")[0]
    assert english.subject == f'New question on "{challenge.title}"'
    indonesian = _mails(db, owners["admins"][0], "notify_question_asked")[0]
    assert indonesian.subject == f'Pertanyaan baru tentang "{challenge.title}"'
    # The bell counts it.
    log_in(client, owners["admins"][0])
    assert 'data-unread="1"' in client.get("/").get_data(as_text=True)


def test_asking_on_the_page_tells_the_owners(client, db, world, challenge, owners):
    log_in(client, make_user(email="warga2@example.id"))
    page = f"/challenges/{challenge.slug}"
    response = post_form(client, f"{page}/questions", {"body": "Berapa anggaran pemeliharaan?"}, page=page)
    assert response.status_code == 302
    assert len(_notifications(db, owners["admins"][0], "question_asked")) == 1


def test_owners_choose_the_channel_of_question_notifications(client, db, world, challenge, owners):
    owner = owners["admins"][0]
    log_in(client, owner)
    settings = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="question_asked"' in settings and 'name="question_waiting"' in settings
    save_preferences(owner, {"question_asked": Channel.IN_APP})
    db.session.commit()
    challenge_questions.ask_question(make_user(email="q@example.id"), challenge, "Apakah ada data?")
    db.session.commit()
    assert len(_notifications(db, owner, "question_asked")) == 1
    assert _mails(db, owner, "notify_question_asked") == []


def test_questions_waiting_more_than_three_days_remind_the_owners_once(app, db, world, challenge, owners):
    runner = app.test_cli_runner()
    first = challenge_questions.ask_question(make_user(email="a@example.id"), challenge, "Pertanyaan pertama?")
    db.session.commit()
    clock.freeze(NOW + timedelta(days=2, hours=23))
    assert "reminded 0" in runner.invoke(args=["goi", "notify", "reminders"]).output
    second = challenge_questions.ask_question(make_user(email="b@example.id"), challenge, "Pertanyaan kedua?")
    db.session.commit()
    clock.freeze(NOW + timedelta(days=3, minutes=1))
    assert "reminded 3" in runner.invoke(args=["goi", "notify", "reminders"]).output
    assert "reminded 0" in runner.invoke(args=["goi", "notify", "reminders"]).output
    [reminder] = _notifications(db, owners["admins"][0], "question_waiting")
    assert "Pertanyaan pertama?" in reminder.body and "Pertanyaan kedua?" not in reminder.body
    assert _notifications(db, owners["staff"], "question_waiting") == []
    # The first is answered; when the second has waited three days, the owners hear of it alone.
    challenge_questions.answer_question(owners["admins"][0], first, "Ya.", publish=True)
    db.session.commit()
    clock.freeze(NOW + timedelta(days=5, hours=23, minutes=2))
    assert "reminded 3" in runner.invoke(args=["goi", "notify", "reminders"]).output
    newest = _notifications(db, owners["admins"][2], "question_waiting")[-1]
    assert "Pertanyaan kedua?" in newest.body and "Pertanyaan pertama?" not in newest.body
    # Answered, nothing is waiting; and a closed challenge's questions remind no one.
    challenge_questions.answer_question(owners["admins"][0], second, "Tidak.", publish=False)
    db.session.commit()
    clock.freeze(NOW + timedelta(days=9))
    assert "reminded 0" in runner.invoke(args=["goi", "notify", "reminders"]).output


def test_a_request_sends_a_due_question_reminder(client, app, db, world, challenge, owners):
    app.config["REMINDERS_ON_REQUEST"] = True
    challenge_questions.ask_question(make_user(email="c@example.id"), challenge, "Masih menunggu?")
    db.session.commit()
    clock.freeze(NOW + timedelta(days=4))
    assert client.get("/").status_code == 200
    assert len(_notifications(db, owners["admins"][0], "question_waiting")) == 1
