"""A round's ranking: figures by hand on a small panel, the calibrated score beside the raw mean, agreement and
leniency, what a conflicted chair does not see, sorting, the shortlist, the decision published as the results with
the teams told, shared comments, the exports with their injection guard, and the review settings."""

import csv
import io
import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from goi.challenges import lifecycle
from goi.challenges.models import ChallengeOutcome, ChallengeStatus, Criterion
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.errors import DomainError
from goi.notify.models import Notification
from goi.reviews import calibration, decisions, ranking, scoring
from goi.reviews.models import (
    Assignment,
    AwardLabel,
    Blindness,
    ChallengeResult,
    Conflict,
    ConflictKind,
    ConflictSource,
    CriterionScore,
    PanelMember,
    PanelRole,
    PanelStatus,
    Recommendation,
    Review,
    ReviewRound,
    ReviewSettings,
    ReviewStatus,
    RoundProposal,
)
from tests import factories
from tests.conftest import count_statements, log_in, post_form
from tests.proposals.conftest import make_submitted_proposal

CANARY_NOTE = "catatan-panel-kanari"


@pytest.fixture(autouse=True)
def _in_english(app, client):
    client.set_cookie("goi_lang", "en")
    with force_locale("en"):
        yield


def _member(db, challenge, user, role=PanelRole.REVIEWER) -> PanelMember:
    member = PanelMember(
        challenge_id=challenge.id, email=user.email, user_id=user.id, role=role, status=PanelStatus.ACCEPTED
    )
    db.session.add(member)
    db.session.flush()
    return member


def add_review(db, review_round, proposal, member, weighted: float, comment: str = "", submitted: bool = True):
    """An assignment and its review (submitted with this weighted score, or a draft), a score and comment per
    criterion: rows directly, as the scoring pages would leave them."""
    assignment = Assignment(round_id=review_round.id, proposal_id=proposal.id, member_id=member.id)
    db.session.add(assignment)
    db.session.flush()
    review = Review(
        assignment_id=assignment.id,
        status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
        recommendation=Recommendation.ACCEPT,
        confidence=3,
        panel_note=CANARY_NOTE,
        weighted_score=weighted if submitted else None,
        submitted_at=clock.now() if submitted else None,
    )
    db.session.add(review)
    db.session.flush()
    criteria = db.session.scalars(
        select(Criterion).where(Criterion.challenge_id == proposal.challenge_id).order_by(Criterion.position)
    )
    for criterion in criteria:
        db.session.add(CriterionScore(review_id=review.id, criterion_id=criterion.id, score=4, comment=comment))
    db.session.flush()
    return review


@pytest.fixture
def build_round(db, world, make_challenge):
    """build_round(extra=0, tag="") -> a challenge under review with round 1 of three proposals (A, B, C) and
    `extra` more, three reviewers and a chair; A scored 80, 60, 70; B 90, 40; C 50 (one review only); each extra
    proposal three reviews."""

    def build(extra: int = 0, tag: str = "") -> dict:
        clock.reset()
        challenge = make_challenge(title=f"Banjir di Palembang {tag}".strip())
        teams = [factories.make_user(email=f"tim{n}{tag}@example.id", name=f"Tim {n}{tag}") for n in range(3 + extra)]
        titles = ["Usulan A", "Usulan B", "Usulan C"] + [f"Tambahan {n}" for n in range(extra)]
        proposals = [
            make_submitted_proposal(db, challenge, lead, title=title) for lead, title in zip(teams, titles, strict=True)
        ]
        clock.freeze(challenge.closes_at + timedelta(minutes=1))
        lifecycle.close_expired_challenges()
        owner = world["users"]["gov_admin"]
        lifecycle.start_review(owner, challenge)
        review_round = ReviewRound(
            challenge_id=challenge.id, number=1, name="Seleksi", deadline=clock.now() + timedelta(days=14)
        )
        db.session.add(review_round)
        db.session.flush()
        db.session.add_all(RoundProposal(round_id=review_round.id, proposal_id=p.id) for p in proposals)
        users = [factories.make_user(email=f"juri{n}{tag}@example.id", name=f"Juri {n}{tag}") for n in range(3)]
        members = [_member(db, challenge, user) for user in users]
        chair_user = factories.make_user(email=f"ketua{tag}@example.id", name="Ketua Panel")
        _member(db, challenge, chair_user, PanelRole.CHAIR)
        a, b, c = proposals[:3]
        for member, value in zip(members, (80, 60, 70), strict=True):
            add_review(db, review_round, a, member, value, comment=f"Komentar {value} untuk A")
        add_review(db, review_round, b, members[0], 90)
        add_review(db, review_round, b, members[1], 40)
        add_review(db, review_round, c, members[2], 50)
        add_review(db, review_round, c, members[0], 99, submitted=False)  # a draft counts for nothing
        for n, proposal in enumerate(proposals[3:]):
            for member, value in zip(members, (55 + n, 60, 65 - n), strict=True):
                add_review(db, review_round, proposal, member, value, comment="Lagi")
        db.session.commit()
        return {
            "challenge": challenge,
            "round": review_round,
            "proposals": proposals,
            "owner": owner,
            "teams": teams,
            "members": members,
            "users": users,
            "chair": chair_user,
        }

    yield build
    clock.reset()


