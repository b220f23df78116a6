"""Confidentiality of the review: canaries planted in proposal A's reviews never reach anyone who may not read them.

A challenge past its deadline has two submitted proposals: A by the proposer's team, B by a competitor's. Its panel
is the owner, a chair, a second chair who declared a conflict with A, a reviewer assigned both proposals, a reviewer
with a conflict with A set by the owner (assigned B), and a reviewer whose very name is a canary (assigned A). A's
reviews carry a canary comment, panel note, discussion post, weighted score and decline reason; B's reviews carry
their own. Then every GET route of the application is crawled as the proposer, the competitor, the conflicted
reviewer, the conflicted chair, a logged-in user outside the panel and an anonymous visitor, while the review runs
and once the results are published (with the comments shared and without), and the notifications and emails
addressed to them are read: no canary they may not read is in any of it. The owner's pages show every canary, so
that a crawl that sees nothing cannot pass for a crawl that finds nothing.
"""

import io
import itertools
import re
import zipfile
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from flask import g
from sqlalchemy import select

from goi.api import webhooks
from goi.api.models import Webhook, WebhookEvent, WebhookScope
from goi.challenges import lifecycle
from goi.challenges.models import Challenge, ChallengeDocument
from goi.core import clock
from goi.core.mail import OutboxMessage
from goi.data import regions
from goi.matching.models import Introduction
from goi.notify.models import Notification
from goi.opendata.datasets import DATASETS
from goi.orgs import offers
from goi.orgs.models import Offer, OfferKind, Organization, PastProject, VerificationRequest
from goi.proposals.models import ProposalAttachment
from goi.reviews import conflicts, decisions, panel_admin, rounds, scoring
from goi.reviews.models import Assignment, Blindness, ConflictKind, PanelRole, Recommendation
from tests import factories
from tests.conftest import log_in
from tests.orgs import fresh_client
from tests.proposals.conftest import make_submitted_proposal

# --- the canaries ----------------------------------------------------------------------------------------------------

CANARY_NAME = "Juri Kanari Zq7"
CANARY_EMAIL = "juri.kanari.zq7@example.id"


def _score_pattern(whole: int, decimals: str) -> re.Pattern:
    """A weighted score as any page may write it: both decimals or one, with a point or a comma (73.19, 73,2)."""
    return re.compile(rf"(?<![\d.,]){whole}[.,](?:{decimals}|{round(int(decimals) / 10)})(?!\d)")


# A's canaries, by name. The weighted score is a value no rubric gives by chance (written with 2 or 1 decimals).
CANARIES_A = {
    "comment A": "KANARI-KOMENTAR-A-Zq7",
    "panel note A": "KANARI-CATATAN-A-Zq7",
    "discussion A": "KANARI-DISKUSI-A-Zq7",
    "decline reason A": "KANARI-ALASAN-A-Zq7",
    "reviewer name": "Kanari Zq7",
    "reviewer email": CANARY_EMAIL,
    "score A": _score_pattern(73, "19"),
}
CANARIES_B = {
    "comment B": "KANARI-KOMENTAR-B-Zq7",
    "panel note B": "KANARI-CATATAN-B-Zq7",
    "discussion B": "KANARI-DISKUSI-B-Zq7",
    "score B": _score_pattern(41, "37"),
}
A_SCORE, B_SCORE = 73.19, 41.37
# What the search boxes are asked: parts of the canaries, so that a page repeating the query shows no whole canary.
SEARCH_QUERIES = ("KANARI", "KOMENTAR", "CATATAN", "DISKUSI", "Kanari Zq", "Zq", "juri.kanari", "73")

# Who reads nothing of A (their crawl must not show any of A's canaries), and who reads nothing of B either. The
# conflicted chair runs the review with the owner but declared a conflict with A: they read the panel's list (the
# canary reviewer's name and address among its members) and nothing of A's reviews.
ROLES = ("proposer", "competitor", "conflicted", "conflicted_chair", "outsider", "visitor")
NOTHING_OF_B = ("proposer", "outsider", "visitor")
ON_THE_PANEL = ("conflicted", "conflicted_chair")
A_REVIEWS = ("comment A", "panel note A", "discussion A", "decline reason A", "score A")

