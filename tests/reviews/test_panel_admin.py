"""The review panel: invitations by email and their answers, reminders, roles and loads, removal, and the pages of
conflicts of interest (the standalone check, the managers' rulings, a reviewer's declarations)."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.errors import DomainError
from goi.core.mail import OutboxMessage
from goi.reviews import panel_admin
from goi.reviews.models import (
    Assignment,
    Conflict,
    ConflictKind,
    ConflictSource,
    PanelMember,
    PanelRole,
    PanelStatus,
    Review,
    ReviewRound,
    ReviewStatus,
)
from tests import factories
from tests.conftest import count_statements, log_in, post_form
from tests.proposals.conftest import accepted_partner, make_proposal, make_submitted_proposal

LINK = re.compile(r"http://localhost(/review-invitations/[A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def _in_english(app, client):
    client.set_cookie("goi_lang", "en")
    with force_locale("en"):
        yield


@pytest.fixture
def review(db, world, make_challenge, solver_orgs):
    """An unsealed challenge with two submitted proposals: A by PT Industri, B by a citizen with a partner of Unsri."""
    challenge = make_challenge(is_sealed=False)
    users = world["users"]
    a = make_submitted_proposal(db, challenge, users["org_owner"], world["industry"], title="Usulan Industri")
    b = make_submitted_proposal(db, challenge, users["user"], title="Usulan Warga")
    accepted_partner(db, b, solver_orgs["partner_user"], solver_orgs["university"])
    return {"challenge": challenge, "a": a, "b": b, "owner": users["gov_admin"], "users": users, **solver_orgs}


def _url(challenge, tail: str = "panel") -> str:
    return f"/challenges/{challenge.slug}/review/{tail}"


def _invite(client, challenge, email: str, role: str = "reviewer", max_load: str = ""):
    url = _url(challenge)
    return post_form(client, url, {"email": email, "role": role, "max_load": max_load}, page=url)


def _member(db, challenge, email: str) -> PanelMember | None:
    db.session.expire_all()
    return db.session.scalar(
        select(PanelMember).where(PanelMember.challenge_id == challenge.id, PanelMember.email == email)
    )


def _mails(db, kind: str = "panel_invitation") -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def _link(message: OutboxMessage) -> str:
    match = LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(1)


def _actions(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _accepted(db, challenge, user, role=PanelRole.REVIEWER) -> PanelMember:
    member = PanelMember(
        challenge_id=challenge.id, email=user.email, user_id=user.id, role=role, status=PanelStatus.ACCEPTED
    )
    db.session.add(member)
    db.session.commit()
    return member


# --- invitations -----------------------------------------------------------------------------------------------------


def test_the_owner_invites_a_reviewer_by_email_with_a_link_whose_token_is_stored_hashed(db, client, review):
    log_in(client, review["owner"])
    response = _invite(client, review["challenge"], "  Juri@Example.ID ", max_load="12")
    assert response.status_code == 302
    member = _member(db, review["challenge"], "juri@example.id")
    assert (member.status, member.role, member.max_load, member.user_id) == (
        PanelStatus.INVITED,
        PanelRole.REVIEWER,
        12,
        None,
    )
    [mail] = _mails(db)
    assert mail.recipient == "juri@example.id"
    link = _link(mail)
    token = link.rsplit("/", 1)[1]
    assert member.token_hash and token not in member.token_hash and len(member.token_hash) == 64
    assert "Banjir di Palembang" in mail.body_text and "12 proposals" in mail.body_text
    assert _actions(db, "review.panel_invited")[0].actor_id == review["owner"].id
    page = client.get(_url(review["challenge"])).get_data(as_text=True)
    assert "juri@example.id" in page and "Invited" in page


def test_the_mail_speaks_the_invitees_language_else_the_inviters(db, client, review):
    factories.make_user(email="akun@example.id", locale="id")
    db.session.commit()
    log_in(client, review["owner"])
    _invite(client, review["challenge"], "akun@example.id")
    _invite(client, review["challenge"], "baru@example.id")
    with_account, without = _mails(db)
    assert with_account.locale == "id" and "Undangan" in with_account.subject
    assert without.locale == "en" and "Invitation to review" in without.subject


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address"}, "Invalid email address."),
        ({"email": ""}, "This field is required."),
        ({"email": "a@example.id", "max_load": "0"}, "Number must be between 1 and 200."),
        ({"email": "a@example.id", "max_load": "201"}, "Number must be between 1 and 200."),
        ({"email": "a@example.id", "max_load": "many"}, "Not a valid integer value."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(db, client, review, data, message):
    log_in(client, review["owner"])
    url = _url(review["challenge"])
    response = post_form(client, url, {"role": "reviewer", **data}, page=url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if data["email"]:
        assert f'value="{data["email"]}"' in page
    assert db.session.scalars(select(PanelMember)).all() == []
    assert _mails(db) == []


def test_one_row_per_address_and_a_declined_person_can_be_invited_again(db, client, review):
    log_in(client, review["owner"])
    _invite(client, review["challenge"], "juri@example.id")
    again = _invite(client, review["challenge"], "JURI@example.id")
    assert again.status_code == 422 and "already on the panel or invited" in again.get_data(as_text=True)
    member = _member(db, review["challenge"], "juri@example.id")
    member.status = PanelStatus.DECLINED
    member.token_hash = None
    member.responded_at = clock.now()
    db.session.commit()
    clock.freeze(clock.now() + timedelta(days=2))
    assert _invite(client, review["challenge"], "juri@example.id", max_load="3").status_code == 302
    reopened = _member(db, review["challenge"], "juri@example.id")
    assert (reopened.id, reopened.status, reopened.max_load, reopened.responded_at) == (
        member.id,
        PanelStatus.INVITED,
        3,
        None,
    )
    first, second = _mails(db)
    assert _link(first) != _link(second)


def test_only_owners_name_chairs_and_a_chair_invites_reviewers(db, client, review):
    chair = factories.make_user(email="ketua@example.id")
    _accepted(db, review["challenge"], chair, PanelRole.CHAIR)
    log_in(client, chair)
    refused = _invite(client, review["challenge"], "another@example.id", role="chair")
    assert refused.status_code == 422 and _member(db, review["challenge"], "another@example.id") is None
    assert _invite(client, review["challenge"], "reviewer@example.id").status_code == 302
    with pytest.raises(DomainError):
        panel_admin.invite(chair, review["challenge"], "third@example.id", PanelRole.CHAIR, None)
    log_in(client, review["owner"])
    assert _invite(client, review["challenge"], "second-chair@example.id", role="chair").status_code == 302
    assert _member(db, review["challenge"], "second-chair@example.id").role == PanelRole.CHAIR


def test_no_invitations_to_a_draft_or_a_cancelled_challenge(db, world, make_challenge):
    draft = make_challenge(publish=False)
    with pytest.raises(DomainError):
        panel_admin.invite(world["users"]["gov_admin"], draft, "juri@example.id", PanelRole.REVIEWER, None)


def test_a_team_member_can_be_invited_and_the_inviter_sees_their_conflicts(db, client, review):
    log_in(client, review["owner"])
    response = _invite(client, review["challenge"], review["users"]["user"].email)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This person has 2 conflicts of interest with the current proposals." in page  # the team, example.id


# --- answers ---------------------------------------------------------------------------------------------------------


def _invited_link(db, client, review, email: str, role: str = "reviewer") -> str:
    log_in(client, review["owner"])
    _invite(client, review["challenge"], email, role=role)
    return _link(_mails(db)[-1])


def test_the_invited_person_accepts_with_the_matching_address_and_conflicts_are_recorded(db, client, review):
    link = _invited_link(db, client, review, "WARGA@example.id")
    invitee = review["users"]["user"]  # warga@example.id, lead of proposal B
    client.post("/logout", data={"csrf_token": ""})
    log_in(client, invitee)
    page = client.get(link)
    assert page.status_code == 200 and "Banjir di Palembang" in page.get_data(as_text=True)
    assert _member(db, review["challenge"], "warga@example.id").status == PanelStatus.INVITED  # GET changes nothing
    response = post_form(client, link, {"decision": "accept"}, page=link)
    assert response.status_code == 302
    member = _member(db, review["challenge"], "warga@example.id")
    assert (member.status, member.user_id, member.token_hash) == (PanelStatus.ACCEPTED, invitee.id, None)
    assert member.responded_at is not None
    conflict = db.session.scalar(select(Conflict).where(Conflict.user_id == invitee.id))
    assert (conflict.proposal_id, conflict.kind, conflict.source) == (
        review["b"].id,
        ConflictKind.TEAM_MEMBER,
        ConflictSource.DETECTED,
    )
    assert _actions(db, "review.panel_accepted")[0].actor_id == invitee.id
    assert client.get(link).status_code == 404
    assert post_form(client, link, {"decision": "decline"}, page="/").status_code == 404


def test_another_address_is_refused_and_nothing_changes(db, client, review):
    link = _invited_link(db, client, review, "juri@example.id")
    log_in(client, review["users"]["org_member"])
    shown = client.get(link).get_data(as_text=True)
    assert "This invitation was sent to juri@example.id" in shown and 'value="accept"' not in shown
    response = post_form(client, link, {"decision": "accept"}, page=link)
    assert response.status_code == 422
    assert "This invitation was sent to juri@example.id" in response.get_data(as_text=True)
    member = _member(db, review["challenge"], "juri@example.id")
    assert (member.status, member.user_id) == (PanelStatus.INVITED, None) and member.token_hash


def test_the_invited_person_declines(db, client, review):
    link = _invited_link(db, client, review, "juri@example.id")
    juri = factories.make_user(email="juri@example.id")
    db.session.commit()
    log_in(client, juri)
    assert post_form(client, link, {"decision": "decline"}, page=link).status_code == 302
    member = _member(db, review["challenge"], "juri@example.id")
    assert (member.status, member.user_id, member.token_hash) == (PanelStatus.DECLINED, None, None)
    assert _actions(db, "review.panel_declined")


def test_the_link_needs_a_login_and_brings_a_new_person_back(db, client, review):
    link = _invited_link(db, client, review, "juri@example.id")
    with client.session_transaction() as session:
        session.clear()
    response = client.get(link)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.get("/review-invitations/unknown-token").status_code == 302  # the login first, then a 404
    log_in(client, review["users"]["user"])
    assert client.get("/review-invitations/unknown-token").status_code == 404


def _next_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["next"][0]


def test_a_person_without_an_account_registers_and_comes_back_to_the_invitation(db, client, review):
    link = _invited_link(db, client, review, "baru@example.id")
    with client.session_transaction() as session:
        session.clear()
    login = client.get(link).headers["Location"]
    assert _next_of(login) == link
    register = re.search(r'href="(/register\?next=[^"]+)"', client.get(login).get_data(as_text=True)).group(1)
    assert _next_of(register) == link
    data = {"name": "Orang Baru", "email": "baru@example.id", "password": "a long new passphrase"}
    response = post_form(client, register, {**data, "confirm": data["password"]})
    assert response.status_code == 302 and _next_of(response.headers["Location"]) == link
    [confirmation] = _mails(db, "confirm_email")
    confirm = re.search(r"http://localhost(/confirm/\S+)", confirmation.body_text).group(1)
    assert _next_of(confirm) == link
    confirmed = post_form(client, confirm)
    assert _next_of(confirmed.headers["Location"]) == link
    logged_in = post_form(
        client, confirmed.headers["Location"], {"email": data["email"], "password": data["password"], "next": link}
    )
    assert logged_in.headers["Location"] == link
    assert post_form(client, link, {"decision": "accept"}, page=link).status_code == 302
    assert _member(db, review["challenge"], "baru@example.id").status == PanelStatus.ACCEPTED


# --- reminders, changes, removal -------------------------------------------------------------------------------------


def test_a_reminder_sends_the_same_link_at_most_once_a_day(db, client, review):
    link = _invited_link(db, client, review, "juri@example.id")
    member = _member(db, review["challenge"], "juri@example.id")
    url = _url(review["challenge"], f"panel/{member.id}/remind")
    too_soon = post_form(client, url, page=_url(review["challenge"]))
    assert too_soon.status_code == 302 and len(_mails(db)) == 1
    assert "less than a day ago" in client.get(too_soon.headers["Location"]).get_data(as_text=True)
    clock.freeze(clock.now() + timedelta(days=1, minutes=1))
    assert post_form(client, url, page=_url(review["challenge"])).status_code == 302
    mails = _mails(db)
    assert len(mails) == 2 and _link(mails[1]) == link and mails[1].subject.startswith("Reminder")
    assert _member(db, review["challenge"], "juri@example.id").reminded_at == clock.now()
    post_form(client, url, page=_url(review["challenge"]))
    assert len(_mails(db)) == 2
    assert len(_actions(db, "review.panel_reminded")) == 1


def test_unanswered_invitations_are_reminded_once_after_three_days(db, client, review):
    _invited_link(db, client, review, "juri@example.id")
    assert not panel_admin.invitations_to_remind()
    clock.freeze(clock.now() + timedelta(days=3, minutes=1))
    assert panel_admin.invitations_to_remind()
    assert panel_admin.send_invitation_reminders() == 1
    db.session.commit()
    assert not panel_admin.invitations_to_remind()
    clock.freeze(clock.now() + timedelta(days=5))
    assert panel_admin.send_invitation_reminders() == 0
    assert len(_mails(db)) == 2


def test_the_next_request_after_three_days_sends_the_reminder(app, db, client, review):
    _invited_link(db, client, review, "juri@example.id")
    app.config["REMINDERS_ON_REQUEST"] = True
    clock.freeze(clock.now() + timedelta(days=3, hours=1))
    assert client.get("/").status_code == 200
    assert [mail.subject.startswith("Reminder") for mail in _mails(db)] == [False, True]


def test_role_and_load_change_and_only_an_owner_touches_a_chair(db, client, review):
    reviewer = _accepted(db, review["challenge"], factories.make_user(email="r@example.id"))
    chair_user = factories.make_user(email="c@example.id")
    chair = _accepted(db, review["challenge"], chair_user, PanelRole.CHAIR)
    log_in(client, chair_user)
    page = _url(review["challenge"])
    prefix = f"member-{reviewer.id}-"
    ok = post_form(client, f"{page}/{reviewer.id}", {prefix + "role": "reviewer", prefix + "max_load": "5"}, page=page)
    assert ok.status_code == 302 and db.session.get(PanelMember, reviewer.id).max_load == 5
    bad = post_form(
        client, f"{page}/{reviewer.id}", {prefix + "role": "reviewer", prefix + "max_load": "500"}, page=page
    )
    assert bad.status_code == 422 and "Number must be between 1 and 200." in bad.get_data(as_text=True)
    promote = post_form(client, f"{page}/{reviewer.id}", {prefix + "role": "chair"}, page=page)
    assert promote.status_code == 422
    remove_chair = post_form(client, f"{page}/{chair.id}/remove", page=page)
    assert remove_chair.status_code == 302
    db.session.expire_all()
    assert db.session.get(PanelMember, chair.id) is not None
    assert db.session.get(PanelMember, reviewer.id).role == PanelRole.REVIEWER
    log_in(client, review["owner"])
    prefix = f"member-{reviewer.id}-"
    assert post_form(client, f"{page}/{reviewer.id}", {prefix + "role": "chair"}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(PanelMember, reviewer.id).role == PanelRole.CHAIR
    assert db.session.get(PanelMember, reviewer.id).max_load is None
    assert _actions(db, "review.panel_member_updated")


def test_a_member_with_submitted_reviews_stays_and_one_without_is_removed(db, client, review):
    busy = _accepted(db, review["challenge"], factories.make_user(email="busy@example.id"))
    idle = _accepted(db, review["challenge"], factories.make_user(email="idle@example.id"))
    review_round = ReviewRound(challenge_id=review["challenge"].id, number=1, name="Seleksi", deadline=clock.now())
    db.session.add(review_round)
    db.session.flush()
    for member, status in ((busy, ReviewStatus.SUBMITTED), (idle, ReviewStatus.DRAFT)):
        assignment = Assignment(round_id=review_round.id, proposal_id=review["a"].id, member_id=member.id)
        db.session.add(assignment)
        db.session.flush()
        db.session.add(Review(assignment_id=assignment.id, status=status))
    db.session.commit()
    log_in(client, review["owner"])
    page = _url(review["challenge"])
    refused = post_form(client, f"{page}/{busy.id}/remove", page=page)
    assert "has submitted reviews" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert post_form(client, f"{page}/{idle.id}/remove", page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(PanelMember, busy.id) is not None
    assert db.session.get(PanelMember, idle.id) is None
    assert [event.actor_id for event in _actions(db, "review.panel_member_removed")] == [review["owner"].id]


def test_a_member_of_another_challenge_is_not_found(db, client, review, make_challenge):
    other = make_challenge(title="Lain")
    member = _accepted(db, other, factories.make_user(email="lain@example.id"))
    log_in(client, review["owner"])
    page = _url(review["challenge"])
    assert post_form(client, f"{page}/{member.id}/remove", page=page).status_code == 404


# --- conflicts -------------------------------------------------------------------------------------------------------


def test_the_check_shows_an_addresss_conflicts_with_reasons(db, client, review):
    log_in(client, review["owner"])
    url = _url(review["challenge"], "conflicts/check")
    page = client.get(url, query_string={"email": "member@industri.id"}).get_data(as_text=True)
    assert f"Proposal #{review['a'].id}: Usulan Industri" in page
    assert "organization on the team" in page and "Shares the email domain industri.id" in page
    assert "PT Industri" in page  # the owner sees the team
    clean = client.get(url, query_string={"email": "someone@gmail.com"}).get_data(as_text=True)
    assert "No conflicts found with the current proposals." in clean
    invite = f"/challenges/{review['challenge'].slug}/review/panel?email=someone@gmail.com#invite-heading"
    assert f'href="{invite}"' in clean
    assert 'value="someone@gmail.com"' in client.get(invite).get_data(as_text=True)
    bad = client.get(url, query_string={"email": "nonsense"}).get_data(as_text=True)
    assert "Invalid email address." in bad and "No conflicts found" not in bad
    assert "No conflicts found" not in client.get(url).get_data(as_text=True)


def test_a_sealed_challenge_shows_no_conflicts_before_its_deadline(db, client, world, make_challenge):
    challenge = make_challenge()
    make_submitted_proposal(db, challenge, world["users"]["org_owner"], world["industry"], title="Rahasia")
    log_in(client, world["users"]["gov_admin"])
    page = client.get(_url(challenge, "conflicts/check"), query_string={"email": "member@industri.id"})
    assert "sealed until the deadline" in page.get_data(as_text=True) and "Rahasia" not in page.get_data(as_text=True)
    assert "Rahasia" not in client.get(_url(challenge, "conflicts")).get_data(as_text=True)


def test_a_manager_sets_and_clears_conflicts_and_a_reviewer_declares_and_withdraws(db, client, review):
    reviewer = factories.make_user(email="juri@lain.id", name="Juri Lain")
    member = _accepted(db, review["challenge"], reviewer)
    log_in(client, review["owner"])
    conflicts_url = _url(review["challenge"], "conflicts")
    data = {"member_id": member.id, "proposal_id": review["a"].id, "kind": "financial", "note": "Pemegang saham"}
    assert post_form(client, conflicts_url, data, page=conflicts_url).status_code == 302
    ruled = db.session.scalar(select(Conflict).where(Conflict.source == ConflictSource.SET))
    assert (ruled.user_id, ruled.kind, ruled.created_by_id) == (reviewer.id, ConflictKind.FINANCIAL, review["owner"].id)
    missing_note = post_form(client, conflicts_url, {**data, "kind": "other", "note": ""}, page=conflicts_url)
    assert missing_note.status_code == 422 and "Say what the conflict is." in missing_note.get_data(as_text=True)

    # The reviewer declares one, cannot clear the owner's, and withdraws their own.
    log_in(client, reviewer)
    declare_url = _url(review["challenge"], "conflicts/declare")
    page = client.get(declare_url).get_data(as_text=True)
    assert f"Proposal #{review['b'].id}: Usulan Warga" in page
    declared = post_form(
        client,
        declare_url,
        {"proposal_id": review["b"].id, "kind": "collaboration", "note": "Proyek 2025"},
        page=declare_url,
    )
    assert declared.status_code == 302
    mine = db.session.scalar(select(Conflict).where(Conflict.source == ConflictSource.DECLARED))
    clear_ruled = _url(review["challenge"], f"conflicts/{ruled.id}/clear")
    refused = post_form(client, clear_ruled, {f"clear-{ruled.id}-reason": "Sudah dijual"}, page=declare_url)
    assert refused.status_code == 422 and "You may not clear this conflict." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Conflict, ruled.id).cleared_at is None
    clear_mine = _url(review["challenge"], f"conflicts/{mine.id}/clear")
    no_reason = post_form(client, clear_mine, {f"clear-{mine.id}-reason": ""}, page=declare_url)
    assert no_reason.status_code == 422
    assert (
        post_form(client, clear_mine, {f"clear-{mine.id}-reason": "Salah pilih"}, page=declare_url).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Conflict, mine.id).clear_reason == "Salah pilih"

    # The owner clears the ruling with a reason; the list shows who cleared it and why.
    log_in(client, review["owner"])
    cleared = post_form(client, clear_ruled, {f"clear-{ruled.id}-reason": "Saham sudah dijual"}, page=conflicts_url)
    assert cleared.status_code == 302
    page = client.get(conflicts_url).get_data(as_text=True)
    assert "Saham sudah dijual" in page and review["owner"].name in page and "Proyek 2025" in page
    actions = [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    for action in ("review.conflict_set", "review.conflict_declared", "review.conflict_cleared"):
        assert action in actions


def test_others_reach_no_conflict_they_may_not_rule_on(db, client, review):
    first = factories.make_user(email="satu@lain.id")
    second = factories.make_user(email="dua@lain.id")
    _accepted(db, review["challenge"], first)
    _accepted(db, review["challenge"], second)
    log_in(client, first)
    declare_url = _url(review["challenge"], "conflicts/declare")
    post_form(client, declare_url, {"proposal_id": review["a"].id, "kind": "personal", "note": ""}, page=declare_url)
    declared = db.session.scalar(select(Conflict))
    clear_url = _url(review["challenge"], f"conflicts/{declared.id}/clear")
    log_in(client, second)
    assert post_form(client, clear_url, {f"clear-{declared.id}-reason": "x"}, page=declare_url).status_code == 404
    assert client.get(_url(review["challenge"], "conflicts")).status_code == 403
    assert client.get(_url(review["challenge"], "conflicts/check")).status_code == 403
    # The owner may not withdraw a reviewer's declaration.
    log_in(client, review["owner"])
    refused = post_form(client, clear_url, {f"clear-{declared.id}-reason": "x"}, page="/")
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Conflict, declared.id).cleared_at is None
    log_in(client, review["users"]["org_member"])
    assert client.get(declare_url).status_code == 403


def test_a_chair_sees_nothing_of_a_proposal_they_are_conflicted_with(db, client, review):
    from goi.reviews import conflicts

    chair = factories.make_user(email="ketua@industri.id", name="Ketua Panel")  # shares industri.id with team A
    _accepted(db, review["challenge"], chair, PanelRole.CHAIR)
    other = factories.make_user(email="lain@industri.id", name="Juri Lain")
    _accepted(db, review["challenge"], other)
    conflicts.record_detected(review["challenge"], chair)
    conflicts.record_detected(review["challenge"], other)
    db.session.commit()
    log_in(client, chair)
    page = client.get(_url(review["challenge"], "conflicts")).get_data(as_text=True)
    rows = re.findall(r"<tr data-conflict=.*?</tr>", page, re.S)
    # Only their own conflict with proposal A, not the other member's; the form sets none with A either.
    assert len(rows) == 1 and "Ketua Panel" in rows[0]
    proposal_choices = re.search(r'<select[^>]*id="proposal_id".*?</select>', page, re.S).group(0)
    assert "Usulan Industri" not in proposal_choices and "Usulan Warga" in proposal_choices
    assert 'class="mt-2 conflict-clear"' not in page
    check = client.get(_url(review["challenge"], "conflicts/check"), query_string={"email": "x@industri.id"})
    assert "Usulan Industri" not in check.get_data(as_text=True)
    assert "No conflicts found" in check.get_data(as_text=True)


def test_a_blind_review_names_no_team_on_the_reviewers_page(db, client, review):
    from goi.reviews.models import Blindness, ReviewSettings

    db.session.add(ReviewSettings(challenge_id=review["challenge"].id, blindness=Blindness.SINGLE_BLIND))
    reviewer = factories.make_user(email="juri@industri.id")
    _accepted(db, review["challenge"], reviewer)
    from goi.reviews import conflicts

    conflicts.record_detected(review["challenge"], reviewer)
    db.session.commit()
    log_in(client, reviewer)
    page = client.get(_url(review["challenge"], "conflicts/declare")).get_data(as_text=True)
    assert f"Proposal #{review['a'].id}: Usulan Industri" in page
    assert "PT Industri" not in page and "industri.id" not in page.replace("juri@industri.id", "")


def test_a_submission_after_members_accepted_records_their_conflicts(db, client, review, world):
    member_user = world["users"]["org_member"]  # member@industri.id
    _accepted(db, review["challenge"], member_user)
    make_submitted_proposal(db, review["challenge"], factories.make_user(email="ketua@industri.id"), title="Baru")
    kinds = set(
        db.session.scalars(
            select(Conflict.kind).where(Conflict.user_id == member_user.id, Conflict.cleared_at.is_(None))
        )
    )
    assert ConflictKind.EMAIL_DOMAIN in kinds


# --- statements ------------------------------------------------------------------------------------------------------


def _grow(db, review, start: int, count: int) -> None:
    owner = review["owner"]
    for number in range(start, start + count):
        user = factories.make_user(email=f"juri{number}@industri.id", name=f"Juri {number}")
        db.session.add(
            PanelMember(
                challenge_id=review["challenge"].id,
                email=user.email,
                user_id=user.id,
                status=PanelStatus.ACCEPTED,
                invited_by_id=owner.id,
                responded_at=clock.now(),
            )
        )
        db.session.add(PanelMember(challenge_id=review["challenge"].id, email=f"undang{number}@example.id"))
        lead = factories.make_user(email=f"tim{number}@contoh.id")
        proposal = make_submitted_proposal(db, review["challenge"], lead, title=f"Usulan {number}")
        make_proposal(db, review["challenge"], factories.make_user(email=f"draf{number}@contoh.id"), title="Draf")
        db.session.add(
            Conflict(
                challenge_id=review["challenge"].id,
                proposal_id=proposal.id,
                user_id=review["panelist"].id,
                source=ConflictSource.DECLARED,
                kind=ConflictKind.PERSONAL,
                reason="Saudara",
                created_by_id=review["panelist"].id,
            )
        )
        db.session.add(
            Conflict(
                challenge_id=review["challenge"].id,
                proposal_id=review["a"].id,
                user_id=user.id,
                source=ConflictSource.SET,
                kind=ConflictKind.OTHER,
                reason="Alasan",
                created_by_id=owner.id,
                cleared_at=clock.now() if number % 2 else None,
                cleared_by_id=owner.id if number % 2 else None,
            )
        )
    db.session.commit()


@pytest.mark.parametrize(
    ("tail", "viewer"),
    [
        ("panel", "owner"),
        ("conflicts", "owner"),
        ("conflicts/check?email=juri1@industri.id", "owner"),
        ("conflicts/declare", "panelist"),
    ],
)
def test_the_pages_read_a_constant_number_of_statements(db, client, review, tail, viewer):
    """Each page at 2 and at 12 of everything it lists: members, invitations, submitted proposals, conflicts."""
    review["panelist"] = factories.make_user(email="panelis@lain.id", name="Panelis")
    _accepted(db, review["challenge"], review["panelist"])
    _grow(db, review, 0, 2)
    log_in(client, review[viewer])
    url = _url(review["challenge"], tail)
    few = count_statements(client, url)
    _grow(db, review, 2, 10)
    many = count_statements(client, url)
    assert few == many