@pytest.fixture
def panel_round(build_round):
    return build_round()


def _url(challenge, suffix: str = "") -> str:
    return f"/challenges/{challenge.slug}/review/rounds/1/ranking{suffix}"


# --- aggregation ---------------------------------------------------------------------------------------------------


def test_figures_by_hand_minimum_reviews_and_disagreement(panel_round):
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    a, b, c = panel_round["proposals"]
    result = ranking.ranking_of(challenge, review_round)
    rows = {row.proposal_id: row for row in result.rows}
    assert (rows[a.id].count, rows[a.id].mean, rows[a.id].median) == (3, 70, 70)
    assert rows[a.id].sd == pytest.approx(10.0)
    assert (rows[a.id].minimum, rows[a.id].maximum, rows[a.id].disagreement) == (60, 80, False)
    assert (rows[b.id].count, rows[b.id].mean, rows[b.id].median) == (2, 65, 65)
    assert rows[b.id].sd == pytest.approx(35.3553, abs=1e-3)
    assert rows[b.id].disagreement is True  # 90 - 40 > 25
    assert rows[c.id].count == 1 and rows[c.id].ranked is False and rows[c.id].sd is None
    # ranked ones first, in order of the mean, then the one without enough reviews, unranked
    assert [row.proposal_id for row in result.rows] == [a.id, b.id, c.id]
    assert [row.rank for row in result.rows] == [1, 2, None]


def test_settings_change_the_minimum_and_the_spread(panel_round, db):
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    _a, b, c = panel_round["proposals"]
    decisions.save_settings(panel_round["owner"], challenge, decisions.SettingsValues(Blindness.OPEN, 1, 60, False))
    db.session.commit()
    result = ranking.ranking_of(challenge, review_round)
    rows = {row.proposal_id: row for row in result.rows}
    assert rows[c.id].ranked and rows[c.id].rank == 3
    assert not rows[b.id].disagreement  # 50 is not above 60


def test_calibrated_beside_raw_agreement_and_leniency(panel_round):
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    a, b, c = panel_round["proposals"]
    members = panel_round["members"]
    triples = [
        (members[0].id, a.id, 80.0),
        (members[1].id, a.id, 60.0),
        (members[2].id, a.id, 70.0),
        (members[0].id, b.id, 90.0),
        (members[1].id, b.id, 40.0),
        (members[2].id, c.id, 50.0),
    ]
    expected = calibration.calibrate(triples)
    result = ranking.ranking_of(challenge, review_round, "calibrated")
    rows = {row.proposal_id: row for row in result.rows}
    for proposal in (a, b, c):
        assert rows[proposal.id].calibrated == pytest.approx(expected.scores[proposal.id])
        assert rows[proposal.id].calibrated_stderr == pytest.approx(expected.stderr[proposal.id])
    assert rows[a.id].mean == 70  # the raw mean stays
    assert result.agreement == pytest.approx(calibration.agreement(triples))
    leniency = {item.member_id: item for item in result.leniencies}
    assert leniency[members[0].id].reviews == 2 and leniency[members[2].id].reviews == 2
    assert leniency[members[0].id].offset == pytest.approx(expected.offsets[members[0].id])
    assert leniency[members[0].id].offset > 0 > leniency[members[1].id].offset