# Routes the crawl does not fill: each needs a token that only an email carries, and shows only that token's own
# object (an account to confirm, a password to reset, an organization's or a team's invitation, a saved search to
# stop), none of which holds anything of a review. The panel's invitation page (reviews.panel_invitation) is crawled
# with a real, unanswered invitation's token.
EMAILED_TOKEN_ROUTES = {
    "accounts.confirm",
    "accounts.reset_password",
    "orgs.invitation",
    "proposals.team_invitation",
    "alerts.unsubscribe",
}

# Queries crawled beside each route's plain URL: the search boxes with the canaries' parts, the ranking's sort, the
# review export's second part, the request form for an introduction to the challenge's government and the requests
# sent.
EXTRA_QUERIES = {
    "search.index": [{"q": query} for query in SEARCH_QUERIES],
    "api.search": [{"q": query} for query in SEARCH_QUERIES],
    "challenges.index": [{"q": query} for query in SEARCH_QUERIES],
    "reviews.solutions": [{"q": query} for query in SEARCH_QUERIES],
    "orgs.index": [{"q": query} for query in SEARCH_QUERIES],
    "orgs.marketplace": [{"q": query} for query in SEARCH_QUERIES],
    "matching.new_introduction": [{"organization": "pemkot-palembang"}],
    "matching.introductions": [{"box": "sent"}],
    "reviews.ranking": [{"sort": "calibrated"}],
    "reviews.ranking_export": [{"part": "reviews"}],
    "reviews.conflict_check": [{"email": CANARY_EMAIL}],
}


# --- the challenge and its review ------------------------------------------------------------------------------------


def _fresh_globals() -> None:
    # The services cache what they read on flask.g, as a request would; each step of the story is a request of its own.
    for name in list(g):
        g.pop(name, None)


def _review(user, assignment, comment: str, note: str, weighted: float) -> None:
    """Submit the user's complete review of the assignment through the scoring service, then give it the canary's
    weighted score (no rubric reaches such a value by chance, which is the point of it)."""
    _fresh_globals()
    criteria = list(assignment.round.challenge.criteria)
    values = scoring.ReviewInput(
        scores={criterion.id: 3 for criterion in criteria},
        comments={criterion.id: f"{comment} ({criterion.name})" for criterion in criteria},
        recommendation=Recommendation.ACCEPT,
        confidence=3,
        panel_note=note,
    )
    scoring.save_review(user, assignment, values, submit=True)
    assignment.review.weighted_score = weighted


def _post(user, challenge, proposal, body: str) -> None:
    _fresh_globals()
    view = scoring.panel_view(user, challenge, proposal.id)
    assert view is not None and view.discussion_open, user.name
    scoring.add_post(user, view, body)


def _matchmaking(db, world, proposer, competitor) -> None:
    """What the matchmaking pages show, so that the crawl reaches them filled: the organizations' references (of the
    recommendation API), a past project of the proposer and one of the challenge's government, an offer, and a request
    for an introduction from the proposer to the competitor."""
    world["gov_verified"].ref = "PEMKOT-PALEMBANG"
    world["industry"].ref = "PT-INDUSTRI"
    db.session.add_all(
        [
            PastProject(user=proposer, title="Pompa banjir Tim Alfa", year=2023),
            PastProject(organization=world["gov_verified"], title="Kanal kota", year=2022),
            Offer(
                organization=world["industry"],
                kind=OfferKind.TECHNOLOGY_OFFER,
                title="Sensor muka air",
                expires_on=offers.today() + timedelta(days=90),
            ),
            Introduction(
                requester=proposer,
                recipient_user=competitor,
                message="Tim Alfa ingin berkenalan dengan Tim Beta.",
                expires_at=clock.now() + timedelta(days=14),
            ),
        ]
    )
    db.session.flush()