def test_page_shows_figures_alpha_leniency_and_sorts(panel_round, client):
    challenge = panel_round["challenge"]
    a, b, c = panel_round["proposals"]
    log_in(client, panel_round["owner"])
    html = client.get(_url(challenge)).get_data(as_text=True)
    assert "Krippendorff" in html and "calibrated score corrects each score" in html
    assert 'aria-sort="descending"' in html and 'data-sort="calibrated"' in html
    assert "does not agree well enough to rely on the scores alone" in html  # this small panel disagrees
    assert "Juri 0" in html and "Not enough reviews" in html and "Disagreement" in html
    assert CANARY_NOTE not in html
    order = [int(x) for x in __import__("re").findall(r'data-proposal="(\d+)" class="ranking-row', html)]
    assert order == [a.id, b.id, c.id]
    for proposal in (a, b, c):  # each row leads to the panel's page of the proposal: its reviews and discussion
        assert f'href="/challenges/{challenge.slug}/review/proposals/{proposal.id}"' in html
    html = client.get(_url(challenge, "?sort=calibrated")).get_data(as_text=True)
    header = html.split('data-sort="calibrated"')[0].rsplit("<th", 1)[1]
    assert 'aria-sort="descending"' in header
    result = ranking.ranking_of(challenge, panel_round["round"], "calibrated")
    order = [int(x) for x in __import__("re").findall(r'data-proposal="(\d+)" class="ranking-row', html)]
    assert order == [row.proposal_id for row in result.rows]
    # the slug-only address leads to the last round
    response = client.get(f"/challenges/{challenge.slug}/review/ranking")
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(challenge))


def test_a_conflicted_chair_sees_no_row_of_that_proposal(panel_round, db, client):
    challenge = panel_round["challenge"]
    a, b, _c = panel_round["proposals"]
    db.session.add(
        Conflict(
            challenge_id=challenge.id,
            proposal_id=b.id,
            user_id=panel_round["chair"].id,
            source=ConflictSource.DECLARED,
            kind=ConflictKind.PERSONAL,
        )
    )
    db.session.commit()
    log_in(client, panel_round["chair"])
    html = client.get(_url(challenge)).get_data(as_text=True)
    assert f'data-proposal="{a.id}"' in html
    assert f'data-proposal="{b.id}"' not in html and "Usulan B" not in html
    exported = client.get(_url(challenge, ".csv?part=reviews")).get_data(as_text=True)
    assert "Usulan A" in exported and "Usulan B" not in exported
    # the chair's shortlist leaves B as it was
    db.session.execute(
        RoundProposal.__table__.update().where(RoundProposal.proposal_id == b.id).values(shortlisted=True)
    )
    db.session.commit()
    response = post_form(client, _url(challenge).replace("ranking", "shortlist"), {"shortlisted": [str(a.id)]})
    assert response.status_code == 302
    shortlisted = set(db.session.scalars(select(RoundProposal.proposal_id).where(RoundProposal.shortlisted.is_(True))))
    assert shortlisted == {a.id, b.id}


def test_reviewers_and_others_may_not_see_the_ranking(panel_round, client, world):
    challenge = panel_round["challenge"]
    log_in(client, panel_round["users"][0])
    assert client.get(_url(challenge)).status_code == 403
    assert client.get(_url(challenge, ".xlsx")).status_code == 403
    log_in(client, world["users"]["user"])
    assert client.get(_url(challenge)).status_code == 403


def test_statements_do_not_grow_with_the_round(build_round, client):
    small, big = build_round(), build_round(extra=9, tag="besar")
    assert len(big["proposals"]) == 12
    log_in(client, small["owner"])
    counts = []
    for sample in (small, big):
        challenge = sample["challenge"]
        urls = [_url(challenge), _url(challenge, ".csv?part=reviews"), _url(challenge, ".xlsx")]
        counts.append([count_statements(client, url) for url in urls])
    assert counts[0] == counts[1]


def test_a_review_submitted_through_scoring_is_ranked_by_its_weighted_score(panel_round, db):
    """The scoring pages set the weighted score on submit (scoring.weighted_score); the ranking reads it."""
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    c = panel_round["proposals"][2]
    member = panel_round["members"][1]
    assignment = Assignment(round_id=review_round.id, proposal_id=c.id, member_id=member.id)
    db.session.add(assignment)
    db.session.commit()
    criteria = list(challenge.criteria)
    values = scoring.ReviewInput(
        scores={criterion.id: 5 if n == 0 else 3 for n, criterion in enumerate(criteria)},
        comments={criterion.id: "Cukup." for criterion in criteria},
        recommendation=Recommendation.ACCEPT,
        confidence=2,
    )
    scoring.save_review(panel_round["users"][1], assignment, values, submit=True)
    db.session.commit()
    expected = scoring.weighted_score(values.scores, criteria, challenge.score_scale)
    row = next(row for row in ranking.ranking_of(challenge, review_round).rows if row.proposal_id == c.id)
    assert row.count == 2 and row.ranked
    assert sorted([row.minimum, row.maximum]) == sorted([50.0, expected])


# --- shortlist -------------------------------------------------------------------------------------------------------


def test_shortlist_saved_and_refused_once_the_round_is_locked(panel_round, db, client):
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    a, b, c = panel_round["proposals"]
    log_in(client, panel_round["owner"])
    shortlist_url = _url(challenge).replace("ranking", "shortlist")
    response = post_form(client, shortlist_url, {"shortlisted": [str(a.id), str(b.id)]}, page=_url(challenge))
    assert response.status_code == 302
    rows = dict(db.session.execute(select(RoundProposal.proposal_id, RoundProposal.shortlisted)).all())
    assert rows == {a.id: True, b.id: True, c.id: False}
    html = client.get(_url(challenge)).get_data(as_text=True)
    assert f'id="shortlist-{a.id}" checked' in html
    review_round.locked_at = clock.now()
    db.session.commit()
    response = post_form(client, shortlist_url, {"shortlisted": [str(c.id)]}, page=_url(challenge))
    assert response.status_code == 302
    rows = dict(db.session.execute(select(RoundProposal.proposal_id, RoundProposal.shortlisted)).all())
    assert rows == {a.id: True, b.id: True, c.id: False}
    with pytest.raises(DomainError, match="locked"):
        ranking.set_shortlist(panel_round["owner"], review_round, [c.id])
    html = client.get(_url(challenge)).get_data(as_text=True)
    assert 'name="shortlisted"' not in html and "Shortlisted" in html


# --- decide and publish ----------------------------------------------------------------------------------------------


def _decide_data(proposals, decisions_by_index, reasons=None, summary="Tiga usulan dinilai oleh panel."):
    data = {"summary": summary}
    for n, proposal in enumerate(proposals):
        data[f"decision_{proposal.id}"] = decisions_by_index[n]
        data[f"reason_{proposal.id}"] = (reasons or {}).get(n, f"Alasan untuk usulan {n}.")
    return data