@pytest.fixture
def story(app, db, world, make_challenge):
    """The challenge under review with both proposals reviewed, discussed and one assignment declined, committed;
    returns what the crawl needs. story["publish"](share) then decides the challenge and publishes its results."""
    users = world["users"]
    owner, chair, reviewer, conflicted = (users[r] for r in ("gov_admin", "chair", "reviewer", "conflicted_reviewer"))
    proposer = factories.make_user(email="ketua@tim-alfa.id", name="Ketua Tim Alfa")
    competitor = factories.make_user(email="ketua@tim-beta.id", name="Ketua Tim Beta")
    canary = factories.make_user(email=CANARY_EMAIL, name=CANARY_NAME)
    conflicted_chair = factories.make_user(email="ketua.kedua@example.id", name="Ketua Kedua Berkonflik")
    challenge = make_challenge(title="Banjir Kanal Palembang", ref="KANAL-PALEMBANG")
    # The owner's webhook hears of every proposal received (its deliveries' page is crawled too).
    webhooks.create_webhook(
        owner, challenge.owner_org, "https://93.184.215.14/goi", set(WebhookEvent), WebhookScope.OWN
    )
    proposal_a = make_submitted_proposal(db, challenge, proposer, title="Usulan Alfa")
    proposal_b = make_submitted_proposal(db, challenge, competitor, title="Usulan Beta")
    _matchmaking(db, world, proposer, competitor)
    clock.freeze(challenge.closes_at + timedelta(minutes=1))
    lifecycle.close_expired_challenges()

    members = {}
    for user, role in (
        (chair, PanelRole.CHAIR),
        (conflicted_chair, PanelRole.CHAIR),
        (reviewer, PanelRole.REVIEWER),
        (conflicted, PanelRole.REVIEWER),
    ):
        members[user.id] = panel_admin.accept(user, panel_admin.invite(owner, challenge, user.email, role, None))
    members[canary.id] = panel_admin.accept(
        canary, panel_admin.invite(owner, challenge, CANARY_EMAIL, PanelRole.REVIEWER, None)
    )
    waiting = panel_admin.invite(owner, challenge, "belum.menjawab@example.id", PanelRole.REVIEWER, None)
    conflicts.set_conflict(owner, conflicted.id, proposal_a, ConflictKind.EMPLOYMENT, "Bekerja di organisasi tim Alfa.")
    conflicts.declare(conflicted_chair, proposal_a, ConflictKind.PERSONAL, "Saudara ketua tim Alfa.")

    review_round = rounds.create_first_round(
        owner, challenge, rounds.RoundValues("Seleksi", clock.now() + timedelta(days=14), 2)
    )

    def assign(user, proposal) -> Assignment:
        return rounds.assign(owner, review_round, proposal.id, members[user.id].id)

    reviewer_a, reviewer_b = assign(reviewer, proposal_a), assign(reviewer, proposal_b)
    canary_a, conflicted_b, chair_a = (
        assign(canary, proposal_a),
        assign(conflicted, proposal_b),
        assign(chair, proposal_a),
    )
    _review(reviewer, reviewer_a, CANARIES_A["comment A"], CANARIES_A["panel note A"], A_SCORE)
    _review(canary, canary_a, CANARIES_A["comment A"], CANARIES_A["panel note A"], A_SCORE)
    _review(reviewer, reviewer_b, CANARIES_B["comment B"], CANARIES_B["panel note B"], B_SCORE)
    _review(conflicted, conflicted_b, CANARIES_B["comment B"], CANARIES_B["panel note B"], B_SCORE)
    _post(canary, challenge, proposal_a, CANARIES_A["discussion A"])
    _post(conflicted, challenge, proposal_b, CANARIES_B["discussion B"])
    _fresh_globals()
    rounds.decline(chair, chair_a, CANARIES_A["decline reason A"])
    db.session.commit()

    def publish(share: bool) -> None:
        _fresh_globals()
        decisions.save_settings(owner, challenge, decisions.SettingsValues(Blindness.OPEN, 2, 25, share))
        rounds.lock_round(owner, review_round)
        choices = [
            decisions.DecisionChoice(proposal_a.id, decisions.Decision.WINNER, "Usulan terbaik menurut panel."),
            decisions.DecisionChoice(proposal_b.id, decisions.Decision.NOT_SELECTED, "Belum memenuhi kebutuhan."),
        ]
        decisions.decide(owner, challenge, "Dua usulan dinilai.", choices)
        db.session.commit()
        _fresh_globals()

    yield {
        "challenge": challenge,
        "a": proposal_a,
        "b": proposal_b,
        "users": {
            "proposer": proposer,
            "competitor": competitor,
            "conflicted": conflicted,
            "conflicted_chair": conflicted_chair,
            "outsider": users["user"],
            "owner": owner,
            "reviewer": reviewer,
            "canary": canary,
            "chair": chair,
        },
        "invitation_token": panel_admin.invitation_token(waiting),
        "publish": publish,
    }
    clock.reset()


# --- the crawl -------------------------------------------------------------------------------------------------------