def test_decide_publishes_the_results_and_tells_each_team(panel_round, db, client):
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    a, b, c = panel_round["proposals"]
    log_in(client, panel_round["owner"])
    decide_url = f"/challenges/{challenge.slug}/review/decide"
    data = _decide_data((a, b, c), ("winner", "honourable_mention", "not_selected"))
    # the round must be locked first
    response = post_form(client, decide_url, data, page=_url(challenge))
    assert response.status_code == 422 and "Lock round 1 before deciding" in response.get_data(as_text=True)
    review_round.locked_at = clock.now()
    db.session.commit()
    html = client.get(_url(challenge)).get_data(as_text=True)
    assert 'id="decide"' in html
    # a reason is required for every decision; nothing is published, what was typed stays
    bad = _decide_data((a, b, c), ("winner", "runner_up", "not_selected"), reasons={2: ""})
    response = post_form(client, decide_url, bad, page=_url(challenge))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Alasan untuk usulan 0." in body
    assert db.session.scalar(select(ChallengeResult.id)) is None
    # an award without a winner is refused
    response = post_form(client, decide_url, _decide_data((a, b, c), ("runner_up",) * 3), page=_url(challenge))
    assert response.status_code == 422 and "at least one winner" in response.get_data(as_text=True)
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    response = post_form(client, decide_url, data, page=_url(challenge))
    assert response.status_code == 302
    db.session.expire_all()
    assert challenge.status == ChallengeStatus.DECIDED and challenge.outcome == ChallengeOutcome.AWARDED
    result = db.session.scalar(select(ChallengeResult))
    assert [(e.proposal_id, e.award, e.citation) for e in result.entries] == [
        (a.id, AwardLabel.WINNER, "Alasan untuk usulan 0."),
        (b.id, AwardLabel.HONOURABLE_MENTION, "Alasan untuk usulan 1."),
    ]
    logged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.decided"))
    assert [c.id, "not_selected", "Alasan untuk usulan 2."] in json.loads(logged.detail_json)["decisions"]
    # each team hears its own outcome
    for team, proposal in zip(panel_round["teams"], (a, b, c), strict=True):
        told = db.session.scalar(
            select(Notification).where(Notification.user_id == team.id, Notification.kind == "proposal_outcome")
        )
        assert told is not None, proposal.title
    html = client.get(_url(challenge)).get_data(as_text=True)
    assert 'id="decide"' not in html
    assert "Winner" in html and "Honourable mention" in html and "Not selected" in html
    # the public results show the winner
    public = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Usulan A" in public and "Alasan untuk usulan 2." not in public


def test_decide_with_no_winner_is_not_awarded(panel_round, db):
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    review_round.locked_at = clock.now()
    choices = [
        decisions.DecisionChoice(p.id, decisions.Decision.NOT_SELECTED, "Belum memadai.")
        for p in panel_round["proposals"]
    ]
    decisions.decide(panel_round["owner"], challenge, "Tidak ada pemenang.", choices)
    assert challenge.outcome == ChallengeOutcome.NOT_AWARDED
    with pytest.raises(DomainError, match="nothing to decide"):
        decisions.decide(panel_round["owner"], challenge, "Lagi.", choices)


def test_decide_needs_every_proposal_of_the_last_round(panel_round, db):
    challenge, review_round = panel_round["challenge"], panel_round["round"]
    review_round.locked_at = clock.now()
    a, _b, _c = panel_round["proposals"]
    with pytest.raises(DomainError, match="every proposal of the last round"):
        decisions.decide(
            panel_round["owner"],
            challenge,
            "Ringkas.",
            [decisions.DecisionChoice(a.id, decisions.Decision.WINNER, "Baik.")],
        )
    too_long = "x" * (decisions.MAX_REASON + 1)
    with pytest.raises(DomainError, match="at most"):
        decisions.decide(
            panel_round["owner"],
            challenge,
            "Ringkas.",
            [decisions.DecisionChoice(a.id, decisions.Decision.WINNER, too_long)],
        )


def _publish(panel_round, db):
    panel_round["round"].locked_at = clock.now()
    a, b, c = panel_round["proposals"]
    choices = [
        decisions.DecisionChoice(a.id, decisions.Decision.WINNER, "Terbaik."),
        decisions.DecisionChoice(b.id, decisions.Decision.NOT_SELECTED, "Kurang."),
        decisions.DecisionChoice(c.id, decisions.Decision.NOT_SELECTED, "Kurang."),
    ]
    decisions.decide(panel_round["owner"], panel_round["challenge"], "Ringkasan.", choices)
    db.session.commit()


@pytest.mark.parametrize("share", [True, False])
def test_shared_comments_without_names_or_scores(panel_round, db, client, share):
    challenge = panel_round["challenge"]
    a = panel_round["proposals"][0]
    decisions.save_settings(panel_round["owner"], challenge, decisions.SettingsValues(Blindness.OPEN, 2, 25, share))
    db.session.commit()
    log_in(client, panel_round["teams"][0])
    before = client.get(f"/proposals/{a.id}").get_data(as_text=True)
    assert "Komentar 80 untuk A" not in before  # nothing before the results
    _publish(panel_round, db)
    html = client.get(f"/proposals/{a.id}").get_data(as_text=True)
    assert ("Komentar 80 untuk A" in html) is share
    assert ("The reviewers' comments" in html) is share
    for secret in ("Juri 0", "Juri 1", CANARY_NOTE, "weighted"):
        assert secret not in html


# --- exports ---------------------------------------------------------------------------------------------------------


def _formula_comment(panel_round, db):
    """A reviewer's comment and a proposal title a spreadsheet would run as formulas."""
    a = panel_round["proposals"][0]
    a.title = '=HYPERLINK("http://jahat.example")'
    score = db.session.scalars(select(CriterionScore).order_by(CriterionScore.id)).first()
    score.comment = "@SUM(1+1)"
    db.session.commit()