def _ids(db, model) -> list[int]:
    # A table without rows gives an id no row has: the route is still reached, and answers as for a missing one.
    return list(db.session.scalars(select(model.id).order_by(model.id))) or [0]


def _refs(db, model) -> list[str]:
    return list(db.session.scalars(select(model.ref).where(model.ref.is_not(None)).order_by(model.ref)))


def parameter_values(db, world, story) -> dict[str, list]:
    """The values of each URL parameter, by its name: the story's own objects first."""
    challenge = story["challenge"]
    assignment_ids = list(db.session.scalars(select(Assignment.id).order_by(Assignment.id)))
    return {
        "slug": [challenge.slug, world["gov_verified"].slug],
        "proposal_id": [story["a"].id, story["b"].id],
        "assignment_id": assignment_ids,
        "number": [1],
        "fmt": ["csv", "xlsx"],
        # The open datasets (goi.opendata): every one, the results and the solutions they name included.
        "dataset": list(DATASETS),
        "user_id": sorted({user.id for user in story["users"].values()}),
        "token": [story["invitation_token"]],
        "request_id": _ids(db, VerificationRequest),
        "document_id": _ids(db, ChallengeDocument),
        "attachment_id": _ids(db, ProposalAttachment),
        "code": [metro.code for metro in regions.metros()][:1],
        "figure": ["summary", "proposals", "solvers", "months"],
        "project_id": _ids(db, PastProject),
        "offer_id": _ids(db, Offer),
        "introduction_id": _ids(db, Introduction),
        "webhook_id": _ids(db, Webhook),
        # The recommendation API's references: of challenges (solvers) and of organizations (challenges, partners).
        "ref": _refs(db, Challenge) + _refs(db, Organization),
    }


def get_urls(app, values: dict[str, list]) -> list[str]:
    """Every GET URL the application answers, filled from values; fails on a route whose parameters it cannot fill."""
    adapter = app.url_map.bind("localhost")
    urls, unfilled = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/dev/"):
            continue
        if rule.endpoint in EMAILED_TOKEN_ROUTES:
            continue
        names = sorted(rule.arguments)
        missing = [name for name in names if not values.get(name)]
        if missing:
            unfilled.append(f"{rule.rule} ({', '.join(missing)})")
            continue
        for combination in itertools.product(*(values[name] for name in names)):
            path = adapter.build(rule.endpoint, dict(zip(names, combination, strict=True)))
            urls.append(path)
            urls.extend(f"{path}?{urlencode(query)}" for query in EXTRA_QUERIES.get(rule.endpoint, []))
    assert not unfilled, f"GET routes the crawl cannot fill: give their parameters values: {unfilled}"
    return list(dict.fromkeys(urls))


def body_text(response) -> str:
    """What a response shows: its text, or the text of every part of a zip file (an XLSX workbook)."""
    data = response.get_data()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8", "replace")


def crawl(app, urls: list[str], user) -> dict[str, tuple[int, str]]:
    """(status, body) of each URL as the user (None: an anonymous visitor), redirects not followed."""
    client = fresh_client(app)
    if user is not None:
        log_in(client, user)
    pages = {}
    for url in urls:
        response = client.get(url)
        pages[url] = (response.status_code, body_text(response))
    return pages


def found(canary, text: str) -> bool:
    return bool(canary.search(text)) if isinstance(canary, re.Pattern) else canary in text


def identities(story) -> dict[str, str]:
    """The names and addresses of the panel's other members: its members read them (on B's page, the panel's list)."""
    users = story["users"]
    return {
        f"{role} {part}": getattr(users[role], part)
        for role in ("reviewer", "chair", "conflicted")
        for part in ("name", "email")
    }


def forbidden_for(role: str, story) -> dict:
    """The canaries the role may not read anywhere: all of A's (on the panel: A's reviews); B's too and who is on the
    panel, outside it."""
    if role in ON_THE_PANEL:
        forbidden = {name: CANARIES_A[name] for name in A_REVIEWS}
        if role == "conflicted":
            # A reviewer reads the names of the reviewers of their own proposals only: the canary reviewer reviews A.
            forbidden |= {name: CANARIES_A[name] for name in ("reviewer name", "reviewer email")}
        return forbidden
    forbidden = CANARIES_A | identities(story)
    if role in NOTHING_OF_B:
        forbidden |= CANARIES_B
    return forbidden