def test_csv_exports_neutralize_formulas(panel_round, db, client):
    challenge = panel_round["challenge"]
    _formula_comment(panel_round, db)
    log_in(client, panel_round["owner"])
    response = client.get(_url(challenge, ".csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["Rank", "Proposal", "Title", "Team"]
    assert rows[1][2] == '\'=HYPERLINK("http://jahat.example")'
    assert rows[1][5] == "70.0"
    reviews = list(csv.reader(io.StringIO(client.get(_url(challenge, ".csv?part=reviews")).get_data(as_text=True))))
    assert reviews[0][0] == "Reviewer" and "Weighted score" in reviews[0]
    assert any("'@SUM(1+1)" in row for row in reviews[1:])
    assert len(reviews) == 1 + 6  # the draft is not exported
    assert CANARY_NOTE not in str(reviews)


def test_xlsx_export_has_both_sheets_and_is_blind_aware(panel_round, db, client):
    challenge = panel_round["challenge"]
    _formula_comment(panel_round, db)
    db.session.add(ReviewSettings(challenge_id=challenge.id, blindness=Blindness.SINGLE_BLIND))
    db.session.commit()
    log_in(client, panel_round["owner"])
    response = client.get(_url(challenge, ".xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Ranking", "Reviews"]
    sheet = workbook["Ranking"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Rank", "Proposal", "Title"] and "Team" not in header
    first = [cell.value for cell in sheet[2]]
    assert first[0] == 1 and first[2] == '\'=HYPERLINK("http://jahat.example")' and first[4] == 70
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    reviews = workbook["Reviews"]
    values = [[cell.value for cell in row] for row in reviews.iter_rows()]
    assert values[0][0] == "Reviewer" and "Team" not in values[0]
    assert any("'@SUM(1+1)" in row for row in values[1:])
    assert {row[0] for row in values[1:]} == {"Juri 0", "Juri 1", "Juri 2"}
    text = str(values)
    assert "Tim 0" not in text and CANARY_NOTE not in text


# --- settings --------------------------------------------------------------------------------------------------------


def test_settings_are_validated_and_stored(db, world, make_challenge, client):
    challenge = make_challenge()
    log_in(client, world["users"]["gov_admin"])
    url = f"/challenges/{challenge.slug}/review/settings"
    assert client.get(url).status_code == 200
    bad = {"blindness": "single_blind", "min_reviews": "11", "disagreement_spread": "3", "share_comments": "y"}
    response = post_form(client, url, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and db.session.get(ReviewSettings, challenge.id) is None
    assert 'value="11"' in html and 'value="3"' in html
    good = {"blindness": "single_blind", "min_reviews": "3", "disagreement_spread": "30", "share_comments": "y"}
    assert post_form(client, url, good).status_code == 302
    stored = db.session.get(ReviewSettings, challenge.id)
    assert (stored.blindness, stored.min_reviews, stored.disagreement_spread, stored.share_comments) == (
        Blindness.SINGLE_BLIND,
        3,
        30,
        True,
    )


def test_blindness_is_fixed_once_a_review_is_submitted(panel_round, db, client):
    challenge = panel_round["challenge"]
    log_in(client, panel_round["owner"])
    url = f"/challenges/{challenge.slug}/review/settings"
    assert "can no longer change" in client.get(url).get_data(as_text=True)
    data = {"blindness": "single_blind", "min_reviews": "2", "disagreement_spread": "25"}
    response = post_form(client, url, data)
    assert response.status_code == 422 and "can no longer change" in response.get_data(as_text=True)
    assert db.session.get(ReviewSettings, challenge.id) is None
    data["blindness"] = "open"
    data["min_reviews"] = "1"
    assert post_form(client, url, data).status_code == 302
    assert db.session.get(ReviewSettings, challenge.id).min_reviews == 1


def test_only_owners_change_the_settings_or_decide(panel_round, client):
    challenge = panel_round["challenge"]
    log_in(client, panel_round["chair"])
    assert client.get(f"/challenges/{challenge.slug}/review/settings").status_code == 403
    assert client.get(_url(challenge)).status_code == 200
    assert 'id="decide"' not in client.get(_url(challenge)).get_data(as_text=True)


def test_an_unknown_export_format_is_not_found(panel_round, client):
    log_in(client, panel_round["owner"])
    assert client.get(_url(panel_round["challenge"], ".pdf")).status_code == 404


# --- the public showcase of solutions ----------------------------------------------------------------------------


def _publish_winners(sample, db, winners: int) -> None:
    sample["round"].locked_at = clock.now()
    choices = [
        decisions.DecisionChoice(
            proposal.id,
            decisions.Decision.WINNER if n < winners else decisions.Decision.NOT_SELECTED,
            f"Pertimbangan juri {n}.",
        )
        for n, proposal in enumerate(sample["proposals"])
    ]
    decisions.decide(sample["owner"], sample["challenge"], "Ringkasan.", choices)
    db.session.commit()


def test_winners_appear_in_the_public_searchable_showcase(app, build_round, db):
    sample = build_round()
    visitor = app.test_client()
    visitor.set_cookie("goi_lang", "en")
    assert "No results with a winner are published yet" in visitor.get("/solutions").get_data(as_text=True)
    _publish_winners(sample, db, winners=1)
    response = visitor.get("/solutions")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers  # the same for every visitor
    assert "Usulan A" in html and "Tim 0" in html and "Pertimbangan juri 0." in html
    assert sample["challenge"].title in html and "Palembang" in html
    assert "Usulan B" not in html and "Usulan C" not in html  # not selected: not a solution
    assert CANARY_NOTE not in html and "Komentar 80" not in html and "Juri 0" not in html
    assert "Usulan A" in visitor.get("/solutions?q=usulan%20a").get_data(as_text=True)
    missed = visitor.get("/solutions?q=jembatan").get_data(as_text=True)
    assert "Usulan A" not in missed and "No solution matches these words" in missed
    assert "Usulan A" not in visitor.get("/solutions?q=100%25").get_data(as_text=True)  # % is a character


def test_showcase_statements_do_not_grow(app, build_round, db):
    small, big = build_round(), build_round(extra=9, tag="besar")
    _publish_winners(small, db, winners=1)
    _publish_winners(big, db, winners=12)
    visitor = app.test_client()
    assert "Tambahan 8" in visitor.get("/solutions").get_data(as_text=True)
    counts = [count_statements(visitor, url) for url in ("/solutions?q=usulan%20a", "/solutions")]
    assert counts[0] == counts[1]