def leaks_in(texts: dict[str, str], canaries: dict, allowed=frozenset()) -> list[str]:
    """'<where>: <canary>' for each canary found where it may not be ((where, canary) pairs in allowed may)."""
    return [
        f"{where}: {name}"
        for where, text in texts.items()
        for name, canary in canaries.items()
        if (where, name) not in allowed and found(canary, text)
    ]


def messages_to(db, user) -> dict[str, str]:
    """The user's notifications and emails, as text by a name that says which."""
    texts = {}
    for item in db.session.scalars(select(Notification).where(Notification.user_id == user.id)):
        texts[f"notification {item.kind} #{item.id}"] = f"{item.title}\n{item.body}\n{item.link}"
    for item in db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email)):
        texts[f"email {item.kind} #{item.id}"] = f"{item.subject}\n{item.body_text}"
    return texts


# --- the tests -------------------------------------------------------------------------------------------------------


def _owner_sees_every_canary(app, story) -> None:
    """The control: the owner's panel page of A, the review export, the assignment grid and the panel's list show A's
    canaries."""
    challenge, a = story["challenge"], story["a"]
    base = f"/challenges/{challenge.slug}/review"
    pages = crawl(
        app,
        [
            f"{base}/proposals/{a.id}",
            f"{base}/rounds/1/ranking.csv?part=reviews",
            f"{base}/rounds/1/assignments",
            f"{base}/panel",
        ],
        story["users"]["owner"],
    )
    assert all(status == 200 for status, _ in pages.values()), {url: status for url, (status, _) in pages.items()}
    shown = "\n".join(text for _, text in pages.values())
    missing = [name for name, canary in (CANARIES_A | identities(story)).items() if not found(canary, shown)]
    assert missing == []
    assert "73.19" in pages[f"{base}/rounds/1/ranking.csv?part=reviews"][1]


@pytest.mark.parametrize("stage", ["under review", "published, comments shared", "published, comments private"])
def test_no_canary_reaches_anyone_outside_the_panel(app, db, world, story, stage):
    if stage != "under review":
        story["publish"](stage == "published, comments shared")
    _owner_sees_every_canary(app, story)
    urls = get_urls(app, parameter_values(db, world, story))
    a, b = story["a"], story["b"]
    shared = stage == "published, comments shared"
    # With the comments shared, each team reads the criterion comments on its own proposal's page, and nowhere else.
    allowed = {
        "proposer": {(f"/proposals/{a.id}", "comment A")} if shared else set(),
        "competitor": {(f"/proposals/{b.id}", "comment B")} if shared else set(),
    }
    leaks = []
    for role in ROLES:
        user = story["users"].get(role)
        pages = crawl(app, urls, user)
        assert sum(status == 200 for status, _ in pages.values()) > 20, role  # the crawl reached pages
        texts = {url: text for url, (_, text) in pages.items()}
        leaks += [f"{role} {leak}" for leak in leaks_in(texts, forbidden_for(role, story), allowed.get(role, set()))]
        if user is not None:
            leaks += [f"{role} {leak}" for leak in leaks_in(messages_to(db, user), forbidden_for(role, story))]
        if role == "proposer":
            assert found(CANARIES_A["comment A"], texts[f"/proposals/{a.id}"]) is shared
        if role == "competitor":
            assert found(CANARIES_B["comment B"], texts[f"/proposals/{b.id}"]) is shared
        if role in ON_THE_PANEL and stage == "under review":
            # They read B's reviews and discussion: the crawl reaches the panel's pages as them.
            assert all(found(canary, "\n".join(texts.values())) for canary in CANARIES_B.values())
    assert leaks == []


def test_the_crawl_fails_on_a_route_it_cannot_fill(app, db, world, story):
    values = parameter_values(db, world, story)
    del values["assignment_id"]
    with pytest.raises(AssertionError, match="assignments/<int:assignment_id>"):
        get_urls(app, values)


def test_the_teams_are_told_their_outcome_without_a_canary(db, story):
    """The published results reach both teams (so the check of their messages reads real ones)."""
    story["publish"](True)
    for role in ("proposer", "competitor"):
        told = messages_to(db, story["users"][role])
        assert any("proposal_outcome" in where for where in told), role
        assert any(where.startswith("email notify_proposal_outcome") for where in told), role
        assert leaks_in(told, CANARIES_A | CANARIES_B) == []
